using System.Diagnostics.Metrics;
using MevDefense.Detection;
using MevDefense.Detection.Dex;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MevDefense;

/// <summary>Registers MevDefense detection (<see cref="DetectionPipeline"/>, decoders, rule detectors) on an <see cref="IMevDefenseBuilder"/>.</summary>
public static class DetectionMevDefenseBuilderExtensions
{
    /// <summary>Adds detection with default options (bind <see cref="DetectionOptions.SectionName"/> with the <see cref="IConfiguration"/> overload).</summary>
    /// <param name="builder">The MevDefense builder.</param>
    /// <returns>The same builder instance so that multiple calls can be chained.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <remarks>Idempotent. Register an <see cref="ITransactionScorer"/> (for example the ONNX model) to combine rules and model;
    /// extra <see cref="IDetector"/> services run after the rule detectors; <see cref="IDetectionEventSink"/>s receive detections.</remarks>
    public static IMevDefenseBuilder AddDetection(this IMevDefenseBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DetectionOptions>, DetectionOptionsValidator>());
        services.AddOptions<DetectionOptions>().ValidateOnStart();
        services.TryAddSingleton(static _ => SwapDecoderRegistry.CreateDefault());
        services.TryAddSingleton(static sp => new DetectionPipeline(
            sp.GetRequiredService<IOptions<DetectionOptions>>().Value,
            DetectionPipeline.CreateRuleDetectors(sp.GetRequiredService<IOptions<DetectionOptions>>().Value, sp.GetService<TimeProvider>())
                .Concat(sp.GetServices<IDetector>()),
            sp.GetService<ITransactionScorer>(),
            sp.GetServices<IDetectionEventSink>(),
            sp.GetService<ILoggerFactory>(),
            sp.GetService<IMeterFactory>(),
            sp.GetService<TimeProvider>()));
        return builder;
    }

    /// <summary>Adds detection and configures its options.</summary>
    /// <param name="builder">The MevDefense builder.</param>
    /// <param name="configure">Configures <see cref="DetectionOptions"/>.</param>
    /// <returns>The same builder instance so that multiple calls can be chained.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static IMevDefenseBuilder AddDetection(this IMevDefenseBuilder builder, Action<DetectionOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.AddDetection();
        builder.Services.Configure(configure);
        return builder;
    }

    /// <summary>Adds detection with options bound from a configuration section (usually <c>configuration.GetSection(DetectionOptions.SectionName)</c>).</summary>
    /// <param name="builder">The MevDefense builder.</param>
    /// <param name="configuration">The section holding <see cref="DetectionOptions"/>.</param>
    /// <returns>The same builder instance so that multiple calls can be chained.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static IMevDefenseBuilder AddDetection(this IMevDefenseBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        builder.AddDetection();
        builder.Services.Configure<DetectionOptions>(configuration);
        return builder;
    }
}
