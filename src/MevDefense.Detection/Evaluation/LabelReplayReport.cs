namespace MevDefense.Detection.Evaluation;

/// <summary>The result of <see cref="LabelReplay.Evaluate"/>.</summary>
public sealed record LabelReplayReport
{
    /// <summary>Gets the number of same-slot positive cases replayed.</summary>
    public required int Positives { get; init; }

    /// <summary>Gets how many positives were reported as a sandwich with the labelled front and back.</summary>
    public required int PositivesDetected { get; init; }

    /// <summary>Gets the number of cross-slot "suspected" edge cases.</summary>
    public required int EdgeCases { get; init; }

    /// <summary>Gets how many edge cases were reported.</summary>
    public required int EdgeCasesDetected { get; init; }

    /// <summary>Gets the number of negative (atomic arbitrage) cases.</summary>
    public required int Negatives { get; init; }

    /// <summary>Gets how many negatives produced a sandwich detection (should be 0).</summary>
    public required int NegativeSandwiches { get; init; }

    /// <summary>Gets one line per missed positive (kind and signatures) for inspection.</summary>
    public required IReadOnlyList<string> Missed { get; init; }
}
