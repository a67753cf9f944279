namespace MevDefense.Detection.Scenarios;

/// <summary>The ground truth of one generated pattern.</summary>
public sealed record ScenarioLabel
{
    /// <summary>Gets the pattern kind.</summary>
    public required ScenarioPatternKind Kind { get; init; }

    /// <summary>Gets the strategy variant (for example <c>adjacent-tip</c>, <c>wide</c>, <c>cross-slot</c>, <c>linked-transfer</c>, <c>opposite-unrelated</c>).</summary>
    public required string Strategy { get; init; }

    /// <summary>Gets the slot of the first transaction of the pattern.</summary>
    public required ulong Slot { get; init; }

    /// <summary>Gets the front-run (sandwich), liquidity add (JIT) or the single transaction (arbitrage, back-run).</summary>
    public Signature? Front { get; init; }

    /// <summary>Gets the back-run (sandwich) or liquidity removal (JIT).</summary>
    public Signature? Back { get; init; }

    /// <summary>Gets the victims.</summary>
    public IReadOnlyList<Signature> Victims { get; init; } = [];

    /// <summary>Gets every transaction of the pattern in block order.</summary>
    public IReadOnlyList<Signature> Transactions { get; init; } = [];

    /// <summary>Gets the attacker (front-run signer), or <see langword="null"/> for hard negatives.</summary>
    public Pubkey? Attacker { get; init; }

    /// <summary>Gets the pool of the pattern.</summary>
    public Pubkey? Pool { get; init; }
}
