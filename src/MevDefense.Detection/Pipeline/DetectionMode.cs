namespace MevDefense.Detection;

/// <summary>Which evidence <see cref="DetectionPipeline"/> reports.</summary>
public enum DetectionMode
{
    /// <summary>Rule detectors only.</summary>
    Rules,

    /// <summary>Model-derived detections only (needs an <see cref="ITransactionScorer"/>).</summary>
    Model,

    /// <summary>Rule detections rescored by the model, plus model detections the rules missed; rules only when no scorer is registered.</summary>
    Combined,
}
