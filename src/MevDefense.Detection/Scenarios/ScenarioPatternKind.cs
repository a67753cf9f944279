namespace MevDefense.Detection.Scenarios;

/// <summary>The kind of pattern a <see cref="ScenarioLabel"/> describes.</summary>
public enum ScenarioPatternKind : byte
{
    /// <summary>A sandwich (positive).</summary>
    Sandwich,

    /// <summary>An atomic arbitrage (positive).</summary>
    Arbitrage,

    /// <summary>JIT liquidity around a victim (positive).</summary>
    JitLiquidity,

    /// <summary>A back-run of a large swap (positive).</summary>
    Backrun,

    /// <summary>A hard negative: sandwich-shaped traffic that is not a sandwich; any detection on it is a false positive.</summary>
    HardNegative,
}
