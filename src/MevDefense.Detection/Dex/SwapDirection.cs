namespace MevDefense.Detection.Dex;

/// <summary>
/// The direction of a swap relative to its pool. Token A is the pool's first token: for pools whose two mints are
/// visible in the instruction it is the mint with the lower key (the order Raydium CLMM/CPMM and Whirlpool enforce);
/// for order books it is the base token. Directions are therefore comparable between swaps on the same pool.
/// </summary>
public enum SwapDirection : byte
{
    /// <summary>The direction is not knowable from the instruction alone (it needs pool or token-account state).</summary>
    Unknown = 0,

    /// <summary>Token A in, token B out.</summary>
    AToB = 1,

    /// <summary>Token B in, token A out.</summary>
    BToA = 2,
}
