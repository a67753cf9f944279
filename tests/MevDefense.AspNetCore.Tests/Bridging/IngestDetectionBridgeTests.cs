using MevDefense.AspNetCore.Bridging;
using MevDefense.Detection;
using MevDefense.Detection.Scenarios;
using MevDefense.Ingest.Pipeline;
using MevDefense.Ingest.ShredStream;
using MevDefense.Wire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace MevDefense.AspNetCore.Tests.Bridging;

public class IngestDetectionBridgeTests
{
    private sealed class CollectingSink : IDetectionEventSink
    {
        public List<DetectionEvent> Events { get; } = [];

        public TaskCompletionSource Got { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ValueTask OnDetectionAsync(DetectionEvent detection, CancellationToken cancellationToken = default)
        {
            lock (Events)
            {
                Events.Add(detection);
            }

            Got.TrySetResult();
            return ValueTask.CompletedTask;
        }
    }

    private sealed class ThrowingSink : IDetectionEventSink
    {
        public ValueTask OnDetectionAsync(DetectionEvent detection, CancellationToken cancellationToken = default)
            => throw new InvalidOperationException("sink down");
    }

    /// <summary>A sink whose deliveries stay pending until the gate opens (like ledger appends waiting for their sync).</summary>
    private sealed class GatedSink : IDetectionEventSink
    {
        public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<DetectionEvent> Started { get; } = [];

        public int Finished;

        public bool FailAfterGate { get; init; }

        public async ValueTask OnDetectionAsync(DetectionEvent detection, CancellationToken cancellationToken = default)
        {
            lock (Started)
            {
                Started.Add(detection);
            }

            await Gate.Task.ConfigureAwait(false);
            Interlocked.Increment(ref Finished);
            if (FailAfterGate)
            {
                throw new IOException("append failed");
            }
        }
    }

    private static IEnumerable<(ulong Slot, byte[] Entries)> SandwichBatches(int seed, int slots)
    {
        using var generator = new ScenarioGenerator(new ScenarioOptions { Seed = seed, Slots = slots, SandwichesPerSlot = 2 });
        var data = generator.Generate();
        foreach (var slot in data.Slots)
        {
            var txs = slot.Transactions.Where(t => t.Wire.Length <= TransactionReader.MaxLegacyTransactionSize).Select(t => Transaction.Parse(t.Wire)).ToList();
            yield return (slot.Slot, EntryWriter.Write([new Entry(1, default, txs)]));
        }
    }

    private static int Count(List<DetectionEvent> events)
    {
        lock (events)
        {
            return events.Count;
        }
    }

    [Fact]
    public async Task PendingSinkDeliveries_DoNotHoldUpDetection_AndArriveInDetectionOrder_AndStopWaitsForThem()
    {
        var ordered = new CollectingSink();
        var gated = new GatedSink();
        var bridge = new IngestDetectionBridge(new DetectionPipeline(new DetectionOptions { Mode = DetectionMode.Rules }), Detection.Dex.SwapDecoderRegistry.CreateDefault(), [ordered, gated]);
        await bridge.StartAsync(CancellationToken.None);
        var batches = SandwichBatches(seed: 17, slots: 8).ToList();

        // The detections these batches give (a detector of its own, same options): the bridge must deliver exactly these.
        var reference = new Detection.Streaming.StreamingDetector(
            new DetectionPipeline(new DetectionOptions { Mode = DetectionMode.Rules }),
            new Detection.Decoding.TransactionDecoder(Detection.Dex.SwapDecoderRegistry.CreateDefault(), null));
        int expected = 0;
        foreach (var (slot, entries) in batches)
        {
            expected += (await reference.OnEntryBatchAsync(slot, entries, 7)).Count;
        }

        Assert.True(expected >= 2, $"the workload gives {expected} detections");
        foreach (var (slot, entries) in batches)
        {
            bridge.OnEntryBatch(slot, entries, 7, 0);
        }

        // Every detection reaches the gated sink although none of its deliveries has completed: detection did not wait. (Wait for
        // all of them: the consumer may still be working on the last batch when the first ones have arrived.)
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (bridge.Detector.Detections < expected || Count(gated.Started) < expected || Count(ordered.Events) < expected)
        {
            Assert.True(DateTime.UtcNow < deadline, $"detections {bridge.Detector.Detections}, started {gated.Started.Count}");
            await Task.Delay(10);
        }

        Assert.Equal(0, gated.Finished);
        lock (gated.Started)
        {
            Assert.Equal(ordered.Events, gated.Started); // same events, same order as the synchronous sink saw them
        }

        var stop = bridge.StopAsync(CancellationToken.None);
        await Task.Delay(50);
        Assert.False(stop.IsCompleted); // stopping waits for the deliveries still running
        gated.Gate.SetResult();
        await stop.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(gated.Started.Count, Volatile.Read(ref gated.Finished));
        Assert.Equal(0, bridge.SinkFailures);
    }

    [Fact]
    public async Task SinkFailingAfterDetectionMovedOn_IsCountedAndDoesNotStopTheBridge()
    {
        var gated = new GatedSink { FailAfterGate = true };
        var bridge = new IngestDetectionBridge(new DetectionPipeline(new DetectionOptions { Mode = DetectionMode.Rules }), Detection.Dex.SwapDecoderRegistry.CreateDefault(), [gated]);
        await bridge.StartAsync(CancellationToken.None);
        foreach (var (slot, entries) in SandwichBatches(seed: 23, slots: 4))
        {
            bridge.OnEntryBatch(slot, entries, 7, 0);
        }

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (bridge.Detector.Detections == 0 || Count(gated.Started) < bridge.Detector.Detections)
        {
            Assert.True(DateTime.UtcNow < deadline);
            await Task.Delay(10);
        }

        gated.Gate.SetResult();
        await bridge.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(gated.Started.Count, bridge.SinkFailures);
    }

    [Fact]
    public void AddIngestDetection_NullBuilder_Throws()
    {
        Assert.Throws<ArgumentNullException>("builder", () => IngestDetectionMevDefenseBuilderExtensions.AddIngestDetection(null!));
    }

    [Fact]
    public async Task AddIngestDetection_EntryBatchesFromShredStreamSink_ReachEveryDetectionSinkOnce()
    {
        var sink = new CollectingSink();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IDetectionEventSink>(sink);
        services.AddSingleton<IDetectionEventSink>(new ThrowingSink());
        services.AddMevDefense().AddDetection(o => o.Mode = DetectionMode.Rules).AddIngestDetection().AddIngestDetection();
        await using var provider = services.BuildServiceProvider();

        var bridge = provider.GetRequiredService<IngestDetectionBridge>();
        Assert.Same(bridge, provider.GetRequiredService<IShredPipelineObserver>());
        Assert.Same(bridge, provider.GetRequiredService<IEntryBatchSink>());
        var hosted = provider.GetServices<IHostedService>().ToList();
        Assert.Single(hosted, h => h.GetType().Name == "IngestDetectionHostedService");

        foreach (var h in hosted)
        {
            await h.StartAsync(CancellationToken.None);
        }

        using var generator = new ScenarioGenerator(new ScenarioOptions { Seed = 11, Slots = 8, SandwichesPerSlot = 1 });
        var data = generator.Generate();
        foreach (var slot in data.Slots)
        {
            var txs = slot.Transactions.Where(t => t.Wire.Length <= TransactionReader.MaxLegacyTransactionSize).Select(t => Transaction.Parse(t.Wire)).ToList();
            bridge.OnEntryBatch(slot.Slot, EntryWriter.Write([new Entry(1, default, txs)]), 42, 0);
        }

        await sink.Got.Task.WaitAsync(TimeSpan.FromSeconds(30));
        foreach (var h in hosted)
        {
            await h.StopAsync(CancellationToken.None);
        }

        Assert.Contains(sink.Events, e => e.Kind == DetectionKind.Sandwich);
        Assert.All(sink.Events, e => Assert.Equal(42, e.InputReceivedTimestamp));
        Assert.True(bridge.SinkFailures > 0); // the throwing sink is isolated and counted
        Assert.Equal(0, bridge.Dropped);
    }
}
