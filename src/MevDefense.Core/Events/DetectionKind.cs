namespace MevDefense;

/// <summary>The kind of MEV pattern a detection describes.</summary>
public enum DetectionKind
{
    /// <summary>Front-run and back-run by one attacker around one or more victims on the same pool.</summary>
    Sandwich,

    /// <summary>A cycle of swaps inside one transaction that ends in the starting token.</summary>
    Arbitrage,

    /// <summary>Liquidity added just before and removed just after a victim's swap on a concentrated-liquidity pool.</summary>
    JitLiquidity,

    /// <summary>A transaction placed directly after a large swap to capture the price move it caused.</summary>
    Backrun,
}
