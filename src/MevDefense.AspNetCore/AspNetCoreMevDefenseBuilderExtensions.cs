using MevDefense.AspNetCore;
using MevDefense.AspNetCore.Internal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace MevDefense;

/// <summary>Registers the ASP.NET Core add-on on an <see cref="IMevDefenseBuilder"/>.</summary>
public static class AspNetCoreMevDefenseBuilderExtensions
{
    /// <summary>
    /// Adds what <c>app.MapMevDefense()</c> serves: <see cref="MevDefenseAspNetCoreOptions"/> (section <c>MevDefense:AspNetCore</c>,
    /// validated on start), the <see cref="DefensiveStreamHub"/> (also an <see cref="IDetectionEventSink"/>), health checks tagged
    /// <c>mevdefense</c> (ingest sources, ledger, detection model, anchor RPC), the <c>MevDefense</c> rate-limiter policy, and OpenTelemetry metrics
    /// for every MevDefense meter with the Prometheus exporter (<c>/metrics</c>).
    /// </summary>
    /// <param name="builder">The MevDefense builder.</param>
    /// <returns>The same builder instance so that multiple calls can be chained.</returns>
    /// <remarks>Idempotent. The host must call <c>app.UseWebSockets()</c> for <c>/stream</c> and <c>app.UseRateLimiter()</c> for rate limiting.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static IMevDefenseBuilder AddAspNetCore(this IMevDefenseBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        IServiceCollection services = builder.Services;
        if (services.Any(static d => d.ServiceType == typeof(AspNetCoreMarker)))
        {
            return builder;
        }

        services.AddSingleton<AspNetCoreMarker>();
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<MevDefenseOptions>().BindConfiguration(MevDefenseOptions.SectionName);
        services.AddOptions<MevDefenseAspNetCoreOptions>().BindConfiguration(MevDefenseAspNetCoreOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MevDefenseAspNetCoreOptions>, MevDefenseAspNetCoreOptionsValidator>());
        services.TryAddSingleton(static sp => new AspNetCoreMetrics(sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.TryAddSingleton(static sp => new DefensiveStreamHub(
            sp.GetRequiredService<IOptions<MevDefenseAspNetCoreOptions>>().Value,
            sp.GetService<TimeProvider>(),
            sp.GetService<ILogger<DefensiveStreamHub>>(),
            sp.GetRequiredService<AspNetCoreMetrics>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDetectionEventSink, DefensiveStreamHubSink>());
        services.TryAddSingleton<ApiDetectionServices>();
        services.TryAddSingleton<ApiRateLimiterPolicy>();
        services.AddHttpClient(AnchorRpcHealthCheck.HttpClientName);
        services.AddHealthChecks()
            .AddCheck<LedgerHealthCheck>(HealthCheckNames.Ledger, HealthStatus.Unhealthy, [HealthCheckNames.Tag])
            .AddCheck<ModelHealthCheck>(HealthCheckNames.Model, HealthStatus.Unhealthy, [HealthCheckNames.Tag])
            .AddCheck<AnchorRpcHealthCheck>(HealthCheckNames.AnchorRpc, HealthStatus.Unhealthy, [HealthCheckNames.Tag])
            .AddCheck<IngestHealthCheck>(HealthCheckNames.Ingest, HealthStatus.Unhealthy, [HealthCheckNames.Tag]);
        services.AddRateLimiter(static o => o.AddPolicy<string, ApiRateLimiterPolicy>(MevDefenseAspNetCoreOptions.RateLimiterPolicyName));
        services.AddOpenTelemetry().WithMetrics(static m =>
        {
            foreach (string meter in MevDefenseMeters.All)
            {
                m.AddMeter(meter);
            }

            m.AddPrometheusExporter();
        });
        return builder;
    }

    /// <summary>Adds the ASP.NET Core add-on and configures its options.</summary>
    /// <param name="builder">The MevDefense builder.</param>
    /// <param name="configure">Configures <see cref="MevDefenseAspNetCoreOptions"/>.</param>
    /// <returns>The same builder instance so that multiple calls can be chained.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static IMevDefenseBuilder AddAspNetCore(this IMevDefenseBuilder builder, Action<MevDefenseAspNetCoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.AddAspNetCore();
        builder.Services.Configure(configure);
        return builder;
    }

    /// <summary>Adds the ASP.NET Core add-on and binds its options from a configuration section (for example <c>MevDefense:AspNetCore</c>).</summary>
    /// <param name="builder">The MevDefense builder.</param>
    /// <param name="configuration">The configuration section to bind.</param>
    /// <returns>The same builder instance so that multiple calls can be chained.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static IMevDefenseBuilder AddAspNetCore(this IMevDefenseBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        builder.AddAspNetCore();
        builder.Services.Configure<MevDefenseAspNetCoreOptions>(configuration);
        return builder;
    }

    private sealed class AspNetCoreMarker;

    /// <summary>Forwards pipeline detections to the stream (the hub itself stays a single instance).</summary>
    private sealed class DefensiveStreamHubSink(DefensiveStreamHub hub) : IDetectionEventSink
    {
        public ValueTask OnDetectionAsync(DetectionEvent detection, CancellationToken cancellationToken = default) => hub.OnDetectionAsync(detection, cancellationToken);
    }
}
