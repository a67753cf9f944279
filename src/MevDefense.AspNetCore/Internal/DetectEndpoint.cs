using System.Buffers;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using MevDefense.Detection;
using MevDefense.Detection.Features;
using MevDefense.Dna;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MevDefense.AspNetCore.Internal;

/// <summary>
/// <c>POST /detect</c>. Two documented shapes: a JSON array of <c>{hash, block_number, timestamp, from, to, value, gas_price,
/// features: [128 floats]}</c> scored directly by the ONNX model, and a Solana-native <c>{slot, transactions: ["&lt;base64 wire tx&gt;", ...]}</c>
/// decoded and run through the detection pipeline (rules + model). The whole request is validated before anything is
/// scored or written; each detection is then recorded in the ledger and streamed, and its record id returned.
/// </summary>
internal static class DetectEndpoint
{
    public const string Endpoint = "detect";
    private const int MaxErrors = 32;
    private const int MaxWireBytes = 4096;
    private static readonly string[] RoleNames = ["none", "front", "victim", "back", "arbitrage"];

    public static async Task<Results<Ok<Dtos.DetectResponse>, ProblemHttpResult>> HandleAsync(HttpContext context, CancellationToken cancellationToken)
    {
        long started = Stopwatch.GetTimestamp();
        IServiceProvider sp = context.RequestServices;
        var metrics = sp.GetRequiredService<AspNetCoreMetrics>();
        MevDefenseAspNetCoreOptions options = sp.GetRequiredService<IOptions<MevDefenseAspNetCoreOptions>>().Value;
        DnaLedger? ledger = sp.GetService<DnaLedger>();
        if (ledger is { IsWritable: false })
        {
            return ApiProblems.LedgerUnavailable(metrics, Endpoint, "The ledger is not open or is faulted; detections cannot be recorded.");
        }

        var (document, bytes, problem) = await RequestBody.ReadJsonAsync(context.Request, options.MaxRequestBodyBytes, metrics, Endpoint, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        using (document)
        {
            var services = sp.GetRequiredService<ApiDetectionServices>();
            JsonElement root = document!.RootElement;
            var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
            ScoredRequest? scored = root.ValueKind switch
            {
                JsonValueKind.Array => ScoreFeatures(root, options, services, errors),
                JsonValueKind.Object => ScoreSolana(root, options, services, errors, started),
                _ => null,
            };
            if (scored is null)
            {
                if (errors.Count == 0)
                {
                    errors["$"] = ["Send a JSON array of transactions with 128-float 'features', or an object {slot, transactions: [base64 wire transactions]}."];
                }

                return ApiProblems.BadRequest(metrics, Endpoint, "The request does not match a documented /detect shape.", errors);
            }

            metrics.Scored(scored.Shape, scored.Transactions.Count);
            byte[] fingerprint = Fingerprint(bytes!);
            var hub = sp.GetRequiredService<DefensiveStreamHub>();
            var results = new List<Dtos.DetectionResult>(scored.Detections.Count);
            for (int i = 0; i < scored.Detections.Count; i++)
            {
                (Dtos.DetectionResult result, DecisionDraft draft, DetectionEvent? native) = scored.Detections[i];
                DecisionRecord? record = null;
                if (ledger is not null)
                {
                    try
                    {
                        record = await ledger.AppendAsync(draft with { InputFingerprint = fingerprint }, cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is InvalidOperationException or IOException or ArgumentException)
                    {
                        AspNetCoreLog.LedgerAppendFailed(sp.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DetectEndpoint)), ex);
                        return ApiProblems.LedgerUnavailable(metrics, Endpoint,
                            $"Recording detection {i} failed; {i} of {scored.Detections.Count} detections of this request were recorded (see the stream for their ids).");
                    }
                }

                Dtos.DetectionResult withRecord = result with { RecordId = record?.Id.ToString(), Sequence = record?.Sequence };
                results.Add(withRecord);
                metrics.ApiDetection(withRecord.Kind);
                if (native is not null)
                {
                    hub.PublishDetection(native.InputReceivedTimestamp == 0 ? native with { InputReceivedTimestamp = started } : native, record);
                }
                else
                {
                    hub.Publish(StreamMessages.ApiDetection(withRecord, result.Slot, Stopwatch.GetElapsedTime(started).TotalMilliseconds));
                }

                if (record is not null)
                {
                    hub.PublishRecord(record);
                }
            }

            return TypedResults.Ok(new Dtos.DetectResponse(scored.Shape, scored.ModelVersion, scored.Transactions, results));
        }
    }

    /// <summary>The feature-vector shape: validate everything, then score with the ONNX model and assemble model detections.</summary>
    internal static ScoredRequest? ScoreFeatures(JsonElement root, MevDefenseAspNetCoreOptions options, ApiDetectionServices services, Dictionary<string, string[]> errors)
    {
        int count = root.GetArrayLength();
        if (count == 0 || count > options.MaxDetectTransactions)
        {
            errors["$"] = [$"Send between 1 and {options.MaxDetectTransactions} transactions (got {count})."];
            return null;
        }

        var txs = new FeatureTransaction[count];
        float[] features = ArrayPool<float>.Shared.Rent(count * TransactionFeatures.Count);
        try
        {
            int i = 0;
            foreach (JsonElement e in root.EnumerateArray())
            {
                txs[i] = ParseFeatureTransaction(e, i, features.AsSpan(i * TransactionFeatures.Count, TransactionFeatures.Count), errors);
                if (errors.Count >= MaxErrors)
                {
                    return null;
                }

                i++;
            }

            if (errors.Count > 0)
            {
                return null;
            }

            float[] p = new float[count * ITransactionScorer.RoleCount];
            services.Model.Score(features.AsSpan(0, count * TransactionFeatures.Count), count, p);
            var scores = new List<Dtos.TransactionScore>(count);
            for (int t = 0; t < count; t++)
            {
                scores.Add(Score(txs[t].Hash, t, p));
            }

            string? version = services.Model.ModelVersion;
            return new ScoredRequest("features", version, scores, AssembleFeatureDetections(txs, p, services.Options, services.Model.Name, version));
        }
        finally
        {
            ArrayPool<float>.Shared.Return(features);
        }
    }

    /// <summary>The Solana-native shape: decode every transaction (all must be well formed), then run the pipeline and the model.</summary>
    internal static ScoredRequest? ScoreSolana(JsonElement root, MevDefenseAspNetCoreOptions options, ApiDetectionServices services, Dictionary<string, string[]> errors, long started)
    {
        ulong slot = 0;
        JsonElement transactions = default;
        if (!root.TryGetProperty("slot", out JsonElement s) || s.ValueKind != JsonValueKind.Number || !s.TryGetUInt64(out slot))
        {
            errors["slot"] = ["Required: a non-negative integer."];
        }

        if (!root.TryGetProperty("transactions", out transactions) || transactions.ValueKind != JsonValueKind.Array)
        {
            errors["transactions"] = ["Required: an array of base64 wire transactions."];
        }
        else if (transactions.GetArrayLength() is 0 || transactions.GetArrayLength() > options.MaxDetectTransactions)
        {
            errors["transactions"] = [$"Send between 1 and {options.MaxDetectTransactions} transactions (got {transactions.GetArrayLength()})."];
        }

        if (errors.Count > 0)
        {
            return null;
        }

        var window = new DetectionWindow();
        byte[] wire = ArrayPool<byte>.Shared.Rent(MaxWireBytes);
        try
        {
            lock (services.Gate)
            {
                int i = 0;
                foreach (JsonElement e in transactions.EnumerateArray())
                {
                    string key = $"transactions[{i}]";
                    if (e.ValueKind != JsonValueKind.String || e.GetString() is not { } b64)
                    {
                        errors[key] = ["Must be a base64 string."];
                    }
                    else if (!Convert.TryFromBase64String(b64, wire, out int n))
                    {
                        errors[key] = [$"Not valid base64, or longer than {MaxWireBytes} bytes."];
                    }
                    else if (!services.Decoder.TryDecode(wire.AsSpan(0, n), slot, i, window.AddNew()))
                    {
                        window.RemoveLast();
                        errors[key] = ["Not a well-formed legacy or v0 Solana transaction."];
                    }

                    if (errors.Count >= MaxErrors)
                    {
                        break;
                    }

                    i++;
                }

                if (errors.Count > 0)
                {
                    return null;
                }

                float[] p = new float[window.Count * ITransactionScorer.RoleCount];
                services.Model.Score(window, p);
                var scores = new List<Dtos.TransactionScore>(window.Count);
                for (int t = 0; t < window.Count; t++)
                {
                    scores.Add(Score(window[t].Signature.ToString(), t, p));
                }

                IReadOnlyList<DetectionEvent> detections = services.Pipeline.Detect(window);
                var list = new List<(Dtos.DetectionResult Result, DecisionDraft Draft, DetectionEvent? Native)>(detections.Count);
                foreach (DetectionEvent d in detections)
                {
                    DetectionEvent stamped = d.InputReceivedTimestamp == 0 ? d with { InputReceivedTimestamp = started } : d;
                    list.Add((FromEvent(stamped), DecisionDraft.FromDetection(stamped), stamped));
                }

                return new ScoredRequest("solana", services.Model.ModelVersion, scores, list);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(wire);
        }
    }

    internal static Dtos.DetectionResult FromEvent(DetectionEvent d) => new()
    {
        Kind = StreamMessages.KindName(d.Kind),
        Slot = d.Slot,
        Front = d.Front?.ToString(),
        Back = d.Back?.ToString(),
        Victims = [.. d.Victims.Select(static v => v.ToString())],
        Transactions = [.. d.Transactions.Select(static v => v.ToString())],
        Attacker = d.Attacker?.ToString(),
        Pool = d.Pool?.ToString(),
        Confidence = d.Confidence,
        EstimatedVictimLoss = d.EstimatedVictimLoss,
        Detector = d.Detector,
        ModelVersion = d.ModelVersion,
    };

    /// <summary>
    /// Model-only detections over opaque (non-Solana) transactions, with the pipeline's rules for the model: a sandwich is a
    /// front (p ≥ threshold) followed, on the same <c>to</c> address, by victims (p ≥ 0.5) and a back (p ≥ threshold), with
    /// confidence 0.9·∛(p_front·p_back·max p_victim); an arbitrage is a transaction with p ≥ threshold and confidence 0.9·p.
    /// </summary>
    internal static List<(Dtos.DetectionResult Result, DecisionDraft Draft, DetectionEvent? Native)> AssembleFeatureDetections(
        FeatureTransaction[] txs, float[] p, DetectionOptions options, string detector, string? modelVersion)
    {
        const int R = ITransactionScorer.RoleCount;
        double tau = options.ModelThreshold;
        var result = new List<(Dtos.DetectionResult Result, DecisionDraft Draft, DetectionEvent? Native)>();
        var used = new bool[txs.Length];
        for (int f = 0; f < txs.Length; f++)
        {
            if (used[f] || p[(f * R) + 1] < tau)
            {
                continue;
            }

            for (int b = f + 1; b < txs.Length; b++)
            {
                if (used[b] || p[(b * R) + 3] < tau || txs[b].To != txs[f].To)
                {
                    continue;
                }

                var victims = new List<string>();
                double best = 0;
                for (int v = f + 1; v < b; v++)
                {
                    if (txs[v].To == txs[f].To && p[(v * R) + 2] >= 0.5)
                    {
                        victims.Add(txs[v].Hash);
                        best = Math.Max(best, p[(v * R) + 2]);
                    }
                }

                if (victims.Count == 0)
                {
                    continue;
                }

                double c = Math.Round(0.9 * Math.Cbrt(p[(f * R) + 1] * p[(b * R) + 3] * best), 4);
                if (c >= options.MinConfidence)
                {
                    used[f] = used[b] = true;
                    var r = new Dtos.DetectionResult
                    {
                        Kind = "sandwich",
                        Slot = txs[b].BlockNumber,
                        Front = txs[f].Hash,
                        Back = txs[b].Hash,
                        Victims = victims,
                        Transactions = [txs[f].Hash, .. victims, txs[b].Hash],
                        Attacker = txs[f].From,
                        Pool = txs[f].To,
                        Confidence = c,
                        Detector = detector,
                        ModelVersion = modelVersion,
                    };
                    result.Add((r, Draft(r, DecisionEventTypes.SandwichDetected), null));
                }

                break;
            }
        }

        for (int t = 0; t < txs.Length; t++)
        {
            double pa = p[(t * R) + 4];
            if (!used[t] && pa >= tau && 0.9 * pa >= options.MinConfidence)
            {
                var r = new Dtos.DetectionResult
                {
                    Kind = "arbitrage",
                    Slot = txs[t].BlockNumber,
                    Front = txs[t].Hash,
                    Transactions = [txs[t].Hash],
                    Attacker = txs[t].From,
                    Pool = txs[t].To,
                    Confidence = Math.Round(0.9 * pa, 4),
                    Detector = detector,
                    ModelVersion = modelVersion,
                };
                result.Add((r, Draft(r, DecisionEventTypes.ArbitrageDetected), null));
            }
        }

        return result;
    }

    private static DecisionDraft Draft(Dtos.DetectionResult r, string eventType)
    {
        // Opaque hashes and addresses are not Solana keys: they are kept in the record payload (UTF-8 JSON).
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("source", "POST /defensive/detect");
            w.WriteString("kind", r.Kind);
            w.WriteStartArray("transactions");
            foreach (string h in r.Transactions)
            {
                w.WriteStringValue(h);
            }

            w.WriteEndArray();
            if (r.Attacker is not null)
            {
                w.WriteString("attacker", r.Attacker);
            }

            if (r.Pool is not null)
            {
                w.WriteString("pool", r.Pool);
            }

            w.WriteEndObject();
        }

        return new DecisionDraft
        {
            EventType = eventType,
            Slot = r.Slot,
            Confidence = r.Confidence,
            Detector = r.Detector,
            ModelVersion = r.ModelVersion,
            Payload = buffer.WrittenMemory.ToArray(),
        };
    }

    private static Dtos.TransactionScore Score(string id, int t, float[] p)
    {
        const int R = ITransactionScorer.RoleCount;
        int best = 0;
        for (int r = 1; r < R; r++)
        {
            if (p[(t * R) + r] > p[(t * R) + best])
            {
                best = r;
            }
        }

        return new Dtos.TransactionScore(id, t, RoleNames[best],
            new Dtos.RoleScores(p[t * R], p[(t * R) + 1], p[(t * R) + 2], p[(t * R) + 3], p[(t * R) + 4]));
    }

    private static FeatureTransaction ParseFeatureTransaction(JsonElement e, int i, Span<float> features, Dictionary<string, string[]> errors)
    {
        string prefix = $"[{i}]";
        if (e.ValueKind != JsonValueKind.Object)
        {
            errors[prefix] = ["Must be an object."];
            return default;
        }

        string hash = string.Empty;
        ulong block = 0;
        string? from = null, to = null;
        bool sawHash = false, sawBlock = false, sawFeatures = false;
        foreach (JsonProperty p in e.EnumerateObject())
        {
            string key = prefix + "." + p.Name;
            switch (p.Name)
            {
                case "hash":
                    sawHash = true;
                    if (p.Value.ValueKind != JsonValueKind.String || p.Value.GetString() is not { Length: > 0 and <= 128 } h)
                    {
                        errors[key] = ["Must be a non-empty string of at most 128 characters."];
                    }
                    else
                    {
                        hash = h;
                    }

                    break;
                case "block_number":
                    sawBlock = true;
                    if (p.Value.ValueKind != JsonValueKind.Number || !p.Value.TryGetUInt64(out block))
                    {
                        errors[key] = ["Must be a non-negative integer."];
                    }

                    break;
                case "timestamp":
                    if (p.Value.ValueKind is not (JsonValueKind.Number or JsonValueKind.String or JsonValueKind.Null))
                    {
                        errors[key] = ["Must be a number (Unix seconds) or an ISO 8601 string."];
                    }

                    break;
                case "from":
                case "to":
                    if (p.Value.ValueKind == JsonValueKind.Null)
                    {
                        break;
                    }

                    if (p.Value.ValueKind != JsonValueKind.String || p.Value.GetString() is not { Length: <= 128 } a)
                    {
                        errors[key] = ["Must be a string of at most 128 characters."];
                    }
                    else if (p.Name == "from")
                    {
                        from = a;
                    }
                    else
                    {
                        to = a;
                    }

                    break;
                case "value":
                case "gas_price":
                    if (!IsAmount(p.Value))
                    {
                        errors[key] = ["Must be a non-negative number or a string of decimal digits."];
                    }

                    break;
                case "features":
                    sawFeatures = true;
                    ParseFeatures(p.Value, key, features, errors);
                    break;
            }
        }

        if (!sawHash)
        {
            errors[prefix + ".hash"] = ["Required."];
        }

        if (!sawBlock)
        {
            errors[prefix + ".block_number"] = ["Required."];
        }

        if (!sawFeatures)
        {
            errors[prefix + ".features"] = [$"Required: an array of {TransactionFeatures.Count} numbers."];
        }

        return new FeatureTransaction(hash, block, from, to);
    }

    private static void ParseFeatures(JsonElement value, string key, Span<float> features, Dictionary<string, string[]> errors)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            errors[key] = [$"Must be an array of {TransactionFeatures.Count} numbers."];
            return;
        }

        int length = value.GetArrayLength();
        if (length != TransactionFeatures.Count)
        {
            errors[key] = [$"Must have exactly {TransactionFeatures.Count} numbers (got {length})."];
            return;
        }

        int j = 0;
        foreach (JsonElement f in value.EnumerateArray())
        {
            if (f.ValueKind != JsonValueKind.Number || !f.TryGetSingle(out float x) || !float.IsFinite(x))
            {
                errors[key] = [$"Element {j} is not a finite number."];
                return;
            }

            features[j++] = x;
        }
    }

    private static bool IsAmount(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.Null => true,
        JsonValueKind.Number => v.TryGetDouble(out double d) && double.IsFinite(d) && d >= 0,
        JsonValueKind.String => v.GetString() is { Length: > 0 and <= 80 } s && s.All(char.IsAsciiDigit),
        _ => false,
    };

    private static byte[] Fingerprint(byte[] body)
    {
        using var hasher = Blake3.Hasher.New();
        hasher.Update(Encoding.UTF8.GetBytes("mevdefense/api/detect/v1\n"));
        hasher.Update(body);
        byte[] output = new byte[32];
        hasher.Finalize(output);
        return output;
    }

    internal readonly record struct FeatureTransaction(string Hash, ulong BlockNumber, string? From, string? To);

    internal sealed record ScoredRequest(string Shape, string? ModelVersion, List<Dtos.TransactionScore> Transactions,
        List<(Dtos.DetectionResult Result, DecisionDraft Draft, DetectionEvent? Native)> Detections);
}
