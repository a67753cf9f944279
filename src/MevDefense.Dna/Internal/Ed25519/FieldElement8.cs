using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MevDefense.Dna.Internal.Ed25519;

/// <summary>
/// Eight independent elements of GF(2^255 - 19), one per 64-bit lane, in radix 2^25.5: limb <c>i</c> of an element has weight
/// 2^ceil(25.5 i), so even limbs nominally hold 26 bits and odd limbs 25. Lane <c>k</c> of every limb vector belongs to
/// element <c>k</c> (signature <c>k</c> of a batch).
/// </summary>
/// <remarks>
/// <para>Products use <c>vpmuludq</c> (<see cref="Avx512F.Multiply(Vector512{uint}, Vector512{uint})"/>): the low 32 bits of
/// each 64-bit lane times the low 32 bits of the other, a full 64-bit product. Limbs are unsigned and every operand of a product
/// must stay below 2^32, which fixes the bounds below.</para>
/// <para>Bounds ("carried" = output of <see cref="Mul"/>, <see cref="Square"/>, <see cref="Carry"/>: even limbs &lt; 2^26,
/// odd limbs &lt; 2^25 + 2^18, value &lt; 2p, congruent to the element):
/// <see cref="Mul"/> takes <c>f</c> with limbs up to 4 × carried (even &lt; 2^28, odd &lt; 2^27) and <c>g</c> with limbs up to
/// 3 × carried (even &lt; 3·2^26, odd &lt; 3·2^25): then 19·g_j &lt; 2^32, 2·f_i &lt; 2^32, and each output column before the carry is
/// at most 12·498·2^50 &lt; 2^63. <see cref="Square"/> takes limbs up to 3 × carried (38·f_j for odd j and 19·f_j for even j
/// stay below 2^32; columns &lt; 9·498·2^50). <see cref="Add"/> of two carried values is 2 × carried; <see cref="Sub"/> (adds
/// 2p limb-wise before subtracting a carried value) is 3 × carried; <see cref="Sub4P"/> (adds 4p, subtrahend up to 3 × carried)
/// is 5 × carried and must be carried before it feeds a product.</para>
/// </remarks>
internal struct FieldElement8
{
    private const ulong Mask26 = (1UL << 26) - 1;
    private const ulong Mask25 = (1UL << 25) - 1;

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

    /// <summary>Gets whether the instructions this type needs are present.</summary>
    public static bool IsSupported => Avx512F.IsSupported && Avx512BW.IsSupported && Vector512.IsHardwareAccelerated;

    /// <summary>Sets every lane to the same small constant (below 2^25).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first batch: do not run at tier 0
    public static void SetSmall(ref FieldElement8 h, ulong value)
    {
        h = default;
        h.L0 = Vector512.Create(value);
    }

    /// <summary>Sets every lane to the same element, given as ten limbs of a canonical value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first batch: do not run at tier 0
    public static void Broadcast(ref FieldElement8 h, ReadOnlySpan<ulong> limbs)
    {
        h.L0 = Vector512.Create(limbs[0]);
        h.L1 = Vector512.Create(limbs[1]);
        h.L2 = Vector512.Create(limbs[2]);
        h.L3 = Vector512.Create(limbs[3]);
        h.L4 = Vector512.Create(limbs[4]);
        h.L5 = Vector512.Create(limbs[5]);
        h.L6 = Vector512.Create(limbs[6]);
        h.L7 = Vector512.Create(limbs[7]);
        h.L8 = Vector512.Create(limbs[8]);
        h.L9 = Vector512.Create(limbs[9]);
    }

    /// <summary>h = f + g, limb-wise, no carry.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Add(ref FieldElement8 h, in FieldElement8 f, in FieldElement8 g)
    {
        h.L0 = f.L0 + g.L0;
        h.L1 = f.L1 + g.L1;
        h.L2 = f.L2 + g.L2;
        h.L3 = f.L3 + g.L3;
        h.L4 = f.L4 + g.L4;
        h.L5 = f.L5 + g.L5;
        h.L6 = f.L6 + g.L6;
        h.L7 = f.L7 + g.L7;
        h.L8 = f.L8 + g.L8;
        h.L9 = f.L9 + g.L9;
    }

    /// <summary>h = f + 2p - g limb-wise (g carried, so no limb goes negative), no carry.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Sub(ref FieldElement8 h, in FieldElement8 f, in FieldElement8 g)
    {
        // 2p in radix 2^25.5: limb 0 is 2(2^26 - 19), other even limbs 2(2^26 - 1), odd limbs 2(2^25 - 1).
        Vector512<ulong> e0 = Vector512.Create(0x7FFFFDAUL), e = Vector512.Create(0x7FFFFFEUL), o = Vector512.Create(0x3FFFFFEUL);
        h.L0 = f.L0 + e0 - g.L0;
        h.L1 = f.L1 + o - g.L1;
        h.L2 = f.L2 + e - g.L2;
        h.L3 = f.L3 + o - g.L3;
        h.L4 = f.L4 + e - g.L4;
        h.L5 = f.L5 + o - g.L5;
        h.L6 = f.L6 + e - g.L6;
        h.L7 = f.L7 + o - g.L7;
        h.L8 = f.L8 + e - g.L8;
        h.L9 = f.L9 + o - g.L9;
    }

    /// <summary>h = f + 4p - g limb-wise (g up to 3 × carried), no carry.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Sub4P(ref FieldElement8 h, in FieldElement8 f, in FieldElement8 g)
    {
        Vector512<ulong> e0 = Vector512.Create(0xFFFFFB4UL), e = Vector512.Create(0xFFFFFFCUL), o = Vector512.Create(0x7FFFFFCUL);
        h.L0 = f.L0 + e0 - g.L0;
        h.L1 = f.L1 + o - g.L1;
        h.L2 = f.L2 + e - g.L2;
        h.L3 = f.L3 + o - g.L3;
        h.L4 = f.L4 + e - g.L4;
        h.L5 = f.L5 + o - g.L5;
        h.L6 = f.L6 + e - g.L6;
        h.L7 = f.L7 + o - g.L7;
        h.L8 = f.L8 + e - g.L8;
        h.L9 = f.L9 + o - g.L9;
    }

    /// <summary>Per lane: h = mask ? f : h (mask lanes all-ones or zero). Constant time: a bitwise blend.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Select(ref FieldElement8 h, Vector512<ulong> mask, in FieldElement8 f)
    {
        h.L0 = Vector512.ConditionalSelect(mask, f.L0, h.L0);
        h.L1 = Vector512.ConditionalSelect(mask, f.L1, h.L1);
        h.L2 = Vector512.ConditionalSelect(mask, f.L2, h.L2);
        h.L3 = Vector512.ConditionalSelect(mask, f.L3, h.L3);
        h.L4 = Vector512.ConditionalSelect(mask, f.L4, h.L4);
        h.L5 = Vector512.ConditionalSelect(mask, f.L5, h.L5);
        h.L6 = Vector512.ConditionalSelect(mask, f.L6, h.L6);
        h.L7 = Vector512.ConditionalSelect(mask, f.L7, h.L7);
        h.L8 = Vector512.ConditionalSelect(mask, f.L8, h.L8);
        h.L9 = Vector512.ConditionalSelect(mask, f.L9, h.L9);
    }

    /// <summary>h = 2p - f limb-wise (f carried): the negation, no carry.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Negate(ref FieldElement8 h, in FieldElement8 f)
    {
        Vector512<ulong> e0 = Vector512.Create(0x7FFFFDAUL), e = Vector512.Create(0x7FFFFFEUL), o = Vector512.Create(0x3FFFFFEUL);
        h.L0 = e0 - f.L0;
        h.L1 = o - f.L1;
        h.L2 = e - f.L2;
        h.L3 = o - f.L3;
        h.L4 = e - f.L4;
        h.L5 = o - f.L5;
        h.L6 = e - f.L6;
        h.L7 = o - f.L7;
        h.L8 = e - f.L8;
        h.L9 = o - f.L9;
    }

    /// <summary>Per lane: swaps a and b where the mask is set (x = (a ^ b) &amp; mask; a ^= x; b ^= x). Constant time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ConditionalSwap(ref FieldElement8 a, ref FieldElement8 b, Vector512<ulong> mask)
    {
        Vector512<ulong> x;
        x = (a.L0 ^ b.L0) & mask; a.L0 ^= x; b.L0 ^= x;
        x = (a.L1 ^ b.L1) & mask; a.L1 ^= x; b.L1 ^= x;
        x = (a.L2 ^ b.L2) & mask; a.L2 ^= x; b.L2 ^= x;
        x = (a.L3 ^ b.L3) & mask; a.L3 ^= x; b.L3 ^= x;
        x = (a.L4 ^ b.L4) & mask; a.L4 ^= x; b.L4 ^= x;
        x = (a.L5 ^ b.L5) & mask; a.L5 ^= x; b.L5 ^= x;
        x = (a.L6 ^ b.L6) & mask; a.L6 ^= x; b.L6 ^= x;
        x = (a.L7 ^ b.L7) & mask; a.L7 ^= x; b.L7 ^= x;
        x = (a.L8 ^ b.L8) & mask; a.L8 ^= x; b.L8 ^= x;
        x = (a.L9 ^ b.L9) & mask; a.L9 ^= x; b.L9 ^= x;
    }

    /// <summary>Carries h (limbs below 2^63) to carried form, keeping its value mod p.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first batch: do not run at tier 0
    public static void Carry(ref FieldElement8 h)
    {
        Vector512<ulong> h0 = h.L0, h1 = h.L1, h2 = h.L2, h3 = h.L3, h4 = h.L4, h5 = h.L5, h6 = h.L6, h7 = h.L7, h8 = h.L8, h9 = h.L9;
        CarryChain(ref h, h0, h1, h2, h3, h4, h5, h6, h7, h8, h9);
    }

    /// <summary>
    /// h = f·g mod p (schoolbook over the ten limbs; a product f_i·g_j lands in column i+j, columns of 10 and more wrap to
    /// i+j-10 times 19 because 2^255 ≡ 19; when i and j are both odd the weights 2^ceil(25.5i)·2^ceil(25.5j) exceed
    /// 2^ceil(25.5(i+j)) by one bit, hence the doubled f_i). Bounds in the type remarks; h may alias f or g.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first batch: do not run at tier 0
    public static void Mul(ref FieldElement8 h, in FieldElement8 f, in FieldElement8 g)
    {
        Vector512<ulong> f0 = f.L0, f1 = f.L1, f2 = f.L2, f3 = f.L3, f4 = f.L4, f5 = f.L5, f6 = f.L6, f7 = f.L7, f8 = f.L8, f9 = f.L9;
        Vector512<ulong> g0 = g.L0, g1 = g.L1, g2 = g.L2, g3 = g.L3, g4 = g.L4, g5 = g.L5, g6 = g.L6, g7 = g.L7, g8 = g.L8, g9 = g.L9;
        Vector512<ulong> n19 = Vector512.Create(19UL);
        Vector512<ulong> g1x19 = M(g1, n19);
        Vector512<ulong> g2x19 = M(g2, n19);
        Vector512<ulong> g3x19 = M(g3, n19);
        Vector512<ulong> g4x19 = M(g4, n19);
        Vector512<ulong> g5x19 = M(g5, n19);
        Vector512<ulong> g6x19 = M(g6, n19);
        Vector512<ulong> g7x19 = M(g7, n19);
        Vector512<ulong> g8x19 = M(g8, n19);
        Vector512<ulong> g9x19 = M(g9, n19);
        Vector512<ulong> f1x2 = f1 + f1;
        Vector512<ulong> f3x2 = f3 + f3;
        Vector512<ulong> f5x2 = f5 + f5;
        Vector512<ulong> f7x2 = f7 + f7;
        Vector512<ulong> f9x2 = f9 + f9;
        Vector512<ulong> h0 = M(f0, g0) + M(f1x2, g9x19) + M(f2, g8x19) + M(f3x2, g7x19) + M(f4, g6x19) + M(f5x2, g5x19) + M(f6, g4x19) + M(f7x2, g3x19) + M(f8, g2x19) + M(f9x2, g1x19);
        Vector512<ulong> h1 = M(f0, g1) + M(f1, g0) + M(f2, g9x19) + M(f3, g8x19) + M(f4, g7x19) + M(f5, g6x19) + M(f6, g5x19) + M(f7, g4x19) + M(f8, g3x19) + M(f9, g2x19);
        Vector512<ulong> h2 = M(f0, g2) + M(f1x2, g1) + M(f2, g0) + M(f3x2, g9x19) + M(f4, g8x19) + M(f5x2, g7x19) + M(f6, g6x19) + M(f7x2, g5x19) + M(f8, g4x19) + M(f9x2, g3x19);
        Vector512<ulong> h3 = M(f0, g3) + M(f1, g2) + M(f2, g1) + M(f3, g0) + M(f4, g9x19) + M(f5, g8x19) + M(f6, g7x19) + M(f7, g6x19) + M(f8, g5x19) + M(f9, g4x19);
        Vector512<ulong> h4 = M(f0, g4) + M(f1x2, g3) + M(f2, g2) + M(f3x2, g1) + M(f4, g0) + M(f5x2, g9x19) + M(f6, g8x19) + M(f7x2, g7x19) + M(f8, g6x19) + M(f9x2, g5x19);
        Vector512<ulong> h5 = M(f0, g5) + M(f1, g4) + M(f2, g3) + M(f3, g2) + M(f4, g1) + M(f5, g0) + M(f6, g9x19) + M(f7, g8x19) + M(f8, g7x19) + M(f9, g6x19);
        Vector512<ulong> h6 = M(f0, g6) + M(f1x2, g5) + M(f2, g4) + M(f3x2, g3) + M(f4, g2) + M(f5x2, g1) + M(f6, g0) + M(f7x2, g9x19) + M(f8, g8x19) + M(f9x2, g7x19);
        Vector512<ulong> h7 = M(f0, g7) + M(f1, g6) + M(f2, g5) + M(f3, g4) + M(f4, g3) + M(f5, g2) + M(f6, g1) + M(f7, g0) + M(f8, g9x19) + M(f9, g8x19);
        Vector512<ulong> h8 = M(f0, g8) + M(f1x2, g7) + M(f2, g6) + M(f3x2, g5) + M(f4, g4) + M(f5x2, g3) + M(f6, g2) + M(f7x2, g1) + M(f8, g0) + M(f9x2, g9x19);
        Vector512<ulong> h9 = M(f0, g9) + M(f1, g8) + M(f2, g7) + M(f3, g6) + M(f4, g5) + M(f5, g4) + M(f6, g3) + M(f7, g2) + M(f8, g1) + M(f9, g0);
        CarryChain(ref h, h0, h1, h2, h3, h4, h5, h6, h7, h8, h9);
    }

    /// <summary>h = f² mod p: the product with the symmetric cross terms f_i·f_j (i &lt; j) counted once and doubled. h may alias f.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first batch: do not run at tier 0
    public static void Square(ref FieldElement8 h, in FieldElement8 f)
    {
        Vector512<ulong> f0 = f.L0, f1 = f.L1, f2 = f.L2, f3 = f.L3, f4 = f.L4, f5 = f.L5, f6 = f.L6, f7 = f.L7, f8 = f.L8, f9 = f.L9;
        Vector512<ulong> n19 = Vector512.Create(19UL);
        Vector512<ulong> f0x2 = f0 + f0;
        Vector512<ulong> f1x2 = f1 + f1;
        Vector512<ulong> f2x2 = f2 + f2;
        Vector512<ulong> f3x2 = f3 + f3;
        Vector512<ulong> f4x2 = f4 + f4;
        Vector512<ulong> f5x2 = f5 + f5;
        Vector512<ulong> f6x2 = f6 + f6;
        Vector512<ulong> f7x2 = f7 + f7;
        Vector512<ulong> f8x2 = f8 + f8;
        Vector512<ulong> f9x2 = f9 + f9;
        Vector512<ulong> f5x19 = M(f5, n19);
        Vector512<ulong> f6x19 = M(f6, n19);
        Vector512<ulong> f7x19 = M(f7, n19);
        Vector512<ulong> f8x19 = M(f8, n19);
        Vector512<ulong> f9x19 = M(f9, n19);
        Vector512<ulong> f7x38 = f7x19 + f7x19;
        Vector512<ulong> f9x38 = f9x19 + f9x19;
        Vector512<ulong> h0 = M(f0, f0) + M(f1x2, f9x38) + M(f2x2, f8x19) + M(f3x2, f7x38) + M(f4x2, f6x19) + M(f5x2, f5x19);
        Vector512<ulong> h1 = M(f0x2, f1) + M(f2x2, f9x19) + M(f3x2, f8x19) + M(f4x2, f7x19) + M(f5x2, f6x19);
        Vector512<ulong> h2 = M(f0x2, f2) + M(f1x2, f1) + M(f3x2, f9x38) + M(f4x2, f8x19) + M(f5x2, f7x38) + M(f6, f6x19);
        Vector512<ulong> h3 = M(f0x2, f3) + M(f1x2, f2) + M(f4x2, f9x19) + M(f5x2, f8x19) + M(f6x2, f7x19);
        Vector512<ulong> h4 = M(f0x2, f4) + M(f1x2, f3x2) + M(f2, f2) + M(f5x2, f9x38) + M(f6x2, f8x19) + M(f7x2, f7x19);
        Vector512<ulong> h5 = M(f0x2, f5) + M(f1x2, f4) + M(f2x2, f3) + M(f6x2, f9x19) + M(f7x2, f8x19);
        Vector512<ulong> h6 = M(f0x2, f6) + M(f1x2, f5x2) + M(f2x2, f4) + M(f3x2, f3) + M(f7x2, f9x38) + M(f8, f8x19);
        Vector512<ulong> h7 = M(f0x2, f7) + M(f1x2, f6) + M(f2x2, f5) + M(f3x2, f4) + M(f8x2, f9x19);
        Vector512<ulong> h8 = M(f0x2, f8) + M(f1x2, f7x2) + M(f2x2, f6) + M(f3x2, f5x2) + M(f4, f4) + M(f9x2, f9x19);
        Vector512<ulong> h9 = M(f0x2, f9) + M(f1x2, f8) + M(f2x2, f7) + M(f3x2, f6) + M(f4x2, f5);
        CarryChain(ref h, h0, h1, h2, h3, h4, h5, h6, h7, h8, h9);
    }

    /// <summary>h = f^(2^n) mod p (n ≥ 1 squarings).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first batch: do not run at tier 0
    public static void SquareTimes(ref FieldElement8 h, in FieldElement8 f, int n)
    {
        Square(ref h, f);
        for (int i = 1; i < n; i++)
        {
            Square(ref h, h);
        }
    }

    /// <summary>
    /// h = z^(p-2) = z^-1 mod p (Fermat; 0 maps to 0), by a fixed addition chain of 254 squarings and 11 multiplications, the
    /// same sequence for every input (constant time). p - 2 = 2^255 - 21 = (2^250 - 1)·2^5 + 11.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first batch: do not run at tier 0
    public static void Invert(ref FieldElement8 h, in FieldElement8 z)
    {
        FieldElement8 z2 = default, z9 = default, z11 = default, a = default, t = default, b5 = default, b10 = default, b20 = default, b50 = default, b100 = default;
        Square(ref z2, z);                 // z^2
        SquareTimes(ref t, z2, 2);         // z^8
        Mul(ref z9, t, z);                 // z^9
        Mul(ref z11, z9, z2);              // z^11
        Square(ref t, z11);                // z^22
        Mul(ref b5, t, z9);                // z^31 = z^(2^5 - 1)
        SquareTimes(ref t, b5, 5);
        Mul(ref b10, t, b5);               // z^(2^10 - 1)
        SquareTimes(ref t, b10, 10);
        Mul(ref b20, t, b10);              // z^(2^20 - 1)
        SquareTimes(ref t, b20, 20);
        Mul(ref a, t, b20);                // z^(2^40 - 1)
        SquareTimes(ref t, a, 10);
        Mul(ref b50, t, b10);              // z^(2^50 - 1)
        SquareTimes(ref t, b50, 50);
        Mul(ref b100, t, b50);             // z^(2^100 - 1)
        SquareTimes(ref t, b100, 100);
        Mul(ref a, t, b100);               // z^(2^200 - 1)
        SquareTimes(ref t, a, 50);
        Mul(ref a, t, b50);                // z^(2^250 - 1)
        SquareTimes(ref t, a, 5);          // z^(2^255 - 32)
        Mul(ref h, t, z11);                // z^(2^255 - 21)
    }

    /// <summary>
    /// Writes the canonical value (fully reduced mod p) of each lane as ten limbs: <c>limbs[10·lane + i]</c>. Input must be
    /// carried. Constant time: q = floor((h + 19) / 2^255) ∈ {0, 1} is found by a carry pass, then h + 19q with bit 255 dropped
    /// is h - qp.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first batch: do not run at tier 0
    public static void Freeze(in FieldElement8 f, Span<ulong> limbs)
    {
        Vector512<ulong> m26 = Vector512.Create(Mask26), m25 = Vector512.Create(Mask25);
        FieldElement8 h = f;
        Carry(ref h); // a second pass: every limb strictly within 26/25 bits except a tiny excess in L1, value < 2p
        Vector512<ulong> q = Vector512.ShiftRightLogical(h.L0 + Vector512.Create(19UL), 26);
        q = Vector512.ShiftRightLogical(h.L1 + q, 25);
        q = Vector512.ShiftRightLogical(h.L2 + q, 26);
        q = Vector512.ShiftRightLogical(h.L3 + q, 25);
        q = Vector512.ShiftRightLogical(h.L4 + q, 26);
        q = Vector512.ShiftRightLogical(h.L5 + q, 25);
        q = Vector512.ShiftRightLogical(h.L6 + q, 26);
        q = Vector512.ShiftRightLogical(h.L7 + q, 25);
        q = Vector512.ShiftRightLogical(h.L8 + q, 26);
        q = Vector512.ShiftRightLogical(h.L9 + q, 25);
        Vector512<ulong> c;
        Vector512<ulong> h0 = h.L0 + (q * 19UL);
        c = Vector512.ShiftRightLogical(h0, 26); h0 &= m26;
        Vector512<ulong> h1 = h.L1 + c; c = Vector512.ShiftRightLogical(h1, 25); h1 &= m25;
        Vector512<ulong> h2 = h.L2 + c; c = Vector512.ShiftRightLogical(h2, 26); h2 &= m26;
        Vector512<ulong> h3 = h.L3 + c; c = Vector512.ShiftRightLogical(h3, 25); h3 &= m25;
        Vector512<ulong> h4 = h.L4 + c; c = Vector512.ShiftRightLogical(h4, 26); h4 &= m26;
        Vector512<ulong> h5 = h.L5 + c; c = Vector512.ShiftRightLogical(h5, 25); h5 &= m25;
        Vector512<ulong> h6 = h.L6 + c; c = Vector512.ShiftRightLogical(h6, 26); h6 &= m26;
        Vector512<ulong> h7 = h.L7 + c; c = Vector512.ShiftRightLogical(h7, 25); h7 &= m25;
        Vector512<ulong> h8 = h.L8 + c; c = Vector512.ShiftRightLogical(h8, 26); h8 &= m26;
        Vector512<ulong> h9 = (h.L9 + c) & m25; // the carry out of limb 9 is q·2^255, dropped

        // Transpose through one limb-major copy (ten vector stores) rather than 80 single-element extractions.
        Span<ulong> t = stackalloc ulong[80];
        h0.CopyTo(t);
        h1.CopyTo(t[8..]);
        h2.CopyTo(t[16..]);
        h3.CopyTo(t[24..]);
        h4.CopyTo(t[32..]);
        h5.CopyTo(t[40..]);
        h6.CopyTo(t[48..]);
        h7.CopyTo(t[56..]);
        h8.CopyTo(t[64..]);
        h9.CopyTo(t[72..]);
        for (int lane = 0; lane < 8; lane++)
        {
            for (int i = 0; i < 10; i++)
            {
                limbs[(10 * lane) + i] = t[(8 * i) + lane];
            }
        }

        t.Clear();
    }

    /// <summary>Packs ten canonical limbs (from <see cref="Freeze"/>) into 32 little-endian bytes (bit 255 zero).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first batch: do not run at tier 0
    public static void PackLimbs(ReadOnlySpan<ulong> limbs, Span<byte> output)
    {
        UInt128 lo = 0, hi = 0; // bits 0..127 and 128..255
        int shift = 0;
        for (int i = 0; i < 10; i++)
        {
            UInt128 v = limbs[i];
            if (shift < 128)
            {
                lo |= v << shift;
                if (shift + 26 > 128)
                {
                    hi |= v >> (128 - shift);
                }
            }
            else
            {
                hi |= v << (shift - 128);
            }

            shift += (i & 1) == 0 ? 26 : 25;
        }

        System.Buffers.Binary.BinaryPrimitives.WriteUInt128LittleEndian(output, lo);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt128LittleEndian(output[16..], hi);
    }

    /// <summary>Splits a value below 2^255 into ten limbs (26/25 bits alternating).</summary>
    public static void ToLimbs(BigInteger value, Span<ulong> limbs)
    {
        Span<byte> bytes = stackalloc byte[40];
        bytes.Clear();
        if (value.Sign < 0 || !value.TryWriteBytes(bytes[..32], out _, isUnsigned: true))
        {
            throw new ArgumentOutOfRangeException(nameof(value), "Limbs hold a value in [0, 2^256).");
        }

        int shift = 0;
        for (int i = 0; i < 10; i++)
        {
            int bits = (i & 1) == 0 ? 26 : 25;
            limbs[i] = (System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(bytes[(shift >> 3)..]) >> (shift & 7)) & ((1UL << bits) - 1);
            shift += bits;
        }
    }

    /// <summary>The value Σ limbs[i]·2^ceil(25.5 i) (not reduced).</summary>
    public static BigInteger FromLimbs(ReadOnlySpan<ulong> limbs)
    {
        BigInteger v = BigInteger.Zero;
        int shift = 0;
        for (int i = 0; i < 10; i++)
        {
            v += new BigInteger(limbs[i]) << shift;
            shift += (i & 1) == 0 ? 26 : 25;
        }

        return v;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ulong> M(Vector512<ulong> a, Vector512<ulong> b) => Avx512F.Multiply(a.AsUInt32(), b.AsUInt32());

    /// <summary>
    /// Carries ten column sums (each below 2^63) into carried form. Two interleaved chains (0→1→2→3→4 and 4→5→…→9→0·19→1)
    /// shorten the dependency path; the carry out of limb 9 has weight 2^255 ≡ 19 and is added to limb 0 as c·19 = 16c + 2c + c
    /// (c can exceed 32 bits, so not a vpmuludq).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CarryChain(ref FieldElement8 h, Vector512<ulong> h0, Vector512<ulong> h1, Vector512<ulong> h2, Vector512<ulong> h3, Vector512<ulong> h4,
        Vector512<ulong> h5, Vector512<ulong> h6, Vector512<ulong> h7, Vector512<ulong> h8, Vector512<ulong> h9)
    {
        Vector512<ulong> m26 = Vector512.Create(Mask26), m25 = Vector512.Create(Mask25);
        Vector512<ulong> c0, c4;
        c0 = Vector512.ShiftRightLogical(h0, 26); h1 += c0; h0 &= m26;
        c4 = Vector512.ShiftRightLogical(h4, 26); h5 += c4; h4 &= m26;
        c0 = Vector512.ShiftRightLogical(h1, 25); h2 += c0; h1 &= m25;
        c4 = Vector512.ShiftRightLogical(h5, 25); h6 += c4; h5 &= m25;
        c0 = Vector512.ShiftRightLogical(h2, 26); h3 += c0; h2 &= m26;
        c4 = Vector512.ShiftRightLogical(h6, 26); h7 += c4; h6 &= m26;
        c0 = Vector512.ShiftRightLogical(h3, 25); h4 += c0; h3 &= m25;
        c4 = Vector512.ShiftRightLogical(h7, 25); h8 += c4; h7 &= m25;
        c0 = Vector512.ShiftRightLogical(h4, 26); h5 += c0; h4 &= m26;
        c4 = Vector512.ShiftRightLogical(h8, 26); h9 += c4; h8 &= m26;
        c4 = Vector512.ShiftRightLogical(h9, 25); h9 &= m25;
        h0 += Vector512.ShiftLeft(c4, 4) + Vector512.ShiftLeft(c4, 1) + c4;
        c0 = Vector512.ShiftRightLogical(h0, 26); h1 += c0; h0 &= m26;
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
}
