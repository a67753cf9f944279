using System.Diagnostics;
using System.Globalization;
using System.Text;
using MevDefense.Detection.Features;
using MevDefense.Detection.Model;
using MevDefense.Detection.Onnx.Internal;
using MevDefense.Trainer;
using TorchSharp;
using static TorchSharp.torch;

// MevDefense.Trainer: trains the GNN+Transformer role model with TorchSharp and exports it to ONNX.
//   dotnet run -c Release --project tools/MevDefense.Trainer -p:ArtifactsPath=/tmp/art/trainer -- [options]
// Options (defaults in brackets): --source scenarios|features|scenarios+features [scenarios]  --weights role class weights [1,3,2,3,3]  --train-seeds A-B [1-40]  --eval-seeds A-B [1001-1010]
//   --windows-per-seed N [60] (for --source scenarios: slots per seed)  --epochs N [25]  --batch N [32]  --lr X [0.003]  --gnn N [2]  --encoders N [1]  --seed N [7]
//   --out PATH [src/MevDefense.Detection/Models/mevdefense-roles.onnx]  --parity PATH [tests/MevDefense.Detection.Tests/Model/parity-torchsharp.bin]
//   --eval-only MODEL.onnx (skip training: rules / model / combined through DetectionPipeline on --eval-seeds)
//   --cpu-bench MODEL.onnx (process CPU time per window: inference, extraction; for a shared machine)
//   --init MODEL.onnx (warm start from an exported model)  --threads N [2]
//   --card PATH [src/MevDefense.Detection/Models/metrics.md]
var opts = ParseArgs(args);
if (opts["cpu-bench"].Length > 0)
{
    CpuTimeBench.Run(opts["cpu-bench"]);
    return 0;
}

if (opts["eval-only"].Length > 0)
{
    var (ef, et) = Range(opts["eval-seeds"]);
    Console.WriteLine(PipelineEvaluation.Run(opts["eval-only"], ef, et, int.Parse(opts["windows-per-seed"], CultureInfo.InvariantCulture)));
    return 0;
}

var baseDir = AppContext.BaseDirectory;
Console.WriteLine($"GLIBCXX patch: {GlibcxxPatch.PatchAll(baseDir)} file(s) patched under {baseDir}");
torch.set_num_threads(int.Parse(opts["threads"], CultureInfo.InvariantCulture));
torch.manual_seed(long.Parse(opts["seed"], CultureInfo.InvariantCulture));

var (trainFrom, trainTo) = Range(opts["train-seeds"]);
var (evalFrom, evalTo) = Range(opts["eval-seeds"]);
var perSeed = int.Parse(opts["windows-per-seed"], CultureInfo.InvariantCulture);
var sw = Stopwatch.StartNew();
var train = Windows(opts["source"], trainFrom, trainTo, perSeed);
var eval = Windows(opts["source"], evalFrom, evalTo, perSeed);
Console.WriteLine($"data: {train.Count} train windows (seeds {trainFrom}-{trainTo}), {eval.Count} held-out windows (seeds {evalFrom}-{evalTo}), {sw.Elapsed.TotalSeconds:F1}s");
PrintRoleCounts("train", train);
PrintRoleCounts("eval", eval);

var trainSet = Dataset.Build(train);
var evalSet = Dataset.Build(eval);
var model = new RoleModel(int.Parse(opts["gnn"], CultureInfo.InvariantCulture), int.Parse(opts["encoders"], CultureInfo.InvariantCulture), int.Parse(opts["seed"], CultureInfo.InvariantCulture));
if (opts["init"].Length > 0)
{
    model.Load(MevDefense.Detection.Onnx.Internal.OnnxModelReader.ReadWeights(File.ReadAllBytes(opts["init"])));
    Console.WriteLine($"warm start from {opts["init"]}");
}

var optimizer = optim.Adam(model.Parameters.Values, lr: double.Parse(opts["lr"], CultureInfo.InvariantCulture));
var classWeights = tensor(opts["weights"].Split(',').Select(w => float.Parse(w, CultureInfo.InvariantCulture)).ToArray());
var epochs = int.Parse(opts["epochs"], CultureInfo.InvariantCulture);
var batch = int.Parse(opts["batch"], CultureInfo.InvariantCulture);
var shuffle = new Random(int.Parse(opts["seed"], CultureInfo.InvariantCulture));
var order = Enumerable.Range(0, trainSet.Count).ToArray();
for (var epoch = 1; epoch <= epochs; epoch++)
{
    shuffle.Shuffle(order);
    var lr = double.Parse(opts["lr"], CultureInfo.InvariantCulture) * (epoch > epochs * 3 / 4 ? 0.1 : 1.0);
    foreach (var g in optimizer.ParamGroups)
    {
        g.LearningRate = lr;
    }

    double total = 0;
    var batches = 0;
    for (var s = 0; s < order.Length; s += batch)
    {
        using var scope = NewDisposeScope();
        var idx = order.Skip(s).Take(batch).ToArray();
        var (x, pa, la, mask, y) = trainSet.Batch(idx);
        optimizer.zero_grad();
        var logits = model.Logits(x, pa, la, mask);
        var loss = nn.functional.cross_entropy(logits.reshape(-1, OnnxDetector.RoleCount), y.reshape(-1), classWeights, ignore_index: -100);
        loss.backward();
        optimizer.step();
        total += loss.item<float>();
        batches++;
    }

    if (epoch % 5 == 0 || epoch == epochs)
    {
        var ev = Evaluate(model, evalSet, eval);
        var (p, r, f) = ev.Sandwich();
        Console.WriteLine($"epoch {epoch}: loss {total / batches:F4}  held-out sandwich P={p:F4} R={r:F4} F1={f:F4}  ({sw.Elapsed.TotalSeconds:F0}s)");
    }
    else
    {
        Console.WriteLine($"epoch {epoch}: loss {total / batches:F4}");
    }
}

var trainEval = Evaluate(model, trainSet, train);
var heldOut = Evaluate(model, evalSet, eval);
var report = trainEval.Report("### Training seeds (model alone)") + "\n" + heldOut.Report("### Held-out seeds (model alone)");
Console.WriteLine(report);

// Export, then check ONNX Runtime against this TorchSharp forward pass.
var weights = model.Export();
var meta = new Dictionary<string, string>
{
    ["mevdefense.feature_layout"] = TransactionFeatures.LayoutVersion.ToString(CultureInfo.InvariantCulture),
    ["mevdefense.architecture"] = $"features[8:72] 64->16 relu + learned position; {model.GnnLayers}x GNN (self + mean pool-neighbours + mean linked-neighbours, residual relu); {model.EncoderLayers}x pre-norm Transformer encoder (d=16, 2 heads, ffn 32, key mask); LN; head 16->5 softmax",
    ["mevdefense.roles"] = "none,front,victim,back,arbitrage",
    ["mevdefense.model_version"] = $"roles-v1-{opts["source"]}-s{opts["seed"]}",
    ["mevdefense.training"] = $"init={Path.GetFileName(opts["init"])} weights={opts["weights"]} source={opts["source"]} train-seeds={opts["train-seeds"]} eval-seeds={opts["eval-seeds"]} windows-per-seed={perSeed} epochs={epochs} batch={batch} lr={opts["lr"]} seed={opts["seed"]}",
    ["mevdefense.heldout.sandwich_f1"] = heldOut.Sandwich().F1.ToString("F4", CultureInfo.InvariantCulture),
    ["mevdefense.heldout.sandwich_precision"] = heldOut.Sandwich().P.ToString("F4", CultureInfo.InvariantCulture),
};
var bytes = OnnxModelWriter.Write(weights, meta);
File.WriteAllBytes(opts["out"], bytes);
Console.WriteLine($"wrote {opts["out"]} ({bytes.Length} bytes)");

var parityWindows = Enumerable.Range(0, Math.Min(3, evalSet.Count)).ToArray();
var maxDiff = 0.0;
using (var detector = new OnnxDetector(new OnnxDetectorOptions { ModelPath = opts["out"] }))
using (var file = new BinaryWriter(File.Create(opts["parity"])))
{
    file.Write(Encoding.ASCII.GetBytes("MDPV1"));
    file.Write(parityWindows.Length);
    foreach (var w in parityWindows)
    {
        using var scope = NewDisposeScope();
        var (x, pa, la, mask, _) = evalSet.Batch([w]);
        var probs = nn.functional.softmax(model.Logits(x, pa, la, mask), -1).data<float>().ToArray();
        var window = evalSet.Window(w);
        var ort = new float[window.Count * OnnxDetector.RoleCount];
        detector.Score(window, ort);
        for (var i = 0; i < ort.Length; i++)
        {
            maxDiff = Math.Max(maxDiff, Math.Abs(ort[i] - probs[i]));
        }

        file.Write(window.Count);
        foreach (var arr in new[] { window.Features, window.PoolAdjacency, window.LinkAdjacency, window.KeyMask, probs })
        {
            foreach (var v in arr)
            {
                file.Write(v);
            }
        }
    }
}

Console.WriteLine($"parity: max |ONNX Runtime - TorchSharp| = {maxDiff:E2} over {parityWindows.Length} held-out windows -> {opts["parity"]}");
var pipelineReport = opts["source"].StartsWith("scenarios", StringComparison.Ordinal) ? PipelineEvaluation.Run(opts["out"], evalFrom, evalTo, perSeed) : string.Empty;
Console.WriteLine(pipelineReport);
File.WriteAllText(opts["card"], $"<!-- written by MevDefense.Trainer; {meta["mevdefense.training"]} -->\n{report}\n{pipelineReport}\nparity: max |ONNX Runtime - TorchSharp| = {maxDiff:E2}\n");
return maxDiff <= 1e-4 ? 0 : 1;

static Evaluation Evaluate(RoleModel model, Dataset set, IReadOnlyList<LabelledWindow> windows)
{
    var ev = new Evaluation();
    using var noGrad = no_grad();
    for (var s = 0; s < set.Count; s += 64)
    {
        using var scope = NewDisposeScope();
        var idx = Enumerable.Range(s, Math.Min(64, set.Count - s)).ToArray();
        var (x, pa, la, mask, _) = set.Batch(idx);
        var pred = model.Logits(x, pa, la, mask).argmax(-1).data<long>().ToArray();
        for (var b = 0; b < idx.Length; b++)
        {
            var w = windows[idx[b]];
            var roles = new TransactionRole[w.Roles.Length];
            for (var i = 0; i < roles.Length; i++)
            {
                roles[i] = (TransactionRole)pred[(b * TransactionFeatures.WindowSize) + i];
            }

            ev.Add(w.Roles, roles, set.Window(idx[b]).Features);
        }
    }

    return ev;
}

static List<LabelledWindow> Windows(string source, int from, int to, int perSeed)
{
    var list = new List<LabelledWindow>();
    for (var seed = from; seed <= to; seed++)
    {
        list.AddRange(source switch
        {
            "features" => FeatureScenarioGenerator.Generate(seed, perSeed),
            "scenarios" => ScenarioWindows.Generate(seed, perSeed),
            "scenarios+features" => ScenarioWindows.Generate(seed, perSeed).Concat(FeatureScenarioGenerator.Generate(seed, perSeed / 2)),
            _ => throw new ArgumentException($"unknown --source {source}"),
        });
    }

    return list;
}

static void PrintRoleCounts(string name, List<LabelledWindow> windows)
{
    var counts = new long[OnnxDetector.RoleCount];
    foreach (var w in windows)
    {
        foreach (var r in w.Roles)
        {
            counts[(int)r]++;
        }
    }

    Console.WriteLine($"{name} roles: " + string.Join(", ", Enum.GetValues<TransactionRole>().Select(r => $"{r}={counts[(int)r]}")));
}

static (int, int) Range(string s)
{
    var parts = s.Split('-');
    return (int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[^1], CultureInfo.InvariantCulture));
}

static Dictionary<string, string> ParseArgs(string[] args)
{
    var d = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["source"] = "scenarios", ["train-seeds"] = "1-40", ["eval-seeds"] = "1001-1010", ["windows-per-seed"] = "60",
        ["epochs"] = "25", ["cpu-bench"] = "", ["init"] = "", ["threads"] = "2", ["eval-only"] = "", ["weights"] = "1,3,2,3,3", ["batch"] = "32", ["lr"] = "0.003", ["gnn"] = "2", ["encoders"] = "1", ["seed"] = "7",
        ["out"] = "src/MevDefense.Detection/Models/mevdefense-roles.onnx",
        ["parity"] = "tests/MevDefense.Detection.Tests/Model/parity-torchsharp.bin",
        ["card"] = "src/MevDefense.Detection/Models/metrics.md",
    };
    for (var i = 0; i + 1 < args.Length; i += 2)
    {
        if (!args[i].StartsWith("--", StringComparison.Ordinal) || !d.ContainsKey(args[i][2..]))
        {
            throw new ArgumentException($"unknown option {args[i]}");
        }

        d[args[i][2..]] = args[i + 1];
    }

    return d;
}
