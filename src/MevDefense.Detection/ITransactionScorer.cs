namespace MevDefense.Detection;

/// <summary>
/// Scores every transaction of a window with per-role probabilities: the combination point between the rule detectors
/// and a learned model (for example the ONNX GNN+Transformer). <see cref="DetectionPipeline"/> uses the scores to rescore
/// rule detections and to report patterns the rules missed.
/// </summary>
public interface ITransactionScorer
{
    /// <summary>The number of role columns: 0 none, 1 front, 2 victim, 3 back, 4 arbitrage.</summary>
    public const int RoleCount = 5;

    /// <summary>Gets the scorer name written into <see cref="DetectionEvent.Detector"/> for model-only detections.</summary>
    string Name { get; }

    /// <summary>Gets the model version written into <see cref="DetectionEvent.ModelVersion"/>.</summary>
    string? ModelVersion { get; }

    /// <summary>Writes <see cref="RoleCount"/> probabilities per transaction, row-major in block order.</summary>
    /// <param name="window">The window (any length; implementations slide over long windows).</param>
    /// <param name="probabilities">At least <c>window.Count * RoleCount</c> floats.</param>
    void Score(DetectionWindow window, Span<float> probabilities);
}
