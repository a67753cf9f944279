using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MevDefense.Dna.Internal.Ed25519;

/// <summary>
/// Eight points of edwards25519 (-x² + y² = 1 + d·x²·y²) in extended coordinates (X : Y : Z : T) with x = X/Z, y = Y/Z,
/// x·y = T/Z (Hisil, Wong, Carter, Dawson 2008). X, Y, Z, T are always carried (outputs of products).
/// </summary>
internal struct ExtendedPoint8
{
    public FieldElement8 X;
    public FieldElement8 Y;
    public FieldElement8 Z;
    public FieldElement8 T;

    /// <summary>
    /// p = q (affine, Niels form) in extended coordinates with Z = 4: X = 2(y+x - (y-x)) = 4x, Y = 2(y+x + y-x) = 4y, Z = 4,
    /// T = (y+x - (y-x))·(y+x + y-x) = 4xy. Also right for the neutral element (1, 1, 0).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first batch: do not run at tier 0
    public static void FromNiels(ref ExtendedPoint8 p, in NielsPoint8 q, ref PointScratch8 s)
    {
        FieldElement8.Sub(ref s.A, q.YPlusX, q.YMinusX);
        FieldElement8.Carry(ref s.A);                    // 2x, carried
        FieldElement8.Add(ref s.B, q.YPlusX, q.YMinusX);
        FieldElement8.Carry(ref s.B);                    // 2y, carried
        FieldElement8.Mul(ref p.T, s.A, s.B);
        FieldElement8.Add(ref p.X, s.A, s.A);
        FieldElement8.Carry(ref p.X);
        FieldElement8.Add(ref p.Y, s.B, s.B);
        FieldElement8.Carry(ref p.Y);
        FieldElement8.SetSmall(ref p.Z, 4);
    }

    /// <summary>
    /// p += q (q affine, Niels form), the a = -1 unified mixed addition ("add-2008-hwcd-3" with Z2 = 1):
    /// A = (Y1 - X1)(y2 - x2), B = (Y1 + X1)(y2 + x2), C = T1·2d·x2·y2, D = 2·Z1, E = B - A, F = D - C, G = D + C, H = B + A,
    /// X3 = E·F, Y3 = G·H, Z3 = F·G, T3 = E·H. Complete: valid for every pair of curve points, including doubling and the
    /// neutral element, so no input-dependent special cases. Operand order follows the bounds of <see cref="FieldElement8.Mul"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first batch: do not run at tier 0
    public static void AddNiels(ref ExtendedPoint8 p, in NielsPoint8 q, ref PointScratch8 s)
    {
        FieldElement8.Sub(ref s.E, p.Y, p.X);            // 3x carried
        FieldElement8.Mul(ref s.A, s.E, q.YMinusX);
        FieldElement8.Add(ref s.H, p.Y, p.X);            // 2x
        FieldElement8.Mul(ref s.B, s.H, q.YPlusX);
        FieldElement8.Mul(ref s.C, p.T, q.XY2D);
        FieldElement8.Add(ref s.D, p.Z, p.Z);            // 2x
        FieldElement8.Sub(ref s.E, s.B, s.A);            // E, 3x
        FieldElement8.Add(ref s.H, s.B, s.A);            // H, 2x
        FieldElement8.Sub(ref s.F, s.D, s.C);            // F, 4x
        FieldElement8.Add(ref s.G, s.D, s.C);            // G, 3x
        FieldElement8.Mul(ref p.X, s.F, s.E);            // in the order the next addition needs them: X, Y, T, then Z
        FieldElement8.Mul(ref p.Y, s.H, s.G);
        FieldElement8.Mul(ref p.T, s.H, s.E);
        FieldElement8.Mul(ref p.Z, s.F, s.G);
    }

    /// <summary>
    /// <see cref="AddNiels"/> on two independent points, p += t and q += u, interleaved step by step: each step of one chain
    /// has the other chain's independent work next to it in the out-of-order window, instead of waiting at the formula's
    /// two dependency barriers (all of A, B, C before E..H; all of E..H before the four products).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first batch: do not run at tier 0
    public static void AddNiels2(ref ExtendedPoint8 p, in NielsPoint8 t, ref PointScratch8 s, ref ExtendedPoint8 q, in NielsPoint8 u, ref PointScratch8 r)
    {
        FieldElement8.Sub(ref s.E, p.Y, p.X);
        FieldElement8.Sub(ref r.E, q.Y, q.X);
        FieldElement8.Mul(ref s.A, s.E, t.YMinusX);
        FieldElement8.Mul(ref r.A, r.E, u.YMinusX);
        FieldElement8.Add(ref s.H, p.Y, p.X);
        FieldElement8.Add(ref r.H, q.Y, q.X);
        FieldElement8.Mul(ref s.B, s.H, t.YPlusX);
        FieldElement8.Mul(ref r.B, r.H, u.YPlusX);
        FieldElement8.Mul(ref s.C, p.T, t.XY2D);
        FieldElement8.Mul(ref r.C, q.T, u.XY2D);
        FieldElement8.Add(ref s.D, p.Z, p.Z);
        FieldElement8.Add(ref r.D, q.Z, q.Z);
        FieldElement8.Sub(ref s.E, s.B, s.A);
        FieldElement8.Add(ref s.H, s.B, s.A);
        FieldElement8.Sub(ref s.F, s.D, s.C);
        FieldElement8.Add(ref s.G, s.D, s.C);
        FieldElement8.Sub(ref r.E, r.B, r.A);
        FieldElement8.Add(ref r.H, r.B, r.A);
        FieldElement8.Sub(ref r.F, r.D, r.C);
        FieldElement8.Add(ref r.G, r.D, r.C);
        FieldElement8.Mul(ref p.X, s.F, s.E);
        FieldElement8.Mul(ref q.X, r.F, r.E);
        FieldElement8.Mul(ref p.Y, s.H, s.G);
        FieldElement8.Mul(ref q.Y, r.H, r.G);
        FieldElement8.Mul(ref p.T, s.H, s.E);
        FieldElement8.Mul(ref q.T, r.H, r.E);
        FieldElement8.Mul(ref p.Z, s.F, s.G);
        FieldElement8.Mul(ref q.Z, r.F, r.G);
    }

    /// <summary>
    /// <see cref="MulBase"/> for two independent sets of eight scalars (sixteen signatures), the additions interleaved by
    /// <see cref="AddNiels2"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first batch: do not run at tier 0
    public static void MulBase2(ref ExtendedPoint8 p, ReadOnlySpan<Vector512<long>> digitsP, ref ExtendedPoint8 q, ReadOnlySpan<Vector512<long>> digitsQ)
    {
        ReadOnlySpan<Vector512<uint>> table = Ed25519BaseTable.Vectors;
        NielsPoint8 t = default, u = default;
        PointScratch8 s = default, r = default;
        Select(ref t, table, 0, digitsP[0]);
        Select(ref u, table, 0, digitsQ[0]);
        FromNiels(ref p, t, ref s);
        FromNiels(ref q, u, ref r);
        for (int i = 1; i < ScalarModL8.DigitCount; i++)
        {
            Select(ref t, table, i, digitsP[i]);
            Select(ref u, table, i, digitsQ[i]);
            AddNiels2(ref p, t, ref s, ref q, u, ref r);
        }

        t = default;
        u = default;
        s = default;
        r = default;
    }

    /// <summary>
    /// p = Σ digits·64^i·B for eight lanes: lane l of <c>digits[i]</c> is signed radix-64 digit i (in [-32, 32]) of lane l's
    /// scalar, i &lt; 43 (<see cref="ScalarModL8.Recode"/>). Each d·64^i·B is one selection from table row i (the multiples
    /// k·64^i·B, k = 1..32) plus a conditional negation, so the whole product is a conversion and 42 mixed additions, no doublings.
    /// Constant time: the whole table row is read for every digit and each lane's entry is chosen by lane permutations and
    /// masks; no branch or address depends on a digit.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first batch: do not run at tier 0
    public static void MulBase(ref ExtendedPoint8 p, ReadOnlySpan<Vector512<long>> digits)
    {
        ReadOnlySpan<Vector512<uint>> table = Ed25519BaseTable.Vectors;
        NielsPoint8 t = default;
        PointScratch8 s = default;
        Select(ref t, table, 0, digits[0]);
        FromNiels(ref p, t, ref s); // the first addition to the neutral element is a conversion: 1 multiplication instead of 7
        for (int i = 1; i < ScalarModL8.DigitCount; i++)
        {
            Select(ref t, table, i, digits[i]);
            AddNiels(ref p, t, ref s);
        }

        t = default;
        s = default;
    }

    /// <summary>
    /// Encodes each lane (RFC 8032 5.1.2): y = Y/Z reduced mod p as 32 little-endian bytes, with bit 255 set to the low bit of
    /// x = X/Z. The inversion is the fixed Fermat chain. Writes <c>output[32·lane ..]</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first batch: do not run at tier 0
    public static void Encode(in ExtendedPoint8 p, Span<byte> output)
    {
        FieldElement8 zInv = default;
        FieldElement8.Invert(ref zInv, p.Z);
        EncodeWithInverse(p.X, p.Y, zInv, output);
    }

    /// <summary>As <see cref="Encode"/> with 1/Z already known (from a simultaneous inversion over several batches).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first batch: do not run at tier 0
    public static void EncodeWithInverse(in FieldElement8 xz, in FieldElement8 yz, in FieldElement8 zInv, Span<byte> output)
    {
        FieldElement8 x = default, y = default;
        FieldElement8.Mul(ref x, xz, zInv);
        FieldElement8.Mul(ref y, yz, zInv);
        Span<ulong> xl = stackalloc ulong[80];
        Span<ulong> yl = stackalloc ulong[80];
        FieldElement8.Freeze(x, xl);
        FieldElement8.Freeze(y, yl);
        for (int lane = 0; lane < 8; lane++)
        {
            Span<byte> o = output.Slice(32 * lane, 32);
            FieldElement8.PackLimbs(yl.Slice(10 * lane, 10), o);
            o[31] |= (byte)((xl[10 * lane] & 1) << 7);
        }
    }

    /// <summary>
    /// t = d·(64^j·B) per lane, d = the lane's digit in [-32, 32]. The row holds each limb of the 32 multiples
    /// 1·64^j·B .. 32·64^j·B as two vectors of sixteen 32-bit values, so one <c>vpermt2d</c> with index |d| - 1 in the low
    /// half of each 64-bit lane picks every lane's multiple (data-independent timing, the whole row is loaded whatever the
    /// digits) and a mask keeps that low half; lanes with d = 0 are masked to the neutral element (1, 1, 0), and lanes with
    /// d &lt; 0 get the negation: y+x and y-x swapped, 2dxy replaced by 2p - 2dxy. Limb by limb, in registers: each output
    /// limb is written once.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first batch: do not run at tier 0
    private static void Select(ref NielsPoint8 t, ReadOnlySpan<Vector512<uint>> table, int j, Vector512<long> d)
    {
        Vector512<ulong> negative = Vector512.ShiftRightArithmetic(d, 63).AsUInt64();
        Vector512<ulong> magnitude = Vector512.Abs(d).AsUInt64();
        Vector512<ulong> zero = Vector512.Equals(magnitude, Vector512<ulong>.Zero);
        Vector512<ulong> index = (magnitude - Vector512<ulong>.One) & Vector512.Create(31UL); // d = 0 picks entry 32, masked below
        Vector512<ulong> keep = Vector512.AndNot(Vector512.Create(0xFFFFFFFFUL), zero); // the selected 32-bit limb, 0 where d = 0
        Vector512<uint> index32 = index.AsUInt32(); // the even 32-bit lanes index the entry; the odd ones are masked off
        ReadOnlySpan<Vector512<uint>> row = table.Slice(j * Ed25519BaseTable.VectorsPerRow, Ed25519BaseTable.VectorsPerRow);
        Vector512<ulong> e = Vector512.Create(0x7FFFFFEUL), o = Vector512.Create(0x3FFFFFEUL); // limbs of 2p (limb 0 below)
        Limb(row, 0, index32, keep, negative, Vector512.Create(0x7FFFFDAUL), out t.YPlusX.L0, out t.YMinusX.L0, out t.XY2D.L0);
        Vector512<ulong> one = zero & Vector512<ulong>.One;
        t.YPlusX.L0 |= one;
        t.YMinusX.L0 |= one;
        Limb(row, 1, index32, keep, negative, o, out t.YPlusX.L1, out t.YMinusX.L1, out t.XY2D.L1);
        Limb(row, 2, index32, keep, negative, e, out t.YPlusX.L2, out t.YMinusX.L2, out t.XY2D.L2);
        Limb(row, 3, index32, keep, negative, o, out t.YPlusX.L3, out t.YMinusX.L3, out t.XY2D.L3);
        Limb(row, 4, index32, keep, negative, e, out t.YPlusX.L4, out t.YMinusX.L4, out t.XY2D.L4);
        Limb(row, 5, index32, keep, negative, o, out t.YPlusX.L5, out t.YMinusX.L5, out t.XY2D.L5);
        Limb(row, 6, index32, keep, negative, e, out t.YPlusX.L6, out t.YMinusX.L6, out t.XY2D.L6);
        Limb(row, 7, index32, keep, negative, o, out t.YPlusX.L7, out t.YMinusX.L7, out t.XY2D.L7);
        Limb(row, 8, index32, keep, negative, e, out t.YPlusX.L8, out t.YMinusX.L8, out t.XY2D.L8);
        Limb(row, 9, index32, keep, negative, o, out t.YPlusX.L9, out t.YMinusX.L9, out t.XY2D.L9);
    }

    /// <summary>
    /// One limb of the three coordinates of the selected multiple: picked by <paramref name="index"/>, masked by
    /// <paramref name="keep"/> (the low 32 bits of each lane, none where the digit is 0), and where <paramref name="negative"/> y+x and y-x exchanged and 2dxy replaced by
    /// <paramref name="twoP"/> - 2dxy (the limb of 2p, so no limb goes negative). Masked blends only: constant time.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Limb(
        ReadOnlySpan<Vector512<uint>> row, int limb, Vector512<uint> index, Vector512<ulong> keep, Vector512<ulong> negative, Vector512<ulong> twoP,
        out Vector512<ulong> yPlusX, out Vector512<ulong> yMinusX, out Vector512<ulong> xy2d)
    {
        Vector512<ulong> p = Permute(row, limb, index, keep);
        Vector512<ulong> m = Permute(row, 10 + limb, index, keep);
        Vector512<ulong> t = Permute(row, 20 + limb, index, keep);
        yPlusX = Vector512.ConditionalSelect(negative, m, p);
        yMinusX = Vector512.ConditionalSelect(negative, p, m);
        xy2d = Vector512.ConditionalSelect(negative, twoP - t, t);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ulong> Permute(ReadOnlySpan<Vector512<uint>> row, int limb, Vector512<uint> index, Vector512<ulong> keep) =>
        Avx512F.PermuteVar16x32x2(row[2 * limb], index, row[(2 * limb) + 1]).AsUInt64() & keep;
}
