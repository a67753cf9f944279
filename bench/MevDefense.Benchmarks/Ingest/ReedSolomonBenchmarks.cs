using BenchmarkDotNet.Attributes;
using MevDefense.Ingest.Fec;

namespace MevDefense.Benchmarks.Ingest;

/// <summary>
/// RS(32,32) over 987-byte shards (one current FEC set): encode, decode of 16 lost data shards, and decode of 16 lost data +
/// 16 lost parity shards (both rebuilt, as the pipeline does and as Firedancer's "even erased" case measures).
/// </summary>
/// <remarks>Min and Median columns: on the shared 2-core machine preemption inflates the mean; with short iterations
/// (<c>--iterationTime 20 --iterationCount 30</c>) the minimum is the figure least affected by other load.</remarks>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class ReedSolomonBenchmarks
{
    private const int ShardLength = 987;
    private ReedSolomon _rs = null!;
    private ReadOnlyMemory<byte>[] _data = [];
    private Memory<byte>[] _parity = [];
    private Memory<byte>[] _shards = [];
    private bool[] _present = [];
    private bool[] _presentHalf = [];

    /// <summary>
    /// Gets or sets the GF(2^8) multiply path: Gfni (register-blocked AVX-512 affine kernel), GfniRows (the previous row-by-row
    /// affine path, kept as the same-run baseline), Avx2 (register-blocked nibble PSHUFB kernel), Avx2Rows (row-by-row nibble
    /// path, its baseline), Scalar (table).
    /// </summary>
    [Params("Gfni", "GfniRows", "Avx2", "Avx2Rows", "Scalar")]
    public string Path { get; set; } = "Gfni";

    [GlobalSetup]
    public void Setup()
    {
        _rs = new ReedSolomon(32, 32) { UseVector = Path != "Scalar", UseGfni = Path is "Gfni" or "GfniRows", UseBlockedKernel = Path is "Gfni" or "Avx2" };
        var rng = new Random(1);
        var data = Enumerable.Range(0, 32).Select(_ => { var b = new byte[ShardLength]; rng.NextBytes(b); return b; }).ToArray();
        _data = [.. data.Select(b => (ReadOnlyMemory<byte>)b)];
        _parity = [.. Enumerable.Range(0, 32).Select(_ => (Memory<byte>)new byte[ShardLength])];
        _rs.Encode(_data, _parity, ShardLength);
        _shards = [.. data.Select(b => (Memory<byte>)(byte[])b.Clone()), .. _parity.Select(p => (Memory<byte>)p.ToArray())];
        _present = [.. Enumerable.Range(0, 64).Select(i => i >= 16)];
        _presentHalf = [.. Enumerable.Range(0, 64).Select(i => i % 2 == 0)];
    }

    [Benchmark]
    public void Encode32x32() => _rs.Encode(_data, _parity, ShardLength);

    /// <summary>16 data shards lost; the decode matrix for the pattern is cached after the first call.</summary>
    [Benchmark]
    public bool Reconstruct16Data() => _rs.TryReconstruct(_shards, _present, ShardLength, recoverParity: false);

    /// <summary>Every odd shard lost (16 data + 16 parity); data rebuilt from the cached decode matrix, then the parity re-encoded.</summary>
    [Benchmark]
    public bool Reconstruct16Data16Parity() => _rs.TryReconstruct(_shards, _presentHalf, ShardLength, recoverParity: true);
}
