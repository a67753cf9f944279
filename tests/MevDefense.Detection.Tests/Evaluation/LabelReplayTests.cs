using MevDefense.Detection.Evaluation;
using MevDefense.TestUtils;
using Xunit.Abstractions;

namespace MevDefense.Detection.Tests.Evaluation;

public sealed class LabelReplayTests(ITestOutputHelper output)
{
    [FixtureFact]
    public void Rules_ReplayedLabelShapes_DetectPositivesAndNoSandwichOnNegatives()
    {
        var report = LabelReplay.Evaluate(
            new DetectionPipeline(new DetectionOptions { Mode = DetectionMode.Rules, CacheCapacity = 0 }),
            SharedFixtures.ReadText("dex/labels/fixture_labels.jsonl"),
            SharedFixtures.ReadText("dex/labels/b91_jito_bundle_sandwiches_30.csv"));
        output.WriteLine($"positives {report.PositivesDetected}/{report.Positives}, edge cases {report.EdgeCasesDetected}/{report.EdgeCases}, negative sandwiches {report.NegativeSandwiches}/{report.Negatives}");
        foreach (var m in report.Missed)
        {
            output.WriteLine("missed: " + m);
        }

        Assert.Equal(38, report.Positives);
        Assert.Equal(5, report.EdgeCases);
        Assert.Equal(3, report.Negatives);
        Assert.Equal(0, report.NegativeSandwiches);
        Assert.True(report.PositivesDetected >= 36, $"{report.PositivesDetected}/{report.Positives}");
    }
}
