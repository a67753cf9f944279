namespace MevDefense.Dna;

/// <summary>
/// Well-known <see cref="DecisionRecord.EventType"/> values. Any other non-empty string of at most
/// <see cref="MaxLength"/> UTF-16 characters is accepted as a user-defined event type.
/// </summary>
public static class DecisionEventTypes
{
    /// <summary>The maximum length of an event type.</summary>
    public const int MaxLength = 128;

    /// <summary>A sandwich (front-run and back-run around victims) was detected.</summary>
    public const string SandwichDetected = "SandwichDetected";

    /// <summary>An atomic arbitrage was detected.</summary>
    public const string ArbitrageDetected = "ArbitrageDetected";

    /// <summary>Just-in-time liquidity around a victim swap was detected.</summary>
    public const string JitLiquidityDetected = "JitLiquidityDetected";

    /// <summary>A back-run of a large swap was detected.</summary>
    public const string BackrunDetected = "BackrunDetected";

    /// <summary>Maps a <see cref="DetectionKind"/> to its event type.</summary>
    /// <param name="kind">The detection kind.</param>
    /// <returns>The event type string.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="kind"/> is not a defined value.</exception>
    public static string FromKind(DetectionKind kind) => kind switch
    {
        DetectionKind.Sandwich => SandwichDetected,
        DetectionKind.Arbitrage => ArbitrageDetected,
        DetectionKind.JitLiquidity => JitLiquidityDetected,
        DetectionKind.Backrun => BackrunDetected,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown detection kind."),
    };
}
