using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;

namespace MevDefense.Benchmarks.Dna;

/// <summary>
/// The record chain hash input size (~600 B): the <c>Blake3</c> package's one-shot <c>Hasher.Hash</c> (what <c>DnaChain</c> uses)
/// against its incremental hasher, with SHA-256 one-shot (BCL) as a reference point.
/// </summary>
[MemoryDiagnoser]
public class Blake3RecordHashBenchmarks
{
    private readonly byte[] _input = new byte[600];
    private readonly byte[] _output = new byte[32];

    [GlobalSetup]
    public void Setup() => new Random(1).NextBytes(_input);

    [Benchmark(Baseline = true)]
    public byte Blake3OneShot()
    {
        Blake3.Hasher.Hash(_input, _output);
        return _output[0];
    }

    [Benchmark]
    public byte Blake3Incremental()
    {
        using var hasher = Blake3.Hasher.New();
        hasher.Update(_input);
        hasher.Finalize(_output.AsSpan());
        return _output[0];
    }

    [Benchmark]
    public byte Sha256OneShot()
    {
        SHA256.HashData(_input, _output);
        return _output[0];
    }
}
