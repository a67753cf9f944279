using System.Numerics;
using FsCheck.Xunit;
using MevDefense.Ingest.Merkle;
using MevDefense.Ingest.Merkle.Internal.Ed25519;
using NSec.Cryptography;
using static MevDefense.Ingest.Tests.Merkle.Ed25519.Ed25519Reference;

namespace MevDefense.Ingest.Tests.Merkle.Ed25519;

/// <summary>
/// The AVX-512 lane path: <see cref="FieldVector8"/> against <see cref="BigInteger"/> arithmetic (random and extreme limbs),
/// <see cref="LanePointPair"/> against the reference scalar multiplication, and the lane verifier's verdicts (one by one and in
/// batches of 1..9) equal to the scalar path's and libsodium's on valid, corrupted and adversarial signatures.
/// Skips itself (passes vacuously) only where AVX-512 is absent, where the lane path is never used.
/// </summary>
public class Ed25519LaneProperties
{
    private static readonly ulong[] Max3 = [3 * ((1UL << 26) - 1), 3 * ((1UL << 25) + (1UL << 14))];

    private static FieldVector8 RandomVector(Random rng, bool extreme, BigInteger[] values)
    {
        FieldVector8 v = default;
        Span<ulong> limbs = stackalloc ulong[80];
        for (int lane = 0; lane < 8; lane++)
        {
            for (int i = 0; i < 10; i++)
            {
                // Limbs up to 3 x carried (the bound Mul accepts), random or at the bound.
                ulong max = Max3[i & 1];
                ulong value = rng.Next(4) switch
                {
                    0 when extreme => max,
                    1 when extreme => 0,
                    _ => (ulong)rng.NextInt64((long)max + 1),
                };
                limbs[(8 * i) + lane] = value;
            }
        }

        v.L0 = System.Runtime.Intrinsics.Vector512.Create<ulong>(limbs[..8]);
        v.L1 = System.Runtime.Intrinsics.Vector512.Create<ulong>(limbs[8..16]);
        v.L2 = System.Runtime.Intrinsics.Vector512.Create<ulong>(limbs[16..24]);
        v.L3 = System.Runtime.Intrinsics.Vector512.Create<ulong>(limbs[24..32]);
        v.L4 = System.Runtime.Intrinsics.Vector512.Create<ulong>(limbs[32..40]);
        v.L5 = System.Runtime.Intrinsics.Vector512.Create<ulong>(limbs[40..48]);
        v.L6 = System.Runtime.Intrinsics.Vector512.Create<ulong>(limbs[48..56]);
        v.L7 = System.Runtime.Intrinsics.Vector512.Create<ulong>(limbs[56..64]);
        v.L8 = System.Runtime.Intrinsics.Vector512.Create<ulong>(limbs[64..72]);
        v.L9 = System.Runtime.Intrinsics.Vector512.Create<ulong>(limbs[72..80]);
        for (int lane = 0; lane < 8; lane++)
        {
            BigInteger x = 0;
            int shift = 0;
            for (int i = 0; i < 10; i++)
            {
                x += new BigInteger(limbs[(8 * i) + lane]) << shift;
                shift += (i & 1) == 0 ? 26 : 25;
            }

            values[lane] = Mod(x);
        }

        return v;
    }

    private static void AssertCarried(in FieldVector8 h)
    {
        Span<ulong> limbs = stackalloc ulong[80];
        LanePointPair.Store(h, limbs);
        for (int i = 0; i < 10; i++)
        {
            ulong bound = (i & 1) == 0 ? 1UL << 26 : (1UL << 25) + (1UL << 14);
            for (int lane = 0; lane < 8; lane++)
            {
                Assert.True(limbs[(8 * i) + lane] < bound, $"limb {i} lane {lane} = {limbs[(8 * i) + lane]}");
            }
        }
    }

    [Property(MaxTest = 200)]
    public void Mul_RandomAndExtremeLimbs_EqualsBigInteger(int seed)
    {
        if (!FieldVector8.IsSupported)
        {
            return;
        }

        var rng = new Random(seed);
        var a = new BigInteger[8];
        var b = new BigInteger[8];
        FieldVector8 f = RandomVector(rng, extreme: seed % 2 == 0, a);
        FieldVector8 g = RandomVector(rng, extreme: seed % 3 == 0, b);
        FieldVector8 h = default;
        FieldVector8.Mul(ref h, f, g);
        AssertCarried(h);
        for (int lane = 0; lane < 8; lane++)
        {
            Assert.Equal(Mod(a[lane] * b[lane]), h.LaneToBigInteger(lane));
        }

        // Chained: the output is a valid input again, and aliasing is allowed.
        FieldVector8.Mul(ref h, h, h);
        AssertCarried(h);
        for (int lane = 0; lane < 8; lane++)
        {
            BigInteger x = Mod(a[lane] * b[lane]);
            Assert.Equal(Mod(x * x), h.LaneToBigInteger(lane));
        }
    }

    [Fact]
    public void Mul_AllLimbsAtTheBound_AndValuesNearP_EqualsBigInteger()
    {
        if (!FieldVector8.IsSupported)
        {
            return;
        }

        BigInteger[] specials = [0, 1, 2, 19, FieldElement.P - 1, FieldElement.P - 2, FieldElement.P - 19, (BigInteger.One << 255) - 20, (BigInteger.One << 254) + 1];
        FieldVector8 f = default, g = default;
        for (int k = 0; k < specials.Length; k++)
        {
            for (int lane = 0; lane < 8; lane++)
            {
                BigInteger x = specials[(k + lane) % specials.Length];
                BigInteger y = specials[(k + (3 * lane) + 1) % specials.Length];
                f.SetLane(lane, FieldElement.FromBigInteger(x));
                g.SetLane(lane, FieldElement.FromBigInteger(y));
            }

            FieldVector8 h = default;
            FieldVector8.Mul(ref h, f, g);
            for (int lane = 0; lane < 8; lane++)
            {
                Assert.Equal(Mod(specials[(k + lane) % specials.Length] * specials[(k + (3 * lane) + 1) % specials.Length]), h.LaneToBigInteger(lane));
            }
        }

        // Every limb of both operands at 3 x carried.
        var all = System.Runtime.Intrinsics.Vector512.Create(Max3[0]);
        var odd = System.Runtime.Intrinsics.Vector512.Create(Max3[1]);
        var m = new FieldVector8 { L0 = all, L1 = odd, L2 = all, L3 = odd, L4 = all, L5 = odd, L6 = all, L7 = odd, L8 = all, L9 = odd };
        BigInteger value = 0;
        int shift = 0;
        for (int i = 0; i < 10; i++)
        {
            value += new BigInteger(Max3[i & 1]) << shift;
            shift += (i & 1) == 0 ? 26 : 25;
        }

        FieldVector8 r = default;
        FieldVector8.Mul(ref r, m, m);
        AssertCarried(r);
        Assert.Equal(Mod(value * value), r.LaneToBigInteger(5));
    }

    [Property(MaxTest = 300)]
    public void SafeGcdInverse_RandomValues_EqualsFermat(int seed)
    {
        var rng = new Random(seed);
        var bytes = new byte[32];
        rng.NextBytes(bytes);
        int bits = 1 + rng.Next(255);
        BigInteger x = new BigInteger(bytes, isUnsigned: true) & ((BigInteger.One << bits) - 1);
        x %= P;
        FieldElement a = FieldElement.FromBigInteger(x);
        Assert.True(SafeGcdInverse.TryInvert(out FieldElement r, a));
        Assert.Equal(x.IsZero ? BigInteger.Zero : Inv(x), r.ToBigInteger());
        FieldElement.Canonical(out FieldElement c, r);
        Assert.Equal(c.L0, r.L0);   // canonical output
        Assert.Equal(c.L4, r.L4);
    }

    [Fact]
    public void SafeGcdInverse_EdgeValues_EqualsBigInteger()
    {
        var values = new List<BigInteger> { 0, 1, 2, 3, 19, P - 1, P - 2, P - 19, P + 1, P, (BigInteger.One << 255) - 1, (BigInteger.One << 254) - 1, (BigInteger.One << 62) - 1, BigInteger.One << 62 };
        for (int k = 0; k < 255; k++)
        {
            values.Add(BigInteger.One << k);
            values.Add((BigInteger.One << k) - 1);
            values.Add(P - (BigInteger.One << k));
        }

        foreach (BigInteger v in values)
        {
            // Unreduced encodings (p, p + 1, 2^255 - 1) and loose limbs take the same value mod p.
            FieldElement a = FieldElement.FromBigInteger(v & ((BigInteger.One << 255) - 1));
            Assert.True(SafeGcdInverse.TryInvert(out FieldElement r, a));
            BigInteger m = Mod(v & ((BigInteger.One << 255) - 1));
            Assert.Equal(m.IsZero ? BigInteger.Zero : Inv(m), r.ToBigInteger());
        }

        // Loosely reduced limbs (each up to 2^54, as additions leave them).
        var loose = new FieldElement { L0 = (1UL << 54) - 1, L1 = (1UL << 54) - 1, L2 = 1UL << 53, L3 = (1UL << 54) - 7, L4 = (1UL << 54) - 1 };
        Assert.True(SafeGcdInverse.TryInvert(out FieldElement lr, loose));
        Assert.Equal(Inv(loose.ToBigInteger()), lr.ToBigInteger());
    }

    [Property(MaxTest = 25)]
    public void SumOfMultiples_RandomScalarsAndWindows_EqualsReference(int seed)
    {
        if (!FieldVector8.IsSupported)
        {
            return;
        }

        var rng = new Random(seed);
        var p = Multiply(Ed25519VerifierProperties.Generators.Scalar(rng), B);
        var q = Multiply(Ed25519VerifierProperties.Generators.Scalar(rng), B);
        int w1 = 3 + rng.Next(6), w2 = 3 + rng.Next(6);
        var tp = LaneTable.From(FixedBaseTable.Build(ExtendedPoint.FromAffine(FieldElement.FromBigInteger(p.X), FieldElement.FromBigInteger(p.Y)), w1));
        var tq = LaneTable.From(FixedBaseTable.Build(ExtendedPoint.FromAffine(FieldElement.FromBigInteger(q.X), FieldElement.FromBigInteger(q.Y)), w2));
        for (int k = 0; k < 3; k++)
        {
            // Random scalars, zero, small values (mostly zero digits) and L - 1 (large digits of both signs).
            BigInteger s = k switch { 0 => Ed25519VerifierProperties.Generators.Scalar(rng), 1 => rng.Next(3), _ => L - 1 - rng.Next(2) };
            BigInteger t = k switch { 0 => Ed25519VerifierProperties.Generators.Scalar(rng), 1 => L - 1, _ => rng.Next(1000) };
            var sd = new short[tp.Digits];
            var td = new short[tq.Digits];
            Scalar25519.Recode(Limbs(s), w1, sd);
            Scalar25519.Recode(Limbs(t), w2, td);
            LanePointPair.SumOfMultiples(tp, sd, tq, td, out ExtendedPoint r);
            ExtendedPoint.ToAffine(r, out FieldElement x, out FieldElement y);
            var expected = Add(Multiply(s, p), Multiply(t, q));
            Assert.Equal(expected.X, x.ToBigInteger());
            Assert.Equal(expected.Y, y.ToBigInteger());

            // Each half alone is the scalar table's multiple.
            LanePointPair.Accumulate(tp, sd, tq, td, out FieldVector8 acc);
            var limbs = new ulong[80];
            LanePointPair.Store(acc, limbs);
            ExtendedPoint.ToAffine(LanePointPair.ToPoint(limbs, 0), out x, out y);
            Assert.Equal(Multiply(s, p), (x.ToBigInteger(), y.ToBigInteger()));
            ExtendedPoint.ToAffine(LanePointPair.ToPoint(limbs, 4), out x, out y);
            Assert.Equal(Multiply(t, q), (x.ToBigInteger(), y.ToBigInteger()));
        }
    }

    private static ulong[] Limbs(BigInteger v)
    {
        var bytes = new byte[32];
        v.TryWriteBytes(bytes, out _, isUnsigned: true);
        var r = new ulong[4];
        Scalar25519.Load(bytes, r);
        return r;
    }

    private static bool Libsodium(byte[] publicKey, byte[] signature, byte[] message) =>
        PublicKey.TryImport(SignatureAlgorithm.Ed25519, publicKey, KeyBlobFormat.RawPublicKey, out var key) && key is not null
        && SignatureAlgorithm.Ed25519.Verify(key, message, signature);

    /// <summary>A signature by <paramref name="key"/>, valid or broken in one of several ways (including S + L, small-order and
    /// non-canonical R).</summary>
    private static (byte[] Signature, byte[] Message) Case(Random rng, Key key)
    {
        var message = new byte[32];
        rng.NextBytes(message);
        byte[] signature = SignatureAlgorithm.Ed25519.Sign(key, message);
        switch (rng.Next(9))
        {
            case 1:
                signature[rng.Next(32)] ^= (byte)(1 << rng.Next(8));
                break;
            case 2:
                message[rng.Next(32)] ^= (byte)(1 << rng.Next(8));
                break;
            case 3:
                signature[32 + rng.Next(32)] ^= (byte)(1 << rng.Next(8));
                break;
            case 4:
            {
                var s = new BigInteger(signature.AsSpan(32), isUnsigned: true) + L;
                s.TryWriteBytes(signature.AsSpan(32), out _, isUnsigned: true);
                break;
            }

            case 5:
            {
                // R replaced by a small-order point's encoding.
                var t = SmallOrderPoints[rng.Next(SmallOrderPoints.Count)];
                Encode(t).CopyTo(signature, 0);
                break;
            }

            case 6:
            {
                // Non-canonical R: y + p (for the y values where that still fits 255 bits) keeping the sign bit.
                var y = new BigInteger(signature.AsSpan(0, 32), isUnsigned: true) & ((BigInteger.One << 255) - 1);
                if (y < 19)
                {
                    RawEncoding(y + P, (signature[31] & 0x80) != 0).CopyTo(signature, 0);
                }
                else
                {
                    RawEncoding(P + rng.Next(19), rng.Next(2) == 1).CopyTo(signature, 0);
                }

                break;
            }

            case 7:
                signature[31] ^= 0x80;   // R's sign bit: the negated point
                break;

            default:
                break;
        }

        return (signature, message);
    }

    [Property(MaxTest = 12)]
    public void LaneVerdicts_EqualScalarAndLibsodium_OneByOneAndInBatchesOf1To9(int seed)
    {
        if (!FieldVector8.IsSupported)
        {
            return;
        }

        var rng = new Random(seed);
        var keySeed = new byte[32];
        rng.NextBytes(keySeed);
        using var key = Key.Import(SignatureAlgorithm.Ed25519, keySeed, KeyBlobFormat.RawPrivateKey);
        var pubkey = new Pubkey(key.PublicKey.Export(KeyBlobFormat.RawPublicKey));
        int window = 4 + (Math.Abs(seed) % 5);
        var lanes = new PrecomputedEd25519Verifier(keyWindow: window, buildAfter: 1, useLanes: true);
        var lanesBatch = new PrecomputedEd25519Verifier(keyWindow: window, buildAfter: 1, useLanes: true);
        var scalar = new PrecomputedEd25519Verifier(keyWindow: window, buildAfter: 1, useLanes: false);
        Assert.True(lanes.UsesLanes);
        Assert.False(scalar.UsesLanes);
        var (warmSig, warmMsg) = (SignatureAlgorithm.Ed25519.Sign(key, new byte[32]), new byte[32]);
        Assert.Equal(FastVerdict.Valid, lanesBatch.Verify(pubkey, warmSig, warmMsg));   // builds the key's table

        for (int n = 1; n <= 9; n++)
        {
            var signatures = new byte[n * 64];
            var messages = new byte[n * 32];
            var expected = new FastVerdict[n];
            for (int i = 0; i < n; i++)
            {
                var (sig, msg) = Case(rng, key);
                sig.CopyTo(signatures, i * 64);
                msg.CopyTo(messages, i * 32);
                bool libsodium = Libsodium(pubkey.AsSpan().ToArray(), sig, msg);
                FastVerdict laneVerdict = lanes.Verify(pubkey, sig, msg);
                FastVerdict scalarVerdict = scalar.Verify(pubkey, sig, msg);
                Assert.Equal(scalarVerdict, laneVerdict);
                if (laneVerdict != FastVerdict.Undecided)
                {
                    Assert.Equal(libsodium, laneVerdict == FastVerdict.Valid);
                }
                else
                {
                    Assert.False(libsodium && Case0(sig, msg, key)); // an undecided valid signature would be a missed fast verdict
                }

                expected[i] = laneVerdict;
            }

            var verdicts = new FastVerdict[n];
            lanesBatch.VerifyBatch(pubkey, signatures, messages, 32, verdicts);
            Assert.Equal(expected, verdicts);
        }
    }

    /// <summary>True when the signature is exactly what the key produces for the message (deterministic Ed25519).</summary>
    private static bool Case0(byte[] signature, byte[] message, Key key) => signature.AsSpan().SequenceEqual(SignatureAlgorithm.Ed25519.Sign(key, message));

    [Fact]
    public void Rfc8032Vectors_ValidThroughTheLanePath()
    {
        if (!FieldVector8.IsSupported)
        {
            return;
        }

        // RFC 8032 section 7.1, tests 1-3.
        (string Key, string Message, string Signature)[] vectors =
        [
            ("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
                "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"),
            ("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
                "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"),
            ("fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
                "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"),
        ];
        var verifier = new PrecomputedEd25519Verifier(buildAfter: 1, useLanes: true);
        foreach (var (k, m, sig) in vectors)
        {
            var pubkey = new Pubkey(Convert.FromHexString(k));
            byte[] signature = Convert.FromHexString(sig);
            byte[] message = Convert.FromHexString(m);
            Assert.Equal(FastVerdict.Valid, verifier.Verify(pubkey, signature, message));
            signature[5] ^= 1;
            Assert.Equal(FastVerdict.Undecided, verifier.Verify(pubkey, signature, message));
        }
    }

    [Property(MaxTest = 10)]
    public void TorsionFreeCheck_HonestKeysYes_KeysWithATorsionComponentNo(int seed)
    {
        if (!FieldVector8.IsSupported)
        {
            return;
        }

        var rng = new Random(seed);
        var verifier = new PrecomputedEd25519Verifier(buildAfter: 1, keyWindow: 4 + rng.Next(5), useLanes: true);
        BigInteger a = Ed25519VerifierProperties.Generators.Scalar(rng);
        var honest = Multiply(a, B);
        var torsion = SmallOrderPoints[1 + rng.Next(SmallOrderPoints.Count - 1)];   // index 0 is the neutral element
        Assert.NotEqual(Identity, torsion);
        var mixed = Add(honest, torsion);
        foreach (var (point, expected) in new[] { (honest, true), (mixed, false) })
        {
            var table = PrecomputedEd25519Verifier.TryBuildKeyTable(Encode(point), 4 + (seed & 3));
            Assert.NotNull(table);
            Assert.Equal(expected, verifier.IsTorsionFree(LaneTable.From(table)));
        }
    }

    [Property(MaxTest = 100)]
    public void Sha512Lanes_EqualsSha512_ForOneToEightMessagesOfUpTo111Bytes(int seed)
    {
        if (!Sha512Lanes.IsSupported)
        {
            return;
        }

        var rng = new Random(seed);
        int count = 1 + rng.Next(8);
        int length = rng.Next(4) == 0 ? 96 : rng.Next(Sha512Lanes.MaxLength + 1);
        var messages = new byte[count * length];
        rng.NextBytes(messages);
        var hashes = new byte[count * 64];
        Sha512Lanes.Hash(messages, length, count, hashes);
        for (int i = 0; i < count; i++)
        {
            Assert.Equal(System.Security.Cryptography.SHA512.HashData(messages.AsSpan(i * length, length)), hashes.AsSpan(i * 64, 64).ToArray());
        }
    }

    [Fact]
    public void Sha512Lanes_KnownAnswers_AndLengthLimits()
    {
        if (!Sha512Lanes.IsSupported)
        {
            return;
        }

        // FIPS 180-4 example "abc".
        var hash = new byte[64];
        Sha512Lanes.Hash("abc"u8, 3, 1, hash);
        Assert.Equal("ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f", Convert.ToHexStringLower(hash));
        foreach (int length in new[] { 0, 110, 111 })
        {
            var m = new byte[8 * length];
            new Random(length).NextBytes(m);
            var h = new byte[8 * 64];
            Sha512Lanes.Hash(m, length, 8, h);
            for (int i = 0; i < 8; i++)
            {
                Assert.Equal(System.Security.Cryptography.SHA512.HashData(m.AsSpan(i * length, length)), h.AsSpan(i * 64, 64).ToArray());
            }
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => Sha512Lanes.Hash(new byte[112], 112, 1, new byte[64]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Sha512Lanes.Hash(new byte[9], 1, 9, new byte[9 * 64]));
    }

    [Fact]
    public void LaneSwitch_SelectsThePath()
    {
        Assert.False(new PrecomputedEd25519Verifier(useLanes: false).UsesLanes);
        Assert.Equal(FieldVector8.IsSupported, new PrecomputedEd25519Verifier(useLanes: true).UsesLanes);
    }
}
