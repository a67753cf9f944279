namespace MevDefense.Detection.Evaluation;

/// <summary>Precision, recall and F1 of one detection class.</summary>
/// <param name="Class">The class name (<c>sandwich</c>, <c>arbitrage</c>, <c>jit</c>, <c>backrun</c>).</param>
/// <param name="TruePositives">Detections that match a labelled pattern.</param>
/// <param name="FalsePositives">Detections that match none.</param>
/// <param name="FalseNegatives">Labelled patterns no detection matched.</param>
public sealed record ClassMetrics(string Class, int TruePositives, int FalsePositives, int FalseNegatives)
{
    /// <summary>Gets TP / (TP + FP), or 1 when nothing was reported.</summary>
    public double Precision => TruePositives + FalsePositives == 0 ? 1 : (double)TruePositives / (TruePositives + FalsePositives);

    /// <summary>Gets TP / (TP + FN), or 1 when nothing was labelled.</summary>
    public double Recall => TruePositives + FalseNegatives == 0 ? 1 : (double)TruePositives / (TruePositives + FalseNegatives);

    /// <summary>Gets the harmonic mean of precision and recall.</summary>
    public double F1 => Precision + Recall == 0 ? 0 : 2 * Precision * Recall / (Precision + Recall);
}
