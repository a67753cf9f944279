using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MevDefense.Ingest.Merkle.Internal.Ed25519;

/// <summary>
/// [s]P + [t]Q from two fixed-base tables with the two sums accumulated side by side in the eight lanes of a
/// <see cref="FieldVector8"/>: lanes 0..3 hold (X, Y, T, Z) of the first accumulator, lanes 4..7 those of the second. A mixed
/// addition p += q (q = (y - x, y + x, dxy) from a table) is two vector multiplications, one per stage:
/// (A, B, C, D) = (Y - X, Y + X, 2T, 2Z) * (y - x, y + x, dxy, 1), then with E = B - A, F = D - C, G = D + C, H = B + A,
/// (X', Y', T', Z') = (E, G, E, F) * (F, H, H, G) (Hisil et al. 2008, a = -1). A negative digit (add -q = (x -&gt; -x)) swaps the
/// first two lanes of the first operand and exchanges F and G; a zero digit adds the neutral entry. So every step costs the same:
/// two 8-lane multiplications instead of 14 scalar ones. Variable time (public data only).
/// </summary>
internal static class LanePointPair
{
    /// <summary>How many digits ahead the entries are prefetched.</summary>
    private const int PrefetchDistance = 3;

    // Per sign combination c = (first digit negative ? 1 : 0) | (second digit negative ? 2 : 0):
    // which lane of each half takes Y - X (the other Y + X), and the two-source permutations (Sum = 0..7, Diff = 8..15) that
    // gather (E, G, E, F) and (F, H, H, G).
    private static readonly Vector512<ulong>[] SubLane = CreateSubLanes();

    // Per sign combination: the two-source permutations (S = 0..7, 2p - S = 8..15) whose sum is (Y -/+ X, Y +/- X, 2T, 2Z).
    private static readonly Vector512<ulong>[] FirstAddend = CreateFirstStage(first: true);
    private static readonly Vector512<ulong>[] SecondAddend = CreateFirstStage(first: false);
    private static readonly Vector512<ulong>[] FirstOperand = CreatePermutations(first: true);
    private static readonly Vector512<ulong>[] SecondOperand = CreatePermutations(first: false);

    /// <summary>1 in every lane but lane 6 (T of the second point), which holds 2d.</summary>
    private static readonly FieldVector8 TwoDInLane6 = CreateTwoDInLane6();

    /// <summary>r = [s]P + [t]Q, s and t given as signed digits of the two tables' windows (missing digits count as 0).</summary>
    [SkipLocalsInit]
    public static void SumOfMultiples(LaneTable first, ReadOnlySpan<short> firstDigits, LaneTable second, ReadOnlySpan<short> secondDigits, out ExtendedPoint r)
    {
        Accumulate(first, firstDigits, second, secondDigits, out FieldVector8 acc);
        AddHalves(ref acc);
        Span<ulong> limbs = stackalloc ulong[80];
        Store(acc, limbs);
        r = ToPoint(limbs, 0);
    }

    /// <summary>
    /// Lanes 0..3 = (lanes 0..3) + (lanes 4..7) (general extended addition, Hisil et al. 3.1 with k = 2d) in three vector
    /// multiplications: (X2, Y2, 2d T2, Z2) in lanes 4..7; then (A, B, C, D) = (Y1 - X1, Y1 + X1, T1, Z1) * (Y2 - X2, Y2 + X2,
    /// 2d T2, 2 Z2); then the same second stage as a mixed addition. Lanes 4..7 are left meaningless.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddHalves(ref FieldVector8 acc)
    {
        FieldVector8 k = default, u = default, v = default;
        FieldVector8.Mul(ref k, acc, TwoDInLane6);

        Vector512<ulong> yIndex = Vector512.Create(1UL, 1, 2, 3, 5, 5, 6, 7);
        Vector512<ulong> xIndex = Vector512.Create(0UL, 0, 0, 0, 4, 4, 4, 4);
        Vector512<ulong> xLanes = Vector512.Create(ulong.MaxValue, ulong.MaxValue, 0, 0, ulong.MaxValue, ulong.MaxValue, 0, 0);
        Vector512<ulong> sub = SubLane[0];

        // Second operand in lanes 0..3: y part (Y2, Y2, 2dT2, Z2), x part (X2, X2, 0, Z2), lane 0 subtracts.
        Vector512<ulong> y2Index = Vector512.Create(5UL, 5, 6, 7, 5, 5, 6, 7);
        Vector512<ulong> x2Index = Vector512.Create(4UL, 4, 4, 7, 4, 4, 4, 7);
        Vector512<ulong> x2Lanes = Vector512.Create(ulong.MaxValue, ulong.MaxValue, 0, ulong.MaxValue, ulong.MaxValue, ulong.MaxValue, 0, ulong.MaxValue);
        Vector512<ulong> p0 = Vector512.Create(FieldVector8.TwoP0), pe = Vector512.Create(FieldVector8.TwoPEven), po = Vector512.Create(FieldVector8.TwoPOdd);
        u.L0 = FirstStage(acc.L0, yIndex, xIndex, xLanes, sub, p0);
        u.L1 = FirstStage(acc.L1, yIndex, xIndex, xLanes, sub, po);
        u.L2 = FirstStage(acc.L2, yIndex, xIndex, xLanes, sub, pe);
        u.L3 = FirstStage(acc.L3, yIndex, xIndex, xLanes, sub, po);
        u.L4 = FirstStage(acc.L4, yIndex, xIndex, xLanes, sub, pe);
        u.L5 = FirstStage(acc.L5, yIndex, xIndex, xLanes, sub, po);
        u.L6 = FirstStage(acc.L6, yIndex, xIndex, xLanes, sub, pe);
        u.L7 = FirstStage(acc.L7, yIndex, xIndex, xLanes, sub, po);
        u.L8 = FirstStage(acc.L8, yIndex, xIndex, xLanes, sub, pe);
        u.L9 = FirstStage(acc.L9, yIndex, xIndex, xLanes, sub, po);
        v.L0 = FirstStage(k.L0, y2Index, x2Index, x2Lanes, sub, p0);
        v.L1 = FirstStage(k.L1, y2Index, x2Index, x2Lanes, sub, po);
        v.L2 = FirstStage(k.L2, y2Index, x2Index, x2Lanes, sub, pe);
        v.L3 = FirstStage(k.L3, y2Index, x2Index, x2Lanes, sub, po);
        v.L4 = FirstStage(k.L4, y2Index, x2Index, x2Lanes, sub, pe);
        v.L5 = FirstStage(k.L5, y2Index, x2Index, x2Lanes, sub, po);
        v.L6 = FirstStage(k.L6, y2Index, x2Index, x2Lanes, sub, pe);
        v.L7 = FirstStage(k.L7, y2Index, x2Index, x2Lanes, sub, po);
        v.L8 = FirstStage(k.L8, y2Index, x2Index, x2Lanes, sub, pe);
        v.L9 = FirstStage(k.L9, y2Index, x2Index, x2Lanes, sub, po);
        FieldVector8.Mul(ref k, u, v);

        Vector512<ulong> m1 = FirstOperand[0], m2 = SecondOperand[0];
        SecondStage(k.L0, p0, m1, m2, out u.L0, out v.L0);
        SecondStage(k.L1, po, m1, m2, out u.L1, out v.L1);
        SecondStage(k.L2, pe, m1, m2, out u.L2, out v.L2);
        SecondStage(k.L3, po, m1, m2, out u.L3, out v.L3);
        SecondStage(k.L4, pe, m1, m2, out u.L4, out v.L4);
        SecondStage(k.L5, po, m1, m2, out u.L5, out v.L5);
        SecondStage(k.L6, pe, m1, m2, out u.L6, out v.L6);
        SecondStage(k.L7, po, m1, m2, out u.L7, out v.L7);
        SecondStage(k.L8, pe, m1, m2, out u.L8, out v.L8);
        SecondStage(k.L9, po, m1, m2, out u.L9, out v.L9);
        FieldVector8.Mul(ref acc, u, v);
    }

    private static FieldVector8 CreateTwoDInLane6()
    {
        FieldVector8 r = default;
        for (int lane = 0; lane < 8; lane++)
        {
            r.SetLane(lane, lane == 6 ? FieldElement.D2 : FieldElement.One);
        }

        return r;
    }

    /// <summary>The two accumulators [s]P (lanes 0..3) and [t]Q (lanes 4..7) as (X, Y, T, Z).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    public static unsafe void Accumulate(LaneTable first, ReadOnlySpan<short> firstDigits, LaneTable second, ReadOnlySpan<short> secondDigits, out FieldVector8 acc)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        if (firstDigits.Length > first.Digits || secondDigits.Length > second.Digits)
        {
            throw new ArgumentException("More digits than the table has windows.");
        }

        int steps = Math.Max(firstDigits.Length, secondDigits.Length);
        acc = default;
        acc.L0 = Vector512.Create(0UL, 1, 0, 1, 0, 1, 0, 1);     // (0, 1, 0, 1): the neutral element in both halves

        // Entry offsets and sign combinations of every step first (the prefetches look ahead in them).
        Span<int> offsets = stackalloc int[2 * steps];
        Span<byte> combos = stackalloc byte[steps];
        for (int i = 0; i < steps; i++)
        {
            int d1 = i < firstDigits.Length ? firstDigits[i] : 0;
            int d2 = i < secondDigits.Length ? secondDigits[i] : 0;
            offsets[2 * i] = first.Offset(i, d1);
            offsets[(2 * i) + 1] = second.Offset(i, d2);
            combos[i] = (byte)((d1 < 0 ? 1 : 0) | (d2 < 0 ? 2 : 0));
        }

        Vector512<ulong> tableLanes = Vector512.Create(ulong.MaxValue, ulong.MaxValue, ulong.MaxValue, 0, ulong.MaxValue, ulong.MaxValue, ulong.MaxValue, 0);
        Vector512<ulong> one = Vector512.Create(0UL, 0, 0, 1, 0, 0, 0, 1);
        Vector512<ulong> p0 = Vector512.Create(FieldVector8.TwoP0), pe = Vector512.Create(FieldVector8.TwoPEven), po = Vector512.Create(FieldVector8.TwoPOdd);
        FieldVector8 u = default, v = default, w = default;

        fixed (uint* pa = first.Words)
        fixed (uint* pb = second.Words)
        {
            for (int i = 0; i < PrefetchDistance && i < steps; i++)
            {
                Prefetch(pa + offsets[2 * i], pb + offsets[(2 * i) + 1]);
            }

            for (int i = 0; i < steps; i++)
            {
                if (i + PrefetchDistance < steps)
                {
                    Prefetch(pa + offsets[2 * (i + PrefetchDistance)], pb + offsets[(2 * (i + PrefetchDistance)) + 1]);
                }

                int combo = combos[i];
                uint* ea = pa + offsets[2 * i];
                uint* eb = pb + offsets[(2 * i) + 1];

                // v = (y - x, y + x, dxy, 1) of both entries.
                v.L0 = (Load(ea, eb, 0) & tableLanes) | one;
                v.L1 = Load(ea, eb, 3) & tableLanes;
                v.L2 = Load(ea, eb, 6) & tableLanes;
                v.L3 = Load(ea, eb, 9) & tableLanes;
                v.L4 = Load(ea, eb, 12) & tableLanes;
                v.L5 = Load(ea, eb, 15) & tableLanes;
                v.L6 = Load(ea, eb, 18) & tableLanes;
                v.L7 = Load(ea, eb, 21) & tableLanes;
                v.L8 = Load(ea, eb, 24) & tableLanes;
                v.L9 = Load(ea, eb, 27) & tableLanes;

                // u = (Y -/+ X, Y +/- X, 2T, 2Z) as the sum of two permutations of (S, 2p - S).
                Vector512<ulong> a1 = FirstAddend[combo], a2 = SecondAddend[combo];
                u.L0 = Spread(acc.L0, p0, a1, a2);
                u.L1 = Spread(acc.L1, po, a1, a2);
                u.L2 = Spread(acc.L2, pe, a1, a2);
                u.L3 = Spread(acc.L3, po, a1, a2);
                u.L4 = Spread(acc.L4, pe, a1, a2);
                u.L5 = Spread(acc.L5, po, a1, a2);
                u.L6 = Spread(acc.L6, pe, a1, a2);
                u.L7 = Spread(acc.L7, po, a1, a2);
                u.L8 = Spread(acc.L8, pe, a1, a2);
                u.L9 = Spread(acc.L9, po, a1, a2);
                FieldVector8.Mul(ref w, u, v);

                // (E, G, E, F) and (F, H, H, G) from Sum = W + swap(W), Diff = swap(W) - W.
                Vector512<ulong> m1 = FirstOperand[combo], m2 = SecondOperand[combo];
                SecondStage(w.L0, p0, m1, m2, out u.L0, out v.L0);
                SecondStage(w.L1, po, m1, m2, out u.L1, out v.L1);
                SecondStage(w.L2, pe, m1, m2, out u.L2, out v.L2);
                SecondStage(w.L3, po, m1, m2, out u.L3, out v.L3);
                SecondStage(w.L4, pe, m1, m2, out u.L4, out v.L4);
                SecondStage(w.L5, po, m1, m2, out u.L5, out v.L5);
                SecondStage(w.L6, pe, m1, m2, out u.L6, out v.L6);
                SecondStage(w.L7, po, m1, m2, out u.L7, out v.L7);
                SecondStage(w.L8, pe, m1, m2, out u.L8, out v.L8);
                SecondStage(w.L9, po, m1, m2, out u.L9, out v.L9);
                FieldVector8.Mul(ref acc, u, v);
            }
        }
    }

    /// <summary>Writes the limbs of <paramref name="acc"/> limb-major: limbs[8i + lane].</summary>
    public static void Store(in FieldVector8 acc, Span<ulong> limbs)
    {
        acc.L0.CopyTo(limbs);
        acc.L1.CopyTo(limbs[8..]);
        acc.L2.CopyTo(limbs[16..]);
        acc.L3.CopyTo(limbs[24..]);
        acc.L4.CopyTo(limbs[32..]);
        acc.L5.CopyTo(limbs[40..]);
        acc.L6.CopyTo(limbs[48..]);
        acc.L7.CopyTo(limbs[56..]);
        acc.L8.CopyTo(limbs[64..]);
        acc.L9.CopyTo(limbs[72..]);
    }

    /// <summary>The point (X, Y, T, Z) in lanes baseLane..baseLane+3 of limb-major <paramref name="limbs"/>.</summary>
    public static ExtendedPoint ToPoint(ReadOnlySpan<ulong> limbs, int baseLane) => new()
    {
        X = Element(limbs, baseLane),
        Y = Element(limbs, baseLane + 1),
        T = Element(limbs, baseLane + 2),
        Z = Element(limbs, baseLane + 3),
    };

    private static FieldElement Element(ReadOnlySpan<ulong> limbs, int lane) => new()
    {
        L0 = limbs[lane] + (limbs[8 + lane] << 26),
        L1 = limbs[16 + lane] + (limbs[24 + lane] << 26),
        L2 = limbs[32 + lane] + (limbs[40 + lane] << 26),
        L3 = limbs[48 + lane] + (limbs[56 + lane] << 26),
        L4 = limbs[64 + lane] + (limbs[72 + lane] << 26),
    };

    /// <summary>Limb words w..w+3 of entry a (lanes 0..3) and entry b (lanes 4..7), zero-extended to 64 bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe Vector512<ulong> Load(uint* a, uint* b, int w)
        => Avx512F.ConvertToVector512UInt64(Vector256.Create(Sse2.LoadVector128(a + w), Sse2.LoadVector128(b + w)));

    /// <summary>One limb of (Y - X, Y + X, T, Z) per half (Y + X, Y - X when the half's digit is negative).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ulong> FirstStage(Vector512<ulong> s, Vector512<ulong> yIndex, Vector512<ulong> xIndex, Vector512<ulong> xLanes, Vector512<ulong> sub, Vector512<ulong> twoP)
    {
        Vector512<ulong> y = Avx512F.PermuteVar8x64(s, yIndex);
        Vector512<ulong> x = Avx512F.PermuteVar8x64(s, xIndex) & xLanes;
        return y + Vector512.ConditionalSelect(sub, twoP - x, x);
    }

    /// <summary>One limb of the two second-stage operands.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SecondStage(Vector512<ulong> w, Vector512<ulong> twoP, Vector512<ulong> m1, Vector512<ulong> m2, out Vector512<ulong> first, out Vector512<ulong> second)
    {
        Vector512<ulong> swapped = Avx512F.Shuffle(w.AsUInt32(), 0x4E).AsUInt64();   // lanes (1, 0, 3, 2) of each half
        Vector512<ulong> sum = w + swapped;
        Vector512<ulong> diff = swapped + twoP - w;
        first = Avx512F.PermuteVar8x64x2(sum, m1, diff);
        second = Avx512F.PermuteVar8x64x2(sum, m2, diff);
    }

    /// <summary>Asks for the cache lines of two entries (120 bytes plus the 4 bytes the last load reads: at most three lines each).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Prefetch(uint* a, uint* b)
    {
        if (Sse.IsSupported)
        {
            Sse.Prefetch0(a);
            Sse.Prefetch0(a + 16);
            Sse.Prefetch0(a + LaneTable.EntryWords);
            Sse.Prefetch0(b);
            Sse.Prefetch0(b + 16);
            Sse.Prefetch0(b + LaneTable.EntryWords);
        }
    }

    /// <summary>One limb of (Y -/+ X, Y +/- X, 2T, 2Z) per half: two permutations of (s, 2p - s), added.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ulong> Spread(Vector512<ulong> s, Vector512<ulong> twoP, Vector512<ulong> first, Vector512<ulong> second)
    {
        Vector512<ulong> negated = twoP - s;
        return Avx512F.PermuteVar8x64x2(s, first, negated) + Avx512F.PermuteVar8x64x2(s, second, negated);
    }

    private static Vector512<ulong>[] CreateFirstStage(bool first)
    {
        const int Negated = 8;
        var r = new Vector512<ulong>[4];
        for (int c = 0; c < 4; c++)
        {
            var lanes = new ulong[8];
            for (int half = 0; half < 2; half++)
            {
                int b = 4 * half;
                bool negative = (c & (1 << half)) != 0;

                // Lanes: (X, Y, T, Z) = b + (0, 1, 2, 3). Positive digit: (Y + (2p - X), Y + X, T + T, Z + Z); negative: the first
                // two swapped.
                int[] lane = first
                    ? [b + 1, b + 1, b + 2, b + 3]
                    : negative ? [b, Negated + b, b + 2, b + 3] : [Negated + b, b, b + 2, b + 3];
                for (int k = 0; k < 4; k++)
                {
                    lanes[b + k] = (ulong)lane[k];
                }
            }

            r[c] = Vector512.Create(lanes);
        }

        return r;
    }

    private static Vector512<ulong>[] CreateSubLanes()
    {
        var r = new Vector512<ulong>[4];
        for (int c = 0; c < 4; c++)
        {
            var lanes = new ulong[8];
            lanes[(c & 1) != 0 ? 1 : 0] = ulong.MaxValue;
            lanes[(c & 2) != 0 ? 5 : 4] = ulong.MaxValue;
            r[c] = Vector512.Create(lanes);
        }

        return r;
    }

    private static Vector512<ulong>[] CreatePermutations(bool first)
    {
        const int Diff = 8;
        var r = new Vector512<ulong>[4];
        for (int c = 0; c < 4; c++)
        {
            var lanes = new ulong[8];
            for (int half = 0; half < 2; half++)
            {
                int b = 4 * half;
                bool negative = (c & (1 << half)) != 0;

                // Positive digit: E = B - A = Diff[0], F = D - C = Diff[2], G = D + C = Sum[2]. Negative digit (lanes 0 and 1
                // computed swapped, C negated): E = Diff[1], F = Sum[2], G = Diff[2]. H = B + A = Sum[0] either way.
                int e = Diff + b + (negative ? 1 : 0);
                int f = negative ? b + 2 : Diff + b + 2;
                int g = negative ? Diff + b + 2 : b + 2;
                int h = b;
                int[] lane = first ? [e, g, e, f] : [f, h, h, g];
                for (int k = 0; k < 4; k++)
                {
                    lanes[b + k] = (ulong)lane[k];
                }
            }

            r[c] = Vector512.Create(lanes);
        }

        return r;
    }
}
