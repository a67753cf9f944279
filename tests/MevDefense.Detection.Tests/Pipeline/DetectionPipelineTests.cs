using MevDefense.Detection.Tests.Rules;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using static MevDefense.Detection.Tests.Rules.WindowBuilder;

namespace MevDefense.Detection.Tests.Pipeline;

public sealed class DetectionPipelineTests
{
    private static DetectionWindow Sandwich(out Signature front, out Signature back)
    {
        var b = new WindowBuilder();
        front = b.SwapTx(Key(1), PoolA, MintX, MintY, tip: 1_000, cuPrice: 1_000_000).Signature;
        b.SwapTx(Key(2), PoolA, MintX, MintY);
        b.SwapTx(Key(3), PoolB, MintX, MintY);
        back = b.SwapTx(Key(1), PoolA, MintY, MintX, tip: 1_000).Signature;
        return b.Window;
    }

    [Fact]
    public void Detect_SameWindowTwice_AnsweredFromCache()
    {
        var pipeline = new DetectionPipeline();
        var w = Sandwich(out _, out _);
        var first = pipeline.Detect(w);
        var second = pipeline.Detect(w);
        Assert.Single(first);
        Assert.Same(first, second);
        Assert.Equal(1, pipeline.CachedDecisions);
    }

    [Fact]
    public void Detect_CacheDisabled_Recomputes()
    {
        var pipeline = new DetectionPipeline(new DetectionOptions { CacheCapacity = 0 });
        var w = Sandwich(out _, out _);
        Assert.NotSame(pipeline.Detect(w), pipeline.Detect(w));
        Assert.Equal(0, pipeline.CachedDecisions);
    }

    [Fact]
    public void Detect_RecordsDetectionsByKindAndLatency()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meterFactory = services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        using var detections = new MetricCollector<long>(meterFactory, MevDefenseMeters.Detection, "defensive.detections");
        using var latency = new MetricCollector<double>(meterFactory, MevDefenseMeters.Detection, "defensive.detection.latency");
        var pipeline = new DetectionPipeline(new DetectionOptions(), null, null, null, null, meterFactory, null);
        pipeline.Detect(Sandwich(out _, out _));
        var m = Assert.Single(detections.GetMeasurementSnapshot());
        Assert.Equal(1, m.Value);
        Assert.Equal("sandwich", m.Tags["kind"]);
        Assert.Single(latency.GetMeasurementSnapshot());
    }

    [Fact]
    public async Task DetectAsync_DeliversToSinks_AndSurvivesAThrowingSink()
    {
        var good = new CollectingSink();
        var pipeline = new DetectionPipeline(new DetectionOptions(), null, null, [new ThrowingSink(), good], null, null, null);
        var result = await pipeline.DetectAsync(Sandwich(out _, out _));
        Assert.Equal(result, good.Received);
    }

    [Fact]
    public void Combined_Scorer_RescoresRulesAndAddsWhatRulesMiss()
    {
        var w = Sandwich(out var front, out var back);

        var scorer = new FakeScorer(w, front, back);
        var combined = new DetectionPipeline(new DetectionOptions { Mode = DetectionMode.Combined, CacheCapacity = 0 }, null, scorer, null, null, null, null);
        var rulesOnly = new DetectionPipeline(new DetectionOptions { Mode = DetectionMode.Rules, CacheCapacity = 0 });
        var r = Assert.Single(rulesOnly.Detect(w));
        var c = Assert.Single(combined.Detect(w));
        Assert.Equal(r.Front, c.Front);
        Assert.Contains("+fake", c.Detector, StringComparison.Ordinal);
        Assert.Equal("fake-1", c.ModelVersion);
        Assert.NotEqual(r.Confidence, c.Confidence);

        var modelOnly = new DetectionPipeline(new DetectionOptions { Mode = DetectionMode.Model, CacheCapacity = 0 }, null, scorer, null, null, null, null);
        var m = Assert.Single(modelOnly.Detect(w));
        Assert.Equal("fake", m.Detector);
        Assert.Equal((front, back), (m.Front!.Value, m.Back!.Value));
    }

    [Fact]
    public void DetectedAt_UsesTheInjectedTimeProvider()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero));
        var pipeline = new DetectionPipeline(new DetectionOptions(), null, null, null, null, null, time);
        Assert.Equal(time.GetUtcNow(), Assert.Single(pipeline.Detect(Sandwich(out _, out _))).DetectedAt);
    }

    [Fact]
    public void AddDetection_NullBuilder_Throws()
    {
        Assert.Throws<ArgumentNullException>("builder", () => DetectionMevDefenseBuilderExtensions.AddDetection(null!));
        Assert.Throws<ArgumentNullException>("configure", () => new ServiceCollection().AddMevDefense().AddDetection((Action<DetectionOptions>)null!));
    }

    [Fact]
    public void AddDetection_CalledTwice_RegistersOnce()
    {
        var services = new ServiceCollection();
        services.AddMevDefense().AddDetection().AddDetection(o => o.MinConfidence = 0.7);
        Assert.Single(services, d => d.ServiceType == typeof(DetectionPipeline));
        Assert.Single(services, d => d.ImplementationType == typeof(DetectionOptionsValidator));
        using var sp = services.BuildServiceProvider();
        Assert.Same(sp.GetRequiredService<DetectionPipeline>(), sp.GetRequiredService<DetectionPipeline>());
        Assert.Equal(0.7, sp.GetRequiredService<IOptions<DetectionOptions>>().Value.MinConfidence);
    }

    [Fact]
    public void AddDetection_InvalidOptions_FailValidation()
    {
        var services = new ServiceCollection();
        services.AddMevDefense().AddDetection(o =>
        {
            o.MinConfidence = 2;
            o.Sandwich = o.Arbitrage = o.JitLiquidity = o.Backrun = false;
        });
        using var sp = services.BuildServiceProvider();
        var ex = Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<IOptions<DetectionOptions>>().Value);
        Assert.Contains(ex.Failures, f => f.Contains("MinConfidence", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("rule detector", StringComparison.Ordinal));
    }

    [Fact]
    public void AddDetection_UsesRegisteredTimeProviderAndScorer()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2031, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddMevDefense().AddDetection();
        using var sp = services.BuildServiceProvider();
        var d = Assert.Single(sp.GetRequiredService<DetectionPipeline>().Detect(Sandwich(out _, out _)));
        Assert.Equal(time.GetUtcNow(), d.DetectedAt);
    }

    private sealed class CollectingSink : IDetectionEventSink
    {
        public List<DetectionEvent> Received { get; } = [];

        public ValueTask OnDetectionAsync(DetectionEvent detection, CancellationToken cancellationToken = default)
        {
            Received.Add(detection);
            return ValueTask.CompletedTask;
        }
    }

    private sealed class ThrowingSink : IDetectionEventSink
    {
        public ValueTask OnDetectionAsync(DetectionEvent detection, CancellationToken cancellationToken = default) => throw new InvalidOperationException("sink down");
    }

    /// <summary>Scores the labelled front/back/victim of the test window high and everything else low.</summary>
    private sealed class FakeScorer(DetectionWindow labelled, Signature front, Signature back) : ITransactionScorer
    {
        public string Name => "fake";

        public string? ModelVersion => "fake-1";

        public void Score(DetectionWindow window, Span<float> probabilities)
        {
            _ = labelled;
            for (var i = 0; i < window.Count; i++)
            {
                var row = probabilities.Slice(i * ITransactionScorer.RoleCount, ITransactionScorer.RoleCount);
                row.Clear();
                var s = window[i].Signature;
                var role = s == front ? 1 : s == back ? 3 : i == 1 ? 2 : 0;
                row[role] = 0.95f;
                row[0] += 0.05f;
            }
        }
    }
}
