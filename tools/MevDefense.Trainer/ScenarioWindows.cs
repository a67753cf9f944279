using MevDefense.Detection;
using MevDefense.Detection.Decoding;
using MevDefense.Detection.Dex;
using MevDefense.Detection.Features;
using MevDefense.Detection.Model;
using MevDefense.Detection.Scenarios;

namespace MevDefense.Trainer;

/// <summary>
/// Labelled windows from det-A's <see cref="ScenarioGenerator"/>: real signed legacy/v0 transactions, decoded with the
/// production <see cref="TransactionDecoder"/> (lookup tables from the dataset), grouped by leader (4 slots) like
/// <c>DetectionEvaluator</c>, then cut into 64-transaction windows with stride 32. A sandwich whose front or back
/// falls outside a window is labelled none inside that window (the model cannot see it whole).
/// </summary>
internal static class ScenarioWindows
{
    private const int N = TransactionFeatures.WindowSize;

    public static IEnumerable<LabelledWindow> Generate(int seed, int slots)
    {
        var dataset = ScenarioGenerator.Generate(new ScenarioOptions { Seed = seed, Slots = slots });
        var decoder = new TransactionDecoder(SwapDecoderRegistry.CreateDefault(), dataset.LookupTables);
        var sandwiches = dataset.Labels.Where(l => l.Kind == ScenarioPatternKind.Sandwich && l.Front is not null && l.Back is not null).ToList();
        var decoded = new DecodedTransaction();
        foreach (var group in dataset.Slots.GroupBy(s => s.Slot / 4))
        {
            var inputs = new List<TransactionFeatureInput>();
            var roles = new List<TransactionRole>();
            var signatures = new List<Signature>();
            foreach (var slot in group)
            {
                for (var i = 0; i < slot.Transactions.Count; i++)
                {
                    var tx = slot.Transactions[i];
                    if (!decoder.TryDecode(tx.Wire, slot.Slot, i, decoded))
                    {
                        continue;
                    }

                    inputs.Add(TransactionFeatureInputs.FromDecoded(decoded));
                    roles.Add((TransactionRole)tx.Role);
                    signatures.Add(tx.Signature);
                }
            }

            var count = inputs.Count;
            var starts = new List<int>();
            for (var s = 0; s == 0 || s + N - (N / 2) < count; s += N / 2)
            {
                starts.Add(Math.Max(0, Math.Min(s, count - N)));
            }

            foreach (var start in starts.Distinct())
            {
                var length = Math.Min(N, count - start);
                var windowRoles = roles.GetRange(start, length).ToArray();
                var index = new Dictionary<Signature, int>();
                for (var i = 0; i < length; i++)
                {
                    index[signatures[start + i]] = i;
                }

                foreach (var l in sandwiches)
                {
                    if (index.ContainsKey(l.Front!.Value) && index.ContainsKey(l.Back!.Value))
                    {
                        continue;
                    }

                    foreach (var sig in l.Victims.Append(l.Front!.Value).Append(l.Back!.Value))
                    {
                        if (index.TryGetValue(sig, out var k) && windowRoles[k] is TransactionRole.Front or TransactionRole.Victim or TransactionRole.Back)
                        {
                            windowRoles[k] = TransactionRole.None;
                        }
                    }
                }

                yield return new LabelledWindow(inputs.GetRange(start, length).ToArray(), windowRoles, $"scenarios:{seed}:{group.Key}:{start}");
            }
        }
    }
}
