using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MevDefense.AspNetCore.Internal;

/// <summary><c>GET /health</c>: the aggregate status and every MevDefense component as JSON (200 healthy/degraded, 503 unhealthy).</summary>
internal static class HealthEndpoint
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static HealthCheckOptions Options { get; } = new()
    {
        Predicate = static r => r.Tags.Contains(HealthCheckNames.Tag),
        ResponseWriter = WriteAsync,
    };

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        var components = new Dictionary<string, Dtos.HealthComponent>(StringComparer.Ordinal);
        foreach (KeyValuePair<string, HealthReportEntry> e in report.Entries)
        {
            components[e.Key] = new Dtos.HealthComponent(
                Name(e.Value.Status),
                e.Value.Exception is { } ex ? $"{e.Value.Description} ({ex.GetType().Name}: {ex.Message})" : e.Value.Description,
                Math.Round(e.Value.Duration.TotalMilliseconds, 3),
                e.Value.Data.ToDictionary(static d => d.Key, static d => d.Value));
        }

        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        return JsonSerializer.SerializeAsync(context.Response.Body,
            new Dtos.HealthResponse(Name(report.Status), Math.Round(report.TotalDuration.TotalMilliseconds, 3), components), Json, context.RequestAborted);
    }

    private static string Name(HealthStatus s) => s switch
    {
        HealthStatus.Healthy => "healthy",
        HealthStatus.Degraded => "degraded",
        _ => "unhealthy",
    };
}
