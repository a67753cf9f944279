using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MevDefense.Detection.Model.Internal;

/// <summary>Sixteen floats in two <see cref="Vector256{T}"/> registers (machines without AVX-512).</summary>
internal readonly struct Vector16x256 : IVector16<Vector16x256>
{
    private readonly Vector256<float> _lo;
    private readonly Vector256<float> _hi;

    private Vector16x256(Vector256<float> lo, Vector256<float> hi)
    {
        _lo = lo;
        _hi = hi;
    }

    public static Vector16x256 Zero => default;

    // Rows are 16-float aligned within arrays whose length is a multiple of 16 (see IVector16): one bounds check per row.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector16x256 Load(float[] source, int offset)
    {
        Debug.Assert((offset & 15) == 0 && (source.Length & 15) == 0, "16-float aligned rows");
        ref var first = ref source[offset];
        return new(Vector256.LoadUnsafe(ref first), Vector256.LoadUnsafe(ref first, 8));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector16x256 value, float[] destination, int offset)
    {
        Debug.Assert((offset & 15) == 0 && (destination.Length & 15) == 0, "16-float aligned rows");
        ref var first = ref destination[offset];
        value._lo.StoreUnsafe(ref first);
        value._hi.StoreUnsafe(ref first, 8);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector16x256 Load(ref float source, int offset)
        => new(Vector256.LoadUnsafe(ref source, (nuint)offset), Vector256.LoadUnsafe(ref source, (nuint)offset + 8));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector16x256 value, ref float destination, int offset)
    {
        value._lo.StoreUnsafe(ref destination, (nuint)offset);
        value._hi.StoreUnsafe(ref destination, (nuint)offset + 8);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector16x256 Splat(float value)
    {
        var v = Vector256.Create(value);
        return new(v, v);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector16x256 value, Span<float> destination)
    {
        value._lo.CopyTo(destination);
        value._hi.CopyTo(destination[8..]);
    }

    public static Vector16x256 LaneMask(int count)
        => new(
            Vector256.LessThan(Vector256<int>.Indices, Vector256.Create(count)).AsSingle(),
            Vector256.LessThan(Vector256<int>.Indices, Vector256.Create(count - 8)).AsSingle());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector16x256 Fma(Vector16x256 a, Vector16x256 b, Vector16x256 c)
        => new(Vector256.FusedMultiplyAdd(a._lo, b._lo, c._lo), Vector256.FusedMultiplyAdd(a._hi, b._hi, c._hi));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector16x256 Add(Vector16x256 a, Vector16x256 b) => new(a._lo + b._lo, a._hi + b._hi);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector16x256 Subtract(Vector16x256 a, Vector16x256 b) => new(a._lo - b._lo, a._hi - b._hi);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector16x256 Multiply(Vector16x256 a, Vector16x256 b) => new(a._lo * b._lo, a._hi * b._hi);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector16x256 Max(Vector16x256 a, Vector16x256 b) => new(Vector256.MaxNative(a._lo, b._lo), Vector256.MaxNative(a._hi, b._hi));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector16x256 Relu(Vector16x256 a) => new(Vector256.MaxNative(a._lo, Vector256<float>.Zero), Vector256.MaxNative(a._hi, Vector256<float>.Zero));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector16x256 Exp(Vector16x256 a) => new(FastExp.Exp(a._lo), FastExp.Exp(a._hi));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector16x256 Select(Vector16x256 mask, Vector16x256 a, Vector16x256 b)
        => new(Vector256.ConditionalSelect(mask._lo, a._lo, b._lo), Vector256.ConditionalSelect(mask._hi, a._hi, b._hi));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector16x256 a)
    {
        var s256 = a._lo + a._hi;
        var s128 = s256.GetLower() + s256.GetUpper();
        s128 += Vector128.Shuffle(s128, Vector128.Create(2, 3, 0, 1));
        s128 += Vector128.Shuffle(s128, Vector128.Create(1, 0, 3, 2));
        return s128.ToScalar();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MaxAcross(Vector16x256 a)
    {
        var m256 = Vector256.Max(a._lo, a._hi);
        var m128 = Vector128.Max(m256.GetLower(), m256.GetUpper());
        m128 = Vector128.Max(m128, Vector128.Shuffle(m128, Vector128.Create(2, 3, 0, 1)));
        m128 = Vector128.Max(m128, Vector128.Shuffle(m128, Vector128.Create(1, 0, 3, 2)));
        return m128.ToScalar();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint NonZeroBits(float[] source, int offset)
    {
        var v = Load(source, offset);
        var lo = Vector256.Equals(v._lo, Vector256<float>.Zero).ExtractMostSignificantBits();
        var hi = Vector256.Equals(v._hi, Vector256<float>.Zero).ExtractMostSignificantBits();
        return ~(lo | (hi << 8)) & 0xFFFF;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint NonZeroBits(ref float source, int offset)
    {
        var v = Load(ref source, offset);
        var lo = Vector256.Equals(v._lo, Vector256<float>.Zero).ExtractMostSignificantBits();
        var hi = Vector256.Equals(v._hi, Vector256<float>.Zero).ExtractMostSignificantBits();
        return ~(lo | (hi << 8)) & 0xFFFF;
    }

#pragma warning disable RS0030 // Unsafe.Add/As: broadcasts from a ref into the model's fixed-size weight and scratch arrays, bounded by the callers (IVector16).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector16x256 Splat(ref float source, int offset)
    {
        var v = Vector256.Create(Unsafe.Add(ref source, offset));
        return new(v, v);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector16x256 SplatPair(ref float source, int offset)
    {
        var v = Vector256.Create(Unsafe.As<float, double>(ref Unsafe.Add(ref source, offset))).AsSingle();
        return new(v, v);
    }
#pragma warning restore RS0030

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector16x256 Divide(Vector16x256 a, Vector16x256 b) => new(a._lo / b._lo, a._hi / b._hi);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector16x256 PairHalfSums(Vector16x256 x, Vector16x256 y) => new(PairPairSums(x._lo, x._hi), PairPairSums(y._lo, y._hi));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector16x256 PairMax(Vector16x256 a)
    {
        var v = Vector256.MaxNative(a._lo, a._hi).AsDouble();
        v = Vector256.MaxNative(v.AsSingle(), Vector256.Shuffle(v, Vector256.Create(1L, 0, 3, 2)).AsSingle()).AsDouble();
        var m = Vector256.MaxNative(v.AsSingle(), Vector256.Shuffle(v, Vector256.Create(2L, 3, 0, 1)).AsSingle());
        return new(m, m);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector16x256 PairSum(Vector16x256 a)
    {
        var v = (a._lo + a._hi).AsDouble();
        v = (v.AsSingle() + Vector256.Shuffle(v, Vector256.Create(1L, 0, 3, 2)).AsSingle()).AsDouble();
        var m = v.AsSingle() + Vector256.Shuffle(v, Vector256.Create(2L, 3, 0, 1)).AsSingle();
        return new(m, m);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void TransposePairs8(ref float source, ref float destination)
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
    public static Vector16x256 ExpNonPositive(Vector16x256 a) => new(FastExp.ExpNonPositive(a._lo), FastExp.ExpNonPositive(a._hi));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector16x256 Exp2NonPositive(Vector16x256 a) => new(FastExp.Exp2NonPositive(a._lo), FastExp.Exp2NonPositive(a._hi));

    /// <summary>The 4 pairwise sums of the 8 float pairs <c>(lo, hi)</c>, in order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> PairPairSums(Vector256<float> lo, Vector256<float> hi)
    {
        var (a, b) = (lo.AsDouble(), hi.AsDouble());
        if (Avx.IsSupported)
        {
            // [a01 b01] and [a23 b23] (128-bit halves), then unpack the 64-bit pairs: [a0 a2 b0 b2] + [a1 a3 b1 b3].
            var x = Avx.Permute2x128(a, b, 0x20);
            var y = Avx.Permute2x128(a, b, 0x31);
            return Avx.UnpackLow(x, y).AsSingle() + Avx.UnpackHigh(x, y).AsSingle();
        }

        var even = Vector256.Create(a.GetElement(0), a.GetElement(2), b.GetElement(0), b.GetElement(2));
        var odd = Vector256.Create(a.GetElement(1), a.GetElement(3), b.GetElement(1), b.GetElement(3));
        return even.AsSingle() + odd.AsSingle();
    }
}
