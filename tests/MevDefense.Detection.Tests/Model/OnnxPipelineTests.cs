using MevDefense.Detection.Evaluation;
using MevDefense.Detection.Model;
using MevDefense.Detection.Scenarios;

namespace MevDefense.Detection.Tests.Model;

/// <summary>The shipped model inside det-A's pipeline, on a scenario seed never used for training (training seeds are 1-16).</summary>
public sealed class OnnxPipelineTests
{
    private static readonly Lazy<ScenarioDataset> HeldOut = new(() => ScenarioGenerator.Generate(new ScenarioOptions { Seed = 4242, Slots = 24 }));

    private static EvaluationReport Evaluate(DetectionMode mode)
    {
        using var detector = new OnnxDetector();
        var pipeline = new DetectionPipeline(new DetectionOptions { Mode = mode }, null, detector, null, null, null, null);
        return DetectionEvaluator.Evaluate(mode.ToString(), HeldOut.Value, pipeline);
    }

    [Fact]
    public void ModelAlone_HeldOutSeed_FindsSandwichesPrecisely()
    {
        var sandwich = Evaluate(DetectionMode.Model)["sandwich"]!;
        Assert.True(sandwich.TruePositives + sandwich.FalseNegatives > 0);
        Assert.True(sandwich.Precision >= 0.9, $"model-alone sandwich precision {sandwich.Precision:F3} ({sandwich})");
        Assert.True(sandwich.Recall >= 0.8, $"model-alone sandwich recall {sandwich.Recall:F3} ({sandwich})");
    }

    [Fact]
    public void Combined_HeldOutSeed_IsAtLeastAsGoodAsRulesAlone()
    {
        var rules = DetectionEvaluator.Evaluate("rules", HeldOut.Value, new DetectionPipeline(new DetectionOptions { Mode = DetectionMode.Rules }))["sandwich"]!;
        var combined = Evaluate(DetectionMode.Combined)["sandwich"]!;
        Assert.True(combined.F1 >= rules.F1 - 0.02, $"combined {combined} vs rules {rules}");
    }
}
