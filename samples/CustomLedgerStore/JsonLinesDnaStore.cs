using System.Runtime.CompilerServices;
using System.Text.Json;
using MevDefense;
using MevDefense.Dna;

namespace CustomLedgerStore;

/// <summary>
/// A minimal custom <see cref="IDnaStore"/>: every record, checkpoint and anchor receipt is one JSON line in an append-only
/// file that is fsynced before an append returns. Records keep their exact canonical bytes (base64), so the ledger and
/// <c>DnaVerifier</c> see precisely what was written. Indexes are rebuilt in memory on open. Not for production volumes:
/// use the RocksDB or PostgreSQL stores; this shows the contract.
/// </summary>
public sealed class JsonLinesDnaStore : IDnaStore
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly FileStream _file;
    private readonly List<byte[]> _records = [];
    private readonly Dictionary<Guid, ulong> _byId = [];
    private readonly List<DnaCheckpoint> _checkpoints = [];
    private readonly List<DnaAnchorReceipt> _anchors = [];
    private Hash _last;

    public JsonLinesDnaStore(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        if (File.Exists(path))
        {
            foreach (string line in File.ReadLines(path))
            {
                Load(line);
            }
        }

        _file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
    }

    public async ValueTask AppendAsync(IReadOnlyList<DecisionRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0 || records.Any(static r => !r.IsSealed))
        {
            throw new ArgumentException("The batch must be non-empty and every record sealed.", nameof(records));
        }

        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            for (int i = 0; i < records.Count; i++)
            {
                if (records[i].Sequence != (ulong)(_records.Count + i))
                {
                    throw new DnaStoreConflictException($"Expected sequence {_records.Count + i}, got {records[i].Sequence}.");
                }
            }

            using var buffer = new MemoryStream();
            foreach (DecisionRecord r in records)
            {
                buffer.Write(JsonSerializer.SerializeToUtf8Bytes(new Line("record", r.Sequence, Convert.ToBase64String(r.ToCanonicalBytes()))));
                buffer.WriteByte((byte)'\n');
            }

            await _file.WriteAsync(buffer.ToArray(), cancellationToken).ConfigureAwait(false);
            _file.Flush(flushToDisk: true); // durable before we acknowledge (one fsync per batch: group commit)
            foreach (DecisionRecord r in records)
            {
                _records.Add(r.ToCanonicalBytes());
                _byId[r.Id] = r.Sequence;
                _last = r.ChainHash;
            }
        }
        finally
        {
            _lock.Release();
        }
    }

    public ValueTask<DnaStoreHead> GetHeadAsync(CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(new DnaStoreHead((ulong)_records.Count, _last));

    public ValueTask<DecisionRecord?> GetBySequenceAsync(ulong sequence, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(sequence < (ulong)_records.Count ? DecisionRecord.Parse(_records[(int)sequence]) : null);

    public ValueTask<DecisionRecord?> GetByIdAsync(Guid id, CancellationToken cancellationToken = default) =>
        _byId.TryGetValue(id, out ulong s) ? GetBySequenceAsync(s, cancellationToken) : ValueTask.FromResult<DecisionRecord?>(null);

    public async IAsyncEnumerable<DecisionRecord> GetBySlotAsync(ulong slot, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (DecisionRecord r in ReadRangeAsync(0, int.MaxValue, cancellationToken).ConfigureAwait(false))
        {
            if (r.Slot == slot)
            {
                yield return r;
            }
        }
    }

    public async IAsyncEnumerable<DecisionRecord> GetByTransactionAsync(Signature transaction, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (DecisionRecord r in ReadRangeAsync(0, int.MaxValue, cancellationToken).ConfigureAwait(false))
        {
            if (r.Transactions.Contains(transaction))
            {
                yield return r;
            }
        }
    }

    public async IAsyncEnumerable<DecisionRecord> ReadRangeAsync(ulong fromSequence, int maxCount, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (DnaStoredRecord raw in ReadRawRangeAsync(fromSequence, maxCount, cancellationToken).ConfigureAwait(false))
        {
            yield return DecisionRecord.Parse(raw.Bytes.Span);
        }
    }

    public async IAsyncEnumerable<DnaStoredRecord> ReadRawRangeAsync(ulong fromSequence, int maxCount, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        for (ulong s = fromSequence; s < (ulong)_records.Count && s - fromSequence < (ulong)maxCount; s++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return new DnaStoredRecord(s, _records[(int)s]);
        }
    }

    public async ValueTask AddCheckpointAsync(DnaCheckpoint checkpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        if (_checkpoints.Count > 0 && checkpoint.Size < _checkpoints[^1].Size)
        {
            throw new DnaStoreConflictException("Checkpoint sizes must not decrease.");
        }

        if (_checkpoints.Count > 0 && checkpoint.Size == _checkpoints[^1].Size)
        {
            return;
        }

        await WriteLineAsync(new Line("checkpoint", checkpoint.Size, checkpoint.SignedNote), cancellationToken).ConfigureAwait(false);
        _checkpoints.Add(checkpoint);
    }

    public ValueTask<DnaCheckpoint?> GetLatestCheckpointAsync(CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_checkpoints.Count == 0 ? null : _checkpoints[^1]);

    public async IAsyncEnumerable<DnaCheckpoint> ReadCheckpointsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        foreach (DnaCheckpoint c in _checkpoints.ToArray())
        {
            yield return c;
        }
    }

    public async ValueTask AddAnchorReceiptAsync(DnaAnchorReceipt receipt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        await WriteLineAsync(new Line("anchor", receipt.CheckpointSize, JsonSerializer.Serialize(new AnchorLine(
            Convert.ToHexStringLower(receipt.RootHash.AsSpan()), receipt.TransactionSignature.ToString(), receipt.Slot, receipt.Memo, receipt.BlockTime))), cancellationToken).ConfigureAwait(false);
        _anchors.Add(receipt);
    }

    public async IAsyncEnumerable<DnaAnchorReceipt> ReadAnchorReceiptsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        foreach (DnaAnchorReceipt a in _anchors.ToArray())
        {
            yield return a;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _file.DisposeAsync().ConfigureAwait(false);
        _lock.Dispose();
    }

    private async ValueTask WriteLineAsync(Line line, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _file.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(line).Append((byte)'\n').ToArray(), cancellationToken).ConfigureAwait(false);
            _file.Flush(flushToDisk: true);
        }
        finally
        {
            _lock.Release();
        }
    }

    private void Load(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return;
        }

        Line line = JsonSerializer.Deserialize<Line>(text) ?? throw new InvalidDataException("Bad line in the ledger file.");
        switch (line.Kind)
        {
            case "record":
                byte[] bytes = Convert.FromBase64String(line.Value);
                DecisionRecord r = DecisionRecord.Parse(bytes);
                _records.Add(bytes);
                _byId[r.Id] = r.Sequence;
                _last = r.ChainHash;
                break;
            case "checkpoint":
                string[] body = line.Value.Split('\n');
                _checkpoints.Add(new DnaCheckpoint(body[0], line.Number, Hash.Read(Convert.FromBase64String(body[2])), line.Value));
                break;
            case "anchor":
                AnchorLine a = JsonSerializer.Deserialize<AnchorLine>(line.Value)!;
                _anchors.Add(new DnaAnchorReceipt(line.Number, new Hash(Convert.FromHexString(a.Root)), Signature.Parse(a.Signature), a.Slot, a.Memo, a.BlockTime));
                break;
        }
    }

    private sealed record Line(string Kind, ulong Number, string Value);

    private sealed record AnchorLine(string Root, string Signature, ulong Slot, string Memo, DateTimeOffset? BlockTime);
}
