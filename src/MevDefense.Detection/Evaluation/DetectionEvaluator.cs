using MevDefense.Detection.Decoding;
using MevDefense.Detection.Dex;
using MevDefense.Detection.Scenarios;

namespace MevDefense.Detection.Evaluation;

/// <summary>
/// Scores a <see cref="DetectionPipeline"/> against a labelled <see cref="ScenarioDataset"/>: every slot's transactions are
/// decoded (lookup tables resolved) into windows of one leader's four-slot run, detections are matched to labels
/// (sandwich and JIT by front and back, arbitrage and back-run by transaction), and precision, recall and F1 are reported
/// per class, with hard-negative hits and the sandwich confidence calibration.
/// </summary>
public static class DetectionEvaluator
{
    /// <summary>The classes reported, in order.</summary>
    public static IReadOnlyList<string> ClassNames { get; } = ["sandwich", "arbitrage", "jit", "backrun"];

    /// <summary>Evaluates a pipeline.</summary>
    /// <param name="name">The report name.</param>
    /// <param name="dataset">The labelled dataset.</param>
    /// <param name="pipeline">The pipeline.</param>
    /// <param name="useAccountState">Whether the windows see the dataset's pool and token-account state.</param>
    /// <returns>The report.</returns>
    public static EvaluationReport Evaluate(string name, ScenarioDataset dataset, DetectionPipeline pipeline, bool useAccountState = true)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(pipeline);
        var detections = new List<DetectionEvent>();
        var decoder = new TransactionDecoder(SwapDecoderRegistry.CreateDefault(), dataset.LookupTables);
        var window = new DetectionWindow();
        var windows = 0;
        var transactions = 0;
        foreach (var group in dataset.Slots.GroupBy(s => s.Slot / 4))
        {
            window.Clear();
            window.AccountState = useAccountState ? dataset.AccountState : null;
            foreach (var slot in group)
            {
                window.SetLeader(slot.Slot, slot.Leader);
                for (var i = 0; i < slot.Transactions.Count; i++)
                {
                    if (!decoder.TryDecode(slot.Transactions[i].Wire, slot.Slot, i, window.AddNew()))
                    {
                        window.RemoveLast();
                    }
                }
            }

            transactions += window.Count;
            windows++;
            detections.AddRange(pipeline.Detect(window));
        }

        return Score(name, dataset.Labels, detections, transactions, windows);
    }

    /// <summary>Matches detections to labels and computes the metrics.</summary>
    /// <param name="name">The report name.</param>
    /// <param name="labels">The labels.</param>
    /// <param name="detections">The detections.</param>
    /// <param name="transactions">The number of transactions examined.</param>
    /// <param name="windows">The number of windows examined.</param>
    /// <returns>The report.</returns>
    public static EvaluationReport Score(string name, IReadOnlyList<ScenarioLabel> labels, IReadOnlyList<DetectionEvent> detections, int transactions, int windows)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(detections);
        var classes = new List<ClassMetrics>();
        var tiers = new (double Tier, int Detections, int Correct)[] { (0.5, 0, 0), (0.6, 0, 0), (0.7, 0, 0), (0.8, 0, 0), (0.9, 0, 0) };
        foreach (var cls in ClassNames)
        {
            var (kind, labelKind) = cls switch
            {
                "sandwich" => (DetectionKind.Sandwich, ScenarioPatternKind.Sandwich),
                "arbitrage" => (DetectionKind.Arbitrage, ScenarioPatternKind.Arbitrage),
                "jit" => (DetectionKind.JitLiquidity, ScenarioPatternKind.JitLiquidity),
                _ => (DetectionKind.Backrun, ScenarioPatternKind.Backrun),
            };
            var positives = labels.Where(l => l.Kind == labelKind).ToList();
            var keys = new HashSet<(Signature, Signature)>(positives.Select(Key));
            var matched = new HashSet<(Signature, Signature)>();
            int tp = 0, fp = 0;
            foreach (var d in detections.Where(d => d.Kind == kind))
            {
                var k = (d.Front ?? default, labelKind is ScenarioPatternKind.Sandwich or ScenarioPatternKind.JitLiquidity ? d.Back ?? default : default);
                var correct = keys.Contains(k) && matched.Add(k);
                if (correct)
                {
                    tp++;
                }
                else
                {
                    fp++;
                }

                if (kind == DetectionKind.Sandwich)
                {
                    for (var t = tiers.Length - 1; t >= 0; t--)
                    {
                        if (d.Confidence >= tiers[t].Tier)
                        {
                            tiers[t] = (tiers[t].Tier, tiers[t].Detections + 1, tiers[t].Correct + (correct ? 1 : 0));
                            break;
                        }
                    }
                }
            }

            classes.Add(new ClassMetrics(cls, tp, fp, positives.Count - matched.Count));
        }

        var negatives = labels.Where(l => l.Kind == ScenarioPatternKind.HardNegative).ToList();
        var negativeTxs = new HashSet<Signature>(negatives.SelectMany(l => l.Transactions));
        var hits = detections.Count(d => d.Kind == DetectionKind.Sandwich && d.Transactions.Any(negativeTxs.Contains) && !labels.Any(l => l.Kind == ScenarioPatternKind.Sandwich && l.Front == d.Front));
        return new EvaluationReport
        {
            Name = name,
            Classes = classes,
            Transactions = transactions,
            Windows = windows,
            HardNegativeHits = hits,
            HardNegatives = negatives.Count,
            SandwichCalibration = tiers,
        };
    }

    private static (Signature, Signature) Key(ScenarioLabel l)
        => (l.Front ?? default, l.Kind is ScenarioPatternKind.Sandwich or ScenarioPatternKind.JitLiquidity ? l.Back ?? default : default);
}
