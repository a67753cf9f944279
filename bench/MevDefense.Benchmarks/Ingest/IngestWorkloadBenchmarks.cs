using BenchmarkDotNet.Attributes;
using MevDefense.Crypto;
using MevDefense.Detection.Scenarios;
using MevDefense.Ingest.Merkle;
using MevDefense.Ingest.Pipeline;
using MevDefense.Ingest.Ring;
using MevDefense.Ingest.Shredding;
using MevDefense.Wire;

namespace MevDefense.Benchmarks.Ingest;

/// <summary>
/// <see cref="ShredPipeline.ProcessBatch"/> over the load harness's exact workload (bench/MevDefense.LoadTest/Workload.cs: seed 20261124,
/// 200 slots × 400 background transactions, 16 transactions per entry, 8 entries per batch; 113,344 shreds in 32:32 chained Merkle
/// FEC sets sent data then coding), laid out like a receive ring (1,232-byte slots) and handed over in ring drains of 256, with the
/// harness's pipeline options (the workload's leader, verified Merkle proofs and signatures, lazy coding-shred verification) and an
/// observer that only counts: the ingest cost per shred, without detection. Mean is per shred.
/// </summary>
/// <remarks>
/// <see cref="HarnessPass"/> is one load-harness pass: a new pipeline per pass, as the harness creates one per pass (its pools, slot
/// states and the leader's precomputed verification table are built during the pass). <see cref="HarnessPassWarm"/> first runs a new
/// pipeline over the same workload shifted 300 slots lower (not timed), then times the pass: pools and the leader's table are
/// warm, as in a long-running host. Both sign with the workload's one leader key.
/// </remarks>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class IngestWorkloadBenchmarks
{
    /// <summary>Shreds in the workload (checked in setup).</summary>
    public const int Shreds = 113_344;

    private byte[] _slab = [];
    private int[] _lengths = [];
    private long[] _timestamps = [];
    private int[] _sources = [];
    private byte[] _warmSlab = [];
    private Pubkey _leader;
    private ShredPipeline? _warm;
    private readonly CountingObserver _observer = new();

    [GlobalSetup]
    public void Setup()
    {
        var (sets, leader) = CreateWorkload(20261124, 200, 400, transactionsPerEntry: 16, entriesPerBatch: 8, [300, 0]);
        if (sets[1].Count != Shreds)
        {
            throw new InvalidOperationException($"The workload has {sets[1].Count} shreds, expected {Shreds}.");
        }

        _leader = leader;
        (_warmSlab, _) = Slab(sets[0]);
        (_slab, _lengths) = Slab(sets[1]);

        _timestamps = new long[DatagramRing.DefaultBatchSize];
        _sources = new int[DatagramRing.DefaultBatchSize];
    }

    /// <summary>Gets the counters of the last pipeline a benchmark method ran (for checking that a pass accepted what it should).</summary>
    public ShredPipelineStats? LastStats { get; private set; }

    [GlobalCleanup]
    public void Cleanup() => _warm?.Dispose();

    /// <summary>Creates the pipeline the load harness uses.</summary>
    public ShredPipeline CreatePipeline(IShredPipelineObserver? observer) => new(
        new ShredPipelineOptions
        {
            LeaderSchedule = new StaticLeaderScheduleProvider(_leader),
            LazyCodingShredVerification = true,
        },
        observer);

    /// <summary>One load-harness pass: a new pipeline, every shred in ring drains of 256, then Flush.</summary>
    [Benchmark(OperationsPerInvoke = Shreds)]
    public long HarnessPass()
    {
        using var pipeline = CreatePipeline(_observer);
        Feed(pipeline, _slab);
        pipeline.Flush();
        LastStats = pipeline.Stats;
        return pipeline.Stats.Transactions;
    }

    /// <summary>One pass through a pipeline that has already processed the workload shifted 300 slots lower (warm pools, leader table built).</summary>
    [Benchmark(OperationsPerInvoke = Shreds)]
    public long HarnessPassWarm()
    {
        var pipeline = _warm!;
        long before = pipeline.Stats.Transactions;
        Feed(pipeline, _slab);
        pipeline.Flush();
        LastStats = pipeline.Stats;
        return pipeline.Stats.Transactions - before;
    }

    /// <summary>Before each <see cref="HarnessPassWarm"/> iteration: a new pipeline warmed on the shifted workload.</summary>
    [IterationSetup(Target = nameof(HarnessPassWarm))]
    public void WarmIteration()
    {
        _warm?.Dispose();
        _warm = CreatePipeline(_observer);
        Feed(_warm, _warmSlab);
    }

    /// <summary>Feeds the whole slab in ring drains of 256.</summary>
    public void Feed(ShredPipeline pipeline, byte[] slab)
    {
        const int batch = DatagramRing.DefaultBatchSize;
        for (int i = 0; i < _lengths.Length; i += batch)
        {
            int count = Math.Min(batch, _lengths.Length - i);
            pipeline.ProcessBatch(
                new DatagramBatch(
                    slab.AsSpan(i * DatagramRing.SlotSize, ((count - 1) * DatagramRing.SlotSize) + _lengths[i + count - 1]),
                    DatagramRing.SlotSize,
                    _lengths.AsSpan(i, count),
                    _timestamps.AsSpan(0, count),
                    _sources.AsSpan(0, count)),
                default);
        }
    }

    /// <summary>Lays datagrams out like a <see cref="DatagramRing"/> slab.</summary>
    public static (byte[] Slab, int[] Lengths) Slab(List<byte[]> shreds)
    {
        var slab = new byte[shreds.Count * DatagramRing.SlotSize];
        var lengths = new int[shreds.Count];
        for (int i = 0; i < shreds.Count; i++)
        {
            shreds[i].CopyTo(slab, i * DatagramRing.SlotSize);
            lengths[i] = shreds[i].Length;
        }

        return (slab, lengths);
    }

    /// <summary>The load harness's workload (same generator calls as bench/MevDefense.LoadTest/Workload.cs), shredded once per entry of
    /// <paramref name="slotsBelow"/> with every slot number lowered by that amount (0 = the harness's exact shreds).</summary>
    public static (List<byte[]>[] Shreds, Pubkey Leader) CreateWorkload(int seed, int slots, int transactionsPerSlot, int transactionsPerEntry, int entriesPerBatch, ulong[] slotsBelow)
    {
        using var generator = new ScenarioGenerator(new ScenarioOptions { Seed = seed, Slots = slots, BackgroundTransactionsPerSlot = transactionsPerSlot });
        var data = generator.Generate();
        using var leader = Ed25519Keypair.FromSeed(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(seed)));
        var result = new List<byte[]>[slotsBelow.Length];
        for (int k = 0; k < slotsBelow.Length; k++)
        {
            result[k] = Shred(data, leader, transactionsPerEntry, entriesPerBatch, slotsBelow[k]);
        }

        return (result, leader.PublicKey);
    }

    private static List<byte[]> Shred(ScenarioDataset data, Ed25519Keypair leader, int transactionsPerEntry, int entriesPerBatch, ulong below)
    {
        var shredder = new MerkleShredder(leader, shredVersion: 50093);
        var shreds = new List<byte[]>();
        var parentRoot = default(Hash);
        ulong parent = data.Slots.Count > 0 ? data.Slots[0].Slot - 1 - below : 0;
        foreach (var slot in data.Slots)
        {
            var state = new ShredderSlotState(slot.Slot - below, parent, parentRoot);
            var txs = slot.Transactions.Where(t => t.Wire.Length <= TransactionReader.MaxLegacyTransactionSize).Select(t => Transaction.Parse(t.Wire)).ToList();
            var entries = txs.Chunk(transactionsPerEntry).Select((c, i) => new Entry(1, default, c)).ToList();
            var groups = entries.Chunk(entriesPerBatch).ToList();
            if (groups.Count == 0)
            {
                groups.Add([new Entry(1, default, [])]);
            }

            for (int g = 0; g < groups.Count; g++)
            {
                shredder.Shred(state, EntryWriter.Write(groups[g]), lastInSlot: g == groups.Count - 1, referenceTick: Math.Min(63, g), shreds);
            }

            parentRoot = state.ChainedMerkleRoot;
            parent = slot.Slot - below;
        }

        return shreds;
    }

    /// <summary>Counts what the pipeline hands out (no detection).</summary>
    private sealed class CountingObserver : IShredPipelineObserver
    {
        public long Batches;
        public long Transactions;
        public long Bytes;

        public void OnEntryBatch(in MevDefense.Ingest.Pipeline.EntryBatch batch)
        {
            Batches++;
            Transactions += batch.TransactionCount;
            Bytes += batch.Payload.Length;
        }

        public void OnFecSet(in FecSetResult result)
        {
        }

        public void OnEquivocation(in ShredEquivocation equivocation)
        {
        }
    }
}
