using System.ComponentModel.DataAnnotations;

namespace MevDefense.Detection.Scenarios;

/// <summary>Options of <see cref="ScenarioGenerator"/>.</summary>
public sealed class ScenarioOptions
{
    /// <summary>Gets or sets the random seed; the same options always produce the same dataset.</summary>
    /// <value>The default value is 1.</value>
    public int Seed { get; set; } = 1;

    /// <summary>Gets or sets the number of slots.</summary>
    /// <value>The default value is 64.</value>
    [Range(1, 100_000)]
    public int Slots { get; set; } = 64;

    /// <summary>Gets or sets the first slot number.</summary>
    /// <value>The default value is 370,000,000.</value>
    public ulong StartSlot { get; set; } = 370_000_000;

    /// <summary>Gets or sets the mean number of background transactions per slot (votes, transfers, honest swaps).</summary>
    /// <value>The default value is 48.</value>
    [Range(4, 2_000)]
    public int BackgroundTransactionsPerSlot { get; set; } = 48;

    /// <summary>Gets or sets the expected number of sandwiches per slot.</summary>
    /// <value>The default value is 0.5.</value>
    [Range(0.0, 20.0)]
    public double SandwichesPerSlot { get; set; } = 0.5;

    /// <summary>Gets or sets the expected number of atomic arbitrages per slot.</summary>
    /// <value>The default value is 0.4.</value>
    [Range(0.0, 20.0)]
    public double ArbitragesPerSlot { get; set; } = 0.4;

    /// <summary>Gets or sets the expected number of JIT liquidity patterns per slot.</summary>
    /// <value>The default value is 0.1.</value>
    [Range(0.0, 20.0)]
    public double JitPerSlot { get; set; } = 0.1;

    /// <summary>Gets or sets the expected number of back-runs per slot.</summary>
    /// <value>The default value is 0.15.</value>
    [Range(0.0, 20.0)]
    public double BackrunsPerSlot { get; set; } = 0.15;

    /// <summary>Gets or sets the expected number of hard negatives per slot.</summary>
    /// <value>The default value is 0.6.</value>
    [Range(0.0, 20.0)]
    public double HardNegativesPerSlot { get; set; } = 0.6;

    /// <summary>Gets or sets the fraction of honest swaps sent as v0 transactions through an address lookup table.</summary>
    /// <value>The default value is 0.25.</value>
    [Range(0.0, 1.0)]
    public double LookupTableFraction { get; set; } = 0.25;
}
