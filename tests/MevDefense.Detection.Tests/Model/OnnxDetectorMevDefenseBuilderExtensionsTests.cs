using MevDefense.Detection;
using MevDefense.Detection.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MevDefense.Detection.Tests.Model;

public sealed class OnnxDetectorMevDefenseBuilderExtensionsTests
{
    [Fact]
    public void AddOnnxDetector_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>("builder", () => OnnxDetectorMevDefenseBuilderExtensions.AddOnnxDetector(null!));
        var builder = new ServiceCollection().AddMevDefense();
        Assert.Throws<ArgumentNullException>("configure", () => builder.AddOnnxDetector(null!));
    }

    [Fact]
    public void AddOnnxDetector_CalledTwice_RegistersOneSingletonAlsoAsScorer()
    {
        var services = new ServiceCollection();
        services.AddMevDefense().AddOnnxDetector().AddOnnxDetector(o => o.IntraOpThreads = 1);
        Assert.Single(services, d => d.ServiceType == typeof(OnnxDetector));
        using var sp = services.BuildServiceProvider();
        var detector = sp.GetRequiredService<OnnxDetector>();
        Assert.Same(detector, sp.GetRequiredService<ITransactionScorer>());
        Assert.Equal("1", detector.Metadata["mevdefense.feature_layout"]);
    }

    [Fact]
    public void AddOnnxDetector_InvalidThreads_FailsValidation()
    {
        var services = new ServiceCollection();
        services.AddMevDefense().AddOnnxDetector(o => o.IntraOpThreads = 0);
        using var sp = services.BuildServiceProvider();
        Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<IOptions<OnnxDetectorOptions>>().Value);
    }
}
