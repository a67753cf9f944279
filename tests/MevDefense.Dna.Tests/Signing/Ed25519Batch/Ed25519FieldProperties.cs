using System.Numerics;
using System.Runtime.Intrinsics;
using FsCheck.Xunit;
using MevDefense.Dna.Internal.Ed25519;

namespace MevDefense.Dna.Tests.Signing.Ed25519Batch;

/// <summary>The 8-lane field arithmetic against <see cref="BigInteger"/>, including limbs at the documented bounds.</summary>
public sealed class Ed25519FieldProperties
{
    private static readonly BigInteger P = (BigInteger.One << 255) - 19;

    // Upper limb bounds (inclusive) from the FieldElement8 remarks: "carried", and the 3x / 4x operand bounds.
    private static readonly ulong[] CarriedMax = Bounds((1UL << 26) - 1, (1UL << 25) + (1UL << 18) - 1);
    private static readonly ulong[] ThreeMax = Bounds((3UL << 26) - 1, (3UL << 25) + (1UL << 18) - 1);
    private static readonly ulong[] FourMax = Bounds((1UL << 28) - 1, (1UL << 27) + (1UL << 19) - 1);

    [Property(MaxTest = 150)]
    public bool Mul_MatchesBigInteger_AtAndBelowTheOperandBounds(int seed)
    {
        var rng = new Random(seed);
        ulong[] f = RandomLimbs(rng, FourMax), g = RandomLimbs(rng, ThreeMax);
        FieldElement8 a = Load(f), b = Load(g), h = default;
        FieldElement8.Mul(ref h, a, b);
        return Check(h, lane => Value(f, lane) * Value(g, lane));
    }

    [Property(MaxTest = 150)]
    public bool Square_MatchesBigInteger(int seed)
    {
        var rng = new Random(seed);
        ulong[] f = RandomLimbs(rng, ThreeMax);
        FieldElement8 a = Load(f), h = default;
        FieldElement8.Square(ref h, a);
        return Check(h, lane => Value(f, lane) * Value(f, lane));
    }

    [Fact]
    public void Mul_And_Square_AllLimbsAtTheirMaximum()
    {
        ulong[] f = Repeat(FourMax), g = Repeat(ThreeMax), c = Repeat(CarriedMax);
        FieldElement8 a = Load(f), b = Load(g), h = default;
        FieldElement8.Mul(ref h, a, b);
        Assert.True(Check(h, lane => Value(f, lane) * Value(g, lane)));
        FieldElement8.Square(ref h, b);
        Assert.True(Check(h, lane => Value(g, lane) * Value(g, lane)));
        FieldElement8 cc = Load(c);
        FieldElement8.Mul(ref h, cc, cc);
        Assert.True(Check(h, lane => Value(c, lane) * Value(c, lane)));
    }

    [Property(MaxTest = 100)]
    public bool AddSubCarry_MatchBigInteger(int seed)
    {
        var rng = new Random(seed);
        ulong[] f = RandomLimbs(rng, CarriedMax), g = RandomLimbs(rng, CarriedMax);
        FieldElement8 a = Load(f), b = Load(g), h = default;
        FieldElement8.Sub(ref h, a, b);
        FieldElement8.Carry(ref h);
        bool ok = Check(h, lane => Value(f, lane) - Value(g, lane));
        FieldElement8.Add(ref h, a, b);
        FieldElement8.Carry(ref h);
        return ok && Check(h, lane => Value(f, lane) + Value(g, lane));
    }

    [Property(MaxTest = 40)]
    public bool Invert_IsTheFermatInverse(int seed)
    {
        var rng = new Random(seed);
        ulong[] f = RandomLimbs(rng, CarriedMax);
        f[0] = 0; // lane 0 is zero: its "inverse" is zero
        for (int i = 1; i < 10; i++)
        {
            f[i * 8] = 0;
        }

        FieldElement8 a = Load(f), h = default;
        FieldElement8.Invert(ref h, a);
        return Check(h, lane => BigInteger.ModPow(Value(f, lane) % P, P - 2, P));
    }

    [Property(MaxTest = 200)]
    public bool Freeze_Pack_GivesTheCanonicalEncoding(int seed)
    {
        var rng = new Random(seed);
        ulong[] f = RandomLimbs(rng, CarriedMax);
        if (rng.Next(2) == 0)
        {
            // near p and 2^255: top limbs all ones, low limb close to 2^26 - 19
            for (int lane = 0; lane < 8; lane++)
            {
                for (int i = 1; i < 10; i++)
                {
                    f[(i * 8) + lane] = (i & 1) == 0 ? (1UL << 26) - 1 : (1UL << 25) - 1;
                }

                f[lane] = (1UL << 26) - 40 + (ulong)rng.Next(40);
            }
        }

        return FreezeMatches(f);
    }

    [Fact]
    public void Freeze_ExtremeNonCanonicalValues()
    {
        BigInteger[] values = [BigInteger.Zero, BigInteger.One, P - 1, P, P + 1, P + 18, (BigInteger.One << 255) - 1, 19, P + 19, P + 19 + 12345];
        foreach (BigInteger v in values)
        {
            ulong[] f = new ulong[80];
            ulong[] limbs = new ulong[10];
            // values of 2^255 and more do not fit canonical limbs: put the excess in limb 1 (carried form allows 2^25 + 2^18)
            BigInteger low = v >= (BigInteger.One << 255) ? v - (BigInteger.One << 26) : v;
            FieldElement8.ToLimbs(low, limbs);
            if (low != v)
            {
                limbs[1] += 1;
            }

            for (int lane = 0; lane < 8; lane++)
            {
                for (int i = 0; i < 10; i++)
                {
                    f[(i * 8) + lane] = limbs[i];
                }
            }

            Assert.True(FreezeMatches(f), v.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    internal static FieldElement8 Load(ulong[] limbs)
    {
        // limbs[i * 8 + lane]
        var h = default(FieldElement8);
        h.L0 = Vector512.Create(limbs.AsSpan(0, 8));
        h.L1 = Vector512.Create(limbs.AsSpan(8, 8));
        h.L2 = Vector512.Create(limbs.AsSpan(16, 8));
        h.L3 = Vector512.Create(limbs.AsSpan(24, 8));
        h.L4 = Vector512.Create(limbs.AsSpan(32, 8));
        h.L5 = Vector512.Create(limbs.AsSpan(40, 8));
        h.L6 = Vector512.Create(limbs.AsSpan(48, 8));
        h.L7 = Vector512.Create(limbs.AsSpan(56, 8));
        h.L8 = Vector512.Create(limbs.AsSpan(64, 8));
        h.L9 = Vector512.Create(limbs.AsSpan(72, 8));
        return h;
    }

    private static bool FreezeMatches(ulong[] f)
    {
        FieldElement8 a = Load(f);
        Span<ulong> canonical = stackalloc ulong[80];
        FieldElement8.Freeze(a, canonical);
        Span<byte> bytes = stackalloc byte[32];
        for (int lane = 0; lane < 8; lane++)
        {
            FieldElement8.PackLimbs(canonical.Slice(10 * lane, 10), bytes);
            byte[] expected = new byte[32];
            (Value(f, lane) % P).TryWriteBytes(expected, out _, isUnsigned: true);
            if (!bytes.SequenceEqual(expected))
            {
                return false;
            }
        }

        return true;
    }

    private static ulong[] Bounds(ulong even, ulong odd) => [.. Enumerable.Range(0, 10).Select(i => (i & 1) == 0 ? even : odd)];

    private static ulong[] Repeat(ulong[] bounds) => [.. Enumerable.Range(0, 80).Select(k => bounds[k / 8])];

    private static ulong[] RandomLimbs(Random rng, ulong[] bounds)
    {
        ulong[] limbs = new ulong[80];
        for (int k = 0; k < 80; k++)
        {
            ulong max = bounds[k / 8];
            limbs[k] = rng.Next(4) switch
            {
                0 => max,
                1 => 0,
                _ => (ulong)rng.NextInt64(0, (long)max + 1),
            };
        }

        return limbs;
    }

    private static BigInteger Value(ulong[] limbs, int lane)
    {
        Span<ulong> l = stackalloc ulong[10];
        for (int i = 0; i < 10; i++)
        {
            l[i] = limbs[(i * 8) + lane];
        }

        return FieldElement8.FromLimbs(l);
    }

    /// <summary>Each lane of h is carried (limb bounds) and congruent to expected(lane) mod p.</summary>
    private static bool Check(in FieldElement8 h, Func<int, BigInteger> expected)
    {
        ulong[] limbs = new ulong[80];
        Vector512<ulong>[] v = [h.L0, h.L1, h.L2, h.L3, h.L4, h.L5, h.L6, h.L7, h.L8, h.L9];
        for (int i = 0; i < 10; i++)
        {
            v[i].CopyTo(limbs.AsSpan(i * 8));
        }

        for (int lane = 0; lane < 8; lane++)
        {
            for (int i = 0; i < 10; i++)
            {
                if (limbs[(i * 8) + lane] > CarriedMax[i])
                {
                    return false;
                }
            }

            BigInteger e = expected(lane) % P;
            if (e.Sign < 0)
            {
                e += P;
            }

            if (Value(limbs, lane) % P != e)
            {
                return false;
            }
        }

        return true;
    }
}
