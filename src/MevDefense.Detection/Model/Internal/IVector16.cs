namespace MevDefense.Detection.Model.Internal;

/// <summary>
/// Sixteen floats (the model's hidden width) as one value, so the forward pass is written once and the JIT specialises it
/// per implementation: <see cref="Vector16x512"/> (one register), <see cref="Vector16x256"/> (two) or <see cref="Vector16Scalar"/>.
/// </summary>
/// <typeparam name="TSelf">The implementing struct.</typeparam>
internal interface IVector16<TSelf>
    where TSelf : struct, IVector16<TSelf>
{
    static abstract TSelf Zero { get; }

    static abstract TSelf Load(float[] source, int offset);

    static abstract void Store(TSelf value, float[] destination, int offset);

    static abstract TSelf Splat(float value);

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
}
