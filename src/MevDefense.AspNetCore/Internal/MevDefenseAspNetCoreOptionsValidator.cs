using Microsoft.Extensions.Options;

namespace MevDefense.AspNetCore.Internal;

/// <summary>Validates <see cref="MevDefenseAspNetCoreOptions"/> at start.</summary>
internal sealed class MevDefenseAspNetCoreOptionsValidator : IValidateOptions<MevDefenseAspNetCoreOptions>
{
    public ValidateOptionsResult Validate(string? name, MevDefenseAspNetCoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ApiKeyHeader))
        {
            failures.Add("ApiKeyHeader must not be empty.");
        }

        if (options.ApiKey is { Length: > 0 and < 16 })
        {
            failures.Add("ApiKey must be at least 16 characters long when set.");
        }

        Range(failures, nameof(options.MaxRequestBodyBytes), options.MaxRequestBodyBytes, 1024, 256 * 1024 * 1024);
        Range(failures, nameof(options.MaxDetectTransactions), options.MaxDetectTransactions, 1, 1_000_000);
        Range(failures, nameof(options.StreamQueueCapacity), options.StreamQueueCapacity, 1, 65_536);
        Range(failures, nameof(options.MaxStreamClients), options.MaxStreamClients, 1, 1_000_000);
        Range(failures, nameof(options.RateLimitPermits), options.RateLimitPermits, 1, int.MaxValue);
        if (options.SlowClientCloseTimeout <= TimeSpan.Zero || options.SlowClientCloseTimeout > TimeSpan.FromMinutes(5))
        {
            failures.Add("SlowClientCloseTimeout must be in (0, 5 min].");
        }

        if (options.RateLimitWindow <= TimeSpan.Zero || options.RateLimitWindow > TimeSpan.FromDays(1))
        {
            failures.Add("RateLimitWindow must be in (0, 1 day].");
        }

        if (options.RpcHealthTimeout <= TimeSpan.Zero || options.RpcHealthTimeout > TimeSpan.FromMinutes(1))
        {
            failures.Add("RpcHealthTimeout must be in (0, 1 min].");
        }

        if (options.MetricsPath is { Length: > 0 } p && p[0] != '/')
        {
            failures.Add("MetricsPath must start with '/'.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Range(List<string> failures, string name, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            failures.Add($"{name} must be in [{min}, {max}] (was {value}).");
        }
    }
}
