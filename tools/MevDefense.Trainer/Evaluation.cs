using System.Globalization;
using System.Text;
using MevDefense.Detection.Features.Internal;
using MevDefense.Detection.Model;

namespace MevDefense.Trainer;

/// <summary>Precision / recall / F1 per role (transaction level) and per sandwich (front+back pair, event level).</summary>
internal sealed class Evaluation
{
    private readonly long[,] _confusion = new long[OnnxDetector.RoleCount, OnnxDetector.RoleCount];
    private long _sandwichTp;
    private long _sandwichFp;
    private long _sandwichFn;

    public void Add(TransactionRole[] truth, TransactionRole[] predicted, float[] features)
    {
        for (var i = 0; i < truth.Length; i++)
        {
            _confusion[(int)truth[i], (int)predicted[i]]++;
        }

        var t = Sandwiches(truth, features);
        var p = Sandwiches(predicted, features);
        var tp = p.Count(t.Contains);
        _sandwichTp += tp;
        _sandwichFp += p.Count - tp;
        _sandwichFn += t.Count - tp;
    }

    public (double P, double R, double F1) Role(TransactionRole role)
    {
        long tp = _confusion[(int)role, (int)role], fp = 0, fn = 0;
        for (var k = 0; k < OnnxDetector.RoleCount; k++)
        {
            if (k != (int)role)
            {
                fp += _confusion[k, (int)role];
                fn += _confusion[(int)role, k];
            }
        }

        return Prf(tp, fp, fn);
    }

    public (double P, double R, double F1) Sandwich() => Prf(_sandwichTp, _sandwichFp, _sandwichFn);

    public (long Tp, long Fp, long Fn) SandwichCounts() => (_sandwichTp, _sandwichFp, _sandwichFn);

    public string Report(string title)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"{title}");
        sb.AppendLine("| class | precision | recall | F1 |");
        sb.AppendLine("|---|---|---|---|");
        var (p, r, f) = Sandwich();
        sb.AppendLine(CultureInfo.InvariantCulture, $"| sandwich (event: front+back pair) | {p:F4} | {r:F4} | {f:F4} |");
        foreach (var role in new[] { TransactionRole.Front, TransactionRole.Victim, TransactionRole.Back, TransactionRole.Arbitrage })
        {
            (p, r, f) = Role(role);
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {role.ToString().ToLowerInvariant()} (tx) | {p:F4} | {r:F4} | {f:F4} |");
        }

        var (tp, fp, fn) = SandwichCounts();
        sb.AppendLine(CultureInfo.InvariantCulture, $"sandwich events: tp={tp} fp={fp} fn={fn}");
        return sb.ToString();
    }

    private static (double, double, double) Prf(long tp, long fp, long fn)
    {
        var p = tp + fp == 0 ? 1.0 : tp / (double)(tp + fp);
        var r = tp + fn == 0 ? 1.0 : tp / (double)(tp + fn);
        var f = p + r == 0 ? 0 : 2 * p * r / (p + r);
        return (p, r, f);
    }

    /// <summary>Each back paired with the nearest earlier front on the same pool that is not already paired.</summary>
    internal static HashSet<(int Front, int Back)> Sandwiches(TransactionRole[] roles, float[] features)
    {
        var set = new HashSet<(int, int)>();
        var used = new bool[roles.Length];
        for (var j = 0; j < roles.Length; j++)
        {
            if (roles[j] != TransactionRole.Back)
            {
                continue;
            }

            for (var i = j - 1; i >= 0; i--)
            {
                if (roles[i] == TransactionRole.Front && !used[i]
                    && WindowGraph.SharePool(features, i * Detection.Features.TransactionFeatures.Count, j * Detection.Features.TransactionFeatures.Count))
                {
                    used[i] = true;
                    set.Add((i, j));
                    break;
                }
            }
        }

        return set;
    }
}
