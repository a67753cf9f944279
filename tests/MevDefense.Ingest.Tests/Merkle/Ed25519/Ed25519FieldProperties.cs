using System.Numerics;
using FsCheck.Xunit;
using MevDefense.Ingest.Merkle.Internal.Ed25519;
using static MevDefense.Ingest.Tests.Merkle.Ed25519.Ed25519Reference;

namespace MevDefense.Ingest.Tests.Merkle.Ed25519;

/// <summary>GF(2^255 - 19) arithmetic, point decoding/encoding and fixed-base tables against the BigInteger oracle.</summary>
public class Ed25519FieldProperties
{
    internal static class Generators
    {
        /// <summary>A value in [0, 2^255), biased towards edges (near 0, near p, in [p, 2^255)).</summary>
        public static BigInteger Value(Random rng)
        {
            switch (rng.Next(6))
            {
                case 0:
                    return rng.Next(0, 40);
                case 1:
                    return P - rng.Next(1, 40);
                case 2:
                    return P + rng.Next(0, 19);   // non-canonical encodings of 0..18
                default:
                    var b = new byte[32];
                    rng.NextBytes(b);
                    b[31] &= 0x7F;
                    return new BigInteger(b, isUnsigned: true);
            }
        }

        /// <summary>A loosely reduced element: random limbs below 2^bits (the documented input bound is 2^54).</summary>
        public static FieldElement Loose(Random rng, int bits)
        {
            ulong Limb() => (ulong)rng.NextInt64() & ((1UL << bits) - 1);
            return new FieldElement { L0 = Limb(), L1 = Limb(), L2 = Limb(), L3 = Limb(), L4 = Limb() };
        }

        public static BigInteger ValueOf(FieldElement f) =>
            Mod(f.L0 + ((BigInteger)f.L1 << 51) + ((BigInteger)f.L2 << 102) + ((BigInteger)f.L3 << 153) + ((BigInteger)f.L4 << 204));
    }

    [Property(MaxTest = 300)]
    public void MulSquareAddSub_RandomAndLooseInputs_MatchBigInteger(int seed)
    {
        var rng = new Random(seed);
        FieldElement a = rng.Next(2) == 0 ? FieldElement.FromBigInteger(Generators.Value(rng)) : Generators.Loose(rng, 54);
        FieldElement b = rng.Next(2) == 0 ? FieldElement.FromBigInteger(Generators.Value(rng)) : Generators.Loose(rng, 54);
        BigInteger av = Generators.ValueOf(a), bv = Generators.ValueOf(b);

        FieldElement.Mul(out FieldElement m, a, b);
        Assert.Equal(Mod(av * bv), Generators.ValueOf(m));
        FieldElement.Square(out FieldElement s, a);
        Assert.Equal(Mod(av * av), Generators.ValueOf(s));
        FieldElement.Sub(out FieldElement d, a, b);
        Assert.Equal(Mod(av - bv), Generators.ValueOf(d));
        FieldElement.Add(out FieldElement sum, m, s);   // outputs of mul/square: the sum must stay a valid input
        FieldElement.Mul(out FieldElement m2, sum, d);
        Assert.Equal(Mod((Mod(av * bv) + Mod(av * av)) * Mod(av - bv)), Generators.ValueOf(m2));

        // Output limb bounds that the next operation relies on.
        foreach (var f in new[] { m, s, d, m2 })
        {
            Assert.True(f.L0 < (1UL << 52) && f.L1 < (1UL << 52) && f.L2 < (1UL << 52) && f.L3 < (1UL << 52) && f.L4 < (1UL << 52));
        }
    }

    [Property(MaxTest = 100)]
    public void InvertAndPow_Random_MatchBigInteger(int seed)
    {
        var rng = new Random(seed);
        BigInteger v = Generators.Value(rng);
        FieldElement.Invert(out FieldElement inv, FieldElement.FromBigInteger(v));
        Assert.Equal(BigInteger.ModPow(Mod(v), P - 2, P), Generators.ValueOf(inv));
        FieldElement.Pow2523(out FieldElement pw, FieldElement.FromBigInteger(v));
        Assert.Equal(BigInteger.ModPow(Mod(v), (P - 5) / 8, P), Generators.ValueOf(pw));
    }

    [Property(MaxTest = 300)]
    public void Encode_ValuesUpTo2Pow255AndLoose_IsCanonical(int seed)
    {
        var rng = new Random(seed);
        FieldElement f = rng.Next(3) == 0 ? Generators.Loose(rng, 54) : FieldElement.FromBigInteger(Generators.Value(rng));
        var bytes = new byte[32];
        FieldElement.Encode(f, bytes);
        Assert.Equal(Generators.ValueOf(f), new BigInteger(bytes, isUnsigned: true));
        Assert.Equal(!Generators.ValueOf(f).IsEven, FieldElement.IsOdd(f));
        Assert.Equal(Generators.ValueOf(f).IsZero, FieldElement.IsZero(f));
    }

    [Fact]
    public void Encode_EveryValueFromPTo2Pow255_ReducesModP()
    {
        for (int i = 0; i < 19; i++)
        {
            var bytes = new byte[32];
            FieldElement.Encode(FieldElement.FromBigInteger(P + i), bytes);
            Assert.Equal(new BigInteger(i), new BigInteger(bytes, isUnsigned: true));
            Assert.False(PrecomputedEd25519Verifier.IsCanonicalEncoding(RawEncoding(P + i, sign: false)));
            Assert.False(PrecomputedEd25519Verifier.IsCanonicalEncoding(RawEncoding(P + i, sign: true)));
        }

        Assert.True(PrecomputedEd25519Verifier.IsCanonicalEncoding(RawEncoding(P - 1, sign: true)));
    }

    [Property(MaxTest = 200)]
    public void TryDecode_RandomEncodings_MatchesReferenceSqrt(int seed)
    {
        var rng = new Random(seed);
        var s = ScalarBytes(Generators.Value(rng));
        if (rng.Next(2) == 0)
        {
            s[31] |= 0x80;
        }

        var expected = Decode(s, strict: false);
        bool ok = ExtendedPoint.TryDecode(s, out ExtendedPoint p);
        Assert.Equal(expected is not null, ok);
        if (ok)
        {
            ExtendedPoint.ToAffine(p, out FieldElement x, out FieldElement y);
            Assert.Equal(expected!.Value.X, Generators.ValueOf(x));
            Assert.Equal(expected.Value.Y, Generators.ValueOf(y));
            var round = new byte[32];
            ExtendedPoint.Encode(p, round);
            Assert.Equal(Encode(expected.Value), round);
        }
    }

    [Property(MaxTest = 40)]
    public void PointOps_RandomPoints_MatchAffineReference(int seed)
    {
        var rng = new Random(seed);
        var a = Multiply(new BigInteger(rng.NextInt64(1, long.MaxValue)), B);
        var b = Multiply(new BigInteger(rng.NextInt64(1, long.MaxValue)), B);
        Assert.True(ExtendedPoint.TryDecode(Encode(a), out ExtendedPoint pa));
        Assert.True(ExtendedPoint.TryDecode(Encode(b), out ExtendedPoint pb));
        ExtendedPoint.Add(out ExtendedPoint sum, pa, pb);
        ExtendedPoint.Double(out ExtendedPoint dbl, pa);
        AssertPoint(Add(a, b), sum);
        AssertPoint(Add(a, a), dbl);
        Assert.False(ExtendedPoint.HasSmallOrder(pa));
        Assert.False(ExtendedPoint.IsSmallOrderY(FieldElement.FromBigInteger(a.Y)));
    }

    [Fact]
    public void HasSmallOrder_TheEightTorsionPoints_True()
    {
        Assert.Equal(8, SmallOrderPoints.Distinct().Count());
        foreach (var t in SmallOrderPoints)
        {
            Assert.True(ExtendedPoint.TryDecode(Encode(t), out ExtendedPoint p));
            Assert.True(ExtendedPoint.HasSmallOrder(p));
            Assert.True(ExtendedPoint.IsSmallOrderY(FieldElement.FromBigInteger(t.Y)));
            Assert.Equal(Identity, Multiply(8, t));
        }

        var mixed = Add(B, SmallOrderPoints[1]);
        Assert.True(ExtendedPoint.TryDecode(Encode(mixed), out ExtendedPoint m));
        Assert.False(ExtendedPoint.HasSmallOrder(m));
    }

    [Fact]
    public void BasePoint_IsRfc8032Encoding()
    {
        var b = new byte[32];
        ExtendedPoint.Encode(PrecomputedEd25519Verifier.BasePoint, b);
        Assert.Equal("5866666666666666666666666666666666666666666666666666666666666666", Convert.ToHexStringLower(b));
    }

    [Property(MaxTest = 12)]
    public void FixedBaseTable_RandomPointScalarWindow_EqualsDoubleAndAdd(int seed)
    {
        var rng = new Random(seed);
        int window = 2 + ((seed & int.MaxValue) % 7);
        var point = rng.Next(4) == 0 ? Add(Multiply(rng.Next(1, 1000), B), SmallOrderPoints[rng.Next(8)]) : Multiply(rng.Next(1, 1000), B);
        Assert.True(ExtendedPoint.TryDecode(Encode(point), out ExtendedPoint p));
        var table = FixedBaseTable.Build(p, window);
        Assert.Equal(Scalar25519.DigitCount(window) * (1 << (window - 1)) * 120, table.SizeInBytes);

        for (int i = 0; i < 3; i++)
        {
            // Scalars below 2^253 (the verifier's S < L and k < L), including the extremes.
            var sb = new byte[32];
            rng.NextBytes(sb);
            sb[31] &= 0x1F;
            BigInteger s = i switch { 0 => (BigInteger.One << 253) - 1, 1 => L - 1, _ => new BigInteger(sb, isUnsigned: true) };
            var limbs = new ulong[4];
            Scalar25519.Load(ScalarBytes(s), limbs);
            var digits = new short[table.Digits];
            Scalar25519.Recode(limbs, window, digits);
            BigInteger recombined = 0;
            for (int j = digits.Length - 1; j >= 0; j--)
            {
                Assert.InRange(digits[j], -(1 << (window - 1)), 1 << (window - 1));
                recombined = (recombined << window) + digits[j];
            }

            Assert.Equal(s, recombined);
            ExtendedPoint acc = ExtendedPoint.Identity;
            table.AddMultiple(ref acc, digits);
            AssertPoint(Multiply(s, point), acc);
        }
    }

    [Property(MaxTest = 300)]
    public void ScalarReduceWide_Random_MatchesBigInteger(int seed)
    {
        var rng = new Random(seed);
        var h = new byte[64];
        rng.NextBytes(h);
        if (rng.Next(4) == 0)
        {
            Array.Fill(h, (byte)0xFF);
        }

        var r = new ulong[4];
        Scalar25519.ReduceWide(h, r);
        BigInteger got = r[0] + ((BigInteger)r[1] << 64) + ((BigInteger)r[2] << 128) + ((BigInteger)r[3] << 192);
        Assert.Equal(new BigInteger(h, isUnsigned: true) % L, got);

        var s = new byte[32];
        rng.NextBytes(s);
        BigInteger sv = rng.Next(3) switch { 0 => L + rng.Next(-3, 3), 1 => new BigInteger(s, isUnsigned: true) % (2 * L), _ => new BigInteger(s, isUnsigned: true) };
        Assert.Equal(sv < L, Scalar25519.IsCanonical(ScalarBytes(sv)));
    }

    private static void AssertPoint((BigInteger X, BigInteger Y) expected, ExtendedPoint actual)
    {
        ExtendedPoint.ToAffine(actual, out FieldElement x, out FieldElement y);
        Assert.Equal(expected.X, Generators.ValueOf(x));
        Assert.Equal(expected.Y, Generators.ValueOf(y));
        FieldElement.Mul(out FieldElement t, actual.X, actual.Y);
        FieldElement.Mul(out FieldElement tz, actual.T, actual.Z);
        Assert.True(FieldElement.AreEqual(t, tz));   // T = XY/Z
    }
}
