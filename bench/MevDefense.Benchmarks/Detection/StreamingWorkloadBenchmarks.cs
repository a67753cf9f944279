using BenchmarkDotNet.Attributes;
using MevDefense.Detection;
using MevDefense.Detection.Decoding;
using MevDefense.Detection.Dex;
using MevDefense.Detection.Scenarios;
using MevDefense.Detection.Streaming;
using MevDefense.Wire;

namespace MevDefense.Benchmarks.Detection;

/// <summary>
/// The streaming detector exactly as the load harness drives it (bench/MevDefense.LoadTest: <c>Workload.Create</c> and
/// <c>PipelineHarness</c>): generator seed 20261124, 400 background transactions per slot, wire-legal transactions in
/// entries of 16, 8 entries per entry batch, rules mode without a decision cache, the workload's lookup tables and account
/// state, no leader, one reusable payload buffer. One invocation replays all <see cref="Slots"/> slots (a replay starts a new
/// leader run, so every invocation rebuilds the windows from empty and forwards the same detections). Results are per
/// transaction (<c>OperationsPerInvoke</c>).
/// </summary>
[MemoryDiagnoser]
public class StreamingWorkloadBenchmarks
{
    private const int Slots = 64;
    private const int TransactionsPerEntry = 16;
    private const int EntriesPerBatch = 8;

    private readonly List<(ulong Slot, byte[] Payload)> _batches = [];
    private StreamingDetector _detector = null!;
    private StreamingDetector _unscreened = null!;
    private byte[] _buffer = [];
    private int _transactions;

    /// <summary>Gets the number of transactions one invocation processes (set after setup; constant for the seed).</summary>
    public const int TransactionsPerInvoke = 25_925;

    [GlobalSetup]
    public void Setup()
    {
        using var generator = new ScenarioGenerator(new ScenarioOptions { Seed = 20261124, Slots = Slots, BackgroundTransactionsPerSlot = 400 });
        var data = generator.Generate();
        foreach (var slot in data.Slots)
        {
            var txs = slot.Transactions.Where(t => t.Wire.Length <= TransactionReader.MaxLegacyTransactionSize).Select(t => Transaction.Parse(t.Wire)).ToList();
            _transactions += txs.Count;
            var entries = txs.Chunk(TransactionsPerEntry).Select(c => new Entry(1, default, c)).ToList();
            foreach (var group in entries.Chunk(EntriesPerBatch))
            {
                _batches.Add((slot.Slot, EntryWriter.Write(group)));
            }
        }

        if (_transactions != TransactionsPerInvoke)
        {
            throw new InvalidOperationException($"The workload has {_transactions} transactions, expected {TransactionsPerInvoke}.");
        }

        _buffer = new byte[_batches.Max(b => b.Payload.Length)];
        var detection = new DetectionPipeline(new DetectionOptions { Mode = DetectionMode.Rules, CacheCapacity = 0 });
        _detector = new StreamingDetector(detection, new TransactionDecoder(SwapDecoderRegistry.CreateDefault(), data.LookupTables))
        {
            AccountState = data.AccountState,
        };

        // The same detector with the sandwich rule's pair filters off (the rule as before them; same detections).
        _unscreened = new StreamingDetector(detection, new TransactionDecoder(SwapDecoderRegistry.CreateDefault(), data.LookupTables))
        {
            AccountState = data.AccountState,
        };
        _unscreened.IncrementalRunner!.Sandwich!.UsePairFilters = false;
        Console.WriteLine($"// StreamingWorkload: {_transactions} transactions, {_batches.Count} batches, {Feed(_detector)} detections per replay ({Feed(_unscreened)} without pair filters)");
    }

    /// <summary>Decode and incremental rule detection of every entry batch of the workload (the harness's detector stage).</summary>
    [Benchmark(OperationsPerInvoke = TransactionsPerInvoke)]
    public long Harness() => Feed(_detector);

    /// <summary><see cref="Harness"/> with the sandwich rule's pair filters off: every candidate pair that passes the leg
    /// checks is judged on its transactions (the in-run baseline for the filters).</summary>
    [Benchmark(OperationsPerInvoke = TransactionsPerInvoke)]
    public long HarnessWithoutPairFilters() => Feed(_unscreened);

    private long Feed(StreamingDetector detector)
    {
        long found = 0;
        long ts = 0;
        foreach (var (slot, payload) in _batches)
        {
            // As PipelineHarness: the payload is copied into one reusable buffer and the call must complete synchronously.
            payload.CopyTo(_buffer, 0);
            var result = detector.OnEntryBatchAsync(slot, _buffer.AsMemory(0, payload.Length), ++ts);
            found += result.IsCompletedSuccessfully ? result.Result.Count : result.AsTask().GetAwaiter().GetResult().Count;
        }

        return found;
    }
}
