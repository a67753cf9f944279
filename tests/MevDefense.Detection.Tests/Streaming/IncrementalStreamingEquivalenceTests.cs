using System.Globalization;
using MevDefense.Detection.Decoding;
using MevDefense.Detection.Dex;
using MevDefense.Detection.Scenarios;
using MevDefense.Detection.Streaming;

namespace MevDefense.Detection.Tests.Streaming;

/// <summary>
/// The incremental streaming detector reports exactly what one batch run of the pipeline reports over each whole leader-run
/// window, and exactly what the previous full re-detection per batch forwarded (same detections, same completing
/// timestamps), whatever the batch split.
/// </summary>
public sealed class IncrementalStreamingEquivalenceTests
{
    private static readonly Lazy<ScenarioDataset[]> Datasets = new(() =>
    [
        // Every pattern, boosted: sandwiches of all strategies (adjacent, wide, multi-victim, cross-slot, linked wallets),
        // arbitrage, JIT, back-runs and hard negatives.
        ScenarioGenerator.Generate(new ScenarioOptions { Seed = 11, Slots = 8, SandwichesPerSlot = 3, ArbitragesPerSlot = 1, JitPerSlot = 0.6, BackrunsPerSlot = 0.8, HardNegativesPerSlot = 2 }),
        // Dense background traffic: long pool leg lists and fronts that stay open across many batches.
        ScenarioGenerator.Generate(new ScenarioOptions { Seed = 23, Slots = 8, BackgroundTransactionsPerSlot = 160, SandwichesPerSlot = 2, HardNegativesPerSlot = 1.5 }),
        ScenarioGenerator.Generate(new ScenarioOptions { Seed = 4242, Slots = 12, JitPerSlot = 0.5, BackrunsPerSlot = 0.5 }),
    ]);

    private sealed class Sink : IDetectionEventSink
    {
        public List<DetectionEvent> Events { get; } = [];

        public ValueTask OnDetectionAsync(DetectionEvent detection, CancellationToken cancellationToken = default)
        {
            Events.Add(detection);
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>Everything a detection reports except the wall-clock <see cref="DetectionEvent.DetectedAt"/>.</summary>
    private static string Project(DetectionEvent d) => string.Join('|',
        d.Kind, d.Slot, d.Front?.ToString(), d.Back?.ToString(), string.Join(',', d.Victims), string.Join(',', d.Transactions), d.Attacker?.ToString(),
        d.Pool?.ToString(), d.Confidence.ToString("R", CultureInfo.InvariantCulture), d.EstimatedVictimLoss?.ToString(CultureInfo.InvariantCulture), d.Detector);

    private static DetectionOptions Options(int variant) => variant switch
    {
        1 => new DetectionOptions { Mode = DetectionMode.Rules, CacheCapacity = 0, MaxSandwichDistance = 12 },
        2 => new DetectionOptions { Mode = DetectionMode.Rules, CacheCapacity = 0, CrossSlot = false, MinConfidence = 0.3 },
        3 => new DetectionOptions { Mode = DetectionMode.Combined, CacheCapacity = 0 }, // combined without a model = rules
        _ => new DetectionOptions { Mode = DetectionMode.Rules, CacheCapacity = 0 },
    };

    /// <summary>Feeds the dataset in random batches (each batch inside one slot); returns the forwarded detections with their timestamps.</summary>
    /// <param name="checkEveryBatch">Also check after every batch that the incremental detector's view of the window equals one batch run over it.</param>
    private static (List<DetectionEvent> Events, StreamingDetector Detector) Stream(ScenarioDataset data, DetectionOptions options, bool state, bool full, int splitSeed, int maxBatch,
        bool checkEveryBatch = false)
    {
        var sink = new Sink();
        var reference = new DetectionPipeline(options);
        var detector = new StreamingDetector(new DetectionPipeline(options), new TransactionDecoder(SwapDecoderRegistry.CreateDefault(), data.LookupTables), [sink])
        {
            AccountState = state ? data.AccountState : null,
            FullRedetect = full,
        };
        var random = new Random(splitSeed);
        long ts = 0;
        foreach (var slot in data.Slots)
        {
            var txs = slot.Transactions;
            for (var i = 0; i < txs.Count;)
            {
                var n = Math.Min(txs.Count - i, random.Next(1, maxBatch + 1));
                var batch = new List<BlockTransaction>(n);
                for (var k = 0; k < n; k++)
                {
                    batch.Add(new BlockTransaction(txs[i + k].Wire, null, null));
                }

                var result = detector.OnTransactionsAsync(slot.Slot, batch, ++ts, slot.Leader).AsTask().GetAwaiter().GetResult();
                Assert.Equal(full, !detector.Incremental);
                Assert.All(result, d => Assert.Equal(ts, d.InputReceivedTimestamp));
                if (checkEveryBatch)
                {
                    AssertSameSet(reference.Detect(detector.Window), detector.IncrementalRunner!.Current);
                }

                i += n;
            }
        }

        return (sink.Events, detector);
    }

    /// <summary>One batch run of the pipeline per leader run (aligned groups of four slots), over the whole window.</summary>
    private static List<DetectionEvent> Batch(ScenarioDataset data, DetectionOptions options, bool state)
    {
        var pipeline = new DetectionPipeline(options);
        var decoder = new TransactionDecoder(SwapDecoderRegistry.CreateDefault(), data.LookupTables);
        var all = new List<DetectionEvent>();
        foreach (var run in data.Slots.GroupBy(s => s.Slot / 4))
        {
            var window = new DetectionWindow { AccountState = state ? data.AccountState : null };
            foreach (var slot in run)
            {
                window.SetLeader(slot.Slot, slot.Leader);
                for (var i = 0; i < slot.Transactions.Count; i++)
                {
                    if (!decoder.TryDecode(slot.Transactions[i].Wire, slot.Slot, i, window.AddNew()))
                    {
                        window.RemoveLast();
                    }
                }
            }

            all.AddRange(pipeline.Detect(window));
        }

        return all;
    }

    private static void AssertSameSet(IEnumerable<DetectionEvent> expected, IEnumerable<DetectionEvent> actual)
    {
        var e = expected.Select(Project).Order(StringComparer.Ordinal).ToList();
        var a = actual.Select(Project).Order(StringComparer.Ordinal).ToList();
        var missing = e.Except(a).ToList();
        var extra = a.Except(e).ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0 && e.Count == a.Count,
            $"{e.Count} expected, {a.Count} forwarded; missing: {string.Join("; ", missing)}; extra: {string.Join("; ", extra)}");
    }

    [FsCheck.Xunit.Property(MaxTest = 24)]
    public bool OnTransactionsAsync_RandomBatchSplits_ForwardsWhatFullRedetectionForwards(int seed)
    {
        var data = Datasets.Value[(seed & int.MaxValue) % Datasets.Value.Length];
        var state = (seed & 8) == 0;
        var variant = (seed >> 4) & 3;
        var maxBatch = new[] { 1, 3, 16, 64, 200 }[((seed >> 6) & int.MaxValue) % 5];

        // After every batch the incremental view equals one batch run over the window so far.
        var (events, detector) = Stream(data, Options(variant), state, full: false, seed, maxBatch, checkEveryBatch: true);
        Assert.Equal(events.Count, events.Select(Project).Distinct().Count());
        Assert.Equal(data.TransactionCount, detector.Transactions);

        // Same detections with the same completing timestamps as the previous full re-detection per batch.
        var (old, _) = Stream(data, Options(variant), state, full: true, seed, maxBatch);
        Assert.Equal(
            old.Select(d => Project(d) + "@" + d.InputReceivedTimestamp).Order(StringComparer.Ordinal),
            events.Select(d => Project(d) + "@" + d.InputReceivedTimestamp).Order(StringComparer.Ordinal));

        // And the same set as the batch pipeline over each whole leader-run window, unless a later transaction revised an
        // earlier one's evidence (then both the old and the incremental detector forwarded the earlier verdict once).
        if (detector.Revisions == 0)
        {
            AssertSameSet(Batch(data, Options(variant), state), events);
        }

        return true;
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(0, 16)]
    [InlineData(1, 64)]
    [InlineData(1, 128)]
    [InlineData(2, 7)]
    public void OnTransactionsAsync_WithAccountState_ForwardsExactlyTheBatchDetections(int dataset, int maxBatch)
    {
        // With the account-state provider the generated traffic needs no revision: the forwarded set is exactly the batch set.
        var data = Datasets.Value[dataset];
        var (events, detector) = Stream(data, Options(0), state: true, full: false, splitSeed: dataset * 31 + maxBatch, maxBatch);
        Assert.Equal(0, detector.Revisions);
        AssertSameSet(Batch(data, Options(0), state: true), events);
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(1, true)]
    [InlineData(2, false)]
    public void OnTransactionsAsync_OneTransactionPerBatch_FindsEveryPatternKindLikeTheBatchPipeline(int dataset, bool state)
    {
        var data = Datasets.Value[dataset];
        var (events, detector) = Stream(data, Options(0), state, full: false, splitSeed: 1, maxBatch: 1, checkEveryBatch: true);
        if (detector.Revisions == 0)
        {
            AssertSameSet(Batch(data, Options(0), state), events);
        }

        Assert.Contains(events, e => e.Kind == DetectionKind.Sandwich);
        if (dataset == 0)
        {
            // The boosted dataset exercises every rule and a cross-slot sandwich.
            Assert.Contains(events, e => e.Kind == DetectionKind.Arbitrage);
            Assert.Contains(events, e => e.Kind == DetectionKind.JitLiquidity);
            Assert.Contains(events, e => e.Kind == DetectionKind.Backrun);
            Assert.Contains(data.Labels, l => l.Strategy == "cross-slot");
        }

        // Incremental: every transaction examined about once (rebuilds, if any, re-examine a window).
        Assert.True(detector.Incremental);
        Assert.Equal(0, detector.DecodeErrors);
    }

    [Fact]
    public void OnEntryBatchAsync_LoadHarnessFeed_ForwardsExactlyTheBatchAndUnscreenedDetections()
    {
        // The load harness's feed (StreamingWorkloadBenchmarks): dense background traffic, entries of 16 transactions, 8
        // entries per batch, lookup tables and account state, no leader, one reusable payload buffer. The forwarded
        // detections equal one batch run per leader-run window, and (order and completing timestamps included) those of the
        // sandwich rule without its pair filters and those of the previous full re-detection per batch.
        using var generator = new ScenarioGenerator(new ScenarioOptions { Seed = 20261124, Slots = 8, BackgroundTransactionsPerSlot = 400 });
        var data = generator.Generate();
        var batches = new List<(ulong Slot, byte[] Payload)>();
        foreach (var slot in data.Slots)
        {
            var entries = slot.Transactions.Select(t => MevDefense.Wire.Transaction.Parse(t.Wire)).Chunk(16).Select(c => new MevDefense.Wire.Entry(1, default, c)).ToList();
            foreach (var group in entries.Chunk(8))
            {
                batches.Add((slot.Slot, MevDefense.Wire.EntryWriter.Write(group)));
            }
        }

        List<string> Feed(bool filters, bool full)
        {
            var options = Options(0);
            var detector = new StreamingDetector(new DetectionPipeline(options), new TransactionDecoder(SwapDecoderRegistry.CreateDefault(), data.LookupTables))
            {
                AccountState = data.AccountState,
                FullRedetect = full,
            };
            detector.IncrementalRunner!.Sandwich!.UsePairFilters = filters;
            var buffer = new byte[batches.Max(b => b.Payload.Length)];
            var forwarded = new List<string>();
            long ts = 0;
            foreach (var (slot, payload) in batches)
            {
                Array.Clear(buffer);
                payload.CopyTo(buffer, 0);
                var result = detector.OnEntryBatchAsync(slot, buffer.AsMemory(0, payload.Length), ++ts).AsTask().GetAwaiter().GetResult();
                forwarded.AddRange(result.Select(d => Project(d) + "@" + d.InputReceivedTimestamp));
            }

            Assert.Equal(data.TransactionCount, detector.Transactions);
            Assert.Equal(0, detector.DecodeErrors + detector.MalformedBatches + detector.Revisions);
            return forwarded;
        }

        var screened = Feed(filters: true, full: false);
        Assert.Equal(Feed(filters: false, full: false), screened);
        Assert.Equal(Feed(filters: true, full: true).Order(StringComparer.Ordinal), screened.Order(StringComparer.Ordinal));
        Assert.Contains(screened, d => d.StartsWith(nameof(DetectionKind.Sandwich), StringComparison.Ordinal));

        // One batch run per leader run (aligned groups of four slots, no leaders, as fed).
        var pipeline = new DetectionPipeline(Options(0));
        var decoder = new TransactionDecoder(SwapDecoderRegistry.CreateDefault(), data.LookupTables);
        var batch = new List<DetectionEvent>();
        foreach (var run in data.Slots.GroupBy(s => s.Slot / 4))
        {
            var window = new DetectionWindow { AccountState = data.AccountState };
            foreach (var slot in run)
            {
                for (var i = 0; i < slot.Transactions.Count; i++)
                {
                    Assert.True(decoder.TryDecode(slot.Transactions[i].Wire, slot.Slot, i, window.AddNew()));
                }
            }

            batch.AddRange(pipeline.Detect(window));
        }

        Assert.Equal(batch.Select(Project).Order(StringComparer.Ordinal), screened.Select(d => d[..d.LastIndexOf('@')]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task OnTransactionsAsync_WithModelScorer_FallsBackToFullRedetection()
    {
        var data = Datasets.Value[0];
        var pipeline = new DetectionPipeline(new DetectionOptions { Mode = DetectionMode.Combined, CacheCapacity = 0 }, null, new ConstantScorer(), null, null, null, null);
        var detector = new StreamingDetector(pipeline, new TransactionDecoder(SwapDecoderRegistry.CreateDefault(), data.LookupTables));
        var slot = data.Slots[0];
        await detector.OnTransactionsAsync(slot.Slot, slot.Transactions.Select(t => new BlockTransaction(t.Wire, null, null)).ToList(), 1, slot.Leader);
        Assert.False(detector.Incremental);
    }

    [Fact]
    public async Task OnTransactionsAsync_CustomDetectors_FallBackToFullRedetection()
    {
        var data = Datasets.Value[0];
        var pipeline = new DetectionPipeline(new DetectionOptions { Mode = DetectionMode.Rules }, [new MevDefense.Detection.Rules.ArbitrageDetector(), new NoDetector()], null, null, null, null, null);
        var detector = new StreamingDetector(pipeline, new TransactionDecoder(SwapDecoderRegistry.CreateDefault(), data.LookupTables));
        var slot = data.Slots[0];
        await detector.OnTransactionsAsync(slot.Slot, slot.Transactions.Select(t => new BlockTransaction(t.Wire, null, null)).ToList(), 1, slot.Leader);
        Assert.False(detector.Incremental);
    }

    private sealed class NoDetector : IDetector
    {
        public string Name => "none";

        public void Detect(DetectionWindow window, ICollection<DetectionEvent> detections)
        {
        }
    }

    private sealed class ConstantScorer : ITransactionScorer
    {
        public string Name => "constant";

        public string? ModelVersion => "0";

        public void Score(DetectionWindow window, Span<float> probabilities) => probabilities[..(window.Count * ITransactionScorer.RoleCount)].Fill(0.2f);
    }
}
