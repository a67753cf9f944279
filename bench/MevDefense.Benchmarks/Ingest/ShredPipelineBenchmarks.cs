using BenchmarkDotNet.Attributes;
using MevDefense.Ingest.Merkle;
using MevDefense.Ingest.Pipeline;
using MevDefense.Ingest.Shreds;

namespace MevDefense.Benchmarks.Ingest;

/// <summary>
/// Shred pipeline throughput on the 512 shreds of demo-shreds.pcap (8 FEC sets, one 1,280-transaction batch).
/// Every benchmark processes 512 datagrams per invocation (OperationsPerInvoke = 512), so Mean is per shred.
/// </summary>
[MemoryDiagnoser]
public class ShredPipelineBenchmarks
{
    private const int Shreds = 512;
    private byte[][] _shreds = [];
    private byte[][] _lossy = [];
    private ShredPipeline _dedup = null!;
    private ShredPipeline _full = null!;
    private ShredPipeline _trusted = null!;
    private ShredPipeline _recovery = null!;

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
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _dedup.Dispose();
        _full.Dispose();
        _trusted.Dispose();
        _recovery.Dispose();
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
}
