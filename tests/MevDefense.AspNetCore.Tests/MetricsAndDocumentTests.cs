using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace MevDefense.AspNetCore.Tests;

public sealed class MetricsAndDocumentTests
{
    [Fact]
    public async Task Metrics_ScrapeText_HasDocumentedNamesTypesAndUnits()
    {
        await using TestApp app = await TestApp.StartAsync();
        var (json, _) = ScenarioData.SolanaSlotWithSandwich();
        await app.PostJsonAsync("/defensive/detect", json, 200);
        await app.PostJsonAsync("/defensive/dna/event", "{\"event_type\":\"X\"}", 201);
        await app.PostJsonAsync("/defensive/dna/event", "{", 400);

        string text = await app.ScrapeAsync();
        Assert.Contains("# TYPE defensive_detections_total counter", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE defensive_detection_latency_seconds histogram", text, StringComparison.Ordinal);
        Assert.True(PrometheusText.HasSample(text, "defensive_detection_latency_seconds_bucket", "le=\"+Inf\""));
        Assert.True(PrometheusText.Sum(text, "defensive_detection_latency_seconds_count") >= 1);
        Assert.Contains("# TYPE defensive_dna_operations_total counter", text, StringComparison.Ordinal);
        Assert.True(PrometheusText.Sum(text, "defensive_detections_total", "kind=\"sandwich\"") >= 1);
        Assert.Contains("# TYPE defensive_api_requests_rejected_total counter", text, StringComparison.Ordinal);
        PrometheusText.AssertRejected(text, "dna_event", "malformed_json");
        Assert.Contains("otel_scope_name=\"MevDefense.Dna\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("# TYPE defensive_detections_total gauge", text, StringComparison.Ordinal);
        Assert.True(PrometheusText.Sum(text, "defensive_api_detections_total") >= 1);
    }

    [Fact]
    public async Task Metrics_CustomPathOrDisabled()
    {
        await using (TestApp app = await TestApp.StartAsync(o => o.MetricsPath = null))
        {
            Assert.Equal(404, (await app.GetAsync("/metrics")).Status);
        }

        await using (TestApp app = await TestApp.StartAsync(o => o.MetricsPath = "/ops/metrics"))
        {
            Assert.Equal(200, (await app.GetAsync("/ops/metrics")).Status);
        }
    }

    [Fact]
    public async Task OpenApi_DescribesEveryMappedEndpoint()
    {
        await using TestApp app = await TestApp.StartAsync(o => o.EnableDashboard = true);
        var (status, doc, _) = await app.GetAsync("/defensive/openapi.json");
        Assert.Equal(200, status);
        Assert.StartsWith("3.1", doc.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        JsonElement paths = doc.GetProperty("paths");
        var routes = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => "/" + e.RoutePattern.RawText!.Trim('/'))
            .Where(p => p.StartsWith("/defensive/", StringComparison.Ordinal) && p != "/defensive/dashboard")
            .Select(p => p["/defensive".Length..])
            .ToHashSet();
        Assert.Equal(8, routes.Count);
        foreach (string route in routes)
        {
            Assert.True(paths.TryGetProperty(route, out _), $"{route} is mapped but not in openapi.json");
        }

        foreach (JsonProperty p in paths.EnumerateObject())
        {
            Assert.Contains(p.Name, routes);
        }
    }

    [Fact]
    public async Task Dashboard_OptIn()
    {
        await using (TestApp off = await TestApp.StartAsync())
        {
            Assert.Equal(404, (await off.GetAsync("/defensive/dashboard")).Status);
        }

        await using TestApp on = await TestApp.StartAsync(o => o.EnableDashboard = true);
        using HttpResponseMessage r = await on.Client.GetAsync("/defensive/dashboard");
        Assert.Equal("text/html", r.Content.Headers.ContentType?.MediaType);
        string html = await r.Content.ReadAsStringAsync();
        Assert.Contains("new WebSocket(", html, StringComparison.Ordinal);
        Assert.Contains("id=\"detections\"", html, StringComparison.Ordinal);
    }
}
