using MevDefense.Detection;
using MevDefense.Detection.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace MevDefense;

/// <summary>Registers the ONNX role model (<see cref="OnnxDetector"/>) with MevDefense.</summary>
public static class OnnxDetectorMevDefenseBuilderExtensions
{
    /// <summary>
    /// Registers a singleton <see cref="OnnxDetector"/> (the model shipped in the package unless
    /// <see cref="OnnxDetectorOptions.ModelPath"/> is set), also as the <see cref="ITransactionScorer"/>.
    /// </summary>
    /// <param name="builder">The MevDefense builder.</param>
    /// <returns>The same builder instance so that multiple calls can be chained.</returns>
    /// <remarks>Idempotent; registrations made before this call win.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static IMevDefenseBuilder AddOnnxDetector(this IMevDefenseBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<OnnxDetectorOptions>().ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(static sp => new OnnxDetector(sp.GetRequiredService<IOptions<OnnxDetectorOptions>>().Value));
        services.TryAddSingleton<ITransactionScorer>(static sp => sp.GetRequiredService<OnnxDetector>());
        return builder;
    }

    /// <summary>Registers the ONNX role model and configures its options.</summary>
    /// <param name="builder">The MevDefense builder.</param>
    /// <param name="configure">Configures <see cref="OnnxDetectorOptions"/>.</param>
    /// <returns>The same builder instance so that multiple calls can be chained.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="configure"/> is <see langword="null"/>.</exception>
    public static IMevDefenseBuilder AddOnnxDetector(this IMevDefenseBuilder builder, Action<OnnxDetectorOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure(configure);
        return builder.AddOnnxDetector();
    }
}
