using BenchmarkDotNet.Attributes;
using MevDefense.Ingest.Fec;

namespace MevDefense.Benchmarks.Ingest;

/// <summary>RS(32,32) over 987-byte shards (one current FEC set): encode, and decode of 16 lost data shards.</summary>
[MemoryDiagnoser]
public class ReedSolomonBenchmarks
{
    private const int ShardLength = 987;
    private ReedSolomon _rs = null!;
    private ReadOnlyMemory<byte>[] _data = [];
    private Memory<byte>[] _parity = [];
    private Memory<byte>[] _shards = [];
    private bool[] _present = [];

    /// <summary>Gets or sets the GF(2^8) multiply path: Scalar (table), Avx2 (nibble PSHUFB), Gfni (affine).</summary>
    [Params("Gfni", "Avx2", "Scalar")]
    public string Path { get; set; } = "Gfni";

    [GlobalSetup]
    public void Setup()
    {
        _rs = new ReedSolomon(32, 32) { UseVector = Path != "Scalar", UseGfni = Path == "Gfni" };
        var rng = new Random(1);
        var data = Enumerable.Range(0, 32).Select(_ => { var b = new byte[ShardLength]; rng.NextBytes(b); return b; }).ToArray();
        _data = [.. data.Select(b => (ReadOnlyMemory<byte>)b)];
        _parity = [.. Enumerable.Range(0, 32).Select(_ => (Memory<byte>)new byte[ShardLength])];
        _rs.Encode(_data, _parity, ShardLength);
        _shards = [.. data.Select(b => (Memory<byte>)(byte[])b.Clone()), .. _parity.Select(p => (Memory<byte>)p.ToArray())];
        _present = [.. Enumerable.Range(0, 64).Select(i => i >= 16)];
    }

    [Benchmark]
    public void Encode32x32() => _rs.Encode(_data, _parity, ShardLength);

    /// <summary>16 data shards lost; the decode matrix for the pattern is cached after the first call.</summary>
    [Benchmark]
    public bool Reconstruct16Data() => _rs.TryReconstruct(_shards, _present, ShardLength, recoverParity: false);
}
