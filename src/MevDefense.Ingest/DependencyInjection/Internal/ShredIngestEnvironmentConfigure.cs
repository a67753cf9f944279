using System.Globalization;
using Microsoft.Extensions.Options;

namespace MevDefense.Ingest.DependencyInjection.Internal;

/// <summary>Applies DSCP_VALUE, SO_TXTIME_OFFSET_NS, EXPLORATION_RATE and DECAY_FACTOR to <see cref="ShredIngestOptions"/>.</summary>
internal sealed class ShredIngestEnvironmentConfigure(Func<string, string?> getVariable) : IConfigureOptions<ShredIngestOptions>
{
    public const string DscpVariable = "DSCP_VALUE";
    public const string TxTimeOffsetVariable = "SO_TXTIME_OFFSET_NS";

    public ShredIngestEnvironmentConfigure()
        : this(Environment.GetEnvironmentVariable)
    {
    }

    public void Configure(ShredIngestOptions options)
    {
        if (getVariable(DscpVariable) is { Length: > 0 } dscp)
        {
            options.Dscp = int.TryParse(dscp, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v)
                ? v
                : throw new FormatException($"{DscpVariable}='{dscp}' is not an integer.");
        }

        if (getVariable(TxTimeOffsetVariable) is { Length: > 0 } offset)
        {
            options.TxTimeOffsetNanoseconds = long.TryParse(offset, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v)
                ? v
                : throw new FormatException($"{TxTimeOffsetVariable}='{offset}' is not an integer.");
        }

        var selector = new Selection.SourceSelectorOptions { ExplorationRate = options.ExplorationRate, DecayFactor = options.DecayFactor }
            .ApplyEnvironment(getVariable);
        options.ExplorationRate = selector.ExplorationRate;
        options.DecayFactor = selector.DecayFactor;
    }
}
