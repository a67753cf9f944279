using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using MevDefense.Dna;
using MevDefense.Dna.Stores;

namespace MevDefense.Benchmarks.Dna;

/// <summary>
/// Signed, durable appends into the embedded RocksDB store through the ledger: seal (protobuf, Blake3 chain, Ed25519 signature,
/// Merkle leaf) + group commit into one synced WriteBatch (fdatasync of the WAL) per batch. One operation = one acknowledged record.
/// <see cref="Concurrency"/> callers share the 512 appends of an invocation; with 1 caller every record pays a full sync.
/// Per-append latencies (call to acknowledgement) are collected and printed as p50/p99 at the end of each case.
/// Run pinned to one core: <c>taskset -c 0 dotnet MevDefense.Benchmarks.dll --filter '*RocksDbAppendBenchmarks*' --inProcess --job short</c>.
/// </summary>
[MemoryDiagnoser]
public class RocksDbAppendBenchmarks
{
    private const int PerInvoke = 512;
    private readonly long[] _latencies = new long[1 << 22];
    private long _latencyCount;
    private TimeSpan _cpuAtSetup;
    private string _dir = string.Empty;
    private DnaSigner _signer = null!;
    private RocksDbDnaStore _store = null!;
    private DnaLedger _ledger = null!;
    private DecisionDraft[] _drafts = [];

    /// <summary>Gets or sets the number of concurrent appenders.</summary>
    [Params(1, 512)]
    public int Concurrency { get; set; }

    /// <summary>Gets or sets a value indicating whether each batch is synced (the durable default; false only shows the sync cost).</summary>
    [Params(true, false)]
    public bool Sync { get; set; }

    /// <summary>Gets or sets the on-disk format of the store: 3 (new stores: Merkle pages, short transaction keys, one slot index
    /// entry per slot and batch), 2 (stores created in the fourth session: one slot entry per record) or 1 (stores created before
    /// the fourth session: one entry per Merkle node), all of which this build appends to.</summary>
    [Params(3, 2, 1)]
    public int Format { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _dir = Path.Combine(Path.GetTempPath(), "mevdefense-bench-rocks-" + Guid.NewGuid().ToString("N"));
        _signer = DnaSigner.FromSeed([.. Enumerable.Range(1, 32).Select(i => (byte)i)]);
        _store = RocksDbDnaStore.OpenAsync(new RocksDbDnaStoreOptions { Path = _dir, Sync = Sync, CreateFormatVersion = Format }).GetAwaiter().GetResult();
        _ledger = new DnaLedger(_store, _signer, new DnaLedgerOptions { StorePath = _dir, CheckpointEveryRecords = 0, MaxBatchSize = PerInvoke });
        _ledger.OpenAsync().GetAwaiter().GetResult();
        var random = new Random(11);
        byte[] Bytes(int n)
        {
            byte[] b = new byte[n];
            random.NextBytes(b);
            return b;
        }

        _drafts = [.. Enumerable.Range(0, PerInvoke).Select(i => new DecisionDraft
        {
            EventType = DecisionEventTypes.SandwichDetected,
            Slot = 300_000_000UL + (ulong)(i / 4),
            Transactions = [new Signature(Bytes(64)), new Signature(Bytes(64)), new Signature(Bytes(64))],
            Attacker = new Pubkey(Bytes(32)),
            Victims = [new Pubkey(Bytes(32))],
            Pool = new Pubkey(Bytes(32)),
            Amounts = [new DecisionAmount("estimatedVictimLoss", 123456.789m)],
            Confidence = 0.93,
            Detector = "rules/sandwich",
            ModelVersion = "gnn-1.0.0",
            InputFingerprint = Bytes(32),
        })];
        _cpuAtSetup = Process.GetCurrentProcess().TotalProcessorTime;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        // CPU time of the whole process per acknowledged record (workload + BenchmarkDotNet's bookkeeping, which is small): on a
        // machine shared with other work this is a steadier figure than wall time. 1 / it = records per CPU-second.
        double cpuUsPerRecord = (Process.GetCurrentProcess().TotalProcessorTime - _cpuAtSetup).TotalMilliseconds * 1000 / Math.Max(1UL, _ledger.Count);
        long n = Math.Min(_latencyCount, _latencies.Length);
        if (n > 0)
        {
            long[] sorted = _latencies[..(int)n];
            Array.Sort(sorted);
            double Us(double q) => sorted[(int)Math.Min(n - 1, (long)(q * n))] * 1_000_000.0 / Stopwatch.Frequency;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"// DNA-APPEND-LATENCY Concurrency={Concurrency} Sync={Sync} Format={Format}: n={n} p50={Us(0.50):F1} us p99={Us(0.99):F1} us max={Us(1.0):F1} us records={_ledger.Count} syncedBatches={_store.SyncedBatchCount} cpu={cpuUsPerRecord:F1} us/record ({1_000_000 / cpuUsPerRecord:F0} records per CPU-second)"));
        }

        _ledger.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _store.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _signer.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>512 signed records acknowledged durable, appended by <see cref="Concurrency"/> concurrent callers.</summary>
    [Benchmark(OperationsPerInvoke = PerInvoke)]
    public async Task AppendDurable()
    {
        int per = PerInvoke / Concurrency;
        var workers = new Task[Concurrency];
        for (int w = 0; w < Concurrency; w++)
        {
            int first = w * per;
            workers[w] = Worker(first, per);
        }

        await Task.WhenAll(workers);
    }

    private async Task Worker(int first, int count)
    {
        for (int i = 0; i < count; i++)
        {
            long start = Stopwatch.GetTimestamp();
            await _ledger.AppendAsync(_drafts[first + i]);
            long slot = Interlocked.Increment(ref _latencyCount) - 1;
            if (slot < _latencies.Length)
            {
                _latencies[slot] = Stopwatch.GetTimestamp() - start;
            }
        }
    }
}
