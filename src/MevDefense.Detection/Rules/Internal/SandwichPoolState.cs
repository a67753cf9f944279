namespace MevDefense.Detection.Rules.Internal;

/// <summary>
/// The sandwich rule's progress on one pool: which legs are taken (front or back of a reported sandwich), the fronts
/// whose search for a back-run has not ended yet (each with the next leg it will examine), the last leg each front's
/// verdict read, and the front/back positions of the sandwiches reported, in report order. Lets the rule resume when legs
/// are appended, and rewind to the first front a revised leg could affect. Buffers are reused after <see cref="Reset"/>.
/// </summary>
internal sealed class SandwichPoolState
{
    public bool[] Used = new bool[16];
    public int[] End = new int[16];
    public FrontTransfers[] Fronts = new FrontTransfers[16]; // per leg as a front: its transfer lists, looked up on first need
    public int[] OpenFront = new int[16];
    public int[] OpenNext = new int[16];
    public int OpenCount;
    public int Queued; // legs of the pool already queued as fronts
    public int[] DetectionFront = new int[4];
    public int[] DetectionBack = new int[4];
    public int DetectionCount;

    public void Reset()
    {
        Array.Clear(Used, 0, Math.Min(Queued, Used.Length));
        OpenCount = 0;
        Queued = 0;
        DetectionCount = 0;
    }

    public void Ensure(int legs)
    {
        if (Used.Length < legs)
        {
            var n = Math.Max(legs, Used.Length * 2);
            Array.Resize(ref Used, n);
            Array.Resize(ref End, n);
            Array.Resize(ref Fronts, n);
        }

        if (OpenFront.Length < legs)
        {
            var n = Math.Max(legs, OpenFront.Length * 2);
            Array.Resize(ref OpenFront, n);
            Array.Resize(ref OpenNext, n);
        }
    }

    public void AddDetection(int front, int back)
    {
        if (DetectionCount == DetectionFront.Length)
        {
            Array.Resize(ref DetectionFront, DetectionCount * 2);
            Array.Resize(ref DetectionBack, DetectionCount * 2);
        }

        DetectionFront[DetectionCount] = front;
        DetectionBack[DetectionCount++] = back;
    }

    /// <summary>
    /// Undoes the work of every front whose verdict could have read leg <paramref name="changed"/> or a later one (open
    /// fronts, fronts whose search reached it, fronts at or after it) and of every front after the first of those (their
    /// view of taken legs depends on it), so the next advance redoes them in block order. <paramref name="found"/> holds the
    /// pool's reported sandwiches in report order (parallel to this state's); the undone ones are removed from it.
    /// </summary>
    public void Rewind(int changed, ReadOnlySpan<Leg> legs, List<DetectionEvent> found)
    {
        // The first front processed whose verdict may change. A closed front before it read only legs before the change.
        var first = Math.Min(changed, Queued);
        for (var o = 0; o < OpenCount; o++)
        {
            first = Math.Min(first, OpenFront[o]);
        }

        for (var i = 0; i < first; i++)
        {
            if (End[i] >= changed)
            {
                first = i;
                break;
            }
        }

        // Keep the sandwiches of fronts before it, and the legs they took.
        var kept = 0;
        for (var d = 0; d < DetectionCount; d++)
        {
            if (DetectionFront[d] < first)
            {
                DetectionFront[kept] = DetectionFront[d];
                DetectionBack[kept] = DetectionBack[d];
                found[kept++] = found[d];
            }
        }

        found.RemoveRange(kept, found.Count - kept);
        DetectionCount = kept;
        Array.Clear(Used, 0, Math.Min(Queued, Used.Length));
        for (var d = 0; d < kept; d++)
        {
            Used[DetectionFront[d]] = true;
            Used[DetectionBack[d]] = true;
        }

        // Every leg from there on is a front again, searching from the next leg.
        OpenCount = 0;
        for (var k = first; k < Queued; k++)
        {
            End[k] = -1;
            Fronts[k] = default;
            if (!legs[k].RepeatedInTx)
            {
                OpenFront[OpenCount] = k;
                OpenNext[OpenCount++] = k + 1;
            }
        }
    }
}

/// <summary>
/// A front leg's funding-transfer look-ups: its wallet and output account (copied from its transaction on first need, so
/// later calls do not load the transaction again), their lists (<see cref="WindowIndex.AuthorityTransfers"/>,
/// <see cref="WindowIndex.FrontOutputTransfers"/>) as found when the index had <see cref="ListCount"/> lists, and the first
/// transaction from the front on with a transfer in either. List ids never change and lists only grow by later transactions:
/// a list not found can only appear once the index has more lists (then it is looked up again by key, unless none of the new
/// lists can be the account's), and a first transfer once found stays first.
/// </summary>
internal struct FrontTransfers
{
    public Pubkey Wallet;
    public Pubkey Output;
    public ulong WalletKey; // WindowIndex.KeyFilter of Wallet
    public ulong OutputKey; // WindowIndex.KeyFilter of Output
    public int Authority; // list id, or -1
    public int OutputList; // list id, or -1
    public int ListCount; // WindowIndex.TransferListCount at the look-up
    public int FirstTransfer; // int.MaxValue: none so far
    public bool Known; // Wallet and Output copied
}
