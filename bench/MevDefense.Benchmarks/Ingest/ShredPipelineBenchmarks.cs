using BenchmarkDotNet.Attributes;
using MevDefense.Ingest.Merkle;
using MevDefense.Ingest.Pipeline;
using MevDefense.Ingest.Ring;
using MevDefense.Ingest.Shreds;

namespace MevDefense.Benchmarks.Ingest;

/// <summary>
/// Shred pipeline throughput on the 512 shreds of demo-shreds.pcap (8 FEC sets, one 1,280-transaction batch).
/// Every benchmark processes 512 datagrams per invocation (OperationsPerInvoke = 512), so Mean is per shred.
/// </summary>
/// <remarks>Min and median columns: on a shared machine, run with many short iterations (e.g. <c>--iterationCount 30 --iterationTime 50</c>)
/// and compare minima, which the load inflates least.</remarks>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class ShredPipelineBenchmarks
{
    private const int Shreds = 512;
    private byte[][] _shreds = [];
    private byte[][] _lossy = [];
    private ShredPipeline _dedup = null!;
    private ShredPipeline _full = null!;
    private ShredPipeline _trusted = null!;
    private ShredPipeline _recovery = null!;
    private ShredPipeline _fullBatch = null!;
    private ShredPipeline _trustedBatch = null!;
    private ShredPipeline _freshBatch = null!;
    private ShredPipeline _lazyBatch = null!;
    private ShredPipeline _lazyFreshBatch = null!;
    private ShredPipeline _lossyBatch = null!;
    private ShredPipeline _lossyLazyBatch = null!;
    private ShredPipeline _smallBatch = null!;
    private ShredPipeline _smallLazyBatch = null!;
    private byte[] _slab = [];
    private int[] _lengths = [];
    private byte[] _lossySlab = [];
    private int[] _lossyLengths = [];
    private long[] _timestamps = [];
    private int[] _sources = [];
    private ShredProcessResult[] _results = [];

    [GlobalSetup]
    public void Setup()
    {
        _shreds = [.. ShredBenchmarkData.LoadDemo()];

        // Lossy input: of each FEC set keep 16 data and 16 coding shreds (worst case: 16 data shreds recovered per set).
        _lossy = [.. _shreds.Where(s => ShredParser.TryRead(s, out var h, out _) && (h.IsData ? (h.Index - h.FecSetIndex) % 2 == 0 : h.Position % 2 == 0))];
        var leader = new StaticLeaderScheduleProvider(Pubkey.Parse(ShredBenchmarkData.DemoLeader));
        _dedup = new ShredPipeline(new ShredPipelineOptions { LeaderSchedule = leader });
        foreach (var s in _shreds)
        {
            _dedup.Process(s, 0, 0);
        }

        _full = new ShredPipeline(new ShredPipelineOptions { LeaderSchedule = leader });
        _trusted = new ShredPipeline(new ShredPipelineOptions { VerifySignatures = false, VerifyMerkleProofs = false });
        _recovery = new ShredPipeline(new ShredPipelineOptions { LeaderSchedule = leader });
        _fullBatch = new ShredPipeline(new ShredPipelineOptions { LeaderSchedule = leader });
        _trustedBatch = new ShredPipeline(new ShredPipelineOptions { VerifySignatures = false, VerifyMerkleProofs = false });
        _freshBatch = new ShredPipeline(new ShredPipelineOptions { LeaderSchedule = leader });
        _lazyBatch = new ShredPipeline(new ShredPipelineOptions { LeaderSchedule = leader, LazyCodingShredVerification = true });
        _lazyFreshBatch = new ShredPipeline(new ShredPipelineOptions { LeaderSchedule = leader, LazyCodingShredVerification = true });
        _lossyBatch = new ShredPipeline(new ShredPipelineOptions { LeaderSchedule = leader });
        _lossyLazyBatch = new ShredPipeline(new ShredPipelineOptions { LeaderSchedule = leader, LazyCodingShredVerification = true });
        _smallBatch = new ShredPipeline(new ShredPipelineOptions { LeaderSchedule = leader });
        _smallLazyBatch = new ShredPipeline(new ShredPipelineOptions { LeaderSchedule = leader, LazyCodingShredVerification = true });

        // The datagrams laid out like a DatagramRing slab (1,232-byte slots), drained in batches of 256.
        (_slab, _lengths) = Slab(_shreds);
        (_lossySlab, _lossyLengths) = Slab(_lossy);
        _timestamps = new long[_shreds.Length];
        _sources = new int[_shreds.Length];
        _results = new ShredProcessResult[DatagramRing.DefaultBatchSize];
    }

    private static (byte[] Slab, int[] Lengths) Slab(byte[][] shreds)
    {
        var slab = new byte[shreds.Length * DatagramRing.SlotSize];
        var lengths = new int[shreds.Length];
        for (int i = 0; i < shreds.Length; i++)
        {
            shreds[i].CopyTo(slab, i * DatagramRing.SlotSize);
            lengths[i] = shreds[i].Length;
        }

        return (slab, lengths);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _dedup.Dispose();
        _full.Dispose();
        _trusted.Dispose();
        _recovery.Dispose();
        _fullBatch.Dispose();
        _trustedBatch.Dispose();
        _freshBatch.Dispose();
        _lazyBatch.Dispose();
        _lazyFreshBatch.Dispose();
        _lossyBatch.Dispose();
        _lossyLazyBatch.Dispose();
        _smallBatch.Dispose();
        _smallLazyBatch.Dispose();
    }

    /// <summary>Header parse + sanity rules only.</summary>
    [Benchmark(OperationsPerInvoke = Shreds)]
    public int ParseHeader()
    {
        int n = 0;
        foreach (var s in _shreds)
        {
            if (ShredParser.TryRead(s, out var h, out _))
            {
                n += (int)h.Index;
            }
        }

        return n;
    }

    /// <summary>Header parse + dedup: every shred is already held, so each one is parsed, looked up and dropped as a duplicate.</summary>
    [Benchmark(OperationsPerInvoke = Shreds)]
    public long ParseAndDedup()
    {
        foreach (var s in _shreds)
        {
            _dedup.Process(s, 0, 1);
        }

        return _dedup.Stats.Duplicates;
    }

    /// <summary>Full pipeline: parse, dedup, Merkle proof (verified-node cache), leader Ed25519 once per set, FEC bookkeeping, deshred
    /// and entry/transaction decoding of the 1,280-transaction batch; then the slot is retired (pooled state reused).</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Shreds)]
    public long FullPipelineVerified()
    {
        foreach (var s in _shreds)
        {
            _full.Process(s, 0, 0);
        }

        _full.Flush();
        return _full.Stats.Transactions;
    }

    /// <summary>Full pipeline for a trusted feed: Merkle and signature checks off.</summary>
    [Benchmark(OperationsPerInvoke = Shreds)]
    public long FullPipelineTrusted()
    {
        foreach (var s in _shreds)
        {
            _trusted.Process(s, 0, 0);
        }

        _trusted.Flush();
        return _trusted.Stats.Transactions;
    }

    /// <summary>Same as <see cref="FullPipelineVerified"/> through <see cref="ShredPipeline.ProcessBatch"/> in ring-sized batches of 256:
    /// the Merkle leaves of each batch are hashed together by the multi-buffer SHA-256.</summary>
    [Benchmark(OperationsPerInvoke = Shreds)]
    public long FullPipelineVerifiedBatch()
    {
        RunBatches(_fullBatch);
        return _fullBatch.Stats.Transactions;
    }

    /// <summary>As <see cref="FullPipelineVerifiedBatch"/> with the leader-signature cache cleared after every pass, so each of the
    /// 8 FEC sets costs its Ed25519 verification again, as fresh data from the network does (the other rows re-process the same
    /// sets and find their signatures cached).</summary>
    [Benchmark(OperationsPerInvoke = Shreds)]
    public long FullPipelineVerifiedBatchFreshSignatures()
    {
        RunBatches(_freshBatch);
        _freshBatch.ClearSignatureCache();
        return _freshBatch.Stats.Transactions;
    }

    /// <summary>As <see cref="FullPipelineVerifiedBatch"/> with <see cref="ShredPipelineOptions.LazyCodingShredVerification"/>: per set, the
    /// first coding shred is verified (the set's geometry) and the other 31, arriving after the data completed the set, are released
    /// unhashed. Everything emitted is the same as eager verification.</summary>
    [Benchmark(OperationsPerInvoke = Shreds)]
    public long FullPipelineVerifiedBatchLazy()
    {
        RunBatches(_lazyBatch);
        return _lazyBatch.Stats.Transactions;
    }

    /// <summary>As <see cref="FullPipelineVerifiedBatchFreshSignatures"/> with lazy coding verification (one Ed25519 check per set per pass).</summary>
    [Benchmark(OperationsPerInvoke = Shreds)]
    public long FullPipelineVerifiedBatchLazyFreshSignatures()
    {
        RunBatches(_lazyFreshBatch);
        _lazyFreshBatch.ClearSignatureCache();
        return _lazyFreshBatch.Stats.Transactions;
    }

    /// <summary>As <see cref="FullPipelineVerifiedBatch"/> in ring drains of 8 datagrams (a lightly loaded feed: the consumer finds a few
    /// shreds per drain), so most shreds' sets are already held when their batch is hashed.</summary>
    [Benchmark(OperationsPerInvoke = Shreds)]
    public long FullPipelineVerifiedBatchOf8()
    {
        RunBatches(_smallBatch, _slab, _lengths, 8);
        return _smallBatch.Stats.Transactions;
    }

    /// <summary>As <see cref="FullPipelineVerifiedBatchOf8"/> with lazy coding verification.</summary>
    [Benchmark(OperationsPerInvoke = Shreds)]
    public long FullPipelineVerifiedBatchOf8Lazy()
    {
        RunBatches(_smallLazyBatch, _slab, _lengths, 8);
        return _smallLazyBatch.Stats.Transactions;
    }

    /// <summary>As <see cref="FullPipelineHalfLost"/> through <see cref="ShredPipeline.ProcessBatch"/> (batches of 256), eager verification.
    /// Per received shred.</summary>
    [Benchmark(OperationsPerInvoke = Shreds / 2)]
    public long FullPipelineHalfLostBatch()
    {
        RunBatches(_lossyBatch, _lossySlab, _lossyLengths);
        return _lossyBatch.Stats.Recovered;
    }

    /// <summary>As <see cref="FullPipelineHalfLostBatch"/> with lazy coding verification: every held coding shred is needed for the recovery,
    /// so all are verified (together, when the set has enough) — the worst case for lazy verification.</summary>
    [Benchmark(OperationsPerInvoke = Shreds / 2)]
    public long FullPipelineHalfLostBatchLazy()
    {
        RunBatches(_lossyLazyBatch, _lossySlab, _lossyLengths);
        return _lossyLazyBatch.Stats.Recovered;
    }

    /// <summary>Same as <see cref="FullPipelineTrusted"/> through <see cref="ShredPipeline.ProcessBatch"/> in batches of 256.</summary>
    [Benchmark(OperationsPerInvoke = Shreds)]
    public long FullPipelineTrustedBatch()
    {
        RunBatches(_trustedBatch);
        return _trustedBatch.Stats.Transactions;
    }

    /// <summary>Half of every FEC set lost (16 data + 16 coding kept): Reed–Solomon recovery of 128 data shreds, rebuilt-root check,
    /// deshred. Per received shred (256 per invocation).</summary>
    [Benchmark(OperationsPerInvoke = Shreds / 2)]
    public long FullPipelineHalfLost()
    {
        foreach (var s in _lossy)
        {
            _recovery.Process(s, 0, 0);
        }

        _recovery.Flush();
        return _recovery.Stats.Recovered;
    }

    private void RunBatches(ShredPipeline pipeline) => RunBatches(pipeline, _slab, _lengths);

    private void RunBatches(ShredPipeline pipeline, byte[] slab, int[] lengths, int batch = DatagramRing.DefaultBatchSize)
    {
        for (int start = 0; start < lengths.Length; start += batch)
        {
            int n = Math.Min(batch, lengths.Length - start);
            pipeline.ProcessBatch(
                new DatagramBatch(slab.AsSpan(start * DatagramRing.SlotSize, n * DatagramRing.SlotSize), DatagramRing.SlotSize, lengths.AsSpan(start, n), _timestamps.AsSpan(start, n), _sources.AsSpan(start, n)),
                _results);
        }

        pipeline.Flush();
    }
}
