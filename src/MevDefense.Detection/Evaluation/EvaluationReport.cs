namespace MevDefense.Detection.Evaluation;

/// <summary>The result of evaluating a pipeline on labelled data.</summary>
public sealed record EvaluationReport
{
    /// <summary>Gets what was evaluated (for example <c>rules</c>, <c>model</c>, <c>combined</c>).</summary>
    public required string Name { get; init; }

    /// <summary>Gets the per-class metrics.</summary>
    public required IReadOnlyList<ClassMetrics> Classes { get; init; }

    /// <summary>Gets the number of transactions examined.</summary>
    public required int Transactions { get; init; }

    /// <summary>Gets the number of windows examined.</summary>
    public required int Windows { get; init; }

    /// <summary>Gets the number of detections that touched a hard-negative pattern.</summary>
    public required int HardNegativeHits { get; init; }

    /// <summary>Gets the number of hard-negative patterns.</summary>
    public required int HardNegatives { get; init; }

    /// <summary>Gets, per confidence tier (lower bound 0.5, 0.6, ... 0.9), the number of sandwich detections and how many were correct.</summary>
    public required IReadOnlyList<(double Tier, int Detections, int Correct)> SandwichCalibration { get; init; }

    /// <summary>Gets the metrics of a class, or <see langword="null"/>.</summary>
    /// <param name="name">The class name.</param>
    /// <returns>The metrics.</returns>
    public ClassMetrics? this[string name] => Classes.FirstOrDefault(c => c.Class == name);
}
