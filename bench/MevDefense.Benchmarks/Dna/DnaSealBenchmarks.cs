using BenchmarkDotNet.Attributes;
using MevDefense.Dna;
using MevDefense.Dna.Checkpoints;
using MevDefense.Dna.Stores;

namespace MevDefense.Benchmarks.Dna;

/// <summary>Record sealing throughput (canonical protobuf, Blake3 chain, Ed25519 signature, Merkle leaf) through the ledger into
/// the in-memory store, and checkpoint signing/verification. Storage cost is measured separately (RocksDB append benchmarks).</summary>
[MemoryDiagnoser]
public class DnaSealBenchmarks
{
    private const int Batch = 512;
    private DnaSigner _signer = null!;
    private InMemoryDnaStore _store = null!;
    private DnaLedger _ledger = null!;
    private DecisionDraft[] _drafts = [];
    private NoteSigner _noteSigner = null!;
    private string _checkpointBody = string.Empty;
    private string _signedCheckpoint = string.Empty;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _signer = DnaSigner.FromSeed([.. Enumerable.Range(1, 32).Select(i => (byte)i)]);
        var random = new Random(7);
        byte[] Bytes(int n)
        {
            byte[] b = new byte[n];
            random.NextBytes(b);
            return b;
        }

        _drafts = [.. Enumerable.Range(0, Batch).Select(i => new DecisionDraft
        {
            EventType = DecisionEventTypes.SandwichDetected,
            Slot = 300_000_000UL + (ulong)i,
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
        _noteSigner = new NoteSigner(DnaLedgerDefaults.Origin, _signer);
        _checkpointBody = new TlogCheckpoint(DnaLedgerDefaults.Origin, 10_000_000, Bytes(32), string.Empty).ToBody();
        _signedCheckpoint = SignedNote.Sign(_checkpointBody, _noteSigner);
    }

    [IterationSetup(Target = nameof(AppendSealedRecords))]
    public void NewLedger()
    {
        _store = new InMemoryDnaStore();
        _ledger = new DnaLedger(_store, _signer, new DnaLedgerOptions { StoreKind = DnaStoreKind.InMemory, CheckpointEveryRecords = 0, MaxBatchSize = Batch });
        _ledger.OpenAsync().GetAwaiter().GetResult();
    }

    /// <summary>Appends 512 records from 512 concurrent callers (group commit): per-record cost of seal + sign + Merkle leaf.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public async Task AppendSealedRecords()
    {
        var tasks = new Task<DecisionRecord>[Batch];
        for (int i = 0; i < Batch; i++)
        {
            tasks[i] = _ledger.AppendAsync(_drafts[i]).AsTask();
        }

        await Task.WhenAll(tasks).ConfigureAwait(false);
    }

    /// <summary>Seal one record the way the ledger did before this change: Google.Protobuf message → body array, then a second
    /// record and canonical array for the sealed copy (same Blake3, Ed25519 and leaf hash as <see cref="SealDirect"/>).</summary>
    /// <returns>The leaf hash's first byte (keeps the work observable).</returns>
    [Benchmark]
    public byte SealViaProtobufMessage()
    {
        DecisionRecord unsealed = Unsealed(_drafts[_next++ & (Batch - 1)]);
        byte[] body = unsealed.GetBodyBytes();
        Hash chain = DnaChain.ComputeChainHash(default, body);
        Span<byte> sig = stackalloc byte[64];
        _signer.Sign(chain.AsSpan(), sig);
        return unsealed.WithSeal(chain, new Signature(sig), body).GetLeafHashCached()[0];
    }

    /// <summary>Seal one record as the ledger does now: body written straight into the final canonical array, sealed in place.</summary>
    /// <returns>The leaf hash's first byte.</returns>
    [Benchmark(Baseline = true)]
    public byte SealDirect()
    {
        Span<byte> sig = stackalloc byte[64];
        DecisionRecord sealedRecord = DnaLedger.Seal(Unsealed(_drafts[_next++ & (Batch - 1)]), default, _signer, sig);
        return sealedRecord.GetLeafHashCached()[0];
    }

    [Benchmark]
    public string SignCheckpoint() => SignedNote.Sign(_checkpointBody, _noteSigner);

    private DecisionRecord Unsealed(DecisionDraft d) =>
        d.ToUnsealedRecord(Guid.CreateVersion7(), 12345, DateTimeOffset.UnixEpoch.AddYears(56), default, _signer.KeyId);

    [Benchmark]
    public ulong OpenAndVerifyCheckpoint() => TlogCheckpoint.Open(_signedCheckpoint, [_noteSigner.Verifier]).Size;
}
