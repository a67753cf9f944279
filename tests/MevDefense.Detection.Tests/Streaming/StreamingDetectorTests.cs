using MevDefense.Detection.Decoding;
using MevDefense.Detection.Dex;
using MevDefense.Detection.Scenarios;
using MevDefense.Detection.Streaming;
using MevDefense.Wire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace MevDefense.Detection.Tests.Streaming;

public class StreamingDetectorTests
{
    private sealed class CollectingSink : IDetectionEventSink
    {
        public List<DetectionEvent> Events { get; } = [];

        public ValueTask OnDetectionAsync(DetectionEvent detection, CancellationToken cancellationToken = default)
        {
            Events.Add(detection);
            return ValueTask.CompletedTask;
        }
    }

    private static (StreamingDetector Detector, CollectingSink Sink) Create(ScenarioDataset data)
    {
        var sink = new CollectingSink();
        var pipeline = new DetectionPipeline(new DetectionOptions { Mode = DetectionMode.Rules, CacheCapacity = 0 });
        var detector = new StreamingDetector(pipeline, new TransactionDecoder(SwapDecoderRegistry.CreateDefault(), data.LookupTables), [sink])
        {
            AccountState = data.AccountState,
        };
        return (detector, sink);
    }

    [Fact]
    public async Task OnEntryBatchAsync_GeneratedSlotsInSmallBatches_FindsLabelledSandwichesOnceEach()
    {
        using var generator = new ScenarioGenerator(new ScenarioOptions { Seed = 4242, Slots = 24 });
        var data = generator.Generate();
        var (detector, sink) = Create(data);

        long ts = 1;
        int oversized = 0;
        foreach (var slot in data.Slots)
        {
            // Several entry batches per slot, as the shred pipeline delivers them.
            foreach (var chunk in slot.Transactions.Chunk(7))
            {
                // Wire-legal transactions only (<= 1232 B): an entry can't carry anything else.
                var txs = chunk.Where(t => t.Wire.Length <= TransactionReader.MaxLegacyTransactionSize).Select(t => Transaction.Parse(t.Wire)).ToList();
                oversized += chunk.Length - txs.Count;
                var entry = new Entry(1, default, txs);
                await detector.OnEntryBatchAsync(slot.Slot, EntryWriter.Write([entry]), ts++, slot.Leader);
            }
        }

        var sandwiches = sink.Events.Where(e => e.Kind == DetectionKind.Sandwich).ToList();
        var labelled = data.Labels.Where(l => l.Kind == ScenarioPatternKind.Sandwich).ToList();
        Assert.NotEmpty(labelled);

        // Every forwarded detection is unique and carries the timestamp of the batch that completed it.
        Assert.Equal(sink.Events.Count, sink.Events.Select(e => (e.Kind, e.Front, e.Back, e.Victims.FirstOrDefault(), e.Transactions.FirstOrDefault())).Distinct().Count());
        Assert.All(sink.Events, e => Assert.InRange(e.InputReceivedTimestamp, 1, ts));

        // Streaming finds (nearly) what the labels say: each labelled sandwich's front/back pair is found.
        var found = sandwiches.Select(s => (s.Front, s.Back)).ToHashSet();
        int hits = labelled.Count(l => found.Contains((l.Front, l.Back)));
        Assert.True(hits >= labelled.Count * 0.9, $"found {hits} of {labelled.Count} labelled sandwiches");
        Assert.Equal(0, detector.DecodeErrors);
        Assert.Equal(data.TransactionCount - oversized, detector.Transactions);
    }

    [Fact]
    public async Task OnEntryBatchAsync_MalformedBatch_CountedAndIgnored()
    {
        using var generator = new ScenarioGenerator(new ScenarioOptions { Seed = 7, Slots = 1 });
        var (detector, sink) = Create(generator.Generate());
        var result = await detector.OnEntryBatchAsync(10, new byte[] { 5, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3 }, 1);
        Assert.Empty(result);
        Assert.Empty(sink.Events);
        Assert.Equal(1, detector.MalformedBatches);
    }

    [Fact]
    public async Task OnEntryBatchAsync_GrowingWindow_CountsEachDetectionOnceInMetrics()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meterFactory = services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        using var counted = new MetricCollector<long>(meterFactory, MevDefenseMeters.Detection, "defensive.detections");
        using var generator = new ScenarioGenerator(new ScenarioOptions { Seed = 99, Slots = 8, SandwichesPerSlot = 1 });
        var data = generator.Generate();
        var sink = new CollectingSink();
        var pipeline = new DetectionPipeline(new DetectionOptions { Mode = DetectionMode.Rules, CacheCapacity = 0 }, null, null, null, null, meterFactory, null);
        var detector = new StreamingDetector(pipeline, new TransactionDecoder(SwapDecoderRegistry.CreateDefault(), data.LookupTables), [sink]);
        foreach (var slot in data.Slots)
        {
            foreach (var chunk in slot.Transactions.Where(t => t.Wire.Length <= TransactionReader.MaxLegacyTransactionSize).Chunk(5))
            {
                await detector.OnEntryBatchAsync(slot.Slot, EntryWriter.Write([new Entry(1, default, chunk.Select(t => Transaction.Parse(t.Wire)).ToList())]), 1, slot.Leader);
            }
        }

        Assert.NotEmpty(sink.Events);
        Assert.Equal(sink.Events.Count, counted.GetMeasurementSnapshot().Sum(m => m.Value));
    }
}
