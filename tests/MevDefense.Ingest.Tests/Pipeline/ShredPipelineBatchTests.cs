using System.Security.Cryptography;
using FsCheck.Xunit;
using MevDefense.Crypto;
using MevDefense.Ingest.Merkle;
using MevDefense.Ingest.Pipeline;
using MevDefense.Ingest.Ring;
using MevDefense.Ingest.Shredding;
using MevDefense.Ingest.Shreds;
using MevDefense.TestUtils;

namespace MevDefense.Ingest.Tests.Pipeline;

/// <summary>
/// <see cref="ShredPipeline.ProcessBatch"/> must be indistinguishable from <see cref="ShredPipeline.Process(ReadOnlySpan{byte}, long, int)"/>
/// called per datagram: same results, same counters (per reject reason too), same observer events in the same order.
/// </summary>
public class ShredPipelineBatchTests
{
    private static readonly ShredRejectReason[] Reasons = Enum.GetValues<ShredRejectReason>();

    [FixtureFact]
    public void ProcessBatch_DemoPcap_DeshredsToDemoBinWithVerifiedSets()
    {
        var log = new EventLog();
        using var pipeline = new ShredPipeline(DemoOptions(), log);
        var demo = ShredFixtures.Demo();
        var results = new ShredProcessResult[demo.Count];
        pipeline.ProcessBatch(Batch(demo, 0, demo.Count, 1232, 0), results);

        Assert.All(results, r => Assert.Equal(ShredProcessResult.Accepted, r));
        Assert.Equal(1, pipeline.Stats.Batches);
        Assert.Equal(1280, pipeline.Stats.Transactions);
        Assert.Equal(8, pipeline.Stats.SignatureVerifications);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(ShredFixtures.DemoBin())), log.LastBatchPayloadHash);
    }

    /// <summary>The demo capture with drops, duplicates (also re-signed by another retransmitter), corrupted copies and junk,
    /// shuffled; processed one by one and in random batch sizes, verified and trusted.</summary>
    [FixtureFact]
    public void ProcessBatch_DemoPcapWithLossDuplicatesCorruption_EqualsPerShredProcess_Property()
    {
        var demo = ShredFixtures.Demo();
        var property = FsCheck.Fluent.Prop.ForAll<int>(seed =>
        {
            var rng = new Random(seed);
            var stream = Mangle(demo, rng);
            AssertEquivalent(stream, DemoOptions, rng);
            AssertEquivalent(stream, () => new ShredPipelineOptions { VerifySignatures = false, VerifyMerkleProofs = false, Rules = DemoOptions().Rules }, rng);
        });
        FsCheck.Check.One(FsCheck.Config.QuickThrowOnFailure.WithMaxTest(20), property);
    }

    /// <summary>Several generated slots (MerkleShredder, random payloads, resigned tail sets, then one legacy slot), a second validly
    /// signed version of some sets (equivocation), drops/duplicates/corruption, a small slot window so that slots are evicted in the
    /// middle of batches.</summary>
    [Property(MaxTest = 12)]
    public void ProcessBatch_GeneratedSlots_EqualsPerShredProcess(int seed) => RunGeneratedScenario(seed);

    /// <summary>The generated scenarios do exercise what the equivalence must hold for: loss recovery, duplicates, bad proofs,
    /// equivocations and evictions (summed over a few fixed seeds, from the per-shred pipelines).</summary>
    [Fact]
    public void GeneratedScenarios_CoverRecoveryDuplicatesRejectionsEquivocationsEvictions()
    {
        var totals = new long[6];
        for (int seed = 1; seed <= 6; seed++)
        {
            foreach (var stats in RunGeneratedScenario(seed))
            {
                totals[0] += stats.Recovered;
                totals[1] += stats.Duplicates;
                totals[2] += stats.GetRejected(ShredRejectReason.InvalidMerkleProof);
                totals[3] += stats.Equivocations;
                totals[4] += stats.EvictedSlots;
                totals[5] += stats.Batches;
            }
        }

        Assert.All(totals, t => Assert.True(t > 0, string.Join(",", totals)));
    }

    private static List<ShredPipelineStats> RunGeneratedScenario(int seed)
    {
        var rng = new Random(seed);
        var (stream, leaderKey, window, maxSets) = GeneratedStream(rng);
        return
        [
            AssertEquivalent(stream, () => new ShredPipelineOptions { LeaderSchedule = new StaticLeaderScheduleProvider(leaderKey), SlotWindow = window }, rng),
            AssertEquivalent(stream, () => new ShredPipelineOptions { LeaderSchedule = new StaticLeaderScheduleProvider(leaderKey), MaxInFlightFecSets = maxSets }, rng),
            AssertEquivalent(stream, () => new ShredPipelineOptions { VerifyMerkleProofs = false, LeaderSchedule = new StaticLeaderScheduleProvider(leaderKey) }, rng),
            AssertEquivalent(stream, () => new ShredPipelineOptions { VerifySignatures = false, VerifyMerkleProofs = false, SlotWindow = window }, rng),
        ];
    }

    /// <summary>Several generated slots (random payloads, resigned tail sets, sometimes a second signed version of a set), then a
    /// legacy slot, mangled; with a random small slot window and in-flight set limit.</summary>
    internal static (List<byte[]> Stream, Pubkey Leader, int Window, int MaxSets) GeneratedStream(Random rng, bool corrupt = true)
    {
        using var leader = Ed25519Keypair.FromSeed(Enumerable.Range(0, 32).Select(_ => (byte)rng.Next(256)).ToArray());
        var shredder = new MerkleShredder(leader, shredVersion: 4242);
        var shreds = new List<byte[]>();
        ulong firstSlot = 500 + (ulong)rng.Next(100);
        int slots = rng.Next(2, 6);
        for (int s = 0; s < slots; s++)
        {
            ulong slot = firstSlot + (ulong)s + (ulong)rng.Next(0, 3);
            var state = new ShredderSlotState(slot, slot - 1);
            int batches = rng.Next(1, 4);
            for (int b = 0; b < batches; b++)
            {
                var payload = new byte[rng.Next(8, 2 * MerkleShredder.ChainedSetCapacity)];
                rng.NextBytes(payload);
                shredder.Shred(state, payload, lastInSlot: b == batches - 1, referenceTick: b, shreds);
            }

            if (rng.Next(3) == 0)
            {
                // Another version of the slot's first batch: same (slot, fec_set_index), different signed root.
                var other = new List<byte[]>();
                var payload = new byte[rng.Next(8, MerkleShredder.ChainedSetCapacity)];
                rng.NextBytes(payload);
                shredder.Shred(new ShredderSlotState(slot, slot - 1), payload, lastInSlot: false, referenceTick: 0, other);
                shreds.AddRange(other.Take(rng.Next(1, 8)));
            }
        }

        // A legacy (pre-Merkle) slot after them: individually signed data and coding shreds with LegacyErasure parity.
        ulong legacySlot = firstSlot + (ulong)slots + 2 + (ulong)rng.Next(0, 2);
        var legacyBatches = Enumerable.Range(0, rng.Next(1, 3)).Select(_ => LegacyTestShredder.EntryBatch(rng, rng.Next(1, 700))).ToList();
        foreach (var set in new LegacyTestShredder(leader, 4242).ShredSlot(legacySlot, legacySlot - 1, legacyBatches, rng))
        {
            shreds.AddRange(set.Data.Select(d => rng.Next(4) == 0 ? LegacyTestShredder.Trimmed(d) : d));
            shreds.AddRange(set.Code);
        }

        var stream = Mangle(shreds, rng, corrupt);
        return (stream, leader.PublicKey, rng.Next(1, 4), rng.Next(1, 6));
    }

    [Fact]
    public void ProcessBatch_EmptyBatchAndNoResults_AreFine()
    {
        using var pipeline = new ShredPipeline(new ShredPipelineOptions());
        pipeline.ProcessBatch(new DatagramBatch([], 1232, [], [], []), []);
        var junk = new byte[2 * 1232];
        pipeline.ProcessBatch(new DatagramBatch(junk, 1232, [100, 1232], [1, 2], [0, 0]), []);
        Assert.Equal(2, pipeline.Stats.Datagrams);
        Assert.Equal(2, pipeline.Stats.Rejected);
    }

    [Fact]
    public void ProcessBatch_ResultsTooShortOrDisposed_Throws()
    {
        var pipeline = new ShredPipeline(new ShredPipelineOptions());
        var buffer = new byte[1232];
        var buffer2 = new byte[2 * 1232];
        Assert.Throws<ArgumentException>(() => pipeline.ProcessBatch(new DatagramBatch(buffer2, 1232, [10, 10], [0, 0], [0, 0]), new ShredProcessResult[1]));
        pipeline.Dispose();
        Assert.Throws<ObjectDisposedException>(() => pipeline.ProcessBatch(new DatagramBatch(buffer, 1232, [10], [0], [0]), []));
    }

    [FixtureFact]
    public void ProcessBatch_FromAnObserverCallback_Throws()
    {
        var demo = ShredFixtures.Demo();
        var observer = new ReentrantObserver();
        using var pipeline = new ShredPipeline(DemoOptions(), observer);
        observer.Pipeline = pipeline;
        var buffer = new byte[demo.Count * 1232];
        var lengths = new int[demo.Count];
        for (int i = 0; i < demo.Count; i++)
        {
            demo[i].CopyTo(buffer, i * 1232);
            lengths[i] = demo[i].Length;
        }

        pipeline.ProcessBatch(new DatagramBatch(buffer, 1232, lengths, new long[demo.Count], new int[demo.Count]), []);
        Assert.IsType<InvalidOperationException>(observer.Caught);
        Assert.Equal(1, pipeline.Stats.Batches);
    }

    [Fact]
    public void DatagramBatch_InconsistentArguments_Throw()
    {
        var buffer = new byte[100];
        Assert.Throws<ArgumentOutOfRangeException>(() => new DatagramBatch(buffer, 0, [], [], []));
        Assert.Throws<ArgumentException>(() => new DatagramBatch(buffer, 50, [10], [], [0]));
        Assert.Throws<ArgumentException>(() => new DatagramBatch(buffer, 50, [60], [0], [0]));
        Assert.Throws<ArgumentException>(() => new DatagramBatch(buffer, 50, [10, 10, 10], [0, 0, 0], [0, 0, 0]));
        var ok = new DatagramBatch(buffer, 50, [10, 50], [1, 2], [3, 4]);
        Assert.Equal(2, ok.Count);
        Assert.Equal(50, ok[1].Length);
        Assert.Equal(1, ok.Slice(1, 1).Count);
        Assert.Equal(0, ok.Slice(2, 0).Count);
        Assert.Throws<ArgumentOutOfRangeException>(() => new DatagramBatch(buffer, 50, [10, 50], [1, 2], [3, 4]).Slice(1, 2));
    }

    [FixtureFact]
    public void ProcessBatch_SteadyState_AllocatesNothingPerShred()
    {
        var demo = ShredFixtures.Demo();
        var buffer = new byte[demo.Count * 1232];
        var lengths = new int[demo.Count];
        for (int i = 0; i < demo.Count; i++)
        {
            demo[i].CopyTo(buffer, i * 1232);
            lengths[i] = demo[i].Length;
        }

        var timestamps = new long[demo.Count];
        var sources = new int[demo.Count];
        var results = new ShredProcessResult[demo.Count];
        using var pipeline = new ShredPipeline(DemoOptions());
        for (int round = 0; round < 3; round++)
        {
            pipeline.ProcessBatch(new DatagramBatch(buffer, 1232, lengths, timestamps, sources), results);
            pipeline.Flush();
        }

        // A GC during the measurement (other tests run in parallel) retires this thread's allocation context, and its unused
        // remainder (up to ~8 KB) then counts as allocated: measure again until no GC ran meanwhile.
        long allocated = -1;
        int measurements = 0;
        while (allocated < 0 && measurements < 20)
        {
            measurements++;
            int collections = GC.CollectionCount(0);
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int round = 0; round < 10; round++)
            {
                pipeline.ProcessBatch(new DatagramBatch(buffer, 1232, lengths, timestamps, sources), results);
                pipeline.Flush();
            }

            long after = GC.GetAllocatedBytesForCurrentThread();
            if (GC.CollectionCount(0) == collections)
            {
                allocated = after - before;
            }
        }

        Assert.True(allocated >= 0, "A GC ran during each of 20 measurements.");
        long perShred = allocated / (10 * demo.Count);
        Assert.True(perShred == 0, $"{allocated} bytes allocated over 10 rounds of {demo.Count} shreds ({perShred} per shred)");
        Assert.Equal(3 + (10 * measurements), pipeline.Stats.Batches);
    }

    internal static ShredPipelineOptions DemoOptions() => new()
    {
        LeaderSchedule = new StaticLeaderScheduleProvider(Pubkey.Parse(ShredFixtures.DemoLeader)),
        Rules = ShredParseRules.CurrentFormat with { ExpectedVersion = 6051 },
    };

    /// <summary>Drops some shreds, duplicates others (some with another retransmitter signature), adds corrupted copies and junk, shuffles locally.</summary>
    internal static List<byte[]> Mangle(List<byte[]> shreds, Random rng, bool corrupt = true)
    {
        var output = new List<byte[]>();
        foreach (var s in shreds)
        {
            int roll = rng.Next(100);
            if (roll < 15)
            {
                continue; // dropped
            }

            output.Add(s);
            if (roll < 30)
            {
                var copy = (byte[])s.Clone();
                if (rng.Next(2) == 0 && (s[0x40] & 0xF0) is 0xB0 or 0x70)
                {
                    copy[^1] ^= 0x5A; // another retransmitter signature on a resigned shred
                }

                output.Insert(rng.Next(Math.Max(0, output.Count - 40), output.Count + 1), copy);
            }
            else if (roll < 38 && corrupt)
            {
                var bad = (byte[])s.Clone();
                bad[rng.Next(bad.Length)] ^= (byte)(1 << rng.Next(8)); // anywhere: header, payload, proof, signature
                output.Insert(rng.Next(Math.Max(0, output.Count - 40), output.Count + 1), bad);
            }
            else if (roll < 40 && corrupt)
            {
                var junk = new byte[rng.Next(0, 1300)];
                rng.NextBytes(junk);
                output.Add(junk);
            }
            else if (roll < 42)
            {
                output.Add([.. s, .. new byte[] { 1, 2, 3, 4 }]); // repair nonce trailer
            }
        }

        // Local shuffle: swap neighbours within a small distance.
        for (int i = 0; i < output.Count; i++)
        {
            int j = Math.Min(output.Count - 1, i + rng.Next(0, 20));
            (output[i], output[j]) = (output[j], output[i]);
        }

        return output;
    }

    internal static ShredPipelineStats AssertEquivalent(List<byte[]> stream, Func<ShredPipelineOptions> options, Random rng)
    {
        var oneLog = new EventLog();
        var oneResults = new List<ShredProcessResult>();
        ShredPipelineStats oneStats;
        using (var one = new ShredPipeline(options(), oneLog))
        {
            oneStats = one.Stats;
            for (int i = 0; i < stream.Count; i++)
            {
                oneResults.Add(one.Process(stream[i], i, i % 3));
            }

            one.Flush();
            oneLog.Stats = Snapshot(one.Stats);
        }

        var batchLog = new EventLog();
        var batchResults = new List<ShredProcessResult>();
        using (var batched = new ShredPipeline(options(), batchLog))
        {
            int maxLength = Math.Max(1, stream.Max(s => s.Length));
            for (int start = 0; start < stream.Count;)
            {
                int n = Math.Min(stream.Count - start, rng.Next(4) == 0 ? rng.Next(1, 8) : rng.Next(1, 300));
                int stride = maxLength + rng.Next(0, 64);
                var results = new ShredProcessResult[n + rng.Next(0, 3)];
                batched.ProcessBatch(Batch(stream, start, n, stride, start), results);
                batchResults.AddRange(results.Take(n));
                start += n;
            }

            batched.Flush();
            batchLog.Stats = Snapshot(batched.Stats);
        }

        Assert.Equal(oneResults, batchResults);
        Assert.Equal(oneLog.Stats, batchLog.Stats);
        Assert.Equal(oneLog.Events.Count, batchLog.Events.Count);
        for (int i = 0; i < oneLog.Events.Count; i++)
        {
            Assert.Equal(oneLog.Events[i], batchLog.Events[i]);
        }

        return oneStats;
    }

    internal static DatagramBatch Batch(List<byte[]> stream, int start, int count, int stride, long firstTimestamp)
    {
        var buffer = new byte[count * stride];
        var lengths = new int[count];
        var timestamps = new long[count];
        var sources = new int[count];
        var filler = new Random(count);
        filler.NextBytes(buffer); // bytes between datagrams must not matter
        for (int i = 0; i < count; i++)
        {
            var d = stream[start + i];
            d.CopyTo(buffer, i * stride);
            lengths[i] = d.Length;
            timestamps[i] = firstTimestamp + i;
            sources[i] = (int)((firstTimestamp + i) % 3);
        }

        return new DatagramBatch(buffer, stride, lengths, timestamps, sources);
    }

    internal static string Snapshot(ShredPipelineStats s)
        => string.Join(",", new[]
        {
            s.Datagrams, s.Accepted, s.Duplicates, s.Rejected, s.FecSets, s.FecSetsCompleted, s.Recovered, s.RecoveryFailures,
            s.SignatureVerifications, s.Equivocations, s.Batches, s.BatchDecodeErrors, s.Entries, s.Transactions, s.EvictedSlots, s.EvictedIncompleteFecSets,
            s.CodingShredsNotVerified,
        }.Concat(Reasons.Select(s.GetRejected)));

    /// <summary>Every observer event, in order, as text.</summary>
    internal sealed class EventLog : IShredPipelineObserver
    {
        public List<string> Events { get; } = [];

        public string Stats { get; set; } = "";

        public string LastBatchPayloadHash { get; private set; } = "";

        public void OnEntryBatch(in EntryBatch batch)
        {
            LastBatchPayloadHash = Convert.ToHexStringLower(SHA256.HashData(batch.Payload));
            Events.Add($"batch {batch.Slot} {batch.FirstShredIndex}-{batch.LastShredIndex} e{batch.EntryCount} t{batch.TransactionCount} {batch.IsDecoded} "
                + $"{batch.IsLastInSlot} {batch.FirstReceiveTimestamp}-{batch.LastReceiveTimestamp} {LastBatchPayloadHash}");
        }

        public List<FecSetResult> FecSets { get; } = [];

        public void OnFecSet(in FecSetResult result)
        {
            FecSets.Add(result);
            Events.Add("fec " + result);
        }

        public void OnEquivocation(in ShredEquivocation equivocation) => Events.Add("equivocation " + equivocation);

        public void OnShredRecovered(ulong slot, uint index, bool isData, ReadOnlySpan<byte> shred)
            => Events.Add($"recovered {slot} {index} {isData} {Convert.ToHexStringLower(SHA256.HashData(shred))}");
    }

    private sealed class ReentrantObserver : IShredPipelineObserver
    {
        public ShredPipeline? Pipeline { get; set; }

        public Exception? Caught { get; private set; }

        public void OnEntryBatch(in EntryBatch batch)
        {
            try
            {
                Pipeline!.ProcessBatch(new DatagramBatch(new byte[10], 10, [10], [0], [0]), []);
            }
            catch (InvalidOperationException e)
            {
                Caught = e;
            }
        }

        public void OnFecSet(in FecSetResult result)
        {
        }

        public void OnEquivocation(in ShredEquivocation equivocation)
        {
        }

        public void OnShredRecovered(ulong slot, uint index, bool isData, ReadOnlySpan<byte> shred)
        {
        }
    }
}
