using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace MevDefense.Ingest.Merkle.Internal.Ed25519;

/// <summary>
/// An element of GF(p), p = 2^255 - 19, in radix 2^51: value = L0 + L1*2^51 + L2*2^102 + L3*2^153 + L4*2^204.
/// Limbs are "loosely reduced": outputs of <see cref="Mul"/>, <see cref="Square"/> and <see cref="Sub"/> have limbs below
/// 2^51 + 2^12; <see cref="Add"/> does not carry (its limbs stay below 2^53), and every operation accepts inputs with limbs
/// below 2^54 (each 128-bit limb product is then below 2^112.3, and a column's five products shifted right by 51 sum below
/// 2^63.3, so products are accumulated as 64-bit halves with no carry handling; see <see cref="Mul"/>).
/// Variable time: used only to verify public signatures. Property-tested against <see cref="BigInteger"/> arithmetic.
/// </summary>
internal struct FieldElement
{
    public ulong L0;
    public ulong L1;
    public ulong L2;
    public ulong L3;
    public ulong L4;

    private const ulong Mask = (1UL << 51) - 1;

    /// <summary>p = 2^255 - 19 as a <see cref="BigInteger"/> (tests and one-time constant derivation only).</summary>
    public static readonly BigInteger P = (BigInteger.One << 255) - 19;

    public static FieldElement Zero => default;

    public static FieldElement One => new() { L0 = 1 };

    /// <summary>d = -121665/121666, the Edwards curve constant.</summary>
    public static readonly FieldElement D = FromBigInteger(Mod(-121665 * BigInteger.ModPow(121666, P - 2, P)));

    /// <summary>2d.</summary>
    public static readonly FieldElement D2 = FromBigInteger(Mod(2 * -121665 * BigInteger.ModPow(121666, P - 2, P)));

    /// <summary>sqrt(-1) = 2^((p-1)/4).</summary>
    public static readonly FieldElement SqrtM1 = FromBigInteger(BigInteger.ModPow(2, (P - 1) / 4, P));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Add(out FieldElement r, in FieldElement a, in FieldElement b)
    {
        r.L0 = a.L0 + b.L0;
        r.L1 = a.L1 + b.L1;
        r.L2 = a.L2 + b.L2;
        r.L3 = a.L3 + b.L3;
        r.L4 = a.L4 + b.L4;
    }

    /// <summary>r = a - b, computed as a + 16p - b (b's limbs must be below 2^55 - 304) and carried once.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Sub(out FieldElement r, in FieldElement a, in FieldElement b)
    {
        // 16p in radix 2^51: limb 0 = 16*(2^51 - 19), the others 16*(2^51 - 1).
        ulong t0 = a.L0 + 0x7FFFFFFFFFFED0UL - b.L0;
        ulong t1 = a.L1 + 0x7FFFFFFFFFFFF0UL - b.L1;
        ulong t2 = a.L2 + 0x7FFFFFFFFFFFF0UL - b.L2;
        ulong t3 = a.L3 + 0x7FFFFFFFFFFFF0UL - b.L3;
        ulong t4 = a.L4 + 0x7FFFFFFFFFFFF0UL - b.L4;
        CarryParallel(out r, t0, t1, t2, t3, t4);
    }

    /// <summary>r = -a.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Negate(out FieldElement r, in FieldElement a)
    {
        FieldElement zero = default;
        Sub(out r, zero, a);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Carry(out FieldElement r, ulong t0, ulong t1, ulong t2, ulong t3, ulong t4)
    {
        t1 += t0 >> 51;
        t0 &= Mask;
        t2 += t1 >> 51;
        t1 &= Mask;
        t3 += t2 >> 51;
        t2 &= Mask;
        t4 += t3 >> 51;
        t3 &= Mask;
        t0 += (t4 >> 51) * 19;
        t4 &= Mask;
        t1 += t0 >> 51;
        t0 &= Mask;
        r.L0 = t0;
        r.L1 = t1;
        r.L2 = t2;
        r.L3 = t3;
        r.L4 = t4;
    }

    /// <summary>
    /// One carry round with all limbs in parallel (short dependency chains): for inputs below 2^57, limb i becomes
    /// (t_i mod 2^51) + (t_(i-1) &gt;&gt; 51), limb 0 taking 19 * (t_4 &gt;&gt; 51); outputs are below 2^51 + 2^12.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CarryParallel(out FieldElement r, ulong t0, ulong t1, ulong t2, ulong t3, ulong t4)
    {
        r.L0 = (t0 & Mask) + ((t4 >> 51) * 19);
        r.L1 = (t1 & Mask) + (t0 >> 51);
        r.L2 = (t2 & Mask) + (t1 >> 51);
        r.L3 = (t3 & Mask) + (t2 >> 51);
        r.L4 = (t4 & Mask) + (t3 >> 51);
    }

    /// <summary>r = a * b.</summary>
    public static void Mul(out FieldElement r, in FieldElement a, in FieldElement b)
    {
        // 2^255 = 19 (mod p): the products that land at 2^255 or above fold back times 19. Each 128-bit product is split at
        // bit 51 into a low part (below 2^51) and a high part (below 2^61.3 for inputs below 2^54): the low parts and the high
        // parts of a column sum without carries; high parts belong to the next column. Measured on the 2.3 GHz Xeon: ~30 ns
        // per dependent multiplication, ~20 ns per squaring (Ed25519VerifyBenchmarks.FieldMul / FieldSquare).
        ulong b1x = b.L1 * 19, b2x = b.L2 * 19, b3x = b.L3 * 19, b4x = b.L4 * 19;
        ulong l0 = 0, m0 = 0, h0 = 0;
        Acc(ref l0, ref m0, ref h0, a.L0, b.L0);
        Acc(ref l0, ref m0, ref h0, a.L1, b4x);
        Acc(ref l0, ref m0, ref h0, a.L2, b3x);
        Acc(ref l0, ref m0, ref h0, a.L3, b2x);
        Acc(ref l0, ref m0, ref h0, a.L4, b1x);
        ulong l1 = 0, m1 = 0, h1 = 0;
        Acc(ref l1, ref m1, ref h1, a.L0, b.L1);
        Acc(ref l1, ref m1, ref h1, a.L1, b.L0);
        Acc(ref l1, ref m1, ref h1, a.L2, b4x);
        Acc(ref l1, ref m1, ref h1, a.L3, b3x);
        Acc(ref l1, ref m1, ref h1, a.L4, b2x);
        ulong l2 = 0, m2 = 0, h2 = 0;
        Acc(ref l2, ref m2, ref h2, a.L0, b.L2);
        Acc(ref l2, ref m2, ref h2, a.L1, b.L1);
        Acc(ref l2, ref m2, ref h2, a.L2, b.L0);
        Acc(ref l2, ref m2, ref h2, a.L3, b4x);
        Acc(ref l2, ref m2, ref h2, a.L4, b3x);
        ulong l3 = 0, m3 = 0, h3 = 0;
        Acc(ref l3, ref m3, ref h3, a.L0, b.L3);
        Acc(ref l3, ref m3, ref h3, a.L1, b.L2);
        Acc(ref l3, ref m3, ref h3, a.L2, b.L1);
        Acc(ref l3, ref m3, ref h3, a.L3, b.L0);
        Acc(ref l3, ref m3, ref h3, a.L4, b4x);
        ulong l4 = 0, m4 = 0, h4 = 0;
        Acc(ref l4, ref m4, ref h4, a.L0, b.L4);
        Acc(ref l4, ref m4, ref h4, a.L1, b.L3);
        Acc(ref l4, ref m4, ref h4, a.L2, b.L2);
        Acc(ref l4, ref m4, ref h4, a.L3, b.L1);
        Acc(ref l4, ref m4, ref h4, a.L4, b.L0);
        Combine(out r, l0, (h0 << 13) + m0, l1, (h1 << 13) + m1, l2, (h2 << 13) + m2, l3, (h3 << 13) + m3, l4, (h4 << 13) + m4);
    }

    /// <summary>r = a^2.</summary>
    public static void Square(out FieldElement r, in FieldElement a)
    {
        ulong a0 = a.L0, a1 = a.L1, a2 = a.L2, a3 = a.L3, a4 = a.L4;
        SquareLimbs(ref a0, ref a1, ref a2, ref a3, ref a4);
        r.L0 = a0;
        r.L1 = a1;
        r.L2 = a2;
        r.L3 = a3;
        r.L4 = a4;
    }

    /// <summary>r = a^(2^n), n &gt;= 1, with the limbs kept in registers between the squarings (inversion and square root).</summary>
    public static void SquareTimes(out FieldElement r, in FieldElement a, int n)
    {
        ulong a0 = a.L0, a1 = a.L1, a2 = a.L2, a3 = a.L3, a4 = a.L4;
        for (int i = 0; i < n; i++)
        {
            SquareLimbs(ref a0, ref a1, ref a2, ref a3, ref a4);
        }

        r.L0 = a0;
        r.L1 = a1;
        r.L2 = a2;
        r.L3 = a3;
        r.L4 = a4;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SquareLimbs(ref ulong a0, ref ulong a1, ref ulong a2, ref ulong a3, ref ulong a4)
    {
        ulong a3x = a3 * 19, a4x = a4 * 19;
        ulong l0 = 0, m0 = 0, h0 = 0;
        Acc(ref l0, ref m0, ref h0, a0, a0);
        Acc(ref l0, ref m0, ref h0, a1 * 2, a4x);
        Acc(ref l0, ref m0, ref h0, a2 * 2, a3x);
        ulong l1 = 0, m1 = 0, h1 = 0;
        Acc(ref l1, ref m1, ref h1, a0 * 2, a1);
        Acc(ref l1, ref m1, ref h1, a2 * 2, a4x);
        Acc(ref l1, ref m1, ref h1, a3, a3x);
        ulong l2 = 0, m2 = 0, h2 = 0;
        Acc(ref l2, ref m2, ref h2, a0 * 2, a2);
        Acc(ref l2, ref m2, ref h2, a1, a1);
        Acc(ref l2, ref m2, ref h2, a3 * 2, a4x);
        ulong l3 = 0, m3 = 0, h3 = 0;
        Acc(ref l3, ref m3, ref h3, a0 * 2, a3);
        Acc(ref l3, ref m3, ref h3, a1 * 2, a2);
        Acc(ref l3, ref m3, ref h3, a4, a4x);
        ulong l4 = 0, m4 = 0, h4 = 0;
        Acc(ref l4, ref m4, ref h4, a0 * 2, a4);
        Acc(ref l4, ref m4, ref h4, a1 * 2, a3);
        Acc(ref l4, ref m4, ref h4, a2, a2);
        Combine(out FieldElement r, l0, (h0 << 13) + m0, l1, (h1 << 13) + m1, l2, (h2 << 13) + m2, l3, (h3 << 13) + m3, l4, (h4 << 13) + m4);
        a0 = r.L0;
        a1 = r.L1;
        a2 = r.L2;
        a3 = r.L3;
        a4 = r.L4;
    }

    /// <summary>
    /// Adds x*y (below 2^115) as (x*y mod 2^51) to <paramref name="low"/>, its bits 64.. to <paramref name="high"/> and its bits
    /// 51..63 to <paramref name="middle"/> (so x*y &gt;&gt; 51 = high * 2^13 + middle, summed per column without carries).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Acc(ref ulong low, ref ulong middle, ref ulong high, ulong x, ulong y)
    {
        ulong lo = x * y;
        if (Bmi2.X64.IsSupported)
        {
            high += Bmi2.X64.MultiplyNoFlags(x, y);
            low += Bmi2.X64.ZeroHighBits(lo, 51);
        }
        else
        {
            high += Math.BigMul(x, y, out _);
            low += lo & Mask;
        }

        middle += lo >> 51;
    }

    /// <summary>
    /// Column sums to limbs: l_i (the products' low 51 bits, below 5 * 2^51) has weight 2^(51i), h_i (the products shifted right
    /// by 51, below 2^63.3) weight 2^(51(i+1)). Each h_i is split at bit 51 so that nothing overflows 64 bits: the low part goes to
    /// limb i + 1, the high part (below 2^12.3) to limb i + 2; weights 2^255 and above fold back times 19. One parallel carry round.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Combine(out FieldElement r, ulong l0, ulong h0, ulong l1, ulong h1, ulong l2, ulong h2, ulong l3, ulong h3, ulong l4, ulong h4)
    {
        ulong c0 = l0 + (h4 & Mask) * 19;
        ulong c1 = l1 + (h0 & Mask) + ((h4 >> 51) * 19);
        ulong c2 = l2 + (h1 & Mask) + (h0 >> 51);
        ulong c3 = l3 + (h2 & Mask) + (h1 >> 51);
        ulong c4 = l4 + (h3 & Mask) + (h2 >> 51);
        ulong c5 = h3 >> 51;                              // weight 2^255: folds back times 19 into limb 0
        c0 += c5 * 19;
        CarryParallel(out r, c0, c1, c2, c3, c4);
    }

    /// <summary>Common part of inversion and square root: returns z^(2^250 - 1) and z^11 (a fixed addition chain).</summary>
    private static void Pow250(in FieldElement z, out FieldElement z250, out FieldElement z11)
    {
        Square(out FieldElement z2, z);                  // 2
        SquareTimes(out FieldElement t, z2, 2);          // 8
        Mul(out FieldElement z9, t, z);                  // 9
        Mul(out z11, z9, z2);                            // 11
        Square(out t, z11);                              // 22
        Mul(out FieldElement z5, t, z9);                 // 31 = 2^5 - 1
        SquareTimes(out t, z5, 5);
        Mul(out FieldElement z10, t, z5);                // 2^10 - 1
        SquareTimes(out t, z10, 10);
        Mul(out FieldElement z20, t, z10);               // 2^20 - 1
        SquareTimes(out t, z20, 20);
        Mul(out FieldElement z40, t, z20);               // 2^40 - 1
        SquareTimes(out t, z40, 10);
        Mul(out FieldElement z50, t, z10);               // 2^50 - 1
        SquareTimes(out t, z50, 50);
        Mul(out FieldElement z100, t, z50);              // 2^100 - 1
        SquareTimes(out t, z100, 100);
        Mul(out FieldElement z200, t, z100);             // 2^200 - 1
        SquareTimes(out t, z200, 50);
        Mul(out z250, t, z50);                           // 2^250 - 1
    }

    /// <summary>r = 1/z = z^(p-2) = z^(2^255 - 21) (0 maps to 0).</summary>
    public static void Invert(out FieldElement r, in FieldElement z)
    {
        Pow250(z, out FieldElement z250, out FieldElement z11);
        SquareTimes(out FieldElement t, z250, 5);        // 2^255 - 32
        Mul(out r, t, z11);                              // 2^255 - 21
    }

    /// <summary>r = z^((p-5)/8) = z^(2^252 - 3).</summary>
    public static void Pow2523(out FieldElement r, in FieldElement z)
    {
        Pow250(z, out FieldElement z250, out _);
        SquareTimes(out FieldElement t, z250, 2);        // 2^252 - 4
        Mul(out r, t, z);                                // 2^252 - 3
    }

    /// <summary>Fully reduced limbs (each below 2^51, value in [0, p)).</summary>
    public static void Canonical(out FieldElement r, in FieldElement a)
    {
        Carry(out FieldElement h, a.L0, a.L1, a.L2, a.L3, a.L4);
        Carry(out h, h.L0, h.L1, h.L2, h.L3, h.L4);

        // Now h < 2^255 + small with limbs < 2^51 (limb 1 at most 2^51 + 1, carried below). q = 1 iff h >= p, i.e. h + 19 >= 2^255.
        ulong q = (h.L0 + 19) >> 51;
        q = (h.L1 + q) >> 51;
        q = (h.L2 + q) >> 51;
        q = (h.L3 + q) >> 51;
        q = (h.L4 + q) >> 51;
        ulong t0 = h.L0 + (19 * q);
        ulong t1 = h.L1 + (t0 >> 51);
        t0 &= Mask;
        ulong t2 = h.L2 + (t1 >> 51);
        t1 &= Mask;
        ulong t3 = h.L3 + (t2 >> 51);
        t2 &= Mask;
        ulong t4 = h.L4 + (t3 >> 51);
        t3 &= Mask;
        t4 &= Mask;
        r.L0 = t0;
        r.L1 = t1;
        r.L2 = t2;
        r.L3 = t3;
        r.L4 = t4;
    }

    /// <summary>Writes the canonical 32-byte little-endian encoding (bit 255 clear).</summary>
    public static void Encode(in FieldElement a, Span<byte> destination)
    {
        Canonical(out FieldElement c, a);
        BinaryPrimitives.WriteUInt64LittleEndian(destination, c.L0 | (c.L1 << 51));
        BinaryPrimitives.WriteUInt64LittleEndian(destination[8..], (c.L1 >> 13) | (c.L2 << 38));
        BinaryPrimitives.WriteUInt64LittleEndian(destination[16..], (c.L2 >> 26) | (c.L3 << 25));
        BinaryPrimitives.WriteUInt64LittleEndian(destination[24..], (c.L3 >> 39) | (c.L4 << 12));
    }

    /// <summary>Reads 255 bits (bit 255 ignored); the value may be in [p, 2^255) (not reduced).</summary>
    public static FieldElement Decode(ReadOnlySpan<byte> s)
    {
        ulong w0 = BinaryPrimitives.ReadUInt64LittleEndian(s);
        ulong w1 = BinaryPrimitives.ReadUInt64LittleEndian(s[8..]);
        ulong w2 = BinaryPrimitives.ReadUInt64LittleEndian(s[16..]);
        ulong w3 = BinaryPrimitives.ReadUInt64LittleEndian(s[24..]);
        return new FieldElement
        {
            L0 = w0 & Mask,
            L1 = ((w0 >> 51) | (w1 << 13)) & Mask,
            L2 = ((w1 >> 38) | (w2 << 26)) & Mask,
            L3 = ((w2 >> 25) | (w3 << 39)) & Mask,
            L4 = (w3 >> 12) & Mask,
        };
    }

    /// <summary>True iff a = 0 (mod p).</summary>
    public static bool IsZero(in FieldElement a)
    {
        Canonical(out FieldElement c, a);
        return (c.L0 | c.L1 | c.L2 | c.L3 | c.L4) == 0;
    }

    /// <summary>True iff a = b (mod p).</summary>
    public static bool AreEqual(in FieldElement a, in FieldElement b)
    {
        Sub(out FieldElement d, a, b);
        return IsZero(d);
    }

    /// <summary>The low bit of the canonical value ("negative" in RFC 8032 terms).</summary>
    public static bool IsOdd(in FieldElement a)
    {
        Canonical(out FieldElement c, a);
        return (c.L0 & 1) != 0;
    }

    /// <summary>From a value in [0, 2^255) (tests and constants).</summary>
    public static FieldElement FromBigInteger(BigInteger v)
    {
        Span<byte> b = stackalloc byte[32];
        b.Clear();
        v.TryWriteBytes(b, out _, isUnsigned: true, isBigEndian: false);
        return Decode(b);
    }

    /// <summary>The value mod p (tests).</summary>
    public readonly BigInteger ToBigInteger()
    {
        BigInteger v = L4;
        v = (v << 51) + L3;
        v = (v << 51) + L2;
        v = (v << 51) + L1;
        v = (v << 51) + L0;
        return Mod(v);
    }

    private static BigInteger Mod(BigInteger v)
    {
        v %= P;
        return v.Sign < 0 ? v + P : v;
    }
}
