using MevDefense.AspNetCore;
using MevDefense.AspNetCore.Internal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MevDefense;

/// <summary>Maps the MevDefense HTTP API.</summary>
public static class MevDefenseEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <c>GET {prefix}/health</c>, <c>POST {prefix}/detect</c>, <c>POST {prefix}/dna/event</c>, <c>GET {prefix}/dna/events/{id}</c>,
    /// <c>GET {prefix}/dna/events/{id}/proof</c>, <c>GET {prefix}/dna/checkpoint</c>, <c>GET {prefix}/stream</c> (WebSocket),
    /// <c>GET {prefix}/openapi.json</c>, the opt-in <c>GET {prefix}/dashboard</c>, and the Prometheus scrape endpoint
    /// (<see cref="MevDefenseAspNetCoreOptions.MetricsPath"/>, outside the prefix).
    /// </summary>
    /// <param name="endpoints">The route builder (usually the <c>WebApplication</c>).</param>
    /// <param name="prefix">The route prefix.</param>
    /// <returns>The route group, so that the host can chain <c>.RequireAuthorization()</c> and other conventions.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException"><c>services.AddMevDefense()</c> or <c>.AddAspNetCore()</c> was not called.</exception>
    public static RouteGroupBuilder MapMevDefense(this IEndpointRouteBuilder endpoints, string prefix = "/defensive")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(prefix);
        if (endpoints.ServiceProvider.GetService<MevDefenseMarker>() is null)
        {
            throw new InvalidOperationException("Call services.AddMevDefense() before MapMevDefense().");
        }

        if (endpoints.ServiceProvider.GetService<DefensiveStreamHub>() is null)
        {
            throw new InvalidOperationException("Call services.AddMevDefense().AddAspNetCore() before MapMevDefense().");
        }

        MevDefenseAspNetCoreOptions options = endpoints.ServiceProvider.GetRequiredService<IOptions<MevDefenseAspNetCoreOptions>>().Value;
        RouteGroupBuilder group = endpoints.MapGroup(prefix).WithTags("MevDefense");
        group.MapHealthChecks("/health", HealthEndpoint.Options);

        RouteHandlerBuilder detect = group.MapPost("/detect", DetectEndpoint.HandleAsync).AddEndpointFilter(new ApiKeyFilter(DetectEndpoint.Endpoint)).DisableAntiforgery();
        RouteHandlerBuilder dnaEvent = group.MapPost("/dna/event", DnaEndpoints.PostEventAsync).AddEndpointFilter(new ApiKeyFilter(DnaEndpoints.EventEndpoint)).DisableAntiforgery();
        RouteHandlerBuilder record = group.MapGet("/dna/events/{id}", DnaEndpoints.GetRecordAsync);
        RouteHandlerBuilder proof = group.MapGet("/dna/events/{id}/proof", DnaEndpoints.GetProofAsync);
        RouteHandlerBuilder checkpoint = group.MapGet("/dna/checkpoint", DnaEndpoints.GetCheckpointAsync);
        if (options.RateLimitingEnabled)
        {
            foreach (RouteHandlerBuilder b in (RouteHandlerBuilder[])[detect, dnaEvent, record, proof, checkpoint])
            {
                b.RequireRateLimiting(MevDefenseAspNetCoreOptions.RateLimiterPolicyName);
            }
        }

        group.Map("/stream", StreamEndpoint.HandleAsync);
        group.MapGet("/openapi.json", static () => EmbeddedResources.Result("openapi.json", "application/json; charset=utf-8"));
        if (options.EnableDashboard)
        {
            group.MapGet("/dashboard", static () => EmbeddedResources.Result("dashboard.html", "text/html; charset=utf-8"));
        }

        if (options.MetricsPath is { Length: > 0 } metrics)
        {
            endpoints.MapPrometheusScrapingEndpoint(metrics);
        }

        return group;
    }
}
