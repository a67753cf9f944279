using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using MevDefense.Ingest.Merkle;
using MevDefense.Ingest.Pipeline;
using MevDefense.Ingest.Shreds;
using MevDefense.Ingest.Transport;
using MevDefense.TestUtils;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using static MevDefense.Ingest.Tests.Pipeline.ShredPipelineBatchTests;

namespace MevDefense.Ingest.Tests.Pipeline;

/// <summary>
/// <see cref="ShredPipelineOptions.LazyCodingShredVerification"/>: coding shreds of a set whose geometry is verified are held
/// unverified and hashed only when recovery needs them. What the pipeline emits (entry batches, recovered shreds, equivocations,
/// FEC set outcomes) must be what eager verification emits; only the accounting of coding shreds differs (deferred ones are
/// counted as not verified instead of accepted, and a corrupted coding shred that is never needed is released instead of rejected).
/// </summary>
public class LazyCodingVerificationTests
{
    private static ShredPipelineOptions Lazy(ShredPipelineOptions o)
    {
        o.LazyCodingShredVerification = true;
        return o;
    }

    private static bool IsCode(byte[] shred) => ShredParser.TryRead(shred, out var h, out _) && !h.IsData;

    private static (int Set, int Pos) Where(byte[] shred)
    {
        Assert.True(ShredParser.TryRead(shred, out var h, out _));
        return ((int)h.FecSetIndex, h.IsData ? (int)(h.Index - h.FecSetIndex) : h.Position);
    }

    [FixtureFact]
    public void DemoPcap_NoLoss_VerifiesOneCodingShredPerSetAndReleasesTheRest()
    {
        var demo = ShredFixtures.Demo();
        var log = new EventLog();
        using var pipeline = new ShredPipeline(Lazy(DemoOptions()), log);
        var results = new ShredProcessResult[demo.Count];
        pipeline.ProcessBatch(Batch(demo, 0, demo.Count, 1232, 0), results);
        pipeline.Flush();

        for (int i = 0; i < demo.Count; i++)
        {
            var (_, pos) = Where(demo[i]);
            var expected = IsCode(demo[i]) && pos > 0 ? ShredProcessResult.Deferred : ShredProcessResult.Accepted; // coding 0: the set's geometry
            Assert.Equal(expected, results[i]);
        }

        Assert.Equal(1280, pipeline.Stats.Transactions);
        Assert.Equal(8, pipeline.Stats.SignatureVerifications);
        Assert.Equal(256 + 8, pipeline.Stats.Accepted);
        Assert.Equal(8 * 31, pipeline.Stats.CodingShredsNotVerified);
        Assert.Equal(0, pipeline.Stats.Rejected);
        Assert.Equal(8, log.FecSets.Count);
        Assert.All(log.FecSets, f => Assert.True(f.Complete && f.SignatureValid == true && f.DataShreds == 32 && f.CodeShreds == 1 && f.UnverifiedCodeShreds == 31, f.ToString()));
        Assert.Equal(0, pipeline.InFlightFecSets);

        // Per datagram, the same.
        using var one = new ShredPipeline(Lazy(DemoOptions()));
        Assert.Equal(results, demo.Select(s => one.Process(s, 0, 0)).ToArray());
    }

    [FixtureFact]
    public void NotVerifiedCodingShreds_AreCountedInTheMetric()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var factory = services.GetRequiredService<IMeterFactory>();
        using var notVerified = new MetricCollector<long>(factory, MevDefenseMeters.Ingest, "defensive.ingest.shreds.coding_not_verified");
        using var pipeline = new ShredPipeline(Lazy(DemoOptions()), meterFactory: factory);
        foreach (var s in ShredFixtures.Demo())
        {
            pipeline.Process(s, 0, 0);
        }

        pipeline.Flush();
        Assert.Equal(8 * 31, notVerified.GetMeasurementSnapshot().Sum(m => m.Value));
        Assert.Equal(pipeline.Stats.CodingShredsNotVerified, notVerified.GetMeasurementSnapshot().Sum(m => m.Value));
    }

    /// <summary>Set 0 loses data shreds 0..3 and coding shred 2 arrives corrupted (in its shard): the held coding shreds are verified
    /// when the set has enough of them, the corrupted one is rejected as on arrival, recovery waits for one more and succeeds.</summary>
    [FixtureFact]
    public void CorruptedCodingShredNeededForRecovery_IsRejectedAsWithEagerVerification()
    {
        var stream = new List<byte[]>();
        foreach (var s in ShredFixtures.Demo())
        {
            var (set, pos) = Where(s);
            bool code = IsCode(s);
            if (set == 0 && !code && pos < 4)
            {
                continue;
            }

            if (set == 0 && code && pos == 2)
            {
                var bad = (byte[])s.Clone();
                bad[0x100] ^= 0x10;
                stream.Add(bad);
                continue;
            }

            stream.Add(s);
        }

        var eager = Run(stream, DemoOptions(), out var eagerStats, out var eagerResults);
        var lazy = Run(stream, Lazy(DemoOptions()), out var lazyStats, out var lazyResults, out var lazySets);
        Assert.Equal(eager.Where(e => !e.StartsWith("fec", StringComparison.Ordinal)), lazy.Where(e => !e.StartsWith("fec", StringComparison.Ordinal)));
        Assert.Equal(1, eagerStats.GetRejected(ShredRejectReason.InvalidMerkleProof));
        Assert.Equal(1, lazyStats.GetRejected(ShredRejectReason.InvalidMerkleProof));
        Assert.Equal(4, lazyStats.Recovered);
        Assert.Equal(1280, lazyStats.Transactions);

        int corruptAt = stream.FindIndex(s => IsCode(s) && Where(s) == (0, 2));
        Assert.Equal(ShredProcessResult.Rejected, eagerResults[corruptAt]);
        Assert.Equal(ShredProcessResult.Deferred, lazyResults[corruptAt]); // found out when needed, one shred later

        // Set 0 in lazy mode: coding 0 (geometry) and 1, 3, 4 verified for the recovery; 5..31 arrived after completion.
        var set0 = lazySets.Single(f => f.FecSetIndex == 0);
        Assert.Equal((4, 27, 4), (set0.CodeShreds, set0.UnverifiedCodeShreds, set0.Recovered));
    }

    [FixtureFact]
    public void CorruptedCodingShredNeverNeeded_IsReleasedUnhashedNotRejected()
    {
        var stream = ShredFixtures.Demo().Select(s =>
        {
            if (IsCode(s) && Where(s) == (0, 7))
            {
                var bad = (byte[])s.Clone();
                bad[0x100] ^= 0x10;
                return bad;
            }

            return s;
        }).ToList();

        var eager = Run(stream, DemoOptions(), out var eagerStats, out _);
        var lazy = Run(stream, Lazy(DemoOptions()), out var lazyStats, out _);
        Assert.Equal(eager.Where(e => !e.StartsWith("fec", StringComparison.Ordinal)), lazy.Where(e => !e.StartsWith("fec", StringComparison.Ordinal)));
        Assert.Equal(1, eagerStats.GetRejected(ShredRejectReason.InvalidMerkleProof));
        Assert.Equal(0, lazyStats.Rejected);
        Assert.Equal(8 * 31, lazyStats.CodingShredsNotVerified);
    }

    /// <summary>A held (unverified) coding shred and another copy with different bytes: the held one is verified at once; if bad it is
    /// rejected and the new copy takes its place, if good the new copy is a duplicate — as eager verification decides.</summary>
    [FixtureFact]
    public void CopyWithDifferentBytes_OfAHeldCodingShred_IsResolvedAsWithEagerVerification()
    {
        var set0 = ShredFixtures.Demo().Where(s => Where(s).Set == 0).ToList();
        var data = set0.Where(s => !IsCode(s) && Where(s).Pos < 16).ToList();
        var code = set0.Where(IsCode).ToList();
        var bad1 = (byte[])code[1].Clone();
        bad1[0x200] ^= 1;
        var bad3 = (byte[])code[3].Clone();
        bad3[0x200] ^= 1;

        // 16 data, coding 0 (geometry), bad 1, good 1, good 3, bad 3, then coding 4..16: recovery at coding 16.
        List<byte[]> stream = [.. data, code[0], bad1, code[1], code[3], bad3, .. code.Skip(4).Take(13)];
        var eager = Run(stream, DemoOptions(), out var eagerStats, out var eagerResults);
        var lazy = Run(stream, Lazy(DemoOptions()), out var lazyStats, out var lazyResults);
        Assert.Equal(eager.Where(e => !e.StartsWith("fec", StringComparison.Ordinal)), lazy.Where(e => !e.StartsWith("fec", StringComparison.Ordinal)));
        Assert.Equal(
            [ShredProcessResult.Rejected, ShredProcessResult.Accepted, ShredProcessResult.Accepted, ShredProcessResult.Duplicate],
            eagerResults.Skip(17).Take(4));
        Assert.Equal(
            [ShredProcessResult.Deferred, ShredProcessResult.Deferred, ShredProcessResult.Deferred, ShredProcessResult.Duplicate],
            lazyResults.Skip(17).Take(4));
        Assert.Equal(1, lazyStats.GetRejected(ShredRejectReason.InvalidMerkleProof));
        Assert.Equal(eagerStats.Accepted, lazyStats.Accepted);
        Assert.Equal(16, lazyStats.Recovered);
        Assert.Equal(0, lazyStats.CodingShredsNotVerified);
    }

    /// <summary>Random drops, duplicates and shuffles of the demo capture (no corruption): lazy and eager verification emit the same
    /// events, and every coding shred eager verification accepted is either accepted or counted as not verified.</summary>
    [FixtureFact]
    public void DemoPcapWithLossAndDuplicates_LazyEqualsEager_Property()
    {
        var demo = ShredFixtures.Demo();
        var property = FsCheck.Fluent.Prop.ForAll<int>(seed =>
        {
            var rng = new Random(seed);
            var stream = Mangle(demo, rng, corrupt: false);
            AssertLazyEqualsEager(stream, DemoOptions, rng, corrupted: false);
        });
        FsCheck.Check.One(FsCheck.Config.QuickThrowOnFailure.WithMaxTest(25), property);
    }

    /// <summary>As above with corrupted copies and junk: the emitted batches, recoveries, equivocations and FEC set outcomes are still
    /// the same; lazy ProcessBatch also equals lazy per-datagram Process.</summary>
    [FixtureFact]
    public void DemoPcapWithCorruption_LazyEqualsEager_Property()
    {
        var demo = ShredFixtures.Demo();
        var property = FsCheck.Fluent.Prop.ForAll<int>(seed =>
        {
            var rng = new Random(seed);
            var stream = Mangle(demo, rng);
            AssertLazyEqualsEager(stream, DemoOptions, rng, corrupted: true);
            AssertEquivalent(stream, () => Lazy(DemoOptions()), rng);
        });
        FsCheck.Check.One(FsCheck.Config.QuickThrowOnFailure.WithMaxTest(25), property);
    }

    /// <summary>Generated slots with equivocating versions, resigned sets, a legacy slot, small windows (evictions mid-set) and random
    /// loss/duplicates/corruption: lazy equals eager, and lazy batch equals lazy per-datagram.</summary>
    [FsCheck.Xunit.Property(MaxTest = 12)]
    public void GeneratedSlots_LazyEqualsEager(int seed, bool corrupt)
    {
        var rng = new Random(seed);
        var (stream, leader, window, maxSets) = GeneratedStream(rng, corrupt);
        AssertLazyEqualsEager(stream, () => new ShredPipelineOptions { LeaderSchedule = new StaticLeaderScheduleProvider(leader), SlotWindow = window }, rng, corrupt);
        AssertLazyEqualsEager(stream, () => new ShredPipelineOptions { LeaderSchedule = new StaticLeaderScheduleProvider(leader), MaxInFlightFecSets = maxSets }, rng, corrupt);
        AssertLazyEqualsEager(stream, () => new ShredPipelineOptions { VerifySignatures = false, SlotWindow = window }, rng, corrupt);
        AssertEquivalent(stream, () => Lazy(new ShredPipelineOptions { LeaderSchedule = new StaticLeaderScheduleProvider(leader), SlotWindow = window }), rng);
    }

    /// <summary>The properties above do exercise deferral, held shreds verified for recovery, corrupted held shreds and equivocation.</summary>
    [Fact]
    public void GeneratedScenarios_LazyMode_CoverDeferralRecoveryRejectionEquivocation()
    {
        var totals = new long[5];
        for (int seed = 1; seed <= 6; seed++)
        {
            var rng = new Random(seed);
            var (stream, leader, window, _) = GeneratedStream(rng);
            Run(stream, Lazy(new ShredPipelineOptions { LeaderSchedule = new StaticLeaderScheduleProvider(leader), SlotWindow = window }), out var stats, out var results);
            totals[0] += stats.CodingShredsNotVerified;
            totals[1] += stats.Recovered;
            totals[2] += stats.GetRejected(ShredRejectReason.InvalidMerkleProof);
            totals[3] += stats.Equivocations;
            totals[4] += results.Count(r => r == ShredProcessResult.Deferred) - stats.CodingShredsNotVerified; // deferred, then verified or rejected
        }

        Assert.All(totals, t => Assert.True(t > 0, string.Join(",", totals)));
    }

    /// <summary>With lazy verification and a forwarder, only accepted shreds are forwarded: every forwarded datagram verifies on its own in
    /// a fresh eager pipeline (Merkle proof to a root signed by the leader), none of the deferred coding shreds is sent.</summary>
    [FixtureFact]
    public void Forwarder_NeverSendsAnUnverifiedShred_Property()
    {
        var demo = ShredFixtures.Demo();
        using var consumer = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveBufferSize = 4 << 20 };
        consumer.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        consumer.ReceiveTimeout = 20_000;
        var forwardOptions = new ShredForwarderOptions();
        forwardOptions.Destinations.Add((IPEndPoint)consumer.LocalEndPoint!);
        using var forwarder = new ShredForwarder(forwardOptions);
        var property = FsCheck.Fluent.Prop.ForAll<int>(seed =>
        {
            var rng = new Random(seed);
            var stream = Mangle(demo, rng);
            using var pipeline = new ShredPipeline(Lazy(DemoOptions()));
            var sink = new ShredPipelineSink(pipeline, forwarder);
            long sentBefore = forwarder.Sent;
            var received = new List<byte[]>();
            var buffer = new byte[2048];
            for (int start = 0; start < stream.Count;)
            {
                int n = Math.Min(stream.Count - start, rng.Next(1, 300));
                sink.OnDatagrams(Batch(stream, start, n, 1300, start));
                start += n;
                while (received.Count < forwarder.Sent - sentBefore)
                {
                    received.Add(buffer.AsSpan(0, consumer.Receive(buffer)).ToArray());
                }
            }

            pipeline.Flush();
            Assert.Equal(sink.Accepted, received.Count);
            Assert.True(pipeline.Stats.Accepted >= sink.Accepted); // plus held coding shreds verified later for recovery (never forwarded)
            Assert.True(sink.Deferred > 0);
            using var check = new ShredPipeline(DemoOptions());
            foreach (var d in received)
            {
                Assert.Equal(ShredProcessResult.Accepted, check.Process(d, 0, 0));
                check.Flush(); // next datagram alone again: its own proof to its own root, signature checked (or found in the verified cache)
            }
        });
        FsCheck.Check.One(FsCheck.Config.QuickThrowOnFailure.WithMaxTest(6), property);
    }

    /// <summary>Source selection with lazy verification: wins and losses come from data shreds (and verified coding shreds' wins) only, so
    /// that a source is not charged for coding-shred races whose first delivery could not be scored.</summary>
    [FixtureTheory]
    [InlineData(false, 256 + 256, 256 + 256)]
    [InlineData(true, 256 + 8, 256)]
    public void Selector_LearnsFromScoredRacesOnly(bool lazy, int wins, int losses)
    {
        var demo = ShredFixtures.Demo();
        var options = DemoOptions();
        options.LazyCodingShredVerification = lazy;
        using var pipeline = new ShredPipeline(options);
        var selector = new MevDefense.Ingest.Selection.SourceSelector(new MevDefense.Ingest.Selection.SourceSelectorOptions { DecayFactor = 1.0 });
        selector.Register(1, "first");
        selector.Register(2, "second");
        var sink = new ShredPipelineSink(pipeline, selector: selector);
        foreach (var s in demo)
        {
            sink.OnDatagram(s, 0, 1);
        }

        foreach (var s in demo)
        {
            sink.OnDatagram(s, 0, 2);
        }

        var estimates = selector.Snapshot();
        var first = estimates.Single(e => e.SourceId == 1);
        var second = estimates.Single(e => e.SourceId == 2);
        Assert.Equal(((double)wins, 0.0), (first.Alpha - 1, first.Beta - 1));
        Assert.Equal((0.0, (double)losses), (second.Alpha - 1, second.Beta - 1));
        Assert.Equal(lazy ? 248 : 0, sink.Deferred);
    }

    [Fact]
    public void TrustedFeed_LazyOptionHasNoEffect()
    {
        var rng = new Random(5);
        var (stream, _, _, _) = GeneratedStream(rng);
        var a = Run(stream, new ShredPipelineOptions { VerifyMerkleProofs = false, VerifySignatures = false }, out var sa, out var ra);
        var b = Run(stream, Lazy(new ShredPipelineOptions { VerifyMerkleProofs = false, VerifySignatures = false }), out var sb, out var rb);
        Assert.Equal(a, b);
        Assert.Equal(ra, rb);
        Assert.Equal(Snapshot(sa), Snapshot(sb));
    }

    private static List<string> Run(List<byte[]> stream, ShredPipelineOptions options, out ShredPipelineStats stats, out List<ShredProcessResult> results)
        => Run(stream, options, out stats, out results, out _);

    /// <summary>Runs a stream through ProcessBatch in batches of 100; returns the observer events in order.</summary>
    private static List<string> Run(
        List<byte[]> stream, ShredPipelineOptions options, out ShredPipelineStats stats, out List<ShredProcessResult> results, out List<FecSetResult> fecSets)
    {
        var log = new EventLog();
        results = [];
        using var pipeline = new ShredPipeline(options, log);
        for (int start = 0; start < stream.Count; start += 100)
        {
            int n = Math.Min(100, stream.Count - start);
            var r = new ShredProcessResult[n];
            pipeline.ProcessBatch(Batch(stream, start, n, 1300, start), r);
            results.AddRange(r);
        }

        pipeline.Flush();
        stats = pipeline.Stats;
        fecSets = log.FecSets;
        return log.Events;
    }

    /// <summary>Eager per-datagram Process vs lazy ProcessBatch (random batch sizes) over the same stream.</summary>
    private static void AssertLazyEqualsEager(List<byte[]> stream, Func<ShredPipelineOptions> options, Random rng, bool corrupted)
    {
        var eagerLog = new EventLog();
        var eagerResults = new List<ShredProcessResult>();
        using var eager = new ShredPipeline(options(), eagerLog);
        for (int i = 0; i < stream.Count; i++)
        {
            eagerResults.Add(eager.Process(stream[i], i, i % 3));
        }

        eager.Flush();

        var lazyLog = new EventLog();
        var lazyResults = new List<ShredProcessResult>();
        using var lazy = new ShredPipeline(Lazy(options()), lazyLog);
        for (int start = 0; start < stream.Count;)
        {
            int n = Math.Min(stream.Count - start, rng.Next(1, 300));
            var r = new ShredProcessResult[n];
            lazy.ProcessBatch(Batch(stream, start, n, 1300, start), r);
            lazyResults.AddRange(r);
            start += n;
        }

        lazy.Flush();

        // Everything the pipeline emits, in order, except the per-set coding counts.
        static string Neutral(string e) => e.StartsWith("fec", StringComparison.Ordinal) ? e[..e.IndexOf("CodeShreds", StringComparison.Ordinal)] : e;
        Assert.Equal(eagerLog.Events.Select(Neutral), lazyLog.Events.Select(Neutral));
        Assert.Equal(eagerLog.FecSets.Count, lazyLog.FecSets.Count);
        for (int i = 0; i < eagerLog.FecSets.Count; i++)
        {
            var (e, l) = (eagerLog.FecSets[i], lazyLog.FecSets[i]);
            Assert.Equal(e with { CodeShreds = 0 }, l with { CodeShreds = 0, UnverifiedCodeShreds = 0 });
            Assert.True(l.CodeShreds <= e.CodeShreds && e.CodeShreds <= l.CodeShreds + l.UnverifiedCodeShreds, $"{e} / {l}");
            if (!corrupted)
            {
                Assert.Equal(e.CodeShreds, l.CodeShreds + l.UnverifiedCodeShreds);
            }
        }

        var (es, ls) = (eager.Stats, lazy.Stats);
        Assert.Equal(
            (es.Datagrams, es.FecSets, es.FecSetsCompleted, es.Recovered, es.RecoveryFailures, es.SignatureVerifications, es.Equivocations),
            (ls.Datagrams, ls.FecSets, ls.FecSetsCompleted, ls.Recovered, ls.RecoveryFailures, ls.SignatureVerifications, ls.Equivocations));
        Assert.Equal(
            (es.Batches, es.BatchDecodeErrors, es.Entries, es.Transactions, es.EvictedSlots, es.EvictedIncompleteFecSets),
            (ls.Batches, ls.BatchDecodeErrors, ls.Entries, ls.Transactions, ls.EvictedSlots, ls.EvictedIncompleteFecSets));
        Assert.Equal(0, es.CodingShredsNotVerified);
        Assert.Equal(lazyLog.FecSets.Sum(f => (long)f.UnverifiedCodeShreds), ls.CodingShredsNotVerified);
        Assert.Equal(
            lazyResults.Count(r => r == ShredProcessResult.Deferred),
            ls.CodingShredsNotVerified + (ls.Accepted - lazyResults.Count(r => r == ShredProcessResult.Accepted))
                + (ls.Rejected - lazyResults.Count(r => r == ShredProcessResult.Rejected)));
        if (!corrupted)
        {
            Assert.Equal(es.Accepted, ls.Accepted + ls.CodingShredsNotVerified);
            Assert.Equal(es.Duplicates, ls.Duplicates);
            foreach (var reason in Enum.GetValues<ShredRejectReason>())
            {
                Assert.Equal(es.GetRejected(reason), ls.GetRejected(reason));
            }

            for (int i = 0; i < stream.Count; i++)
            {
                Assert.Equal(eagerResults[i], lazyResults[i] == ShredProcessResult.Deferred ? ShredProcessResult.Accepted : lazyResults[i]);
            }
        }
    }
}
