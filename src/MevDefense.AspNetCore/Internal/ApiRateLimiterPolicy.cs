using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace MevDefense.AspNetCore.Internal;

/// <summary>Fixed-window rate limit per client address for the API endpoints; rejections are RFC 7807 429 problems, counted.</summary>
internal sealed class ApiRateLimiterPolicy(IOptions<MevDefenseAspNetCoreOptions> options, AspNetCoreMetrics metrics) : IRateLimiterPolicy<string>
{
    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected => async (context, cancellationToken) =>
    {
        if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out TimeSpan retry))
        {
            context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retry.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        string endpoint = context.HttpContext.GetEndpoint()?.DisplayName ?? "api";
        await ApiProblems.Create(metrics, Name(endpoint), ApiProblems.RateLimited, StatusCodes.Status429TooManyRequests, "Too many requests.",
            $"At most {options.Value.RateLimitPermits} requests per {options.Value.RateLimitWindow.TotalSeconds:0.###} s per client (MevDefense:AspNetCore:RateLimitPermits).")
            .ExecuteAsync(context.HttpContext).ConfigureAwait(false);
    };

    public RateLimitPartition<string> GetPartition(HttpContext httpContext)
    {
        MevDefenseAspNetCoreOptions o = options.Value;
        string key = httpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        return RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = o.RateLimitPermits,
            Window = o.RateLimitWindow,
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }

    private static string Name(string displayName) => displayName.Contains("detect", StringComparison.Ordinal) ? DetectEndpoint.Endpoint
        : displayName.Contains("event", StringComparison.Ordinal) ? DnaEndpoints.EventEndpoint
        : "api";
}
