using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MevDefense.Ingest.Merkle.Internal.Ed25519;

/// <summary>
/// Eight elements of GF(2^255 - 19), one per 64-bit lane, in radix 2^25.5: limb i has weight 2^ceil(25.5 i) (even limbs nominally
/// 26 bits, odd limbs 25), and lane k of each limb vector belongs to element k. Used by <see cref="LanePointPair"/>, where the
/// lanes are the four coordinates of two points, so one vector multiplication does the four independent multiplications of one
/// stage of a point addition for both points.
/// </summary>
/// <remarks>
/// Products are <c>vpmuludq</c> (the low 32 bits of each lane times the low 32 bits of the other's, 64-bit result), so every
/// multiplication operand must stay below 2^32. "Carried" (the output of <see cref="Mul"/>): even limbs
/// below 2^26, odd limbs below 2^25 + 2^14, the value congruent to the element. <see cref="Mul"/> accepts both operands with limbs
/// up to 3 x carried (sums of two carried values, or a carried value subtracted from 2p plus a carried value): then 19 g_j and
/// 2 f_i stay below 2^32 and each column sum below 10 * 2^28 * 57 * 2^26 &lt; 2^64. Variable time is irrelevant here (no
/// branches on data). Property-tested against <see cref="BigInteger"/>.
/// </remarks>
internal struct FieldVector8
{
    public Vector512<ulong> L0;
    public Vector512<ulong> L1;
    public Vector512<ulong> L2;
    public Vector512<ulong> L3;
    public Vector512<ulong> L4;
    public Vector512<ulong> L5;
    public Vector512<ulong> L6;
    public Vector512<ulong> L7;
    public Vector512<ulong> L8;
    public Vector512<ulong> L9;

    private const ulong Mask26 = (1UL << 26) - 1;
    private const ulong Mask25 = (1UL << 25) - 1;

    /// <summary>2p limb-wise: limb 0 is 2(2^26 - 19), other even limbs 2(2^26 - 1), odd limbs 2(2^25 - 1).</summary>
    public const ulong TwoP0 = 0x7FFFFDAUL;

    /// <summary>2p, even limbs 2..8.</summary>
    public const ulong TwoPEven = 0x7FFFFFEUL;

    /// <summary>2p, odd limbs.</summary>
    public const ulong TwoPOdd = 0x3FFFFFEUL;

    /// <summary>True when the instructions this type needs exist on this CPU (AVX-512 F and BW).</summary>
    public static bool IsSupported => Avx512F.IsSupported && Avx512BW.IsSupported && Vector512.IsHardwareAccelerated;

    /// <summary>h = f * g mod p, carried (schoolbook: f_i g_j lands in column i + j; columns 10.. wrap times 19 because
    /// 2^255 = 19 mod p; when i and j are both odd the product's weight is twice the column's, hence the doubled odd f limbs).
    /// h may alias f or g.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Mul(ref FieldVector8 h, in FieldVector8 f, in FieldVector8 g)
    {
        Vector512<ulong> g0 = g.L0, g1 = g.L1, g2 = g.L2, g3 = g.L3, g4 = g.L4, g5 = g.L5, g6 = g.L6, g7 = g.L7, g8 = g.L8, g9 = g.L9;
        Vector512<ulong> k19 = Vector512.Create(19UL);
        Vector512<ulong> s1 = P(g1, k19), s2 = P(g2, k19), s3 = P(g3, k19), s4 = P(g4, k19), s5 = P(g5, k19);
        Vector512<ulong> s6 = P(g6, k19), s7 = P(g7, k19), s8 = P(g8, k19), s9 = P(g9, k19);
        Vector512<ulong> f0 = f.L0, f2 = f.L2, f4 = f.L4, f6 = f.L6, f8 = f.L8;
        Vector512<ulong> f1 = f.L1, f3 = f.L3, f5 = f.L5, f7 = f.L7, f9 = f.L9;
        Vector512<ulong> d1 = f1 + f1, d3 = f3 + f3, d5 = f5 + f5, d7 = f7 + f7, d9 = f9 + f9;

        Vector512<ulong> h0 = P(f0, g0) + P(d1, s9) + P(f2, s8) + P(d3, s7) + P(f4, s6) + P(d5, s5) + P(f6, s4) + P(d7, s3) + P(f8, s2) + P(d9, s1);
        Vector512<ulong> h1 = P(f0, g1) + P(f1, g0) + P(f2, s9) + P(f3, s8) + P(f4, s7) + P(f5, s6) + P(f6, s5) + P(f7, s4) + P(f8, s3) + P(f9, s2);
        Vector512<ulong> h2 = P(f0, g2) + P(d1, g1) + P(f2, g0) + P(d3, s9) + P(f4, s8) + P(d5, s7) + P(f6, s6) + P(d7, s5) + P(f8, s4) + P(d9, s3);
        Vector512<ulong> h3 = P(f0, g3) + P(f1, g2) + P(f2, g1) + P(f3, g0) + P(f4, s9) + P(f5, s8) + P(f6, s7) + P(f7, s6) + P(f8, s5) + P(f9, s4);
        Vector512<ulong> h4 = P(f0, g4) + P(d1, g3) + P(f2, g2) + P(d3, g1) + P(f4, g0) + P(d5, s9) + P(f6, s8) + P(d7, s7) + P(f8, s6) + P(d9, s5);
        Vector512<ulong> h5 = P(f0, g5) + P(f1, g4) + P(f2, g3) + P(f3, g2) + P(f4, g1) + P(f5, g0) + P(f6, s9) + P(f7, s8) + P(f8, s7) + P(f9, s6);
        Vector512<ulong> h6 = P(f0, g6) + P(d1, g5) + P(f2, g4) + P(d3, g3) + P(f4, g2) + P(d5, g1) + P(f6, g0) + P(d7, s9) + P(f8, s8) + P(d9, s7);
        Vector512<ulong> h7 = P(f0, g7) + P(f1, g6) + P(f2, g5) + P(f3, g4) + P(f4, g3) + P(f5, g2) + P(f6, g1) + P(f7, g0) + P(f8, s9) + P(f9, s8);
        Vector512<ulong> h8 = P(f0, g8) + P(d1, g7) + P(f2, g6) + P(d3, g5) + P(f4, g4) + P(d5, g3) + P(f6, g2) + P(d7, g1) + P(f8, g0) + P(d9, s9);
        Vector512<ulong> h9 = P(f0, g9) + P(f1, g8) + P(f2, g7) + P(f3, g6) + P(f4, g5) + P(f5, g4) + P(f6, g3) + P(f7, g2) + P(f8, g1) + P(f9, g0);
        CarryColumns(ref h, h0, h1, h2, h3, h4, h5, h6, h7, h8, h9);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ulong> P(Vector512<ulong> a, Vector512<ulong> b) => Avx512F.Multiply(a.AsUInt32(), b.AsUInt32());

    /// <summary>
    /// Column sums to carried limbs with two interleaved carry chains (limbs 0..4 and 4..9 then 9 -&gt; 0 times 19 -&gt; 1), so the
    /// dependency path is about half of one sequential chain.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CarryColumns(ref FieldVector8 h, Vector512<ulong> h0, Vector512<ulong> h1, Vector512<ulong> h2, Vector512<ulong> h3, Vector512<ulong> h4,
        Vector512<ulong> h5, Vector512<ulong> h6, Vector512<ulong> h7, Vector512<ulong> h8, Vector512<ulong> h9)
    {
        Vector512<ulong> m26 = Vector512.Create(Mask26), m25 = Vector512.Create(Mask25);
        Vector512<ulong> a, b;
        a = h0 >>> 26; h1 += a; h0 &= m26;
        b = h4 >>> 26; h5 += b; h4 &= m26;
        a = h1 >>> 25; h2 += a; h1 &= m25;
        b = h5 >>> 25; h6 += b; h5 &= m25;
        a = h2 >>> 26; h3 += a; h2 &= m26;
        b = h6 >>> 26; h7 += b; h6 &= m26;
        a = h3 >>> 25; h4 += a; h3 &= m25;
        b = h7 >>> 25; h8 += b; h7 &= m25;
        a = h4 >>> 26; h5 += a; h4 &= m26;
        b = h8 >>> 26; h9 += b; h8 &= m26;
        b = h9 >>> 25; h9 &= m25;
        h0 += (b << 4) + (b << 1) + b;          // 19b; b can exceed 32 bits, so not a vpmuludq
        a = h0 >>> 26; h1 += a; h0 &= m26;
        h.L0 = h0;
        h.L1 = h1;
        h.L2 = h2;
        h.L3 = h3;
        h.L4 = h4;
        h.L5 = h5;
        h.L6 = h6;
        h.L7 = h7;
        h.L8 = h8;
        h.L9 = h9;
    }

    /// <summary>Limb i of a radix-2^51 element split into the two radix-2^25.5 limbs 2i (26 bits) and 2i + 1 (the rest).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Split(ulong limb51, out uint even, out uint odd)
    {
        even = (uint)(limb51 & Mask26);
        odd = (uint)(limb51 >> 26);
    }

    /// <summary>Lane <paramref name="lane"/> as a radix-2^51 element (limb pairs joined; not reduced, limbs below 2^52).</summary>
    public readonly FieldElement GetLane(int lane) => new()
    {
        L0 = L0[lane] + (L1[lane] << 26),
        L1 = L2[lane] + (L3[lane] << 26),
        L2 = L4[lane] + (L5[lane] << 26),
        L3 = L6[lane] + (L7[lane] << 26),
        L4 = L8[lane] + (L9[lane] << 26),
    };

    /// <summary>Sets lane <paramref name="lane"/> to <paramref name="a"/> (carried first, so limbs fit 26/25 bits plus a little).</summary>
    public void SetLane(int lane, in FieldElement a)
    {
        FieldElement.Canonical(out FieldElement c, a);
        L0 = L0.WithElement(lane, c.L0 & Mask26);
        L1 = L1.WithElement(lane, c.L0 >> 26);
        L2 = L2.WithElement(lane, c.L1 & Mask26);
        L3 = L3.WithElement(lane, c.L1 >> 26);
        L4 = L4.WithElement(lane, c.L2 & Mask26);
        L5 = L5.WithElement(lane, c.L2 >> 26);
        L6 = L6.WithElement(lane, c.L3 & Mask26);
        L7 = L7.WithElement(lane, c.L3 >> 26);
        L8 = L8.WithElement(lane, c.L4 & Mask26);
        L9 = L9.WithElement(lane, c.L4 >> 26);
    }

    /// <summary>The value of lane <paramref name="lane"/> (sum of limbs times their weights) mod p (tests).</summary>
    public readonly BigInteger LaneToBigInteger(int lane) => GetLane(lane).ToBigInteger();
}
