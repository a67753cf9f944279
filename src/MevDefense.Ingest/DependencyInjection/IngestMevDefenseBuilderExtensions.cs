using MevDefense.Ingest;
using MevDefense.Ingest.DependencyInjection.Internal;
using MevDefense.Ingest.Pipeline;
using MevDefense.Ingest.Selection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace MevDefense;

/// <summary>Registers shred ingestion on an <see cref="IMevDefenseBuilder"/>.</summary>
public static class IngestMevDefenseBuilderExtensions
{
    /// <summary>
    /// Adds shred ingestion: <see cref="ShredIngestOptions"/> (section <c>MevDefense:Ingest</c> plus environment overrides, validated on
    /// start), the <see cref="SourceSelector"/>, the JSON-RPC <see cref="RpcBackfiller"/>, the <see cref="RpcLeaderScheduleProvider"/>
    /// (used and started when <see cref="ShredIngestOptions.LeaderScheduleRpcEndpoint"/> is set), and a hosted service that starts the UDP
    /// source (into a <see cref="ShredPipeline"/>, or into an <see cref="Ingest.Ring.IDatagramSink"/> the host registered) and the
    /// Jito ShredStream source when configured.
    /// </summary>
    /// <param name="builder">The MevDefense builder.</param>
    /// <returns>The same builder instance so that multiple calls can be chained.</returns>
    /// <remarks>Idempotent. Register <see cref="Ingest.ShredStream.IEntryBatchSink"/>, <see cref="IShredPipelineObserver"/> and
    /// <see cref="Ingest.Merkle.ILeaderScheduleProvider"/> to receive output and verify leaders; configure
    /// <see cref="ShredPipelineOptions"/> with <c>Services.Configure&lt;ShredPipelineOptions&gt;(…)</c>.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static IMevDefenseBuilder AddShredIngest(this IMevDefenseBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        if (services.Any(static d => d.ServiceType == typeof(ShredIngestMarker)))
        {
            return builder;
        }

        services.AddSingleton<ShredIngestMarker>();
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<ShredPipelineOptions>();
        services.AddSingleton<IConfigureOptions<ShredIngestOptions>, ShredIngestConfigurationBinder>();
        services.AddSingleton<IConfigureOptions<ShredIngestOptions>>(static _ => new ShredIngestEnvironmentConfigure());
        services.AddOptionsWithValidateOnStart<ShredIngestOptions, ShredIngestOptionsValidator>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ShredIngestOptions>, ShredIngestOptionsCrossValidator>());
        services.TryAddSingleton(static sp =>
        {
            var o = sp.GetRequiredService<IOptions<ShredIngestOptions>>().Value;
            return new SourceSelector(new SourceSelectorOptions { ExplorationRate = o.ExplorationRate, DecayFactor = o.DecayFactor });
        });
        services.TryAddSingleton(static sp =>
        {
            var o = sp.GetRequiredService<IOptions<ShredIngestOptions>>().Value;
            var http = sp.GetRequiredService<ShredIngestHttpClient>().Client;
            var routes = new Dictionary<int, SolanaRpcClient>();
            for (var i = 0; i < o.BackfillRpcEndpoints.Count; i++)
            {
                routes[1000 + i] = new SolanaRpcClient(http, o.BackfillRpcEndpoints[i]);
            }

            return new RpcBackfiller(sp.GetRequiredService<SourceSelector>(), routes, sp.GetService<Microsoft.Extensions.Logging.ILogger<RpcBackfiller>>());
        });
        services.TryAddSingleton(static sp =>
        {
            var o = sp.GetRequiredService<IOptions<ShredIngestOptions>>().Value;
            var endpoint = o.LeaderScheduleRpcEndpoint
                ?? throw new InvalidOperationException("ShredIngestOptions.LeaderScheduleRpcEndpoint is not set.");
            return new RpcLeaderScheduleProvider(
                new SolanaRpcClient(sp.GetRequiredService<ShredIngestHttpClient>().Client, endpoint),
                new RpcLeaderScheduleProviderOptions { RefreshInterval = o.LeaderScheduleRefreshInterval },
                sp.GetService<Microsoft.Extensions.Logging.ILogger<RpcLeaderScheduleProvider>>(),
                sp.GetService<System.Diagnostics.Metrics.IMeterFactory>(),
                sp.GetService<TimeProvider>());
        });
        services.TryAddSingleton<ShredIngestHttpClient>();
        services.TryAddSingleton<ShredIngestHostedService>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ShredIngestHostedService>(static sp => sp.GetRequiredService<ShredIngestHostedService>()));
        return builder;
    }

    /// <summary>Adds shred ingestion and configures its options.</summary>
    /// <param name="builder">The MevDefense builder.</param>
    /// <param name="configure">Configures <see cref="ShredIngestOptions"/> (applied after configuration and environment).</param>
    /// <returns>The same builder instance so that multiple calls can be chained.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static IMevDefenseBuilder AddShredIngest(this IMevDefenseBuilder builder, Action<ShredIngestOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.AddShredIngest();
        builder.Services.Configure(configure);
        return builder;
    }

    /// <summary>Adds shred ingestion and binds its options from a configuration section.</summary>
    /// <param name="builder">The MevDefense builder.</param>
    /// <param name="configuration">The section to bind (for example <c>MevDefense:Ingest</c>).</param>
    /// <returns>The same builder instance so that multiple calls can be chained.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static IMevDefenseBuilder AddShredIngest(this IMevDefenseBuilder builder, Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        builder.AddShredIngest();
        builder.Services.Configure<ShredIngestOptions>(configuration);
        return builder;
    }
}
