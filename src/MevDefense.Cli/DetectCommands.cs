using System.Globalization;
using System.Text;
using System.Text.Json;
using MevDefense.Detection;
using MevDefense.Detection.Decoding;
using MevDefense.Detection.Dex;
using MevDefense.Detection.Evaluation;
using MevDefense.Detection.Lookup;
using MevDefense.Detection.Model;
using MevDefense.Detection.Scenarios;

namespace MevDefense.Cli;

/// <summary>The <c>detect</c> and <c>eval</c> commands.</summary>
internal static partial class Program
{
    /// <summary>Held-out generator seeds: never used while developing or tuning the rules or the model.</summary>
    internal static readonly int[] HeldOutSeeds = [5001, 5002, 5003];

    static partial void RegisterDetect(IDictionary<string, CliCommand> commands)
    {
        commands["detect"] = new CliCommand(
            "detect FILE [--format slots|getblock] [--alts ALTS.json] [--min-confidence X]",
            "Detect sandwiches, arbitrage, JIT liquidity and back-runs in slots (JSON lines {\"slot\":n,\"transactions\":[base64...]}) or getBlock responses; prints one JSON line per detection, then a summary.",
            DetectAsync);
        commands["scenario"] = new CliCommand(
            "scenario --out FILE [--seed N] [--slots N] [--format slots|getblock] [--alts-out ALTS.json] [--labels-out LABELS.jsonl]",
            "Write a deterministic labelled scenario (signed legacy/v0 transactions) as detect input, with its lookup tables and labels.",
            ScenarioAsync);
        commands["eval"] = new CliCommand(
            "eval [--seeds 5001,5002,5003] [--slots N] [--model PATH|none] [--no-state] [--labels DIR]",
            "Precision, recall and F1 per class for rules alone, model alone and combined, on held-out generator seeds; with --labels (fixtures/dex/labels), the replayed real labelled cases.",
            EvalAsync);
    }

    private static async Task<int> DetectAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var a = new CliArgs(args, new HashSet<string>());
        if (a.Positional.Count != 1)
        {
            throw new CliUsageException("detect needs exactly one FILE");
        }

        var format = a.Get("--format") ?? "slots";
        if (format is not ("slots" or "getblock"))
        {
            throw new CliUsageException("--format must be slots or getblock");
        }

        var minConfidence = 0.55;
        if (a.Get("--min-confidence") is { } mc && (!double.TryParse(mc, NumberStyles.Float, CultureInfo.InvariantCulture, out minConfidence) || minConfidence is < 0 or > 1))
        {
            throw new CliUsageException("--min-confidence must be a number in [0, 1]");
        }

        IAddressLookupTableProvider? alts = null;
        if (a.Get("--alts") is { } altsPath)
        {
            try
            {
                alts = StaticAddressLookupTableProvider.FromJson(await File.ReadAllTextAsync(altsPath, cancellationToken).ConfigureAwait(false));
            }
            catch (Exception ex) when (ex is FormatException or IOException)
            {
                await stderr.WriteLineAsync($"mevdefense: cannot read {altsPath}: {ex.Message}").ConfigureAwait(false);
                return 1;
            }
        }

        List<(ulong Slot, IReadOnlyList<BlockTransaction> Transactions)> slots;
        try
        {
            slots = await ReadSlotsAsync(a.Positional[0], format, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is FormatException or IOException or JsonException)
        {
            await stderr.WriteLineAsync($"mevdefense: cannot read {a.Positional[0]}: {ex.Message}").ConfigureAwait(false);
            return 1;
        }

        var decoder = new TransactionDecoder(SwapDecoderRegistry.CreateDefault(), alts);
        var pipeline = new DetectionPipeline(new DetectionOptions { Mode = DetectionMode.Rules, MinConfidence = minConfidence, CacheCapacity = 0 });
        var window = new DetectionWindow();
        var counts = new Dictionary<DetectionKind, int>();
        long transactions = 0, decodeErrors = 0, unresolved = 0;
        var i = 0;
        while (i < slots.Count)
        {
            // One window per leader run: consecutive slots in the same aligned group of four.
            window.Clear();
            var group = slots[i].Slot / 4;
            var previous = slots[i].Slot;
            for (; i < slots.Count && slots[i].Slot / 4 == group && slots[i].Slot - previous <= 1; i++)
            {
                previous = slots[i].Slot;
                var txs = slots[i].Transactions;
                for (var t = 0; t < txs.Count; t++)
                {
                    transactions++;
                    var target = window.AddNew();
                    var bt = txs[t];
                    var ok = bt.LoadedWritable is not null && bt.LoadedReadonly is not null && (bt.LoadedWritable.Length + bt.LoadedReadonly.Length) > 0
                        ? decoder.TryDecode(bt.Wire, slots[i].Slot, t, target, bt.LoadedWritable, bt.LoadedReadonly)
                        : decoder.TryDecode(bt.Wire, slots[i].Slot, t, target);
                    if (!ok)
                    {
                        decodeErrors++;
                        window.RemoveLast();
                    }
                    else
                    {
                        unresolved += target.UnresolvedSwapCount;
                    }
                }
            }

            foreach (var d in pipeline.Detect(window))
            {
                counts[d.Kind] = counts.GetValueOrDefault(d.Kind) + 1;
                await stdout.WriteLineAsync(FormatDetection(d)).ConfigureAwait(false);
            }
        }

        var summary = new StringBuilder("{\"kind\":\"summary\"");
        summary.Append(CultureInfo.InvariantCulture, $",\"slots\":{slots.Count},\"transactions\":{transactions},\"decodeErrors\":{decodeErrors},\"unresolvedSwaps\":{unresolved}");
        summary.Append(CultureInfo.InvariantCulture, $",\"sandwich\":{counts.GetValueOrDefault(DetectionKind.Sandwich)},\"arbitrage\":{counts.GetValueOrDefault(DetectionKind.Arbitrage)}");
        summary.Append(CultureInfo.InvariantCulture, $",\"jit\":{counts.GetValueOrDefault(DetectionKind.JitLiquidity)},\"backrun\":{counts.GetValueOrDefault(DetectionKind.Backrun)}}}");
        await stdout.WriteLineAsync(summary.ToString()).ConfigureAwait(false);
        return 0;
    }

    /// <summary>Formats a detection as the JSON line of issue 7.</summary>
    internal static string FormatDetection(DetectionEvent d)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            w.WriteString("kind", d.Kind switch
            {
                DetectionKind.Sandwich => "sandwich",
                DetectionKind.Arbitrage => "arbitrage",
                DetectionKind.JitLiquidity => "jit",
                _ => "backrun",
            });
            w.WriteNumber("slot", d.Slot);
            if (d.Kind is DetectionKind.Sandwich or DetectionKind.JitLiquidity)
            {
                w.WriteString("front", d.Front?.ToString());
                w.WriteStartArray("victims");
                foreach (var v in d.Victims)
                {
                    w.WriteStringValue(v.ToString());
                }

                w.WriteEndArray();
                w.WriteString("back", d.Back?.ToString());
                w.WriteString("attacker", d.Attacker?.ToString());
                w.WriteString("pool", d.Pool?.ToString());
                w.WriteNumber("confidence", d.Confidence);
                if (d.EstimatedVictimLoss is { } loss)
                {
                    w.WriteNumber("estimatedVictimLoss", loss);
                }
                else
                {
                    w.WriteNull("estimatedVictimLoss");
                }
            }
            else
            {
                w.WriteString("tx", d.Front?.ToString());
                if (d.Kind == DetectionKind.Backrun)
                {
                    w.WriteStartArray("victims");
                    foreach (var v in d.Victims)
                    {
                        w.WriteStringValue(v.ToString());
                    }

                    w.WriteEndArray();
                    w.WriteString("pool", d.Pool?.ToString());
                }

                w.WriteNumber("confidence", d.Confidence);
            }

            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(ms.ToArray());
    }

    private static async Task<List<(ulong Slot, IReadOnlyList<BlockTransaction> Transactions)>> ReadSlotsAsync(string path, string format, CancellationToken cancellationToken)
    {
        var result = new List<(ulong, IReadOnlyList<BlockTransaction>)>();
        var text = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        if (format == "getblock")
        {
            // A JSON array of responses, or one response per line (or a single response).
            var trimmed = text.TrimStart();
            if (trimmed.StartsWith('['))
            {
                using var doc = JsonDocument.Parse(text);
                foreach (var e in doc.RootElement.EnumerateArray())
                {
                    var txs = GetBlockReader.Read(e, out var slot);
                    result.Add((slot, txs));
                }
            }
            else
            {
                foreach (var line in SplitJsonDocuments(text))
                {
                    using var doc = JsonDocument.Parse(line);
                    var txs = GetBlockReader.Read(doc.RootElement, out var slot);
                    result.Add((slot, txs));
                }
            }
        }
        else
        {
            foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                using var doc = JsonDocument.Parse(line);
                var root = doc.RootElement;
                if (!root.TryGetProperty("slot", out var s) || !s.TryGetUInt64(out var slot) || !root.TryGetProperty("transactions", out var txs) || txs.ValueKind != JsonValueKind.Array)
                {
                    throw new FormatException("Each line must be {\"slot\":n,\"transactions\":[\"<base64>\",...]}.");
                }

                result.Add((slot, txs.EnumerateArray().Select(t => new BlockTransaction(Convert.FromBase64String(t.GetString() ?? string.Empty), null, null)).ToList()));
            }
        }

        result.Sort((x, y) => x.Item1.CompareTo(y.Item1));
        return result;
    }

    private static IEnumerable<string> SplitJsonDocuments(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (lines.Length > 1 && lines.All(l => l.StartsWith('{') && l.EndsWith('}')))
        {
            return lines;
        }

        return [text];
    }

    private static async Task<int> ScenarioAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var a = new CliArgs(args, new HashSet<string>());
        var output = a.Require("--out");
        var seed = int.TryParse(a.Get("--seed") ?? "1", NumberStyles.Integer, CultureInfo.InvariantCulture, out var sd) ? sd : throw new CliUsageException("--seed must be an integer");
        var slots = int.TryParse(a.Get("--slots") ?? "16", NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw new CliUsageException("--slots must be a positive integer");
        var format = a.Get("--format") ?? "slots";
        if (format is not ("slots" or "getblock"))
        {
            throw new CliUsageException("--format must be slots or getblock");
        }

        var dataset = ScenarioGenerator.Generate(new ScenarioOptions { Seed = seed, Slots = slots });
        await using (var w = new StreamWriter(output, append: false, new UTF8Encoding(false)))
        {
            foreach (var slot in dataset.Slots)
            {
                var txs = string.Join(",", slot.Transactions.Select(t => "\"" + Convert.ToBase64String(t.Wire) + "\""));
                var line = format == "slots"
                    ? string.Create(CultureInfo.InvariantCulture, $"{{\"slot\":{slot.Slot},\"transactions\":[{txs}]}}")
                    : string.Create(CultureInfo.InvariantCulture, $"{{\"jsonrpc\":\"2.0\",\"id\":1,\"slot\":{slot.Slot},\"result\":{{\"parentSlot\":{slot.Slot - 1},\"transactions\":[{string.Join(",", slot.Transactions.Select(t => "{\"transaction\":[\"" + Convert.ToBase64String(t.Wire) + "\",\"base64\"]}"))}]}}}}");
                await w.WriteLineAsync(line.AsMemory(), cancellationToken).ConfigureAwait(false);
            }
        }

        if (a.Get("--alts-out") is { } altsOut)
        {
            var tables = new Dictionary<string, string[]>();
            foreach (var slot in dataset.Slots)
            {
                foreach (var t in slot.Transactions)
                {
                    var missing = new List<Pubkey>();
                    new TransactionDecoder().CollectMissingLookupTables(t.Wire, missing);
                    foreach (var table in missing)
                    {
                        if (!tables.ContainsKey(table.ToString()) && dataset.LookupTables.TryGetAddresses(table, out var addresses))
                        {
                            tables[table.ToString()] = addresses.ToArray().Select(x => x.ToString()).ToArray();
                        }
                    }
                }
            }

            await File.WriteAllTextAsync(altsOut, JsonSerializer.Serialize(tables), cancellationToken).ConfigureAwait(false);
        }

        if (a.Get("--labels-out") is { } labelsOut)
        {
            var lines = dataset.Labels.Select(l => JsonSerializer.Serialize(new
            {
                kind = l.Kind.ToString(),
                strategy = l.Strategy,
                slot = l.Slot,
                front = l.Front?.ToString(),
                back = l.Back?.ToString(),
                victims = l.Victims.Select(v => v.ToString()).ToArray(),
                pool = l.Pool?.ToString(),
            }));
            await File.WriteAllLinesAsync(labelsOut, lines, cancellationToken).ConfigureAwait(false);
        }

        await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{{\"slots\":{dataset.Slots.Count},\"transactions\":{dataset.TransactionCount},\"labels\":{dataset.Labels.Count}}}")).ConfigureAwait(false);
        _ = stderr;
        return 0;
    }

    private static async Task<int> EvalAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var a = new CliArgs(args, new HashSet<string> { "--no-state" });
        var seeds = HeldOutSeeds;
        if (a.Get("--seeds") is { } s)
        {
            try
            {
                seeds = s.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(x => int.Parse(x, CultureInfo.InvariantCulture)).ToArray();
            }
            catch (FormatException)
            {
                throw new CliUsageException("--seeds must be comma-separated integers");
            }
        }

        var slots = 192;
        if (a.Get("--slots") is { } sl && (!int.TryParse(sl, NumberStyles.Integer, CultureInfo.InvariantCulture, out slots) || slots < 1))
        {
            throw new CliUsageException("--slots must be a positive integer");
        }

        var useState = !a.Has("--no-state");
        OnnxDetector? model = null;
        var modelArg = a.Get("--model");
        if (modelArg != "none")
        {
            try
            {
                model = new OnnxDetector(new OnnxDetectorOptions { ModelPath = modelArg });
            }
            catch (Exception ex) when (ex is FormatException or InvalidOperationException or IOException or Microsoft.ML.OnnxRuntime.OnnxRuntimeException)
            {
                await stderr.WriteLineAsync($"mevdefense: model unavailable ({ex.Message}); evaluating rules only.").ConfigureAwait(false);
            }
        }

        try
        {
            var rows = new List<(string Name, DetectionPipeline Pipeline)>
            {
                ("rules", new DetectionPipeline(new DetectionOptions { Mode = DetectionMode.Rules, CacheCapacity = 0 })),
            };
            if (model is not null)
            {
                rows.Add(("model", new DetectionPipeline(new DetectionOptions { Mode = DetectionMode.Model, CacheCapacity = 0 }, null, model, null, null, null, null)));
                rows.Add(("combined", new DetectionPipeline(new DetectionOptions { Mode = DetectionMode.Combined, CacheCapacity = 0 }, null, model, null, null, null, null)));
            }

            await stdout.WriteLineAsync($"held-out generator seeds {string.Join(",", seeds)} x {slots} slots; account state {(useState ? "on" : "off")}; model {(model is null ? "absent" : model.ModelVersion ?? "present")}").ConfigureAwait(false);
            await stdout.WriteLineAsync("rows        class      precision  recall  f1      tp    fp    fn").ConfigureAwait(false);
            var totals = rows.ToDictionary(r => r.Name, _ => new Dictionary<string, (int Tp, int Fp, int Fn)>());
            var txCount = 0;
            var negHits = new Dictionary<string, int>();
            var negatives = 0;
            foreach (var seed in seeds)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var dataset = ScenarioGenerator.Generate(new ScenarioOptions { Seed = seed, Slots = slots });
                txCount += dataset.TransactionCount;
                foreach (var (name, pipeline) in rows)
                {
                    var report = DetectionEvaluator.Evaluate(name, dataset, pipeline, useState);
                    negHits[name] = negHits.GetValueOrDefault(name) + report.HardNegativeHits;
                    foreach (var c in report.Classes)
                    {
                        var t = totals[name].GetValueOrDefault(c.Class);
                        totals[name][c.Class] = (t.Tp + c.TruePositives, t.Fp + c.FalsePositives, t.Fn + c.FalseNegatives);
                    }

                    if (name == "rules")
                    {
                        negatives += report.HardNegatives;
                    }
                }
            }

            foreach (var (name, _) in rows)
            {
                foreach (var cls in DetectionEvaluator.ClassNames)
                {
                    var (tp, fp, fn) = totals[name][cls];
                    var m = new ClassMetrics(cls, tp, fp, fn);
                    await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{name,-11} {cls,-10} {m.Precision,9:F3}  {m.Recall,6:F3}  {m.F1,6:F3}  {tp,4}  {fp,4}  {fn,4}")).ConfigureAwait(false);
                }
            }

            foreach (var (name, _) in rows)
            {
                await stdout.WriteLineAsync($"{name}: detections touching hard negatives {negHits[name]} of {negatives} hard-negative patterns; {txCount} transactions").ConfigureAwait(false);
            }

            var labels = a.Get("--labels") ?? (Environment.GetEnvironmentVariable("MEVDEFENSE_SHARED") is { Length: > 0 } shared ? Path.Combine(shared, "fixtures", "dex", "labels") : null);
            if (labels is not null && File.Exists(Path.Combine(labels, "fixture_labels.jsonl")) && File.Exists(Path.Combine(labels, "b91_jito_bundle_sandwiches_30.csv")))
            {
                var jsonl = await File.ReadAllTextAsync(Path.Combine(labels, "fixture_labels.jsonl"), cancellationToken).ConfigureAwait(false);
                var csv = await File.ReadAllTextAsync(Path.Combine(labels, "b91_jito_bundle_sandwiches_30.csv"), cancellationToken).ConfigureAwait(false);
                foreach (var (name, pipeline) in rows.Where(r => r.Name != "model"))
                {
                    var r = LabelReplay.Evaluate(pipeline, jsonl, csv);
                    await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                        $"labels ({name}, replayed shapes of fixtures/dex/labels): same-slot sandwiches {r.PositivesDetected}/{r.Positives} (recall {(double)r.PositivesDetected / Math.Max(1, r.Positives):F3}), cross-slot suspected {r.EdgeCasesDetected}/{r.EdgeCases}, sandwiches on arbitrage negatives {r.NegativeSandwiches}/{r.Negatives}")).ConfigureAwait(false);
                }
            }
            else if (a.Get("--labels") is not null)
            {
                await stderr.WriteLineAsync($"mevdefense: no fixture_labels.jsonl / b91 CSV under {labels}").ConfigureAwait(false);
            }

            var sandwich = new ClassMetrics("sandwich", totals["rules"]["sandwich"].Tp, totals["rules"]["sandwich"].Fp, totals["rules"]["sandwich"].Fn);
            var met = sandwich.F1 >= 0.95 && sandwich.Precision >= 0.98;
            await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"target (rules sandwich F1 >= 0.95 and precision >= 0.98): {(met ? "met" : "NOT met")} (F1 {sandwich.F1:F3}, precision {sandwich.Precision:F3})")).ConfigureAwait(false);
            return met ? 0 : 3;
        }
        finally
        {
            model?.Dispose();
        }
    }
}
