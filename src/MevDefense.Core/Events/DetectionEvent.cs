namespace MevDefense;

/// <summary>One detected MEV pattern: what, where, who, how sure. Produced by detectors, recorded by the ledger, streamed to clients.</summary>
public sealed record DetectionEvent
{
    /// <summary>Gets the kind of pattern.</summary>
    public required DetectionKind Kind { get; init; }

    /// <summary>Gets the slot of the transaction that completed the pattern.</summary>
    public required ulong Slot { get; init; }

    /// <summary>Gets the front-run transaction (sandwich, JIT add) or the single transaction (arbitrage, back-run).</summary>
    public Signature? Front { get; init; }

    /// <summary>Gets the back-run transaction (sandwich, JIT remove).</summary>
    public Signature? Back { get; init; }

    /// <summary>Gets the victim transactions.</summary>
    public IReadOnlyList<Signature> Victims { get; init; } = [];

    /// <summary>Gets the attacker (signer or linked wallet).</summary>
    public Pubkey? Attacker { get; init; }

    /// <summary>Gets the pool the pattern used.</summary>
    public Pubkey? Pool { get; init; }

    /// <summary>Gets the calibrated confidence in [0, 1].</summary>
    public required double Confidence { get; init; }

    /// <summary>Gets the estimated victim loss in the smallest unit of the quote token, when known.</summary>
    public decimal? EstimatedVictimLoss { get; init; }

    /// <summary>Gets the detector that produced the event (for example <c>rules/sandwich</c> or <c>onnx</c>).</summary>
    public required string Detector { get; init; }

    /// <summary>Gets the model version when a model contributed.</summary>
    public string? ModelVersion { get; init; }

    /// <summary>Gets the time the decision was made (from <see cref="TimeProvider"/>).</summary>
    public DateTimeOffset DetectedAt { get; init; }

    /// <summary>Gets the <see cref="System.Diagnostics.Stopwatch"/> timestamp at which the last input the decision needed was received, or 0.</summary>
    public long InputReceivedTimestamp { get; init; }

    /// <summary>Gets the Blake3 fingerprint of the exact inputs the decision saw, when computed.</summary>
    public ReadOnlyMemory<byte> InputFingerprint { get; init; }

    /// <summary>Gets every transaction involved, in block order.</summary>
    public IReadOnlyList<Signature> Transactions { get; init; } = [];
}
