using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using MevDefense.Dna.Internal;

namespace MevDefense.Benchmarks.Dna;

/// <summary>One RFC 6962 interior node, SHA-256(0x01 ‖ left ‖ right): the 2-block <c>SHA256_Transform</c> path against OpenSSL's
/// <c>SHA256_Init/Update/Final</c> over a 65-byte buffer (the previous path) and the BCL one-shot.</summary>
[MemoryDiagnoser]
public class Sha256NodeBenchmarks
{
    private readonly byte[] _input = new byte[65];
    private readonly byte[] _output = new byte[32];

    [GlobalSetup]
    public void Setup()
    {
        new Random(1).NextBytes(_input);
        _input[0] = 1;
    }

    [Benchmark]
    public byte TwoBlockTransform()
    {
        LibCryptoSha256.HashNode(_input.AsSpan(1, 32), _input.AsSpan(33, 32), _output);
        return _output[0];
    }

    [Benchmark(Baseline = true)]
    public byte InitUpdateFinal()
    {
        LibCryptoSha256.Hash(_input, _output);
        return _output[0];
    }

    [Benchmark]
    public byte BclOneShot()
    {
        SHA256.HashData(_input, _output);
        return _output[0];
    }
}
