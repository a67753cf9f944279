using System.ComponentModel.DataAnnotations;

namespace MevDefense.Detection;

/// <summary>Options of the detection pipeline (configuration section <see cref="SectionName"/>).</summary>
public sealed class DetectionOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "MevDefense:Detection";

    /// <summary>Gets or sets which evidence is reported.</summary>
    /// <value>The default value is <see cref="DetectionMode.Combined"/>.</value>
    public DetectionMode Mode { get; set; } = DetectionMode.Combined;

    /// <summary>Gets or sets whether the sandwich rule runs.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool Sandwich { get; set; } = true;

    /// <summary>Gets or sets whether the atomic-arbitrage rule runs.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool Arbitrage { get; set; } = true;

    /// <summary>Gets or sets whether the JIT-liquidity rule runs.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool JitLiquidity { get; set; } = true;

    /// <summary>Gets or sets whether the back-run rule runs.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool Backrun { get; set; } = true;

    /// <summary>Gets or sets the minimum confidence of a reported detection.</summary>
    /// <value>The default value is 0.55.</value>
    [Range(0.0, 1.0)]
    public double MinConfidence { get; set; } = 0.55;

    /// <summary>Gets or sets whether sandwiches may span consecutive slots of one leader.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool CrossSlot { get; set; } = true;

    /// <summary>Gets or sets the maximum number of window positions between a front-run and its back-run.</summary>
    /// <value>The default value is 400.</value>
    [Range(2, 100_000)]
    public int MaxSandwichDistance { get; set; } = 400;

    /// <summary>Gets or sets the number of recent window decisions kept in the LRU cache (0 disables it).</summary>
    /// <value>The default value is 1024.</value>
    [Range(0, 1_000_000)]
    public int CacheCapacity { get; set; } = 1024;

    /// <summary>Gets or sets the role probability at which the model alone proposes a transaction as front, back or arbitrage.</summary>
    /// <value>The default value is 0.6.</value>
    [Range(0.0, 1.0)]
    public double ModelThreshold { get; set; } = 0.6;

    /// <summary>Gets or sets the weight of the model's support when rescoring a rule detection (0 keeps rule confidences).</summary>
    /// <value>The default value is 0.3.</value>
    [Range(0.0, 1.0)]
    public double ModelWeight { get; set; } = 0.3;
}
