using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace MevDefense.Ingest.Merkle.Internal.Ed25519;

/// <summary>
/// An element of GF(p), p = 2^255 - 19, in radix 2^51: value = L0 + L1*2^51 + L2*2^102 + L3*2^153 + L4*2^204.
/// Limbs are "loosely reduced": outputs of <see cref="Mul"/>, <see cref="Square"/> and <see cref="Sub"/> have limbs below
/// 2^51 + 2^15; <see cref="Add"/> does not carry (its limbs stay below 2^53), and every operation accepts inputs with limbs
/// below 2^54 (the 128-bit accumulators of a product then stay below 2^115 and the top carry times 19 fits 64 bits).
/// Variable time: used only to verify public signatures.
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
        Carry(out r, t0, t1, t2, t3, t4);
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

    /// <summary>r = a * b.</summary>
    public static void Mul(out FieldElement r, in FieldElement a, in FieldElement b)
    {
        ulong a0 = a.L0, a1 = a.L1, a2 = a.L2, a3 = a.L3, a4 = a.L4;
        ulong b0 = b.L0, b1 = b.L1, b2 = b.L2, b3 = b.L3, b4 = b.L4;
        ulong b1x = b1 * 19, b2x = b2 * 19, b3x = b3 * 19, b4x = b4 * 19;

        // 2^255 = 19 (mod p): the products that land at 2^255 or above fold back times 19.
        UInt128 t0 = Math.BigMul(a0, b0) + Math.BigMul(a1, b4x) + Math.BigMul(a2, b3x) + Math.BigMul(a3, b2x) + Math.BigMul(a4, b1x);
        UInt128 t1 = Math.BigMul(a0, b1) + Math.BigMul(a1, b0) + Math.BigMul(a2, b4x) + Math.BigMul(a3, b3x) + Math.BigMul(a4, b2x);
        UInt128 t2 = Math.BigMul(a0, b2) + Math.BigMul(a1, b1) + Math.BigMul(a2, b0) + Math.BigMul(a3, b4x) + Math.BigMul(a4, b3x);
        UInt128 t3 = Math.BigMul(a0, b3) + Math.BigMul(a1, b2) + Math.BigMul(a2, b1) + Math.BigMul(a3, b0) + Math.BigMul(a4, b4x);
        UInt128 t4 = Math.BigMul(a0, b4) + Math.BigMul(a1, b3) + Math.BigMul(a2, b2) + Math.BigMul(a3, b1) + Math.BigMul(a4, b0);
        Reduce(out r, t0, t1, t2, t3, t4);
    }

    /// <summary>r = a^2.</summary>
    public static void Square(out FieldElement r, in FieldElement a)
    {
        ulong a0 = a.L0, a1 = a.L1, a2 = a.L2, a3 = a.L3, a4 = a.L4;
        ulong d0 = a0 * 2, d1 = a1 * 2, d2 = a2 * 2;
        ulong a3x = a3 * 19, a4x = a4 * 19;
        UInt128 t0 = Math.BigMul(a0, a0) + Math.BigMul(d1, a4x) + Math.BigMul(d2, a3x);
        UInt128 t1 = Math.BigMul(d0, a1) + Math.BigMul(d2, a4x) + Math.BigMul(a3, a3x);
        UInt128 t2 = Math.BigMul(d0, a2) + Math.BigMul(a1, a1) + Math.BigMul(a3 * 2, a4x);
        UInt128 t3 = Math.BigMul(d0, a3) + Math.BigMul(d1, a2) + Math.BigMul(a4, a4x);
        UInt128 t4 = Math.BigMul(d0, a4) + Math.BigMul(d1, a3) + Math.BigMul(a2, a2);
        Reduce(out r, t0, t1, t2, t3, t4);
    }

    /// <summary>r = a^(2^n), n &gt;= 1.</summary>
    public static void SquareTimes(out FieldElement r, in FieldElement a, int n)
    {
        Square(out r, a);
        for (int i = 1; i < n; i++)
        {
            Square(out r, r);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Reduce(out FieldElement r, UInt128 t0, UInt128 t1, UInt128 t2, UInt128 t3, UInt128 t4)
    {
        ulong r0 = (ulong)t0 & Mask;
        t1 += (ulong)(t0 >> 51);
        ulong r1 = (ulong)t1 & Mask;
        t2 += (ulong)(t1 >> 51);
        ulong r2 = (ulong)t2 & Mask;
        t3 += (ulong)(t2 >> 51);
        ulong r3 = (ulong)t3 & Mask;
        t4 += (ulong)(t3 >> 51);
        ulong r4 = (ulong)t4 & Mask;
        r0 += (ulong)(t4 >> 51) * 19;
        r1 += r0 >> 51;
        r0 &= Mask;
        r.L0 = r0;
        r.L1 = r1;
        r.L2 = r2;
        r.L3 = r3;
        r.L4 = r4;
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
