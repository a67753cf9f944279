namespace MevDefense.Detection.Features.Internal;

/// <summary>Indices into the 128-float transaction vector (layout version 1; see FEATURES.md).</summary>
internal static class FeatureLayout
{
    // Identity slots: 24-bit hashes stored as exact floats (0 = absent). They rebuild the graph; the model ignores them.
    public const int PoolId = 0;
    public const int SignerId = 1;
    public const int SourceAccountId = 2;
    public const int DestinationAccountId = 3;
    public const int LastPoolId = 4;
    public const int TransferDestinationId = 5;
    public const int IdentitySlots = 8;

    // Per-transaction fields.
    public const int Valid = 8;
    public const int Position = 9;
    public const int PositionFromEnd = 10;
    public const int WindowFill = 11;
    public const int IsSwap = 12;
    public const int SwapCount = 13;
    public const int DistinctPools = 14;
    public const int DirectionPlus = 15;
    public const int DirectionMinus = 16;
    public const int DirectionUnknown = 17;
    public const int LogAmountIn = 18;
    public const int LogMinimumOut = 19;
    public const int ExactOut = 20;
    public const int NoSlippageLimit = 21;
    public const int LogCuPrice = 22;
    public const int LogCuLimit = 23;
    public const int HasCuPrice = 24;
    public const int LogTip = 25;
    public const int HasTip = 26;
    public const int DontFront = 27;
    public const int IsVote = 28;
    public const int IsTransferOnly = 29;
    public const int LogTransfer = 30;
    public const int Signatures = 31;
    public const int Instructions = 32;
    public const int Cyclic = 33;
    public const int Unresolved = 34;
    public const int ProgramKindBase = 35;
    public const int ProgramKinds = 15;

    // Relational fields computed over the window.
    public const int SamePoolBefore = 50;
    public const int SamePoolAfter = 51;
    public const int LinkedBefore = 52;
    public const int LinkedAfter = 53;
    public const int LinkedSamePoolBefore = 54;
    public const int LinkedSamePoolAfter = 55;
    public const int FrontCandidate = 56;
    public const int BackCandidate = 57;
    public const int PartnerDistance = 58;
    public const int VictimCandidate = 59;
    public const int EnclosingPairs = 60;
    public const int OthersBetweenPartner = 61;
    public const int TipRank = 62;
    public const int CuPriceRank = 63;
    public const int SamePoolOppositeBefore = 64;
    public const int SamePoolOppositeAfter = 65;
    public const int FundingLink = 66;
    public const int SharedTokenAccount = 67;
    public const int AmountVsPool = 68;
    public const int SamePoolSameDirBefore = 69;
    public const int SamePoolSameDirAfter = 70;
    public const int PartnerAmountMatch = 71;

    /// <summary>The first slot after the used ones; 72..127 are reserved and always zero in layout 1.</summary>
    public const int Used = 72;
}
