using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace MevDefense.Ingest.Selection;

/// <summary>Options of the <see cref="SourceSelector"/>.</summary>
public sealed class SourceSelectorOptions
{
    /// <summary>The environment variable that overrides <see cref="ExplorationRate"/>.</summary>
    public const string ExplorationRateVariable = "EXPLORATION_RATE";

    /// <summary>The environment variable that overrides <see cref="DecayFactor"/>.</summary>
    public const string DecayFactorVariable = "DECAY_FACTOR";

    /// <summary>Gets or sets the probability that a ranking is drawn uniformly at random instead of by Thompson sampling.</summary>
    /// <value>The default value is 0.1.</value>
    [Range(0.0, 1.0)]
    public double ExplorationRate { get; set; } = 0.1;

    /// <summary>Gets or sets the factor each source's evidence is multiplied by on every observation (1 = never forget).</summary>
    /// <value>The default value is 0.99 (an effective memory of about 100 observations).</value>
    [Range(0.5, 1.0)]
    public double DecayFactor { get; set; } = 0.99;

    /// <summary>Gets or sets the prior α (and β) of every source's Beta distribution.</summary>
    /// <value>The default value is 1 (uniform prior).</value>
    [Range(0.01, 1000.0)]
    public double Prior { get; set; } = 1.0;

    /// <summary>Applies <c>EXPLORATION_RATE</c> and <c>DECAY_FACTOR</c> when they are set.</summary>
    /// <param name="getVariable">Reads a variable (e.g. <see cref="Environment.GetEnvironmentVariable(string)"/>).</param>
    /// <returns>This instance.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="getVariable"/> is <see langword="null"/>.</exception>
    /// <exception cref="FormatException">A variable is set but is not a number.</exception>
    public SourceSelectorOptions ApplyEnvironment(Func<string, string?> getVariable)
    {
        ArgumentNullException.ThrowIfNull(getVariable);
        if (Parse(getVariable(ExplorationRateVariable), ExplorationRateVariable) is double rate)
        {
            ExplorationRate = rate;
        }

        if (Parse(getVariable(DecayFactorVariable), DecayFactorVariable) is double decay)
        {
            DecayFactor = decay;
        }

        return this;
    }

    private static double? Parse(string? text, string name)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)
            ? v
            : throw new FormatException($"{name}='{text}' is not a number.");
    }
}
