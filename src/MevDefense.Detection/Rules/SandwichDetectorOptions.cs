using System.ComponentModel.DataAnnotations;

namespace MevDefense.Detection.Rules;

/// <summary>Options of <see cref="SandwichDetector"/>.</summary>
public sealed class SandwichDetectorOptions
{
    /// <summary>Gets or sets the minimum confidence to report.</summary>
    /// <value>The default value is 0.55.</value>
    [Range(0.0, 1.0)]
    public double MinConfidence { get; set; } = 0.55;

    /// <summary>Gets or sets the maximum number of window positions between front-run and back-run.</summary>
    /// <value>The default value is 400.</value>
    [Range(2, 100_000)]
    public int MaxDistance { get; set; } = 400;

    /// <summary>Gets or sets whether a front-run and back-run may sit in consecutive slots of one leader.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool CrossSlot { get; set; } = true;

    /// <summary>Gets or sets the relative tolerance between the front-run's output and the back-run's input (checked when pool state is known).</summary>
    /// <value>The default value is 0.05.</value>
    [Range(0.0, 1.0)]
    public double RoundTripTolerance { get; set; } = 0.05;
}
