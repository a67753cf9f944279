using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MevDefense.Detection.Model.Internal;

/// <summary>Sixteen floats in one <see cref="Vector512{T}"/> register.</summary>
internal readonly struct Vector16x512 : IVector16<Vector16x512>
{
    private readonly Vector512<float> _v;

    private Vector16x512(Vector512<float> v) => _v = v;

    public static Vector16x512 Zero => default;

    // Rows are 16-float aligned within arrays whose length is a multiple of 16 (see IVector16), so checking the first
    // element's index bounds the whole row; this keeps one compare per load instead of a span's three.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector16x512 Load(float[] source, int offset)
    {
        Debug.Assert((offset & 15) == 0 && (source.Length & 15) == 0, "16-float aligned rows");
        return new(Vector512.LoadUnsafe(ref source[offset]));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector16x512 value, float[] destination, int offset)
    {
        Debug.Assert((offset & 15) == 0 && (destination.Length & 15) == 0, "16-float aligned rows");
        value._v.StoreUnsafe(ref destination[offset]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector16x512 Load(ref float source, int offset) => new(Vector512.LoadUnsafe(ref source, (nuint)offset));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector16x512 value, ref float destination, int offset) => value._v.StoreUnsafe(ref destination, (nuint)offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector16x512 Splat(float value) => new(Vector512.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector16x512 value, Span<float> destination) => value._v.CopyTo(destination);

    public static Vector16x512 LaneMask(int count)
        => new(Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(count)).AsSingle());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector16x512 Fma(Vector16x512 a, Vector16x512 b, Vector16x512 c) => new(Vector512.FusedMultiplyAdd(a._v, b._v, c._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector16x512 Add(Vector16x512 a, Vector16x512 b) => new(a._v + b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector16x512 Subtract(Vector16x512 a, Vector16x512 b) => new(a._v - b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector16x512 Multiply(Vector16x512 a, Vector16x512 b) => new(a._v * b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector16x512 Max(Vector16x512 a, Vector16x512 b) => new(Vector512.MaxNative(a._v, b._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector16x512 Relu(Vector16x512 a) => new(Vector512.MaxNative(a._v, Vector512<float>.Zero));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector16x512 Exp(Vector16x512 a) => new(FastExp.Exp(a._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector16x512 Select(Vector16x512 mask, Vector16x512 a, Vector16x512 b) => new(Vector512.ConditionalSelect(mask._v, a._v, b._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector16x512 a)
    {
        // A plain add tree: Vector512.Sum splits into four 128-bit reductions (about 25 instructions).
        var s256 = a._v.GetLower() + a._v.GetUpper();
        var s128 = s256.GetLower() + s256.GetUpper();
        s128 += Vector128.Shuffle(s128, Vector128.Create(2, 3, 0, 1));
        s128 += Vector128.Shuffle(s128, Vector128.Create(1, 0, 3, 2));
        return s128.ToScalar();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MaxAcross(Vector16x512 a)
    {
        var m256 = Vector256.Max(a._v.GetLower(), a._v.GetUpper());
        var m128 = Vector128.Max(m256.GetLower(), m256.GetUpper());
        m128 = Vector128.Max(m128, Vector128.Shuffle(m128, Vector128.Create(2, 3, 0, 1)));
        m128 = Vector128.Max(m128, Vector128.Shuffle(m128, Vector128.Create(1, 0, 3, 2)));
        return m128.ToScalar();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint NonZeroBits(float[] source, int offset)
        => (uint)~Vector512.Equals(Load(source, offset)._v, Vector512<float>.Zero).ExtractMostSignificantBits() & 0xFFFF;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint NonZeroBits(ref float source, int offset)
        => (uint)~Vector512.Equals(Load(ref source, offset)._v, Vector512<float>.Zero).ExtractMostSignificantBits() & 0xFFFF;

#pragma warning disable RS0030 // Unsafe.Add/As: broadcasts from a ref into the model's fixed-size weight and scratch arrays, bounded by the callers (IVector16).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector16x512 Splat(ref float source, int offset) => new(Vector512.Create(Unsafe.Add(ref source, offset)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector16x512 SplatPair(ref float source, int offset)
        => new(Vector512.Create(Unsafe.As<float, double>(ref Unsafe.Add(ref source, offset))).AsSingle());
#pragma warning restore RS0030

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector16x512 Divide(Vector16x512 a, Vector16x512 b) => new(a._v / b._v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector16x512 PairHalfSums(Vector16x512 x, Vector16x512 y)
    {
        if (Avx512F.IsSupported)
        {
            var (xd, yd) = (x._v.AsDouble(), y._v.AsDouble());
            var even = Avx512F.PermuteVar8x64x2(xd, Vector512.Create(0L, 2, 4, 6, 8, 10, 12, 14), yd);
            var odd = Avx512F.PermuteVar8x64x2(xd, Vector512.Create(1L, 3, 5, 7, 9, 11, 13, 15), yd);
            return new(even.AsSingle() + odd.AsSingle());
        }

        return PairHalfSumsSoftware(x, y);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Vector16x512 PairHalfSumsSoftware(Vector16x512 x, Vector16x512 y)
    {
        Span<float> r = stackalloc float[16];
        for (var k = 0; k < 4; k++)
        {
            for (var e = 0; e < 2; e++)
            {
                r[(2 * k) + e] = x._v.GetElement((4 * k) + e) + x._v.GetElement((4 * k) + 2 + e);
                r[8 + (2 * k) + e] = y._v.GetElement((4 * k) + e) + y._v.GetElement((4 * k) + 2 + e);
            }
        }

        return new(Vector512.Create(r));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector16x512 PairMax(Vector16x512 a)
    {
        var v = a._v.AsDouble();
        v = Vector512.MaxNative(v.AsSingle(), Vector512.Shuffle(v, Vector512.Create(1L, 0, 3, 2, 5, 4, 7, 6)).AsSingle()).AsDouble();
        v = Vector512.MaxNative(v.AsSingle(), Vector512.Shuffle(v, Vector512.Create(2L, 3, 0, 1, 6, 7, 4, 5)).AsSingle()).AsDouble();
        return new(Vector512.MaxNative(v.AsSingle(), Vector512.Shuffle(v, Vector512.Create(4L, 5, 6, 7, 0, 1, 2, 3)).AsSingle()));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector16x512 PairSum(Vector16x512 a)
    {
        var v = a._v.AsDouble();
        v = (v.AsSingle() + Vector512.Shuffle(v, Vector512.Create(1L, 0, 3, 2, 5, 4, 7, 6)).AsSingle()).AsDouble();
        v = (v.AsSingle() + Vector512.Shuffle(v, Vector512.Create(2L, 3, 0, 1, 6, 7, 4, 5)).AsSingle()).AsDouble();
        return new(v.AsSingle() + Vector512.Shuffle(v, Vector512.Create(4L, 5, 6, 7, 0, 1, 2, 3)).AsSingle());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void TransposePairs8(ref float source, ref float destination)
    {
        if (!Avx512F.IsSupported)
        {
            TransposePairs8Software(ref source, ref destination);
            return;
        }

        // Pairs are 64-bit elements: unpack (rows 2k, 2k+1), then two-source permutes at distance 2 and 4.
        var r0 = Vector512.LoadUnsafe(ref source).AsDouble();
        var r1 = Vector512.LoadUnsafe(ref source, 16).AsDouble();
        var r2 = Vector512.LoadUnsafe(ref source, 32).AsDouble();
        var r3 = Vector512.LoadUnsafe(ref source, 48).AsDouble();
        var r4 = Vector512.LoadUnsafe(ref source, 64).AsDouble();
        var r5 = Vector512.LoadUnsafe(ref source, 80).AsDouble();
        var r6 = Vector512.LoadUnsafe(ref source, 96).AsDouble();
        var r7 = Vector512.LoadUnsafe(ref source, 112).AsDouble();
        var (a0, a1) = (Avx512F.UnpackLow(r0, r1), Avx512F.UnpackHigh(r0, r1));
        var (a2, a3) = (Avx512F.UnpackLow(r2, r3), Avx512F.UnpackHigh(r2, r3));
        var (a4, a5) = (Avx512F.UnpackLow(r4, r5), Avx512F.UnpackHigh(r4, r5));
        var (a6, a7) = (Avx512F.UnpackLow(r6, r7), Avx512F.UnpackHigh(r6, r7));
        var iA = Vector512.Create(0L, 1, 8, 9, 4, 5, 12, 13);
        var iB = Vector512.Create(2L, 3, 10, 11, 6, 7, 14, 15);
        var (b0, b2) = (Avx512F.PermuteVar8x64x2(a0, iA, a2), Avx512F.PermuteVar8x64x2(a0, iB, a2));
        var (b1, b3) = (Avx512F.PermuteVar8x64x2(a1, iA, a3), Avx512F.PermuteVar8x64x2(a1, iB, a3));
        var (b4, b6) = (Avx512F.PermuteVar8x64x2(a4, iA, a6), Avx512F.PermuteVar8x64x2(a4, iB, a6));
        var (b5, b7) = (Avx512F.PermuteVar8x64x2(a5, iA, a7), Avx512F.PermuteVar8x64x2(a5, iB, a7));
        var lo = Vector512.Create(0L, 1, 2, 3, 8, 9, 10, 11);
        var hi = Vector512.Create(4L, 5, 6, 7, 12, 13, 14, 15);
        Avx512F.PermuteVar8x64x2(b0, lo, b4).AsSingle().StoreUnsafe(ref destination);
        Avx512F.PermuteVar8x64x2(b1, lo, b5).AsSingle().StoreUnsafe(ref destination, 16);
        Avx512F.PermuteVar8x64x2(b2, lo, b6).AsSingle().StoreUnsafe(ref destination, 32);
        Avx512F.PermuteVar8x64x2(b3, lo, b7).AsSingle().StoreUnsafe(ref destination, 48);
        Avx512F.PermuteVar8x64x2(b0, hi, b4).AsSingle().StoreUnsafe(ref destination, 64);
        Avx512F.PermuteVar8x64x2(b1, hi, b5).AsSingle().StoreUnsafe(ref destination, 80);
        Avx512F.PermuteVar8x64x2(b2, hi, b6).AsSingle().StoreUnsafe(ref destination, 96);
        Avx512F.PermuteVar8x64x2(b3, hi, b7).AsSingle().StoreUnsafe(ref destination, 112);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void TransposePairs8Software(ref float source, ref float destination)
    {
        for (var c = 0; c < 8; c++)
        {
            for (var l = 0; l < 8; l++)
            {
                Vector64.LoadUnsafe(ref source, (nuint)((l * 16) + (2 * c))).StoreUnsafe(ref destination, (nuint)((c * 16) + (2 * l)));
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector16x512 ExpNonPositive(Vector16x512 a) => new(FastExp.ExpNonPositive(a._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector16x512 Exp2NonPositive(Vector16x512 a) => new(FastExp.Exp2NonPositive(a._v));
}
