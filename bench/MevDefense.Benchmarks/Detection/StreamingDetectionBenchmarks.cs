using BenchmarkDotNet.Attributes;
using MevDefense.Detection;
using MevDefense.Detection.Decoding;
using MevDefense.Detection.Dex;
using MevDefense.Detection.Scenarios;
using MevDefense.Detection.Streaming;
using MevDefense.Wire;

namespace MevDefense.Benchmarks.Detection;

/// <summary>
/// The streaming detector over one generated leader run (four slots of 384 transactions: votes, transfers, honest swaps and
/// every MEV pattern; seed 20261124 as the load harness; with and without the account-state provider), fed as entry batches of
/// <see cref="BatchSize"/> transactions the way the shred pipeline delivers them. <see cref="FullRedetect"/> is the previous
/// behaviour (every batch re-detects over the whole leader-run window); <see cref="Incremental"/> indexes only the new
/// transactions and resumes the rules on the pools they touched. Both decode every transaction and forward the same
/// detections. Results are per transaction (<c>OperationsPerInvoke</c>); per batch = per transaction × batch size.
/// </summary>
[MemoryDiagnoser]
public class StreamingDetectionBenchmarks
{
    private const int SlotsPerRun = 4;
    private const int TransactionsPerSlot = 384;

    /// <summary>Gets the number of transactions one invocation processes (the whole leader run).</summary>
    public const int TransactionsPerInvoke = SlotsPerRun * TransactionsPerSlot;

    private readonly List<(ulong Slot, Pubkey Leader, ReadOnlyMemory<byte> Entries)> _batches = [];
    private StreamingDetector _full = null!;
    private StreamingDetector _incremental = null!;
    private StreamingDetector _decodeOnly = null!;

    /// <summary>Gets or sets the transactions per entry batch.</summary>
    [Params(16, 64, 128)]
    public int BatchSize { get; set; }

    /// <summary>Gets or sets whether the account-state provider (pool reserves, token-account mints) is supplied. Without it
    /// more swap directions come from mints revealed later in the window, so the incremental detector revises more.</summary>
    [Params(true, false)]
    public bool AccountState { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var data = ScenarioGenerator.Generate(new ScenarioOptions { Seed = 20261124, Slots = SlotsPerRun, BackgroundTransactionsPerSlot = 400 });
        var decoder = new TransactionDecoder(SwapDecoderRegistry.CreateDefault(), data.LookupTables);
        _full = new StreamingDetector(new DetectionPipeline(new DetectionOptions { Mode = DetectionMode.Rules, CacheCapacity = 0 }), decoder)
        {
            AccountState = AccountState ? data.AccountState : null,
            FullRedetect = true,
        };
        _incremental = new StreamingDetector(new DetectionPipeline(new DetectionOptions { Mode = DetectionMode.Rules, CacheCapacity = 0 }), decoder)
        {
            AccountState = AccountState ? data.AccountState : null,
        };

        _decodeOnly = new StreamingDetector(
            new DetectionPipeline(new DetectionOptions { Mode = DetectionMode.Rules, CacheCapacity = 0, Sandwich = false, Arbitrage = false, JitLiquidity = false, Backrun = false }), decoder)
        {
            AccountState = AccountState ? data.AccountState : null,
        };

        foreach (var slot in data.Slots)
        {
            // Wire-legal transactions only (<= 1232 B), as an entry carries them.
            var txs = slot.Transactions.Where(t => t.Wire.Length <= TransactionReader.MaxLegacyTransactionSize).Take(TransactionsPerSlot).ToList();
            if (txs.Count != TransactionsPerSlot)
            {
                throw new InvalidOperationException($"Slot {slot.Slot} has {txs.Count} wire-legal transactions, expected {TransactionsPerSlot}.");
            }

            foreach (var chunk in txs.Chunk(BatchSize))
            {
                var entry = new Entry(1, default, chunk.Select(t => Transaction.Parse(t.Wire)).ToList());
                _batches.Add((slot.Slot, slot.Leader, EntryWriter.Write([entry])));
            }
        }

        var full = Feed(_full);
        var incremental = Feed(_incremental);
        if (full != incremental)
        {
            throw new InvalidOperationException($"Full re-detection forwarded {full} detections, incremental {incremental} (revisions {_incremental.Revisions}).");
        }
    }

    /// <summary>Previous behaviour: each batch re-runs the rules over the whole leader-run window.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = TransactionsPerInvoke)]
    public long FullRedetect() => Feed(_full);

    /// <summary>Incremental: each batch indexes its transactions and resumes the rules on the pools they touched.</summary>
    [Benchmark(OperationsPerInvoke = TransactionsPerInvoke)]
    public long Incremental() => Feed(_incremental);

    /// <summary>The floor both share: entry parsing, decoding and the incremental index, with no rule enabled.</summary>
    [Benchmark(OperationsPerInvoke = TransactionsPerInvoke)]
    public long DecodeAndIndexOnly() => Feed(_decodeOnly);

    private long Feed(StreamingDetector detector)
    {
        // Replaying the run from its first slot starts a new leader run (the slot goes backwards), so every invocation
        // builds the window from empty and forwards the run's detections again.
        long found = 0;
        long ts = 0;
        foreach (var (slot, leader, entries) in _batches)
        {
            var result = detector.OnEntryBatchAsync(slot, entries, ++ts, leader);
            found += result.IsCompletedSuccessfully ? result.Result.Count : result.AsTask().GetAwaiter().GetResult().Count;
        }

        return found;
    }
}
