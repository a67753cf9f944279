using System.Text;
using System.Text.Json;
using MevDefense.Detection.Decoding;
using MevDefense.Detection.Dex;
using MevDefense.Detection.Features;
using MevDefense.Detection.Scenarios;

namespace MevDefense.AspNetCore.Tests;

/// <summary>Request bodies built from det-A's deterministic scenario generator (real signed transactions with labelled MEV).</summary>
internal static class ScenarioData
{
    private static readonly Lazy<ScenarioDataset> Dataset = new(() => ScenarioGenerator.Generate(new ScenarioOptions
    {
        Seed = 7,
        Slots = 8,
        BackgroundTransactionsPerSlot = 12,
        SandwichesPerSlot = 1.5,
        ArbitragesPerSlot = 1,
        LookupTableFraction = 0,
    }));

    public static ScenarioDataset Scenario => Dataset.Value;

    /// <summary>The first generated slot that holds a sandwich front-run, as <c>{slot, transactions:[base64]}</c>.</summary>
    public static (string Json, GeneratedSlot Slot) SolanaSlotWithSandwich()
    {
        GeneratedSlot slot = Scenario.Slots.First(s => s.Transactions.Any(t => t.Role == ScenarioRole.Front) && s.Transactions.Any(t => t.Role == ScenarioRole.Back));
        return (SolanaJson(slot), slot);
    }

    public static string SolanaJson(GeneratedSlot slot)
    {
        var sb = new StringBuilder();
        sb.Append("{\"slot\":").Append(slot.Slot).Append(",\"transactions\":[");
        for (int i = 0; i < slot.Transactions.Count; i++)
        {
            sb.Append(i == 0 ? "\"" : ",\"").Append(Convert.ToBase64String(slot.Transactions[i].Wire)).Append('"');
        }

        return sb.Append("]}").ToString();
    }

    /// <summary>The same slot as the documented feature-vector shape (features extracted by the Detection module).</summary>
    public static string FeatureJson(GeneratedSlot slot)
    {
        var decoder = new TransactionDecoder(SwapDecoderRegistry.CreateDefault(), Scenario.LookupTables);
        int n = Math.Min(slot.Transactions.Count, TransactionFeatures.WindowSize);
        var inputs = new TransactionFeatureInput[n];
        var decoded = new DecodedTransaction();
        for (int i = 0; i < n; i++)
        {
            Assert.True(decoder.TryDecode(slot.Transactions[i].Wire, slot.Slot, i, decoded));
            inputs[i] = TransactionFeatureInputs.FromDecoded(decoded);
        }

        var tensors = new WindowTensors();
        new WindowFeatureExtractor().Extract(inputs, tensors);
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartArray();
            for (int i = 0; i < n; i++)
            {
                w.WriteStartObject();
                w.WriteString("hash", slot.Transactions[i].Signature.ToString());
                w.WriteNumber("block_number", slot.Slot);
                w.WriteNumber("timestamp", 1_700_000_000 + i);
                w.WriteString("from", inputs[i].Signer.ToString());
                w.WriteString("to", inputs[i].Pool.ToString());
                w.WriteNumber("value", 0);
                w.WriteNumber("gas_price", inputs[i].ComputeUnitPrice);
                w.WriteStartArray("features");
                for (int f = 0; f < TransactionFeatures.Count; f++)
                {
                    w.WriteNumberValue(tensors.Features[(i * TransactionFeatures.Count) + f]);
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>A valid feature-shape body of <paramref name="count"/> zero-feature transactions.</summary>
    public static string ZeroFeatures(int count, int featureLength = TransactionFeatures.Count)
    {
        var sb = new StringBuilder("[");
        for (int i = 0; i < count; i++)
        {
            sb.Append(i == 0 ? string.Empty : ",").Append("{\"hash\":\"0x").Append(i.ToString("x4", System.Globalization.CultureInfo.InvariantCulture))
              .Append("\",\"block_number\":100,\"from\":\"a\",\"to\":\"p\",\"features\":[")
              .Append(string.Join(',', Enumerable.Repeat("0", featureLength))).Append("]}");
        }

        return sb.Append(']').ToString();
    }
}
