using BenchmarkDotNet.Attributes;
using MevDefense.Ingest.Merkle;
using MevDefense.Ingest.Merkle.Internal.Ed25519;
using NSec.Cryptography;

namespace MevDefense.Benchmarks.Ingest;

/// <summary>
/// One leader signature over a 32-byte FEC-set Merkle root, as on live data (every set is new; one leader key signs thousands of
/// sets). 64 distinct signatures by one key per invocation, so Mean is per verify. Baseline = NSec (libsodium
/// crypto_sign_verify_detached) with the imported key cached, i.e. what <see cref="LeaderSignatureVerifier"/> did before;
/// the others are <see cref="PrecomputedEd25519Verifier"/> with per-key tables of window w once the key's table exists: the
/// scalar radix-2^51 path (<c>PrecomputedW5..W8</c>, base-point table w = 8, one mixed addition at a time) and the AVX-512 lane
/// path (<c>LanesW7</c> = its default, <c>LanesW8</c>: both sums side by side in one 8-lane vector), one by one and in batches of 4
/// (<see cref="PrecomputedEd25519Verifier.VerifyBatch"/>, one shared inversion, as <see cref="LeaderSignatureVerifier.PrepareCandidates"/>
/// uses it for the sets one pipeline chunk starts); the combined <see cref="LeaderSignatureVerifier.VerifyUncached"/> (lane path
/// where supported), and the one-off table build per key.
/// </summary>
[MemoryDiagnoser]
public class Ed25519VerifyBenchmarks
{
    private const int Count = 64;
    private readonly byte[][] _messages = new byte[Count][];
    private readonly byte[][] _signatures = new byte[Count][];
    private Pubkey _leader;
    private PublicKey? _nsecKey;
    private PrecomputedEd25519Verifier _w5 = null!;
    private PrecomputedEd25519Verifier _w6 = null!;
    private PrecomputedEd25519Verifier _w7 = null!;
    private PrecomputedEd25519Verifier _w8 = null!;
    private PrecomputedEd25519Verifier _lanes = null!;
    private PrecomputedEd25519Verifier _lanes8 = null!;
    private byte[] _flatSignatures = [];
    private byte[] _flatMessages = [];
    private FastVerdict[] _verdicts = new FastVerdict[4];
    private FieldVector8 _vectorA;
    private FieldVector8 _vectorB;
    private LeaderSignatureVerifier _combined = null!;
    private FieldElement _fieldA = new() { L0 = 12345, L1 = 1UL << 50, L2 = 777, L3 = (1UL << 51) - 3, L4 = 99 };
    private FieldElement _fieldB = new() { L0 = (1UL << 51) - 1, L1 = 5, L2 = 1UL << 40, L3 = 3, L4 = (1UL << 51) - 19 };

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(42);
        var seed = new byte[32];
        rng.NextBytes(seed);
        using var key = Key.Import(SignatureAlgorithm.Ed25519, seed, KeyBlobFormat.RawPrivateKey);
        byte[] publicKey = key.PublicKey.Export(KeyBlobFormat.RawPublicKey);
        _leader = new Pubkey(publicKey);
        _nsecKey = PublicKey.Import(SignatureAlgorithm.Ed25519, publicKey, KeyBlobFormat.RawPublicKey);
        for (int i = 0; i < Count; i++)
        {
            _messages[i] = new byte[32];
            rng.NextBytes(_messages[i]);
            _signatures[i] = SignatureAlgorithm.Ed25519.Sign(key, _messages[i]);
        }

        _w5 = new PrecomputedEd25519Verifier(keyWindow: 5, buildAfter: 1, useLanes: false);
        _w6 = new PrecomputedEd25519Verifier(keyWindow: 6, buildAfter: 1, useLanes: false);
        _w7 = new PrecomputedEd25519Verifier(keyWindow: 7, buildAfter: 1, useLanes: false);
        _w8 = new PrecomputedEd25519Verifier(keyWindow: 8, buildAfter: 1, useLanes: false);
        _lanes = new PrecomputedEd25519Verifier(keyWindow: 7, buildAfter: 1, useLanes: true, laneBaseWindow: 7);
        _lanes8 = new PrecomputedEd25519Verifier(keyWindow: 8, buildAfter: 1, useLanes: true, laneBaseWindow: 8);
        _combined = new LeaderSignatureVerifier(16, usePrecomputed: true, buildTableAfter: 1);
        _flatSignatures = _signatures.SelectMany(x => x).ToArray();
        _flatMessages = _messages.SelectMany(x => x).ToArray();
        for (int i = 0; i < 8; i++)
        {
            _vectorA.SetLane(i, new FieldElement { L0 = 12345 + (ulong)i, L1 = 1UL << 50, L2 = 777, L3 = (1UL << 51) - 3, L4 = 99 });
            _vectorB.SetLane(i, new FieldElement { L0 = (1UL << 51) - 1, L1 = 5 + (ulong)i, L2 = 1UL << 40, L3 = 3, L4 = (1UL << 51) - 19 });
        }

        foreach (var v in new[] { _w5, _w6, _w7, _w8, _lanes, _lanes8 })
        {
            if (v.Verify(_leader, _signatures[0], _messages[0]) != FastVerdict.Valid)
            {
                throw new InvalidOperationException("The precomputed verifier rejected a valid signature.");
            }
        }

        if (!_combined.VerifyUncached(_leader, _signatures[0], _messages[0]))
        {
            throw new InvalidOperationException("The combined verifier rejected a valid signature.");
        }
    }

    /// <summary>NSec / libsodium, imported key cached.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Count)]
    public int NSec()
    {
        int valid = 0;
        for (int i = 0; i < Count; i++)
        {
            valid += SignatureAlgorithm.Ed25519.Verify(_nsecKey!, _messages[i], _signatures[i]) ? 1 : 0;
        }

        return valid;
    }

    /// <summary>Precomputed tables, key window 5 (97,920 B per key).</summary>
    [Benchmark(OperationsPerInvoke = Count)]
    public int PrecomputedW5() => Run(_w5);

    /// <summary>Precomputed tables, key window 6 (165,120 B per key).</summary>
    [Benchmark(OperationsPerInvoke = Count)]
    public int PrecomputedW6() => Run(_w6);

    /// <summary>Precomputed tables, key window 7 (284,160 B per key, the default).</summary>
    [Benchmark(OperationsPerInvoke = Count)]
    public int PrecomputedW7() => Run(_w7);

    /// <summary>Precomputed tables, key window 8 (491,520 B per key).</summary>
    [Benchmark(OperationsPerInvoke = Count)]
    public int PrecomputedW8() => Run(_w8);

    /// <summary>AVX-512 lane path, key window 7 (284,160 B per key; base-point table w = 7, 284,160 B per process; 37 steps).</summary>
    [Benchmark(OperationsPerInvoke = Count)]
    public int LanesW7() => Run(_lanes);

    /// <summary>Lane path with key and base-point windows 8 (491,520 B each; 32 steps instead of 37).</summary>
    [Benchmark(OperationsPerInvoke = Count)]
    public int LanesW8() => Run(_lanes8);

    /// <summary>Lane path, windows 8, in batches of 4.</summary>
    [Benchmark(OperationsPerInvoke = Count)]
    public int LanesW8Batch4() => RunBatches(_lanes8);

    /// <summary>Scalar path, key window 7, in batches of 4 (one shared inversion per batch).</summary>
    [Benchmark(OperationsPerInvoke = Count)]
    public int PrecomputedW7Batch4() => RunBatches(_w7);

    /// <summary>Lane path, key window 7, in batches of 4 (one shared inversion per batch).</summary>
    [Benchmark(OperationsPerInvoke = Count)]
    public int LanesW7Batch4() => RunBatches(_lanes);

    /// <summary>What the pipeline calls per new FEC set: <see cref="LeaderSignatureVerifier.VerifyUncached"/> (default tables).</summary>
    [Benchmark(OperationsPerInvoke = Count)]
    public int LeaderVerifierUncached()
    {
        int valid = 0;
        for (int i = 0; i < Count; i++)
        {
            valid += _combined.VerifyUncached(_leader, _signatures[i], _messages[i]) ? 1 : 0;
        }

        return valid;
    }

    /// <summary>One-off cost per leader: building its window-6 table (decode, 1,376 points, one batched inversion).</summary>
    [Benchmark]
    public object? BuildKeyTableW6() => PrecomputedEd25519Verifier.TryBuildKeyTable(_leader.AsSpan(), 6);

    /// <summary>One-off cost per leader: building its window-7 table (the default: 2,368 points).</summary>
    [Benchmark]
    public object? BuildKeyTableW7() => PrecomputedEd25519Verifier.TryBuildKeyTable(_leader.AsSpan(), 7);

    /// <summary>One field multiplication (a chain of 256 dependent ones).</summary>
    [Benchmark(OperationsPerInvoke = 256)]
    public ulong FieldMul()
    {
        FieldElement a = _fieldA, b = _fieldB;
        for (int i = 0; i < 256; i++)
        {
            FieldElement.Mul(out a, a, b);
        }

        return a.L0;
    }

    /// <summary>One 8-lane field multiplication (a chain of 256 dependent ones; 8 products each).</summary>
    [Benchmark(OperationsPerInvoke = 256)]
    public ulong FieldMul8()
    {
        FieldVector8 a = _vectorA;
        for (int i = 0; i < 256; i++)
        {
            FieldVector8.Mul(ref a, a, _vectorB);
        }

        return a.L0[0];
    }

    /// <summary>One field squaring (a chain of 256 dependent ones).</summary>
    [Benchmark(OperationsPerInvoke = 256)]
    public ulong FieldSquare()
    {
        FieldElement a = _fieldA;
        for (int i = 0; i < 256; i++)
        {
            FieldElement.Square(out a, a);
        }

        return a.L0;
    }

    /// <summary>One field inversion (the encoding of the result point costs one).</summary>
    [Benchmark]
    public ulong FieldInvert()
    {
        FieldElement.Invert(out FieldElement r, _fieldA);
        return r.L0;
    }

    private int RunBatches(PrecomputedEd25519Verifier verifier)
    {
        int valid = 0;
        for (int i = 0; i < Count; i += 4)
        {
            verifier.VerifyBatch(_leader, _flatSignatures.AsSpan(i * 64, 4 * 64), _flatMessages.AsSpan(i * 32, 4 * 32), 32, _verdicts);
            foreach (FastVerdict v in _verdicts)
            {
                valid += v == FastVerdict.Valid ? 1 : 0;
            }
        }

        return valid;
    }

    private int Run(PrecomputedEd25519Verifier verifier)
    {
        int valid = 0;
        for (int i = 0; i < Count; i++)
        {
            valid += verifier.Verify(_leader, _signatures[i], _messages[i]) == FastVerdict.Valid ? 1 : 0;
        }

        return valid;
    }
}
