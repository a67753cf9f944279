using System.Runtime.CompilerServices;

namespace MevDefense.Dna.Stores;

/// <summary>
/// A volatile <see cref="IDnaStore"/> for tests, samples and short-lived tools. "Durable" means "in this process's memory":
/// everything is lost when the process exits.
/// </summary>
public sealed class InMemoryDnaStore : IDnaStore
{
    private readonly Lock _lock = new();
    private readonly List<byte[]?> _records = [];
    private readonly List<Hash> _chainHashes = [];
    private readonly Dictionary<Guid, ulong> _byId = [];
    private readonly Dictionary<ulong, List<ulong>> _bySlot = [];
    private readonly Dictionary<Signature, List<ulong>> _byTransaction = [];
    private readonly List<DnaCheckpoint> _checkpoints = [];
    private readonly List<DnaAnchorReceipt> _receipts = [];
    private int _disposed;

    /// <inheritdoc/>
    public ValueTask AppendAsync(IReadOnlyList<DecisionRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        cancellationToken.ThrowIfCancellationRequested();
        if (records.Count == 0)
        {
            throw new ArgumentException("The batch is empty.", nameof(records));
        }

        var bytes = new byte[records.Count][];
        for (int i = 0; i < records.Count; i++)
        {
            DecisionRecord r = records[i] ?? throw new ArgumentException("The batch contains null.", nameof(records));
            if (!r.IsSealed)
            {
                throw new ArgumentException($"Record {r.Sequence} is not sealed.", nameof(records));
            }

            bytes[i] = r.GetCanonicalBytesCached();
        }

        lock (_lock)
        {
            ulong next = (ulong)_records.Count;
            for (int i = 0; i < records.Count; i++)
            {
                if (records[i].Sequence != next + (ulong)i)
                {
                    throw new DnaStoreConflictException($"Expected sequence {next + (ulong)i}, got {records[i].Sequence}.");
                }

                if (_byId.ContainsKey(records[i].Id))
                {
                    throw new DnaStoreConflictException($"Duplicate record id {records[i].Id}.");
                }
            }

            for (int i = 0; i < records.Count; i++)
            {
                DecisionRecord r = records[i];
                _records.Add(bytes[i]);
                _chainHashes.Add(r.ChainHash);
                _byId[r.Id] = r.Sequence;
                AddIndex(_bySlot, r.Slot, r.Sequence);
                foreach (Signature tx in r.Transactions)
                {
                    AddIndex(_byTransaction, tx, r.Sequence);
                }
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask<DnaStoreHead> GetHeadAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        lock (_lock)
        {
            return ValueTask.FromResult(_records.Count == 0 ? DnaStoreHead.Empty : new DnaStoreHead((ulong)_records.Count, _chainHashes[^1]));
        }
    }

    /// <inheritdoc/>
    public ValueTask<DecisionRecord?> GetBySequenceAsync(ulong sequence, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        byte[]? bytes;
        lock (_lock)
        {
            bytes = sequence < (ulong)_records.Count ? _records[(int)sequence] : null;
        }

        return ValueTask.FromResult(bytes is null ? null : DecisionRecord.Parse(bytes));
    }

    /// <inheritdoc/>
    public ValueTask<DecisionRecord?> GetByIdAsync(Guid id, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        byte[]? bytes = null;
        lock (_lock)
        {
            if (_byId.TryGetValue(id, out ulong sequence) && sequence < (ulong)_records.Count)
            {
                bytes = _records[(int)sequence];
            }
        }

        return ValueTask.FromResult(bytes is null ? null : DecisionRecord.Parse(bytes));
    }

    /// <inheritdoc/>
    public IAsyncEnumerable<DecisionRecord> GetBySlotAsync(ulong slot, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        return FromIndex(_bySlot, slot, cancellationToken);
    }

    /// <inheritdoc/>
    public IAsyncEnumerable<DecisionRecord> GetByTransactionAsync(Signature transaction, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        return FromIndex(_byTransaction, transaction, cancellationToken);
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<DecisionRecord> ReadRangeAsync(ulong fromSequence, int maxCount, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (DnaStoredRecord raw in ReadRawRangeAsync(fromSequence, maxCount, cancellationToken).ConfigureAwait(false))
        {
            yield return DecisionRecord.Parse(raw.Bytes.Span);
        }
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<DnaStoredRecord> ReadRawRangeAsync(ulong fromSequence, int maxCount, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxCount);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        await Task.CompletedTask.ConfigureAwait(false);
        const int Page = 1024;
        ulong key = fromSequence;
        int remaining = maxCount;
        var page = new List<DnaStoredRecord>(Page);
        while (remaining > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            page.Clear();
            lock (_lock)
            {
                while (page.Count < Page && page.Count < remaining && key < (ulong)_records.Count)
                {
                    if (_records[(int)key] is { } bytes)
                    {
                        page.Add(new DnaStoredRecord(key, bytes));
                    }

                    key++;
                }
            }

            if (page.Count == 0)
            {
                yield break;
            }

            foreach (DnaStoredRecord r in page)
            {
                yield return r;
            }

            remaining -= page.Count;
        }
    }

    /// <inheritdoc/>
    public ValueTask AddCheckpointAsync(DnaCheckpoint checkpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        lock (_lock)
        {
            if (_checkpoints.Count > 0)
            {
                ulong latest = _checkpoints[^1].Size;
                if (checkpoint.Size < latest)
                {
                    throw new DnaStoreConflictException($"Checkpoint size {checkpoint.Size} is below the latest stored size {latest}.");
                }

                if (checkpoint.Size == latest)
                {
                    return ValueTask.CompletedTask;
                }
            }

            _checkpoints.Add(checkpoint);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask<DnaCheckpoint?> GetLatestCheckpointAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        lock (_lock)
        {
            return ValueTask.FromResult(_checkpoints.Count == 0 ? null : _checkpoints[^1]);
        }
    }

    /// <inheritdoc/>
    public IAsyncEnumerable<DnaCheckpoint> ReadCheckpointsAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        DnaCheckpoint[] snapshot;
        lock (_lock)
        {
            snapshot = [.. _checkpoints];
        }

        return snapshot.ToAsyncEnumerable();
    }

    /// <inheritdoc/>
    public ValueTask AddAnchorReceiptAsync(DnaAnchorReceipt receipt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        lock (_lock)
        {
            int i = _receipts.Count;
            while (i > 0 && _receipts[i - 1].CheckpointSize > receipt.CheckpointSize)
            {
                i--;
            }

            _receipts.Insert(i, receipt);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public IAsyncEnumerable<DnaAnchorReceipt> ReadAnchorReceiptsAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        DnaAnchorReceipt[] snapshot;
        lock (_lock)
        {
            snapshot = [.. _receipts];
        }

        return snapshot.ToAsyncEnumerable();
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        Interlocked.Exchange(ref _disposed, 1);
        return ValueTask.CompletedTask;
    }

    /// <summary>Test hook: replaces the stored bytes under a sequence key (simulates on-disk tampering).</summary>
    internal void TamperReplace(ulong sequence, byte[] bytes)
    {
        lock (_lock)
        {
            _records[(int)sequence] = bytes;
        }
    }

    /// <summary>Test hook: deletes the entry under a sequence key.</summary>
    internal void TamperDelete(ulong sequence)
    {
        lock (_lock)
        {
            _records[(int)sequence] = null;
        }
    }

    /// <summary>Test hook: swaps the bytes stored under two sequence keys.</summary>
    internal void TamperSwap(ulong a, ulong b)
    {
        lock (_lock)
        {
            (_records[(int)a], _records[(int)b]) = (_records[(int)b], _records[(int)a]);
        }
    }

    /// <summary>Test hook: reads the bytes under a sequence key.</summary>
    internal byte[]? TamperRead(ulong sequence)
    {
        lock (_lock)
        {
            return _records[(int)sequence];
        }
    }

    private static void AddIndex<TKey>(Dictionary<TKey, List<ulong>> index, TKey key, ulong sequence)
        where TKey : notnull
    {
        if (!index.TryGetValue(key, out List<ulong>? list))
        {
            index[key] = list = [];
        }

        list.Add(sequence);
    }

    private async IAsyncEnumerable<DecisionRecord> FromIndex<TKey>(Dictionary<TKey, List<ulong>> index, TKey key, [EnumeratorCancellation] CancellationToken cancellationToken)
        where TKey : notnull
    {
        await Task.CompletedTask.ConfigureAwait(false);
        var found = new List<byte[]>();
        lock (_lock)
        {
            if (index.TryGetValue(key, out List<ulong>? sequences))
            {
                foreach (ulong s in sequences)
                {
                    if (_records[(int)s] is { } bytes)
                    {
                        found.Add(bytes);
                    }
                }
            }
        }

        foreach (byte[] bytes in found)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return DecisionRecord.Parse(bytes);
        }
    }
}
