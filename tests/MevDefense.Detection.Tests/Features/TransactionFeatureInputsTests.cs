using MevDefense.Detection.Decoding;
using MevDefense.Detection.Dex;
using MevDefense.Detection.Features;
using MevDefense.Detection.Features.Internal;
using MevDefense.Detection.Scenarios;

namespace MevDefense.Detection.Tests.Features;

/// <summary>The adapter from decoded transactions, on real signed transactions from the scenario generator.</summary>
public sealed class TransactionFeatureInputsTests
{
    private static readonly Lazy<ScenarioDataset> Dataset = new(() => ScenarioGenerator.Generate(new ScenarioOptions { Seed = 5, Slots = 12, SandwichesPerSlot = 1.0 }));

    private static Dictionary<Signature, DecodedTransaction> DecodeAll(ScenarioDataset dataset)
    {
        var decoder = new TransactionDecoder(SwapDecoderRegistry.CreateDefault(), dataset.LookupTables);
        var result = new Dictionary<Signature, DecodedTransaction>();
        foreach (var slot in dataset.Slots)
        {
            for (var i = 0; i < slot.Transactions.Count; i++)
            {
                var d = new DecodedTransaction();
                if (decoder.TryDecode(slot.Transactions[i].Wire, slot.Slot, i, d))
                {
                    result[slot.Transactions[i].Signature] = d;
                }
            }
        }

        return result;
    }

    [Fact]
    public void FromDecoded_LabelledSandwiches_FrontAndBackSharePoolWithOppositeDirections()
    {
        var dataset = Dataset.Value;
        var decoded = DecodeAll(dataset);
        var sandwiches = dataset.Labels.Where(l => l.Kind == ScenarioPatternKind.Sandwich && l.Front is not null && l.Back is not null).ToList();
        Assert.NotEmpty(sandwiches);
        foreach (var s in sandwiches)
        {
            var front = TransactionFeatureInputs.FromDecoded(decoded[s.Front!.Value]);
            var back = TransactionFeatureInputs.FromDecoded(decoded[s.Back!.Value]);
            Assert.Equal(s.Pool, front.Pool);
            Assert.Equal(front.Pool, back.Pool);
            Assert.True(front.SwapCount >= 1 && back.SwapCount >= 1);
            if (front.Direction != 0 && back.Direction != 0)
            {
                Assert.Equal(-front.Direction, back.Direction);
            }

            foreach (var v in s.Victims)
            {
                Assert.Equal(front.Pool, TransactionFeatureInputs.FromDecoded(decoded[v]).Pool);
            }
        }
    }

    [Fact]
    public void FromDecoded_AdjacentSandwichWindow_ExtractsFrontBackAndVictimShapes()
    {
        var dataset = Dataset.Value;
        var decoded = DecodeAll(dataset);
        var found = 0;
        foreach (var s in dataset.Labels.Where(l => l.Kind == ScenarioPatternKind.Sandwich && l.Front is not null && l.Back is not null && l.Victims.Count > 0))
        {
            TransactionFeatureInput[] txs = [.. new[] { s.Front!.Value }.Concat(s.Victims).Append(s.Back!.Value).Select(sig => TransactionFeatureInputs.FromDecoded(decoded[sig]))];
            if (txs[0].Direction == 0)
            {
                continue;
            }

            var w = new WindowTensors();
            new WindowFeatureExtractor().Extract(txs, w);
            Assert.True(w.LinkAdjacency[txs.Length - 1] > 0, $"{s.Strategy}: front and back are not linked");
            Assert.Equal(1f, w.Features[FeatureLayout.FrontCandidate]);
            Assert.Equal(1f, w.Features[((txs.Length - 1) * TransactionFeatures.Count) + FeatureLayout.BackCandidate]);
            found++;
        }

        Assert.True(found > 0);
    }

    [Fact]
    public void FromDecoded_Null_Throws() => Assert.Throws<ArgumentNullException>(() => TransactionFeatureInputs.FromDecoded(null!));
}
