using MevDefense.Detection.Evaluation;
using MevDefense.Detection.Scenarios;
using Xunit.Abstractions;

namespace MevDefense.Detection.Tests.Evaluation;

/// <summary>Rules on development seeds 1001/1002 (these seeds were used while tuning the evidence weights; the
/// untouched held-out seeds are evaluated by <c>mevdefense eval</c>): sandwich F1 >= 0.95 and precision >= 0.98.</summary>
public sealed class RuleEvaluationTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(1001, true)]
    [InlineData(1002, true)]
    [InlineData(1001, false)]
    public void Rules_HeldOutSeed_MeetSandwichTargets(int seed, bool accountState)
    {
        var dataset = ScenarioGenerator.Generate(new ScenarioOptions { Seed = seed, Slots = 192 });
        var report = DetectionEvaluator.Evaluate("rules", dataset, new DetectionPipeline(new DetectionOptions { Mode = DetectionMode.Rules, CacheCapacity = 0 }), accountState);
        foreach (var c in report.Classes)
        {
            output.WriteLine($"{c.Class}: P={c.Precision:F3} R={c.Recall:F3} F1={c.F1:F3} tp={c.TruePositives} fp={c.FalsePositives} fn={c.FalseNegatives}");
        }

        var s = report["sandwich"]!;
        Assert.True(s.TruePositives >= 20, "enough positives to mean something");
        Assert.True(s.Precision >= 0.98, $"sandwich precision {s.Precision:F3}");
        Assert.True(s.F1 >= 0.95, $"sandwich F1 {s.F1:F3}");
        Assert.Equal(0, report.HardNegativeHits);
        Assert.True(report["arbitrage"]!.F1 >= 0.95);
        Assert.True(report["jit"]!.Recall >= 0.9);
    }
}
