namespace MevDefense.Ingest.Merkle.Internal.Ed25519;

/// <summary>
/// An affine point in the form used for mixed additions: (y + x, y - x, 2d*x*y). Negation swaps the first two and negates the third.
/// </summary>
internal struct NielsPoint
{
    public FieldElement YPlusX;
    public FieldElement YMinusX;
    public FieldElement XY2D;

    /// <summary>Number of <see cref="ulong"/> limbs of one point when stored flat in a table.</summary>
    public const int Limbs = 15;

    /// <summary>From affine coordinates.</summary>
    public static void FromAffine(out NielsPoint r, in FieldElement x, in FieldElement y)
    {
        FieldElement.Add(out r.YPlusX, y, x);
        FieldElement.Sub(out r.YMinusX, y, x);
        FieldElement.Mul(out FieldElement xy, x, y);
        FieldElement.Mul(out r.XY2D, xy, FieldElement.D2);
    }

    /// <summary>Writes the point fully reduced to 15 limbs.</summary>
    public readonly void Store(Span<ulong> destination)
    {
        Store(YPlusX, destination);
        Store(YMinusX, destination[5..]);
        Store(XY2D, destination[10..]);
    }

    private static void Store(in FieldElement a, Span<ulong> d)
    {
        FieldElement.Canonical(out FieldElement c, a);
        d[4] = c.L4;
        d[0] = c.L0;
        d[1] = c.L1;
        d[2] = c.L2;
        d[3] = c.L3;
    }
}
