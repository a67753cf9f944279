using MevDefense.AspNetCore.Bridging;
using MevDefense.Detection.Dex;
using MevDefense.Detection.Lookup;
using MevDefense.Ingest.Pipeline;
using MevDefense.Ingest.ShredStream;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MevDefense;

/// <summary>Connects <c>AddShredIngest()</c> to <c>AddDetection()</c> in a host.</summary>
public static class IngestDetectionMevDefenseBuilderExtensions
{
    /// <summary>
    /// Routes every entry batch the ingest sources produce (shred pipeline and ShredStream) through a
    /// <see cref="Detection.Streaming.StreamingDetector"/> to the registered <see cref="IDetectionEventSink"/>s (ledger, stream).
    /// Requires <c>AddDetection()</c>.
    /// </summary>
    /// <param name="builder">The MevDefense builder.</param>
    /// <returns>The same builder instance so that multiple calls can be chained.</returns>
    /// <remarks>Idempotent. A host that registers its own <see cref="IShredPipelineObserver"/> or <see cref="IEntryBatchSink"/> first keeps it.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static IMevDefenseBuilder AddIngestDetection(this IMevDefenseBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.TryAddSingleton(static sp => new IngestDetectionBridge(
            sp.GetRequiredService<Detection.DetectionPipeline>(),
            sp.GetService<SwapDecoderRegistry>() ?? SwapDecoderRegistry.CreateDefault(),
            sp.GetServices<IDetectionEventSink>(),
            sp.GetService<IAddressLookupTableProvider>(),
            sp.GetService<ILogger<IngestDetectionBridge>>()));
        services.TryAddSingleton<IShredPipelineObserver>(static sp => sp.GetRequiredService<IngestDetectionBridge>());
        services.TryAddSingleton<IEntryBatchSink>(static sp => sp.GetRequiredService<IngestDetectionBridge>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, IngestDetectionHostedService>());
        return builder;
    }

    private sealed class IngestDetectionHostedService(IngestDetectionBridge bridge) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => bridge.StartAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => bridge.StopAsync(cancellationToken);
    }
}
