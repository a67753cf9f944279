namespace MevDefense.Dna.Internal.Ed25519;

/// <summary>
/// Eight affine points in the "Niels" form used for mixed addition: (y + x, y - x, 2d·x·y). The negation of (x, y) is (-x, y),
/// that is (y - x, y + x, -2d·x·y): swap the first two coordinates and negate the third.
/// </summary>
internal struct NielsPoint8
{
    public FieldElement8 YPlusX;
    public FieldElement8 YMinusX;
    public FieldElement8 XY2D;
}
