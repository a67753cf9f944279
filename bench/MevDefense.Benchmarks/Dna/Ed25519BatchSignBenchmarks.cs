using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;
using MevDefense.Dna;
using MevDefense.Dna.Internal.Ed25519;

namespace MevDefense.Benchmarks.Dna;

/// <summary>Ed25519 signing of 32-byte record hashes: NSec one at a time vs the 8-lane AVX-512 batch signer, per signature.</summary>
public class Ed25519BatchSignBenchmarks
{
    private DnaSigner _signer = null!;
    private byte[] _messages = [];
    private byte[] _signatures = [];
    private FieldElement8 _a;
    private FieldElement8 _b;

    [GlobalSetup]
    public void Setup()
    {
        _signer = DnaSigner.FromSeed([.. Enumerable.Range(1, 32).Select(i => (byte)i)]);
        _messages = new byte[512 * 32];
        new Random(7).NextBytes(_messages);
        _signatures = new byte[512 * 64];
        Span<ulong> limbs = stackalloc ulong[10];
        FieldElement8.ToLimbs((System.Numerics.BigInteger.One << 254) - 12345, limbs);
        FieldElement8.Broadcast(ref _a, limbs);
        FieldElement8.ToLimbs((System.Numerics.BigInteger.One << 253) + 999, limbs);
        FieldElement8.Broadcast(ref _b, limbs);
    }

    [GlobalCleanup]
    public void Cleanup() => _signer.Dispose();

    /// <summary>100 dependent 8-lane field multiplications (per-multiplication figure = result / 100).</summary>
    [Benchmark(OperationsPerInvoke = 100)]
    public ulong FieldMul8()
    {
        FieldElement8 a = _a;
        for (int i = 0; i < 100; i++)
        {
            FieldElement8.Mul(ref a, a, _b);
        }

        return a.L0.GetElement(0);
    }

    /// <summary>100 dependent 8-lane field squarings.</summary>
    [Benchmark(OperationsPerInvoke = 100)]
    public ulong FieldSquare8()
    {
        FieldElement8 a = _a;
        for (int i = 0; i < 100; i++)
        {
            FieldElement8.Square(ref a, a);
        }

        return a.L0.GetElement(0);
    }

    /// <summary>One NSec signature of a 32-byte message.</summary>
    [Benchmark]
    public void NSecSign() => _signer.Sign(_messages.AsSpan(0, 32), _signatures.AsSpan(0, 64));
}
