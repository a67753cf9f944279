using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MevDefense.Detection.Model.Internal;

/// <summary>Sixteen floats computed one lane at a time (the portable fallback and the tests' third opinion).</summary>
internal struct Vector16Scalar : IVector16<Vector16Scalar>
{
    private Lanes _l;

    public static Vector16Scalar Zero => default;

    public static Vector16Scalar Load(float[] source, int offset)
    {
        var r = default(Vector16Scalar);
        new ReadOnlySpan<float>(source, offset, 16).CopyTo(r._l);
        return r;
    }

    public static void Store(Vector16Scalar value, float[] destination, int offset)
        => ((ReadOnlySpan<float>)value._l).CopyTo(new Span<float>(destination, offset, 16));

    public static Vector16Scalar Load(ref float source, int offset)
    {
        // Reads through Vector128 (no Unsafe); the arithmetic below stays one lane at a time.
        var r = default(Vector16Scalar);
        Span<float> lanes = r._l;
        for (var k = 0; k < 16; k += 4)
        {
            Vector128.LoadUnsafe(ref source, (nuint)(offset + k)).CopyTo(lanes[k..]);
        }

        return r;
    }

    public static void Store(Vector16Scalar value, ref float destination, int offset)
    {
        ReadOnlySpan<float> lanes = value._l;
        for (var k = 0; k < 16; k += 4)
        {
            Vector128.Create(lanes[k..]).StoreUnsafe(ref destination, (nuint)(offset + k));
        }
    }

    public static Vector16Scalar Splat(float value)
    {
        var r = default(Vector16Scalar);
        ((Span<float>)r._l).Fill(value);
        return r;
    }

    public static void Store(Vector16Scalar value, Span<float> destination) => ((ReadOnlySpan<float>)value._l).CopyTo(destination);

    public static Vector16Scalar LaneMask(int count)
    {
        var r = default(Vector16Scalar);
        for (var k = 0; k < 16; k++)
        {
            r._l[k] = k < count ? BitConverter.Int32BitsToSingle(-1) : 0f;
        }

        return r;
    }

    public static Vector16Scalar Fma(Vector16Scalar a, Vector16Scalar b, Vector16Scalar c)
    {
        for (var k = 0; k < 16; k++)
        {
            c._l[k] = MathF.FusedMultiplyAdd(a._l[k], b._l[k], c._l[k]);
        }

        return c;
    }

    public static Vector16Scalar Add(Vector16Scalar a, Vector16Scalar b)
    {
        for (var k = 0; k < 16; k++)
        {
            a._l[k] += b._l[k];
        }

        return a;
    }

    public static Vector16Scalar Subtract(Vector16Scalar a, Vector16Scalar b)
    {
        for (var k = 0; k < 16; k++)
        {
            a._l[k] -= b._l[k];
        }

        return a;
    }

    public static Vector16Scalar Multiply(Vector16Scalar a, Vector16Scalar b)
    {
        for (var k = 0; k < 16; k++)
        {
            a._l[k] *= b._l[k];
        }

        return a;
    }

    public static Vector16Scalar Max(Vector16Scalar a, Vector16Scalar b)
    {
        for (var k = 0; k < 16; k++)
        {
            a._l[k] = MathF.Max(a._l[k], b._l[k]);
        }

        return a;
    }

    public static Vector16Scalar Relu(Vector16Scalar a)
    {
        for (var k = 0; k < 16; k++)
        {
            a._l[k] = MathF.Max(a._l[k], 0f);
        }

        return a;
    }

    public static Vector16Scalar Exp(Vector16Scalar a)
    {
        for (var k = 0; k < 16; k++)
        {
            a._l[k] = MathF.Exp(a._l[k]);
        }

        return a;
    }

    public static Vector16Scalar Select(Vector16Scalar mask, Vector16Scalar a, Vector16Scalar b)
    {
        for (var k = 0; k < 16; k++)
        {
            if (BitConverter.SingleToInt32Bits(mask._l[k]) == 0)
            {
                a._l[k] = b._l[k];
            }
        }

        return a;
    }

    public static float Sum(Vector16Scalar a)
    {
        var s = 0f;
        for (var k = 0; k < 16; k++)
        {
            s += a._l[k];
        }

        return s;
    }

    public static float MaxAcross(Vector16Scalar a)
    {
        var m = a._l[0];
        for (var k = 1; k < 16; k++)
        {
            m = MathF.Max(m, a._l[k]);
        }

        return m;
    }

    public static uint NonZeroBits(ref float source, int offset)
    {
        var v = Load(ref source, offset);
        Span<float> lanes = v._l;
        var bits = 0u;
        for (var k = 0; k < 16; k++)
        {
            if (lanes[k] != 0f)
            {
                bits |= 1u << k;
            }
        }

        return bits;
    }

    public static uint NonZeroBits(float[] source, int offset)
    {
        var bits = 0u;
        for (var k = 0; k < 16; k++)
        {
            if (source[offset + k] != 0f)
            {
                bits |= 1u << k;
            }
        }

        return bits;
    }

#pragma warning disable RS0030 // Unsafe.Add: element reads from a ref into the model's fixed-size weight and scratch arrays, bounded by the callers (IVector16).
    public static Vector16Scalar Splat(ref float source, int offset) => Splat(Unsafe.Add(ref source, offset));

    public static Vector16Scalar SplatPair(ref float source, int offset)
    {
        var (a, b) = (Unsafe.Add(ref source, offset), Unsafe.Add(ref source, offset + 1));
        var r = default(Vector16Scalar);
        for (var k = 0; k < 16; k += 2)
        {
            r._l[k] = a;
            r._l[k + 1] = b;
        }

        return r;
    }

    public static void TransposePairs8(ref float source, ref float destination)
    {
        for (var c = 0; c < 8; c++)
        {
            for (var l = 0; l < 8; l++)
            {
                Unsafe.Add(ref destination, (c * 16) + (2 * l)) = Unsafe.Add(ref source, (l * 16) + (2 * c));
                Unsafe.Add(ref destination, (c * 16) + (2 * l) + 1) = Unsafe.Add(ref source, (l * 16) + (2 * c) + 1);
            }
        }
    }
#pragma warning restore RS0030

    public static Vector16Scalar Divide(Vector16Scalar a, Vector16Scalar b)
    {
        for (var k = 0; k < 16; k++)
        {
            a._l[k] /= b._l[k];
        }

        return a;
    }

    public static Vector16Scalar PairHalfSums(Vector16Scalar x, Vector16Scalar y)
    {
        var r = default(Vector16Scalar);
        for (var k = 0; k < 4; k++)
        {
            for (var e = 0; e < 2; e++)
            {
                r._l[(2 * k) + e] = x._l[(4 * k) + e] + x._l[(4 * k) + 2 + e];
                r._l[8 + (2 * k) + e] = y._l[(4 * k) + e] + y._l[(4 * k) + 2 + e];
            }
        }

        return r;
    }

    public static Vector16Scalar PairMax(Vector16Scalar a)
    {
        var (even, odd) = (a._l[0], a._l[1]);
        for (var k = 2; k < 16; k += 2)
        {
            even = MathF.Max(even, a._l[k]);
            odd = MathF.Max(odd, a._l[k + 1]);
        }

        return Pairs(even, odd);
    }

    public static Vector16Scalar PairSum(Vector16Scalar a)
    {
        var (even, odd) = (0f, 0f);
        for (var k = 0; k < 16; k += 2)
        {
            even += a._l[k];
            odd += a._l[k + 1];
        }

        return Pairs(even, odd);
    }

    public static Vector16Scalar ExpNonPositive(Vector16Scalar a)
    {
        for (var k = 0; k < 16; k++)
        {
            a._l[k] = MathF.Exp(MathF.Max(a._l[k], -86f));
        }

        return a;
    }

    public static Vector16Scalar Exp2NonPositive(Vector16Scalar a)
    {
        for (var k = 0; k < 16; k++)
        {
            a._l[k] = float.Exp2(MathF.Max(a._l[k], -124f));
        }

        return a;
    }

    private static Vector16Scalar Pairs(float even, float odd)
    {
        var r = default(Vector16Scalar);
        for (var k = 0; k < 16; k += 2)
        {
            r._l[k] = even;
            r._l[k + 1] = odd;
        }

        return r;
    }

    [InlineArray(16)]
    private struct Lanes
    {
        private float _e0;
    }
}
