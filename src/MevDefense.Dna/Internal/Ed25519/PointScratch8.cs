namespace MevDefense.Dna.Internal.Ed25519;

/// <summary>
/// Temporaries of the point formulas, allocated (and zeroed) once per scalar multiplication instead of once per addition.
/// They hold values derived from secret nonces: the owner clears the struct when done.
/// </summary>
internal struct PointScratch8
{
    public FieldElement8 A;
    public FieldElement8 B;
    public FieldElement8 C;
    public FieldElement8 D;
    public FieldElement8 E;
    public FieldElement8 F;
    public FieldElement8 G;
    public FieldElement8 H;
}
