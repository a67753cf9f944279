using System.Buffers;
using System.Globalization;
using System.Text.Json;
using MevDefense.Dna;

namespace MevDefense.AspNetCore.Internal;

/// <summary>Serializes the <c>/defensive/stream</c> messages (one UTF-8 JSON object per WebSocket text message).</summary>
internal static class StreamMessages
{
    public static string KindName(DetectionKind kind) => kind switch
    {
        DetectionKind.Sandwich => "sandwich",
        DetectionKind.Arbitrage => "arbitrage",
        DetectionKind.JitLiquidity => "jit",
        DetectionKind.Backrun => "backrun",
        _ => kind.ToString().ToLowerInvariant(),
    };

    /// <summary><c>{"type":"detection","kind":..,"slot":..,"front":..,"back":..,"victims":[..],"attacker":..,"pool":..,"confidence":..,"detector":..,"modelVersion":..,"latencyMs":..,"recordId":..,"sequence":..}</c>.</summary>
    public static byte[] Detection(DetectionEvent d, DecisionRecord? record, double? latencyMs)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("type", "detection");
            w.WriteString("kind", KindName(d.Kind));
            w.WriteNumber("slot", d.Slot);
            WriteOptional(w, "front", d.Front?.ToString());
            WriteOptional(w, "back", d.Back?.ToString());
            w.WriteStartArray("victims");
            foreach (Signature v in d.Victims)
            {
                w.WriteStringValue(v.ToString());
            }

            w.WriteEndArray();
            WriteOptional(w, "attacker", d.Attacker?.ToString());
            WriteOptional(w, "pool", d.Pool?.ToString());
            w.WriteNumber("confidence", d.Confidence);
            if (d.EstimatedVictimLoss is { } loss)
            {
                w.WriteNumber("estimatedVictimLoss", loss);
            }

            w.WriteString("detector", d.Detector);
            WriteOptional(w, "modelVersion", d.ModelVersion);
            w.WriteString("detectedAt", d.DetectedAt.ToString("O", CultureInfo.InvariantCulture));
            if (latencyMs is { } l)
            {
                w.WriteNumber("latencyMs", Math.Round(l, 3));
            }

            if (record is not null)
            {
                w.WriteString("recordId", record.Id.ToString());
                w.WriteNumber("sequence", record.Sequence);
            }

            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>A detection of the feature-vector <c>/detect</c> shape (hashes are opaque strings).</summary>
    public static byte[] ApiDetection(Dtos.DetectionResult d, ulong slot, double latencyMs)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("type", "detection");
            w.WriteString("kind", d.Kind);
            w.WriteNumber("slot", slot);
            WriteOptional(w, "front", d.Front);
            WriteOptional(w, "back", d.Back);
            w.WriteStartArray("victims");
            foreach (string v in d.Victims)
            {
                w.WriteStringValue(v);
            }

            w.WriteEndArray();
            WriteOptional(w, "attacker", d.Attacker);
            WriteOptional(w, "pool", d.Pool);
            w.WriteNumber("confidence", d.Confidence);
            w.WriteString("detector", d.Detector);
            WriteOptional(w, "modelVersion", d.ModelVersion);
            w.WriteNumber("latencyMs", Math.Round(latencyMs, 3));
            WriteOptional(w, "recordId", d.RecordId);
            if (d.Sequence is { } s)
            {
                w.WriteNumber("sequence", s);
            }

            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary><c>{"type":"ledger","id":..,"sequence":..,"eventType":..,"slot":..,"hash":..,"keyId":..}</c>.</summary>
    public static byte[] Record(DecisionRecord r)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("type", "ledger");
            w.WriteString("id", r.Id.ToString());
            w.WriteNumber("sequence", r.Sequence);
            w.WriteString("eventType", r.EventType);
            w.WriteNumber("slot", r.Slot);
            w.WriteString("hash", Convert.ToHexStringLower(r.ChainHash.AsSpan()));
            w.WriteString("keyId", r.KeyId);
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteOptional(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }
}
