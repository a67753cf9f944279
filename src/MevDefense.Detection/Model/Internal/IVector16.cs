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

    /// <summary>
    /// Transposes the 16×16 block of rows <c>source[sourceOffset + 16r .. +16]</c> (r = 0..15) into
    /// <c>destination[destinationOffset + c·destinationStride .. +16]</c> (c = 0..15).
    /// </summary>
    static abstract void Transpose16(float[] source, int sourceOffset, float[] destination, int destinationOffset, int destinationStride);

    /// <summary>
    /// Pairwise sums: lanes 0..7 are <c>x[2k] + x[2k+1]</c>, lanes 8..15 <c>y[2k] + y[2k+1]</c>. Four levels of this turn 16
    /// vectors into one whose lane c is the sum of vector c (a transposing reduction).
    /// </summary>
    static abstract TSelf HalfSums(TSelf x, TSelf y);

    static abstract float MaxAcross(TSelf a);

    /// <summary>A bit per lane: set when the lane is not (positive or negative) zero.</summary>
    static abstract uint NonZeroBits(float[] source, int offset);
}
