namespace MevDefense.Detection.Rules.Internal;

/// <summary>
/// The sandwich rule's progress on one pool: which legs are taken (front or back of a reported sandwich) and the fronts
/// whose search for a back-run has not ended yet, each with the next leg it will examine. Lets the rule resume when legs
/// are appended instead of rescanning the pool. Buffers are reused after <see cref="Reset"/>.
/// </summary>
internal sealed class SandwichPoolState
{
    public bool[] Used = new bool[16];
    public int[] OpenFront = new int[16];
    public int[] OpenNext = new int[16];
    public int OpenCount;
    public int Queued; // legs of the pool already queued as fronts

    public void Reset()
    {
        Array.Clear(Used, 0, Math.Min(Queued, Used.Length));
        OpenCount = 0;
        Queued = 0;
    }

    public void Ensure(int legs)
    {
        if (Used.Length < legs)
        {
            var n = Math.Max(legs, Used.Length * 2);
            Array.Resize(ref Used, n);
        }

        if (OpenFront.Length < legs)
        {
            var n = Math.Max(legs, OpenFront.Length * 2);
            Array.Resize(ref OpenFront, n);
            Array.Resize(ref OpenNext, n);
        }
    }
}
