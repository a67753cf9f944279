using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MevDefense.Detection.Model.Internal;

/// <summary>
/// <c>exp(x)</c> for float vectors in about 15 instructions (Cephes <c>expf</c>: range reduction by ln 2 in two parts, a
/// degree-6 polynomial, the exponent built in the integer bits), within 2 ulp of <see cref="MathF.Exp"/> on [-86, 88.7].
/// Arguments below -86 (exp &lt; 4.5e-38) give exactly 0, as the softmax of a masked score does in float; above 88.7 they
/// saturate. The lower bound keeps every intermediate a normal float: a denormal result costs a microcode assist
/// (~100 cycles) per vector on x64, and masked attention keys hit it on every query. The BCL's <c>Vector512.Exp</c>
/// computes in double precision and cost ~85 ns per vector here, most of a window's time.
/// </summary>
internal static class FastExp
{
    private const float Log2E = 1.44269504088896341f;
    private const float Ln2Hi = 0.693359375f;
    private const float Ln2Lo = -2.12194440e-4f;
    private const float Min = -86f;
    private const float Min2 = -124f;
    private const float Max = 88.72283f;
    private const float Magic = 12582912f;
    private const int MagicBits = 0x4B400000;
    private const float P0 = 1.9875691500E-4f;
    private const float P1 = 1.3981999507E-3f;
    private const float P2 = 8.3334519073E-3f;
    private const float P3 = 4.1665795894E-2f;
    private const float P4 = 1.6666665459E-1f;
    private const float P5 = 5.0000001201E-1f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Exp(Vector512<float> x)
    {
        var underflow = Vector512.LessThan(x, Vector512.Create(Min));
        x = Vector512.Min(Vector512.Max(x, Vector512.Create(Min)), Vector512.Create(Max));
        // t = x·log2(e) + 1.5·2^23 rounds to an integer n in t's low mantissa bits; n = t - 1.5·2^23.
        var t = Vector512.FusedMultiplyAdd(x, Vector512.Create(Log2E), Vector512.Create(Magic));
        var n = t - Vector512.Create(Magic);
        var r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2Hi), x);
        r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2Lo), r);
        var p = Vector512.FusedMultiplyAdd(Vector512.Create(P0), r, Vector512.Create(P1));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(P2));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(P3));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(P4));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(P5));
        p = Vector512.FusedMultiplyAdd(p, r * r, r + Vector512<float>.One);
        var scale = Vector512.ShiftLeft(t.AsInt32() + Vector512.Create(127 - MagicBits), 23).AsSingle();
        return Vector512.ConditionalSelect(underflow, Vector512<float>.Zero, p * scale);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Exp(Vector256<float> x)
    {
        var underflow = Vector256.LessThan(x, Vector256.Create(Min));
        x = Vector256.Min(Vector256.Max(x, Vector256.Create(Min)), Vector256.Create(Max));
        // t = x·log2(e) + 1.5·2^23 rounds to an integer n in t's low mantissa bits; n = t - 1.5·2^23.
        var t = Vector256.FusedMultiplyAdd(x, Vector256.Create(Log2E), Vector256.Create(Magic));
        var n = t - Vector256.Create(Magic);
        var r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2Hi), x);
        r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2Lo), r);
        var p = Vector256.FusedMultiplyAdd(Vector256.Create(P0), r, Vector256.Create(P1));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(P2));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(P3));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(P4));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(P5));
        p = Vector256.FusedMultiplyAdd(p, r * r, r + Vector256<float>.One);
        var scale = Vector256.ShiftLeft(t.AsInt32() + Vector256.Create(127 - MagicBits), 23).AsSingle();
        return Vector256.ConditionalSelect(underflow, Vector256<float>.Zero, p * scale);
    }

    // e^r on [-ln2/2, ln2/2], degree 5 with the constant term 1, minimax in relative error (9.1e-8; 1.5e-7 with float
    // Horner rounding).
    private const float E1 = 0.999999702f;
    private const float E2 = 0.499991506f;
    private const float E3 = 0.166676357f;
    private const float E4 = 0.0418979302f;
    private const float E5 = 0.00829031412f;

    /// <summary>
    /// <c>exp(x)</c> for the <c>x &lt;= 0</c> of a max-subtracted softmax, in 11 instructions with AVX-512: the argument is
    /// clamped below at -86 (the result stays a normal float, 4.5e-38 at the bottom: no denormal assists, and nothing next
    /// to the maximum's 1), reduced by ln 2 in two parts as in <see cref="Exp(Vector512{float})"/>, a degree-5 minimax
    /// polynomial gives <c>e^r</c> and <c>vscalefps</c> multiplies by <c>2^n</c>. Relative error below 2.5e-7 (the full
    /// <see cref="Exp(Vector512{float})"/> has a degree-7 polynomial and an underflow select: 16 instructions); exactly 1
    /// at 0. The 256-bit variant is bit-identical (the exponent is added in the integer bits, exact for normal results).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> ExpNonPositive(Vector512<float> x)
    {
        x = Vector512.MaxNative(x, Vector512.Create(Min));
        var n = Vector512.Round(x * Vector512.Create(Log2E));
        var r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2Hi), x);
        r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2Lo), r);
        var p = Vector512.FusedMultiplyAdd(Vector512.Create(E5), r, Vector512.Create(E4));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(E3));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(E2));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(E1));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512<float>.One);
        if (Avx512F.IsSupported)
        {
            return Avx512F.Scale(p, n);
        }

        return (p.AsInt32() + Vector512.ShiftLeft(Vector512.ConvertToInt32(n), 23)).AsSingle();
    }

    // 2^f on [-1/2, 1/2], degree 5 with the constant term 1, minimax in relative error (9.1e-8; 1.6e-7 with float Horner
    // rounding).
    private const float B1 = 0.693147004f;
    private const float B2 = 0.240222424f;
    private const float B3 = 0.0555073358f;
    private const float B4 = 0.00967151299f;
    private const float B5 = 0.00132647273f;

    /// <summary>
    /// <c>2^t</c> for the <c>t &lt;= 0</c> of a max-subtracted softmax whose scores are in log2 units (the attention folds
    /// log2(e) into its query weights), in 9 instructions with AVX-512: clamped below at -124 (a normal 4.7e-38, nothing
    /// next to the maximum's 1), <c>t = n + f</c> with n the nearest integer, a degree-5 minimax polynomial for
    /// <c>2^f</c>, and <c>vscalefps</c> for <c>2^n</c>. Relative error below 2.5e-7; exactly 1 at 0. The 256-bit variant
    /// is bit-identical.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Exp2NonPositive(Vector512<float> t)
    {
        t = Vector512.MaxNative(t, Vector512.Create(Min2));
        var n = Vector512.Round(t);
        var f = t - n;
        var p = Vector512.FusedMultiplyAdd(Vector512.Create(B5), f, Vector512.Create(B4));
        p = Vector512.FusedMultiplyAdd(p, f, Vector512.Create(B3));
        p = Vector512.FusedMultiplyAdd(p, f, Vector512.Create(B2));
        p = Vector512.FusedMultiplyAdd(p, f, Vector512.Create(B1));
        p = Vector512.FusedMultiplyAdd(p, f, Vector512<float>.One);
        if (Avx512F.IsSupported)
        {
            return Avx512F.Scale(p, n);
        }

        return (p.AsInt32() + Vector512.ShiftLeft(Vector512.ConvertToInt32(n), 23)).AsSingle();
    }

    /// <summary>The 256-bit <see cref="Exp2NonPositive(Vector512{float})"/> (bit-identical results).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Exp2NonPositive(Vector256<float> t)
    {
        t = Vector256.MaxNative(t, Vector256.Create(Min2));
        var n = Vector256.Round(t);
        var f = t - n;
        var p = Vector256.FusedMultiplyAdd(Vector256.Create(B5), f, Vector256.Create(B4));
        p = Vector256.FusedMultiplyAdd(p, f, Vector256.Create(B3));
        p = Vector256.FusedMultiplyAdd(p, f, Vector256.Create(B2));
        p = Vector256.FusedMultiplyAdd(p, f, Vector256.Create(B1));
        p = Vector256.FusedMultiplyAdd(p, f, Vector256<float>.One);
        return (p.AsInt32() + Vector256.ShiftLeft(Vector256.ConvertToInt32(n), 23)).AsSingle();
    }

    /// <summary>The 256-bit <see cref="ExpNonPositive(Vector512{float})"/> (bit-identical results).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> ExpNonPositive(Vector256<float> x)
    {
        x = Vector256.MaxNative(x, Vector256.Create(Min));
        var n = Vector256.Round(x * Vector256.Create(Log2E));
        var r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2Hi), x);
        r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2Lo), r);
        var p = Vector256.FusedMultiplyAdd(Vector256.Create(E5), r, Vector256.Create(E4));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(E3));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(E2));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(E1));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256<float>.One);
        return (p.AsInt32() + Vector256.ShiftLeft(Vector256.ConvertToInt32(n), 23)).AsSingle();
    }
}
