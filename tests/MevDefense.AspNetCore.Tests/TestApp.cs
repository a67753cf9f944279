using System.Net.Http.Json;
using System.Text.Json;
using MevDefense.AspNetCore;
using MevDefense.Dna;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

[assembly: CollectionBehavior(DisableTestParallelization = true)] // the OpenTelemetry exporter listens to meters by name, process-wide

namespace MevDefense.AspNetCore.Tests;

/// <summary>A WebApplication on a TestServer with MevDefense registered (in-memory ledger) and mapped.</summary>
internal sealed class TestApp : IAsyncDisposable
{
    private TestApp(WebApplication app) => App = app;

    public WebApplication App { get; }

    public HttpClient Client { get; private set; } = null!;

    public IServiceProvider Services => App.Services;

    public DnaLedger Ledger => App.Services.GetRequiredService<DnaLedger>();

    public DefensiveStreamHub Hub => App.Services.GetRequiredService<DefensiveStreamHub>();

    public static async Task<TestApp> StartAsync(Action<MevDefenseAspNetCoreOptions>? configure = null, bool ledger = true,
        Action<IMevDefenseBuilder>? more = null, Dictionary<string, string?>? configuration = null)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        if (configuration is not null)
        {
            builder.Configuration.AddInMemoryCollection(configuration);
        }

        IMevDefenseBuilder md = builder.Services.AddMevDefense();
        if (ledger)
        {
            md.AddDnaLedger(static o =>
            {
                o.StoreKind = DnaStoreKind.InMemory;
                o.CheckpointEveryRecords = 0;
            });
        }

        md.AddAspNetCore(o => configure?.Invoke(o));
        more?.Invoke(md);
        WebApplication app = builder.Build();
        app.UseWebSockets();
        app.UseRateLimiter();
        app.MapMevDefense();
        await app.StartAsync();
        return new TestApp(app) { Client = app.GetTestClient() };
    }

    public WebSocketClient CreateWebSocketClient() => App.GetTestServer().CreateWebSocketClient();

    public Uri StreamUri => new(App.GetTestServer().BaseAddress, "defensive/stream");

    public async Task<JsonElement> PostJsonAsync(string path, string json, int expectedStatus, string? apiKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
        if (apiKey is not null)
        {
            request.Headers.Add("X-Api-Key", apiKey);
        }

        using HttpResponseMessage response = await Client.SendAsync(request);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(expectedStatus == (int)response.StatusCode, $"expected {expectedStatus}, got {(int)response.StatusCode}: {body}");
        return body.Length == 0 ? default : JsonDocument.Parse(body).RootElement.Clone();
    }

    public async Task<(int Status, JsonElement Body, string? ContentType)> GetAsync(string path)
    {
        using HttpResponseMessage response = await Client.GetAsync(path);
        string body = await response.Content.ReadAsStringAsync();
        JsonElement json = default;
        if (response.Content.Headers.ContentType?.MediaType is { } mt && mt.Contains("json", StringComparison.Ordinal))
        {
            json = JsonDocument.Parse(body).RootElement.Clone();
        }

        return ((int)response.StatusCode, json, response.Content.Headers.ContentType?.MediaType);
    }

    public async Task<string> ScrapeAsync()
    {
        using HttpResponseMessage response = await Client.GetAsync("/metrics");
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
