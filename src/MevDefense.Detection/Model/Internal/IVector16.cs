namespace MevDefense.Detection.Model.Internal;

/// <summary>
/// Sixteen floats (the model's hidden width) as one value, so the forward pass is written once and the JIT specialises it
/// per implementation: <see cref="Vector16x512"/> (one register), <see cref="Vector16x256"/> (two) or <see cref="Vector16Scalar"/>.
/// <para/>
/// Invariant relied on by the vector loads: every array passed to <c>Load</c>/<c>Store</c> has a length that
/// is a multiple of 16 and every offset is a multiple of 16, so an in-bounds first element means an in-bounds row. The
/// <c>ref</c> overloads check nothing: callers index fixed-size scratch and weight arrays with offsets bounded by the
/// window size (64) and the layer widths, and assert the lengths once per method.
/// </summary>
/// <typeparam name="TSelf">The implementing struct.</typeparam>
internal interface IVector16<TSelf>
    where TSelf : struct, IVector16<TSelf>
{
    static abstract TSelf Zero { get; }

    static abstract TSelf Load(float[] source, int offset);

    static abstract void Store(TSelf value, float[] destination, int offset);

    /// <summary>Loads 16 floats at <paramref name="offset"/> from <paramref name="source"/> without a bounds check.</summary>
    static abstract TSelf Load(ref float source, int offset);

    /// <summary>Stores 16 floats at <paramref name="offset"/> from <paramref name="destination"/> without a bounds check.</summary>
    static abstract void Store(TSelf value, ref float destination, int offset);

    static abstract TSelf Splat(float value);

    /// <summary>Stores all 16 lanes at the start of <paramref name="destination"/> (at least 16 long).</summary>
    static abstract void Store(TSelf value, Span<float> destination);

    /// <summary>Lanes below <paramref name="count"/> all ones, the others zero (a mask for <see cref="Select"/>).</summary>
    static abstract TSelf LaneMask(int count);

    /// <summary><c>a * b + c</c>, fused.</summary>
    static abstract TSelf Fma(TSelf a, TSelf b, TSelf c);

    static abstract TSelf Add(TSelf a, TSelf b);

    static abstract TSelf Subtract(TSelf a, TSelf b);

    static abstract TSelf Multiply(TSelf a, TSelf b);

    static abstract TSelf Max(TSelf a, TSelf b);

    static abstract TSelf Relu(TSelf a);

    static abstract TSelf Exp(TSelf a);

    /// <summary>Per lane: <paramref name="mask"/> bits set ? <paramref name="a"/> : <paramref name="b"/>.</summary>
    static abstract TSelf Select(TSelf mask, TSelf a, TSelf b);

    static abstract float Sum(TSelf a);

    static abstract float MaxAcross(TSelf a);

    /// <summary>A bit per lane: set when the lane is not (positive or negative) zero.</summary>
    static abstract uint NonZeroBits(float[] source, int offset);

    /// <summary>A bit per lane of the 16 floats at <c>source[offset]</c> (no bounds check): set when the lane is not zero.</summary>
    static abstract uint NonZeroBits(ref float source, int offset);

    /// <summary>All lanes <c>source[offset]</c> (no bounds check; the caller bounds the offset).</summary>
    static abstract TSelf Splat(ref float source, int offset);

    /// <summary>
    /// Lanes <c>2l</c> = <c>source[offset]</c> and <c>2l + 1</c> = <c>source[offset + 1]</c> (a float pair broadcast to all
    /// 8 pair positions; no bounds check).
    /// </summary>
    static abstract TSelf SplatPair(ref float source, int offset);

    /// <summary>Per lane <c>a / b</c>.</summary>
    static abstract TSelf Divide(TSelf a, TSelf b);

    /// <summary>
    /// Pairwise sums of float pairs: pair k (lanes 2k, 2k+1) for k = 0..3 is x's pair 2k + pair 2k+1, for k = 4..7 the same
    /// of y. Three levels of this turn 8 vectors into one whose pair c holds the even-lane and odd-lane totals of vector c.
    /// </summary>
    static abstract TSelf PairHalfSums(TSelf x, TSelf y);

    /// <summary>The maximum over the 8 pairs, even and odd lanes separately, in every pair.</summary>
    static abstract TSelf PairMax(TSelf a);

    /// <summary>The sum over the 8 pairs, even and odd lanes separately, in every pair.</summary>
    static abstract TSelf PairSum(TSelf a);

    /// <summary>
    /// Transposes an 8×8 matrix of float pairs: the 8 rows of 16 floats at <paramref name="source"/> become 8 vectors at
    /// <paramref name="destination"/> (stride 16) where pair l of vector c is pair c of row l.
    /// </summary>
    static abstract void TransposePairs8(ref float source, ref float destination);

    /// <summary>
    /// <c>exp(x)</c> for the non-positive arguments of a max-subtracted softmax: arguments below -86 are taken as -86 (a
    /// weight of 4.5e-38, nothing next to the maximum's 1), within 2 ulp of <see cref="MathF.Exp"/> otherwise.
    /// </summary>
    static abstract TSelf ExpNonPositive(TSelf a);

    /// <summary>
    /// <c>2^t</c> for the non-positive arguments of a max-subtracted softmax in log2 units: arguments below -124 are taken
    /// as -124, within 2 ulp of <c>float.Exp2</c> otherwise.
    /// </summary>
    static abstract TSelf Exp2NonPositive(TSelf a);
}
