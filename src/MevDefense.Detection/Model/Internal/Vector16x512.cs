using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MevDefense.Detection.Model.Internal;

/// <summary>Sixteen floats in one <see cref="Vector512{T}"/> register.</summary>
internal readonly struct Vector16x512 : IVector16<Vector16x512>
{
    private readonly Vector512<float> _v;

    private Vector16x512(Vector512<float> v) => _v = v;

    public static Vector16x512 Zero => default;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector16x512 Load(float[] source, int offset) => new(Vector512.Create(new ReadOnlySpan<float>(source, offset, 16)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector16x512 value, float[] destination, int offset) => value._v.CopyTo(new Span<float>(destination, offset, 16));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector16x512 Splat(float value) => new(Vector512.Create(value));

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
    public static Vector16x512 Max(Vector16x512 a, Vector16x512 b) => new(Vector512.Max(a._v, b._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector16x512 Relu(Vector16x512 a) => new(Vector512.Max(a._v, Vector512<float>.Zero));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector16x512 Exp(Vector16x512 a) => new(Vector512.Exp(a._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector16x512 Select(Vector16x512 mask, Vector16x512 a, Vector16x512 b) => new(Vector512.ConditionalSelect(mask._v, a._v, b._v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector16x512 a) => Vector512.Sum(a._v);

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
        => (uint)~Vector512.Equals(Vector512.Create(new ReadOnlySpan<float>(source, offset, 16)), Vector512<float>.Zero).ExtractMostSignificantBits() & 0xFFFF;
}
