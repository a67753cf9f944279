using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector16x256 Load(float[] source, int offset)
    {
        var s = new ReadOnlySpan<float>(source, offset, 16);
        return new(Vector256.Create(s), Vector256.Create(s[8..]));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector16x256 value, float[] destination, int offset)
    {
        var d = new Span<float>(destination, offset, 16);
        value._lo.CopyTo(d);
        value._hi.CopyTo(d[8..]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector16x256 Splat(float value)
    {
        var v = Vector256.Create(value);
        return new(v, v);
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
    public static Vector16x256 Max(Vector16x256 a, Vector16x256 b) => new(Vector256.Max(a._lo, b._lo), Vector256.Max(a._hi, b._hi));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector16x256 Relu(Vector16x256 a) => new(Vector256.Max(a._lo, Vector256<float>.Zero), Vector256.Max(a._hi, Vector256<float>.Zero));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector16x256 Exp(Vector16x256 a) => new(Vector256.Exp(a._lo), Vector256.Exp(a._hi));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector16x256 Select(Vector16x256 mask, Vector16x256 a, Vector16x256 b)
        => new(Vector256.ConditionalSelect(mask._lo, a._lo, b._lo), Vector256.ConditionalSelect(mask._hi, a._hi, b._hi));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector16x256 a) => Vector256.Sum(a._lo + a._hi);

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
        var s = new ReadOnlySpan<float>(source, offset, 16);
        var lo = Vector256.Equals(Vector256.Create(s), Vector256<float>.Zero).ExtractMostSignificantBits();
        var hi = Vector256.Equals(Vector256.Create(s[8..]), Vector256<float>.Zero).ExtractMostSignificantBits();
        return ~(lo | (hi << 8)) & 0xFFFF;
    }
}
