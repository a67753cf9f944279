using System.Globalization;
using System.Text;
using MevDefense.Detection;
using MevDefense.Detection.Evaluation;
using MevDefense.Detection.Model;
using MevDefense.Detection.Scenarios;

namespace MevDefense.Trainer;

/// <summary>
/// Event-level evaluation through det-A's <see cref="DetectionPipeline"/> and <see cref="DetectionEvaluator"/> on held-out
/// scenario seeds: rules alone, model alone and combined (model rescoring rule candidates and adding what rules miss).
/// </summary>
internal static class PipelineEvaluation
{
    public static string Run(string modelPath, int fromSeed, int toSeed, int slots)
    {
        using var scorer = new OnnxDetector(new OnnxDetectorOptions { ModelPath = modelPath });
        var modes = new[] { DetectionMode.Rules, DetectionMode.Model, DetectionMode.Combined };
        var totals = modes.ToDictionary(m => m, _ => new Dictionary<string, (int Tp, int Fp, int Fn)>(StringComparer.Ordinal));
        var transactions = 0;
        for (var seed = fromSeed; seed <= toSeed; seed++)
        {
            var dataset = ScenarioGenerator.Generate(new ScenarioOptions { Seed = seed, Slots = slots });
            transactions += dataset.TransactionCount;
            foreach (var mode in modes)
            {
                var pipeline = new DetectionPipeline(new DetectionOptions { Mode = mode }, null, mode == DetectionMode.Rules ? null : scorer, null, null, null, null);
                var report = DetectionEvaluator.Evaluate(mode.ToString(), dataset, pipeline);
                foreach (var c in report.Classes)
                {
                    var (tp, fp, fn) = totals[mode].GetValueOrDefault(c.Class);
                    totals[mode][c.Class] = (tp + c.TruePositives, fp + c.FalsePositives, fn + c.FalseNegatives);
                }
            }
        }

        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"### Event level through DetectionPipeline, held-out scenario seeds {fromSeed}-{toSeed} ({slots} slots each, {transactions} signed transactions)");
        sb.AppendLine("| mode | class | precision | recall | F1 | tp | fp | fn |");
        sb.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var mode in modes)
        {
            foreach (var cls in new[] { "sandwich", "arbitrage" })
            {
                var (tp, fp, fn) = totals[mode].GetValueOrDefault(cls);
                var m = new ClassMetrics(cls, tp, fp, fn);
                sb.AppendLine(CultureInfo.InvariantCulture, $"| {mode.ToString().ToLowerInvariant()} | {cls} | {m.Precision:F4} | {m.Recall:F4} | {m.F1:F4} | {tp} | {fp} | {fn} |");
            }
        }

        return sb.ToString();
    }
}
