using System.Net;
using System.Numerics;
using Microsoft.Extensions.Options;

namespace MevDefense.Ingest.DependencyInjection.Internal;

/// <summary>Data-annotation rules of <see cref="ShredIngestOptions"/> (source-generated).</summary>
[OptionsValidator]
internal sealed partial class ShredIngestOptionsValidator : IValidateOptions<ShredIngestOptions>;

/// <summary>Rules across fields and formats of <see cref="ShredIngestOptions"/>.</summary>
internal sealed class ShredIngestOptionsCrossValidator : IValidateOptions<ShredIngestOptions>
{
    public ValidateOptionsResult Validate(string? name, ShredIngestOptions options)
    {
        var errors = new List<string>();
        if (options.UdpEnabled && !IPAddress.TryParse(options.ListenAddress, out _))
        {
            errors.Add($"ListenAddress '{options.ListenAddress}' is not an IP address.");
        }

        if (!BitOperations.IsPow2(options.RingCapacity))
        {
            errors.Add($"RingCapacity {options.RingCapacity} must be a power of two.");
        }

        if (options.RingCapacity / Math.Max(1, options.ReceiveLoops) < 2)
        {
            errors.Add("RingCapacity must give every receive loop at least 2 entries.");
        }

        if (!Enum.IsDefined(options.FullMode))
        {
            errors.Add($"FullMode {options.FullMode} is not defined.");
        }

        foreach (var d in options.ForwardDestinations)
        {
            if (!IPEndPoint.TryParse(d, out var ep) || ep.Port == 0)
            {
                errors.Add($"ForwardDestinations entry '{d}' is not an ip:port.");
            }
        }

        if (options.ShredStreamEndpoint is { IsAbsoluteUri: false })
        {
            errors.Add("ShredStreamEndpoint must be an absolute URI.");
        }

        foreach (var u in options.BackfillRpcEndpoints)
        {
            if (u is null || !u.IsAbsoluteUri)
            {
                errors.Add("BackfillRpcEndpoints entries must be absolute URIs.");
            }
        }

        if (options.LeaderScheduleRpcEndpoint is { IsAbsoluteUri: false })
        {
            errors.Add("LeaderScheduleRpcEndpoint must be an absolute URI.");
        }

        if (options.LeaderScheduleRefreshInterval < TimeSpan.FromMilliseconds(10) || options.LeaderScheduleRefreshInterval > TimeSpan.FromDays(1))
        {
            errors.Add($"LeaderScheduleRefreshInterval {options.LeaderScheduleRefreshInterval} must be between 10 ms and 1 day.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
