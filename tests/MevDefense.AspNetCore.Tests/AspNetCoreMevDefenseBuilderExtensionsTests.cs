using MevDefense.Dna;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MevDefense.AspNetCore.Tests;

public sealed class AspNetCoreMevDefenseBuilderExtensionsTests
{
    [Fact]
    public void AddAspNetCore_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>("builder", () => AspNetCoreMevDefenseBuilderExtensions.AddAspNetCore(null!));
        IMevDefenseBuilder b = new ServiceCollection().AddMevDefense();
        Assert.Throws<ArgumentNullException>("configure", () => b.AddAspNetCore((Action<MevDefenseAspNetCoreOptions>)null!));
        Assert.Throws<ArgumentNullException>("configuration", () => b.AddAspNetCore((Microsoft.Extensions.Configuration.IConfiguration)null!));
    }

    [Fact]
    public void AddAspNetCore_CalledTwice_RegistersOnce()
    {
        var services = new ServiceCollection();
        services.AddMevDefense().AddAspNetCore().AddAspNetCore();
        Assert.Single(services, d => d.ServiceType == typeof(DefensiveStreamHub));
        using ServiceProvider sp = services.AddLogging().BuildServiceProvider();
        var health = sp.GetRequiredService<IOptions<Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckServiceOptions>>().Value;
        Assert.Single(health.Registrations, r => r.Name == "ledger");
        int sinks = services.Count(d => d.ServiceType == typeof(IDetectionEventSink));
        Assert.Equal(1, sinks);
    }

    [Fact]
    public void AddAspNetCore_FirstRegistrationWins()
    {
        var services = new ServiceCollection();
        var mine = new DefensiveStreamHub(new MevDefenseAspNetCoreOptions());
        services.AddSingleton(mine);
        services.AddLogging().AddMevDefense().AddAspNetCore();
        using ServiceProvider sp = services.BuildServiceProvider();
        Assert.Same(mine, sp.GetRequiredService<DefensiveStreamHub>());
    }

    [Fact]
    public async Task AddAspNetCore_InvalidOptions_FailAtStart()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddMevDefense().AddAspNetCore(o => o.StreamQueueCapacity = 0);
        await using WebApplication app = builder.Build();
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());
        Assert.Contains("StreamQueueCapacity", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Options_BoundFromConfigurationSections()
    {
        await using TestApp app = await TestApp.StartAsync(configuration: new()
        {
            ["MevDefense:SolanaRpc"] = "http://127.0.0.1:8899/",
            ["MevDefense:AspNetCore:StreamQueueCapacity"] = "17",
            ["MevDefense:AspNetCore:ApiKeyHeader"] = "X-Key",
        });
        MevDefenseAspNetCoreOptions o = app.Services.GetRequiredService<IOptions<MevDefenseAspNetCoreOptions>>().Value;
        Assert.Equal(17, o.StreamQueueCapacity);
        Assert.Equal("X-Key", o.ApiKeyHeader);
        Assert.Equal(new Uri("http://127.0.0.1:8899/"), app.Services.GetRequiredService<IOptions<MevDefenseOptions>>().Value.SolanaRpc);
    }

    [Fact]
    public void MapMevDefense_WithoutAddMevDefense_Throws()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        using WebApplication app = builder.Build();
        var ex = Assert.Throws<InvalidOperationException>(() => app.MapMevDefense());
        Assert.Contains("AddMevDefense", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentNullException>("endpoints", () => MevDefenseEndpointRouteBuilderExtensions.MapMevDefense(null!));
    }

    [Fact]
    public void MapMevDefense_WithoutAddAspNetCore_Throws()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddMevDefense();
        using WebApplication app = builder.Build();
        var ex = Assert.Throws<InvalidOperationException>(() => app.MapMevDefense());
        Assert.Contains("AddAspNetCore", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PipelineDetections_ReachTheStreamHubAndTheLedgerSinks()
    {
        await using TestApp app = await TestApp.StartAsync();
        IDetectionEventSink[] sinks = [.. app.Services.GetServices<IDetectionEventSink>()];
        Assert.Equal(2, sinks.Length); // the ledger recorder and the stream
        var detection = new DetectionEvent { Kind = DetectionKind.Arbitrage, Slot = 5, Confidence = 0.8, Detector = "test" };
        foreach (IDetectionEventSink s in sinks)
        {
            await s.OnDetectionAsync(detection);
        }

        Assert.Equal(1UL, app.Ledger.Count);
        Assert.Equal(1, app.Hub.MessagesPublished);
        DecisionRecord r = (await app.Services.GetRequiredService<IDnaStore>().GetBySequenceAsync(0))!;
        Assert.Equal(DecisionEventTypes.ArbitrageDetected, r.EventType);
    }
}
