using BenchmarkDotNet.Attributes;
using MevDefense.Detection;
using MevDefense.Detection.Decoding;
using MevDefense.Detection.Dex;
using MevDefense.Detection.Scenarios;

namespace MevDefense.Benchmarks.Detection;

/// <summary>
/// Rule detection throughput on generated traffic (seed 42, 64 slots of ~50 transactions each: votes, transfers, honest
/// swaps and every MEV pattern), in leader-run windows of four slots. Results are per transaction
/// (<c>OperationsPerInvoke</c>). <see cref="Rules"/> runs the four rule detectors including the per-window index build;
/// <see cref="DecodeAndRules"/> also decodes every wire transaction (lookup tables resolved).
/// </summary>
[MemoryDiagnoser]
public class RuleDetectionBenchmarks
{
    private const int Slots = 64;
    private readonly List<DetectionWindow> _windows = [];
    private readonly List<List<(byte[] Wire, ulong Slot, int Index)>> _wires = [];
    private readonly List<DetectionEvent> _detections = new(1024);
    private IReadOnlyList<IDetector> _detectors = [];
    private TransactionDecoder _decoder = null!;
    private DetectionWindow _scratch = null!;
    private int _transactions;

    /// <summary>Gets the number of transactions one invocation processes.</summary>
    public const int TransactionsPerInvoke = 3_072; // fixed so OperationsPerInvoke is a constant; checked in setup

    [GlobalSetup]
    public void Setup()
    {
        var dataset = ScenarioGenerator.Generate(new ScenarioOptions { Seed = 42, Slots = Slots });
        _decoder = new TransactionDecoder(SwapDecoderRegistry.CreateDefault(), dataset.LookupTables);
        _detectors = DetectionPipeline.CreateRuleDetectors(new DetectionOptions());
        _scratch = new DetectionWindow();
        foreach (var group in dataset.Slots.GroupBy(s => s.Slot / 4))
        {
            var w = new DetectionWindow();
            var wires = new List<(byte[], ulong, int)>();
            foreach (var slot in group)
            {
                for (var i = 0; i < slot.Transactions.Count && _transactions < TransactionsPerInvoke; i++, _transactions++)
                {
                    _decoder.TryDecode(slot.Transactions[i].Wire, slot.Slot, i, w.AddNew());
                    wires.Add((slot.Transactions[i].Wire, slot.Slot, i));
                }
            }

            _windows.Add(w);
            _wires.Add(wires);
        }

        if (_transactions != TransactionsPerInvoke)
        {
            throw new InvalidOperationException($"The dataset has {_transactions} transactions, expected at least {TransactionsPerInvoke}.");
        }
    }

    /// <summary>The four rule detectors over pre-decoded windows (index rebuilt every time).</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = TransactionsPerInvoke)]
    public int Rules()
    {
        var found = 0;
        foreach (var w in _windows)
        {
            w.Invalidate();
            _detections.Clear();
            foreach (var d in _detectors)
            {
                d.Detect(w, _detections);
            }

            found += _detections.Count;
        }

        return found;
    }

    /// <summary>Decoding every wire transaction into a reused window, then the four rule detectors.</summary>
    [Benchmark(OperationsPerInvoke = TransactionsPerInvoke)]
    public int DecodeAndRules()
    {
        var found = 0;
        foreach (var wires in _wires)
        {
            _scratch.Clear();
            foreach (var (wire, slot, index) in wires)
            {
                if (!_decoder.TryDecode(wire, slot, index, _scratch.AddNew()))
                {
                    _scratch.RemoveLast();
                }
            }

            _detections.Clear();
            foreach (var d in _detectors)
            {
                d.Detect(_scratch, _detections);
            }

            found += _detections.Count;
        }

        return found;
    }
}
