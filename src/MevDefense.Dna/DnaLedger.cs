using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Threading.Tasks.Sources;
using MevDefense.Dna.Checkpoints;
using MevDefense.Dna.Internal;
using MevDefense.Dna.Merkle;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MevDefense.Dna;

/// <summary>
/// The Decision DNA writer: turns drafts and detections into sealed records (UUIDv7 id, sequence, Blake3 chain hash, Ed25519
/// signature), appends them durably through an <see cref="IDnaStore"/> with group commit, keeps the RFC 6962 Merkle tree over
/// the records, signs C2SP checkpoints and issues <c>tlog-proof</c> receipts.
/// </summary>
/// <remarks>
/// <para>Call <see cref="OpenAsync"/> once before use: it loads the chain from the store, checks every parent link and chain hash,
/// and rebuilds the Merkle tree (about 2 × 32 bytes of memory per record).</para>
/// <para>An append is acknowledged only after the store made it durable. If the store fails, the ledger becomes faulted
/// (<see cref="IsWritable"/> is <see langword="false"/>) and refuses further appends: reopen it (and re-verify) after fixing the cause.</para>
/// </remarks>
public sealed class DnaLedger : IDetectionEventSink, IAsyncDisposable
{
    private const int ReadPage = 4096;

    private readonly IDnaStore _store;
    private readonly DnaSigner _signer;
    private readonly NoteSigner _noteSigner;
    private readonly DnaLedgerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly DnaMetrics? _metrics;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ConcurrentQueue<PendingAppend> _pending = new();
    private MerkleTree _tree = new(Rfc6962Hasher.Sha256);
    private byte[]? _sealHashes; // per-batch scratch of the committer (write lock held)
    private byte[]? _sealSignatures;
    private byte[]? _idRandom; // per-batch random bytes of the UUIDv7 ids (write lock held)
    private List<PendingAppend>? _batch; // the committer's reused per-batch lists (write lock held)
    private List<PendingAppend>? _accepted;
    private List<byte[]>? _canonicalScratch;
    private Hash _head;
    private ulong _count;
    private ulong _lastCheckpointSize;
    private volatile bool _opened;
    private volatile Exception? _fault;
    private int _disposed;

    /// <summary>Initializes a ledger over a store.</summary>
    /// <param name="store">The store (the ledger does not own it).</param>
    /// <param name="signer">The signing key (the ledger does not own it).</param>
    /// <param name="options">The options (origin, batch size, checkpoint interval).</param>
    /// <param name="timeProvider">The clock for record timestamps and ids; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="logger">The logger, or <see langword="null"/>.</param>
    /// <param name="meterFactory">The meter factory for <c>MevDefense.Dna</c> metrics, or <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentNullException">A required argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The origin is not a valid note key name, or <see cref="DnaLedgerOptions.MerkleCacheBytes"/> is negative.</exception>
    public DnaLedger(IDnaStore store, DnaSigner signer, DnaLedgerOptions options, TimeProvider? timeProvider = null, ILogger<DnaLedger>? logger = null, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(signer);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(options.MerkleCacheBytes, nameof(options));
        _store = store;
        _signer = signer;
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _metrics = meterFactory is null ? null : new DnaMetrics(meterFactory);
        _noteSigner = new NoteSigner(options.Origin, signer);
    }

    /// <summary>Gets the log origin (checkpoint first line and note key name).</summary>
    public string Origin => _options.Origin;

    /// <summary>Gets the signer's public key.</summary>
    public Pubkey PublicKey => _signer.PublicKey;

    /// <summary>Gets the signer's key id.</summary>
    public string KeyId => _signer.KeyId;

    /// <summary>Gets the verifier key (C2SP vkey) for this ledger's checkpoints.</summary>
    public NoteVerifier CheckpointVerifier => _noteSigner.Verifier;

    /// <summary>Gets the number of durable records.</summary>
    public ulong Count => Volatile.Read(ref _count);

    /// <summary>Gets the chain hash of the last durable record (zero when empty).</summary>
    public Hash Head => _head;

    /// <summary>Gets a value indicating whether the ledger is open, not disposed and not faulted (suitable for a health check).</summary>
    public bool IsWritable => _opened && _fault is null && Volatile.Read(ref _disposed) == 0;

    /// <summary>Gets the Merkle tree over the durable records (leaf i = canonical bytes of record i).</summary>
    internal MerkleTree Tree => _tree;

    /// <summary>Loads the chain from the store, checks parent links and chain hashes (and signatures when configured), and rebuilds the Merkle tree.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the ledger is ready.</returns>
    /// <exception cref="InvalidDataException">The stored chain is broken; the message names the first bad sequence.</exception>
    public async Task OpenAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_opened)
            {
                return;
            }

            DnaStoreHead storeHead = await _store.GetHeadAsync(cancellationToken).ConfigureAwait(false);
            if (!_options.VerifyChainOnOpen && DnaStoreCapabilities.AsNodeStore(_store) is { } nodeStore)
            {
                await OpenFromStoredNodesAsync(storeHead, nodeStore, cancellationToken).ConfigureAwait(false);
                return;
            }

            Hash prev = default;
            ulong expected = 0;
            while (true)
            {
                int n = 0;
                await foreach (DnaStoredRecord raw in _store.ReadRawRangeAsync(expected, ReadPage, cancellationToken).ConfigureAwait(false))
                {
                    string? problem = raw.Sequence != expected ? $"record {expected} is missing" : null;
                    DecisionRecord? record = null;
                    if (problem is null && !DecisionRecord.TryParse(raw.Bytes.Span, out record))
                    {
                        problem = "stored bytes are not a canonical record";
                    }

                    problem ??= record!.Sequence != expected ? $"record claims sequence {record.Sequence}"
                        : record.ParentHash != prev ? "parent hash does not match the previous record"
                        : DnaChain.ComputeChainHash(record) != record.ChainHash ? "chain hash does not match the record"
                        : _options.VerifySignaturesOnOpen && !(record.KeyId == _signer.KeyId && DnaSigner.Verify(_signer.PublicKey, record.ChainHash.AsSpan(), record.Signature.AsSpan())) ? "signature does not verify"
                        : null;
                    if (problem is not null)
                    {
                        _metrics?.Operation("open", success: false);
                        throw new InvalidDataException($"Decision DNA chain is broken at sequence {expected}: {problem}.");
                    }

                    _tree.AppendLeaf(raw.Bytes.Span);
                    prev = record!.ChainHash;
                    expected++;
                    n++;
                }

                if (n < ReadPage)
                {
                    break;
                }
            }

            if (expected != storeHead.Count || (expected > 0 && storeHead.LastChainHash != prev))
            {
                _metrics?.Operation("open", success: false);
                throw new InvalidDataException($"Decision DNA chain is broken at sequence {expected}: the store head ({storeHead.Count}) does not match the records read.");
            }

            DnaCheckpoint? latest = await _store.GetLatestCheckpointAsync(cancellationToken).ConfigureAwait(false);
            _lastCheckpointSize = latest?.Size ?? 0;
            _head = prev;
            Volatile.Write(ref _count, expected);
            _opened = true;
            _metrics?.Operation("open", success: true);
            DnaLog.LedgerOpened(_logger, Origin, expected, _signer.KeyId);
        }
        finally
        {
            await ReleaseWriteLockAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// O(log n) open over a store that persists the Merkle nodes: checks the head record (parse, sequence, chain hash, the store
    /// head hash, its leaf hash against the stored leaf node), loads the right border of the stored tree, and checks the latest
    /// checkpoint's root against the stored nodes. The full chain is re-checked by <see cref="DnaVerifier"/> (or set
    /// <see cref="DnaLedgerOptions.VerifyChainOnOpen"/>).
    /// </summary>
    private async Task OpenFromStoredNodesAsync(DnaStoreHead storeHead, IDnaMerkleNodeStore nodeStore, CancellationToken cancellationToken)
    {
        ulong count = storeHead.Count;
        MerkleTree tree;
        try
        {
            tree = new MerkleTree(Rfc6962Hasher.Sha256, count, nodeStore.TryReadMerkleNode, nodeStore as IMerkleNodeRangeReader, _options.MerkleCacheBytes);
        }
        catch (InvalidDataException ex)
        {
            _metrics?.Operation("open", success: false);
            throw new InvalidDataException($"Decision DNA chain is broken at sequence {count}: {ex.Message}", ex);
        }

        if (count > 0)
        {
            ulong last = count - 1;
            DnaStoredRecord? raw = null;
            await foreach (DnaStoredRecord r in _store.ReadRawRangeAsync(last, 1, cancellationToken).ConfigureAwait(false))
            {
                raw = r;
            }

            string? problem = raw is not { } stored || stored.Sequence != last ? $"record {last} is missing"
                : !DecisionRecord.TryParse(stored.Bytes.Span, out DecisionRecord? record) ? "stored bytes are not a canonical record"
                : record.Sequence != last ? $"record claims sequence {record.Sequence}"
                : DnaChain.ComputeChainHash(record) != record.ChainHash ? "chain hash does not match the record"
                : record.ChainHash != storeHead.LastChainHash ? "the store head hash does not match the last record"
                : !LeafMatches(tree, last, stored.Bytes.Span) ? "the stored Merkle leaf does not match the record"
                : null;
            if (problem is not null)
            {
                _metrics?.Operation("open", success: false);
                throw new InvalidDataException($"Decision DNA chain is broken at sequence {last}: {problem}.");
            }
        }

        DnaCheckpoint? latest = await _store.GetLatestCheckpointAsync(cancellationToken).ConfigureAwait(false);
        if (latest is not null)
        {
            byte[] root = new byte[32];
            bool ok;
            try
            {
                ok = latest.Size <= count && TryRoot(tree, latest.Size, root) && latest.RootHash.AsSpan().SequenceEqual(root);
            }
            catch (InvalidDataException)
            {
                ok = false;
            }

            if (!ok)
            {
                _metrics?.Operation("open", success: false);
                throw new InvalidDataException($"Decision DNA chain is broken at sequence {Math.Min(latest.Size, count)}: the stored Merkle nodes do not reproduce the latest checkpoint (size {latest.Size}).");
            }
        }

        _tree = tree;
        _lastCheckpointSize = latest?.Size ?? 0;
        _head = storeHead.LastChainHash;
        Volatile.Write(ref _count, count);
        _opened = true;
        _metrics?.Operation("open", success: true);
        DnaLog.LedgerOpened(_logger, Origin, count, _signer.KeyId);

        static bool LeafMatches(MerkleTree tree, ulong index, ReadOnlySpan<byte> bytes)
        {
            Span<byte> expected = stackalloc byte[32];
            Span<byte> stored = stackalloc byte[32];
            tree.Hasher.HashLeaf(bytes, expected);
            return tree.TryGetNode(0, index, stored) && expected.SequenceEqual(stored);
        }

        static bool TryRoot(MerkleTree tree, ulong size, byte[] root)
        {
            tree.GetRootHash(size, root);
            return true;
        }
    }

    /// <summary>Seals and durably appends one record.</summary>
    /// <param name="draft">What to record.</param>
    /// <param name="cancellationToken">Cancels waiting; once the record is being written the append completes regardless.</param>
    /// <returns>The durable, signed record.</returns>
    /// <exception cref="ArgumentException">The draft has an out-of-range field.</exception>
    /// <exception cref="InvalidOperationException">The ledger is not open or is faulted.</exception>
    /// <exception cref="IOException">The store failed; the record was not acknowledged.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // once per append: do not run at tier 0
    public ValueTask<DecisionRecord> AppendAsync(DecisionDraft draft, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(draft);
        ThrowIfNotWritable();
        var pending = new PendingAppend(draft, Stopwatch.GetTimestamp());
        if (cancellationToken.CanBeCanceled)
        {
            // Only a record still queued may be withdrawn: the callback completes the append as cancelled only if no committer
            // took it yet (PendingAppend.Cancel). One a committer took is written (or failing) and is acknowledged (or failed) by the
            // committer, whatever the token does. An already cancelled token withdraws the append before it is queued.
            pending.Registration = cancellationToken.UnsafeRegister(static (state, token) => ((PendingAppend)state!).Cancel(token), pending);
        }

        _pending.Enqueue(pending);

        // Combining group commit: whoever finds the write lock free commits everything queued (in batches of MaxBatchSize);
        // everyone else just waits for their own record. ReleaseWriteLockAsync re-checks the queue after releasing, so an
        // append queued while the lock was held is never stranded. The caller waits on its own append, not on the commit: the
        // append completes (durable, failed or cancelled) through PendingAppend, with no Task or async state machine per call.
        if (_writeLock.Wait(0))
        {
            _ = DrainAndReleaseAsync();
        }

        return new ValueTask<DecisionRecord>(pending, pending.Version);
    }

    /// <summary>Records a detection (implements <see cref="IDetectionEventSink"/>): never throws for a bad event; failures are logged and counted.</summary>
    /// <param name="detection">The detection.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the record is durable (or was rejected).</returns>
    public async ValueTask OnDetectionAsync(DetectionEvent detection, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(detection);
        try
        {
            await AppendAsync(DecisionDraft.FromDetection(detection), cancellationToken).ConfigureAwait(false);
            _metrics?.Operation("detection", success: true);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _metrics?.Operation("detection", success: false);
            DnaLog.DetectionNotRecorded(_logger, detection.Kind, detection.Slot, ex);
        }
    }

    /// <summary>Signs a checkpoint for the current tree and stores it (a no-op returning the stored one when nothing was appended since).</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The checkpoint.</returns>
    /// <exception cref="InvalidOperationException">The ledger is not open.</exception>
    public async ValueTask<DnaCheckpoint> CheckpointAsync(CancellationToken cancellationToken = default)
    {
        EnsureOpen();
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await CheckpointCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await ReleaseWriteLockAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Builds a C2SP <c>tlog-proof@v1</c> receipt for a record, against the latest checkpoint that covers it (signing one when needed).</summary>
    /// <param name="sequence">The record's sequence.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The receipt.</returns>
    /// <exception cref="ArgumentOutOfRangeException">No record has that sequence.</exception>
    public async ValueTask<TlogProof> GetReceiptAsync(ulong sequence, CancellationToken cancellationToken = default)
    {
        EnsureOpen();
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(sequence, Count);
        DnaCheckpoint? checkpoint = await _store.GetLatestCheckpointAsync(cancellationToken).ConfigureAwait(false);
        if (checkpoint is null || checkpoint.Size <= sequence || checkpoint.Size > _tree.Size)
        {
            checkpoint = await CheckpointAsync(cancellationToken).ConfigureAwait(false);
        }

        byte[][] proof = _tree.GetInclusionProof(sequence, checkpoint.Size);
        _metrics?.Operation("receipt", success: true);
        return new TlogProof(sequence, [.. proof.Select(p => (ReadOnlyMemory<byte>)p)], checkpoint.SignedNote, ReadOnlyMemory<byte>.Empty);
    }

    /// <summary>Gets the inclusion proof of a record in the tree of a given size.</summary>
    /// <param name="sequence">The record's sequence (leaf index).</param>
    /// <param name="treeSize">The tree size (sequence &lt; treeSize &lt;= <see cref="Count"/>).</param>
    /// <returns>The proof hashes, lowest level first.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The sequence or size is out of range.</exception>
    public byte[][] GetInclusionProof(ulong sequence, ulong treeSize)
    {
        EnsureOpen();
        return _tree.GetInclusionProof(sequence, treeSize);
    }

    /// <summary>Gets the consistency proof between two tree sizes.</summary>
    /// <param name="size1">The older size (&gt; 0).</param>
    /// <param name="size2">The newer size (&lt;= <see cref="Count"/>).</param>
    /// <returns>The proof hashes.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The sizes are out of range.</exception>
    public byte[][] GetConsistencyProof(ulong size1, ulong size2)
    {
        EnsureOpen();
        return _tree.GetConsistencyProof(size1, size2);
    }

    /// <summary>Gets the Merkle root of the first <paramref name="treeSize"/> records.</summary>
    /// <param name="treeSize">The tree size (&lt;= <see cref="Count"/>).</param>
    /// <returns>The SHA-256 root.</returns>
    public Hash GetRootHash(ulong treeSize)
    {
        EnsureOpen();
        Span<byte> root = stackalloc byte[32];
        _tree.GetRootHash(treeSize, root);
        return new Hash(root);
    }

    /// <summary>Health probe: the ledger is writable and its store answers.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="true"/> when healthy.</returns>
    public async ValueTask<bool> ProbeAsync(CancellationToken cancellationToken = default)
    {
        if (!IsWritable)
        {
            return false;
        }

        try
        {
            DnaStoreHead head = await _store.GetHeadAsync(cancellationToken).ConfigureAwait(false);
            return head.Count >= Count;
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or ObjectDisposedException)
        {
            return false;
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.CompareExchange(ref _disposed, 1, 0) != 0)
        {
            return;
        }

        // Wait for an in-flight commit to finish (appends are acknowledged only once durable).
        await _writeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            while (_pending.TryDequeue(out PendingAppend? p))
            {
                if (p.TryTake())
                {
                    p.Fail(new ObjectDisposedException(nameof(DnaLedger)));
                }
            }
        }
        finally
        {
            await ReleaseWriteLockAsync().ConfigureAwait(false);
        }

        _noteSigner.Dispose();
    }

    /// <summary>Commits everything queued, then releases the write lock (which the caller took). Never throws:
    /// <see cref="CommitPendingAsync"/> completes every append it takes.</summary>
    private async Task DrainAndReleaseAsync()
    {
        try
        {
            await DrainAsync().ConfigureAwait(false);
        }
        finally
        {
            await ReleaseWriteLockAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Commits everything queued. Caller holds the write lock.</summary>
    private async Task DrainAsync()
    {
        while (!_pending.IsEmpty)
        {
            await CommitPendingAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Releases the write lock; if appends were queued meanwhile and the lock is free, takes it again and commits them.</summary>
    private async Task ReleaseWriteLockAsync()
    {
        while (true)
        {
            _writeLock.Release();
            if (_pending.IsEmpty || !_writeLock.Wait(0))
            {
                return;
            }

            try
            {
                await DrainAsync().ConfigureAwait(false);
            }
            catch
            {
                _writeLock.Release();
                throw;
            }
        }
    }

    /// <summary>Takes up to <see cref="DnaLedgerOptions.MaxBatchSize"/> queued appends, seals them, writes them in one store
    /// append and completes every one it took (acknowledged only once durable). Caller holds the write lock. Never throws: an
    /// unexpected failure faults the ledger and fails the appends of the batch.</summary>
    private async Task CommitPendingAsync()
    {
        List<PendingAppend> batch = _batch ??= new List<PendingAppend>(Math.Min(_options.MaxBatchSize, 512));
        batch.Clear();
        while (batch.Count < _options.MaxBatchSize && _pending.TryDequeue(out PendingAppend? p))
        {
            if (p.TryTake())
            {
                batch.Add(p);
            }
        }

        if (batch.Count == 0)
        {
            return;
        }

        if (_fault is not null || _disposed != 0)
        {
            Exception ex = _fault is not null ? Faulted() : new ObjectDisposedException(nameof(DnaLedger));
            foreach (PendingAppend p in batch)
            {
                p.Fail(ex);
            }

            batch.Clear();
            return;
        }

        List<PendingAppend> accepted = _accepted ??= new List<PendingAppend>(batch.Capacity);
        accepted.Clear();
        try
        {
            await CommitBatchAsync(batch, accepted).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Not a store failure (CommitBatchAsync handles those): a bug or a disposed signer. Nothing not yet completed is
            // acknowledged; the ledger refuses further appends as after a store failure.
            _fault ??= ex;
            DnaLog.AppendFailed(_logger, accepted.Count, ex);
            foreach (PendingAppend p in batch)
            {
                p.Fail(ex);
            }
        }
        finally
        {
            batch.Clear();
            accepted.Clear();
        }
    }

    private async Task CommitBatchAsync(List<PendingAppend> batch, List<PendingAppend> accepted)
    {
        // Seal: bodies and chain hashes in chain order (each record's parent is the previous chain hash), then one batch
        // signature call for the whole group commit, then the seal fields. A draft with an out-of-range field fails alone and
        // takes no sequence number.
        var records = new List<DecisionRecord>(batch.Count); // handed to the store: a new list per batch
        List<byte[]> canonical = _canonicalScratch ??= new List<byte[]>(batch.Capacity);
        canonical.Clear();
        byte[] hashes = RentSealBuffer(ref _sealHashes, batch.Count * Hash.Size);
        Hash parent = _head;
        ulong sequence = _count;
        // One getrandom call for the whole batch's ids instead of one per record (Guid.CreateVersion7 draws from Guid.NewGuid).
        byte[] idRandom = RentSealBuffer(ref _idRandom, batch.Count * UuidV7.RandomBytes);
        RandomNumberGenerator.Fill(idRandom.AsSpan(0, batch.Count * UuidV7.RandomBytes));
        int position = 0;
        foreach (PendingAppend p in batch)
        {
            int randomOffset = position++ * UuidV7.RandomBytes;
            DecisionRecord unsealed;
            byte[] bytes;
            Hash chain;
            try
            {
                DateTimeOffset now = _time.GetUtcNow();
                unsealed = p.Draft.ToUnsealedRecord(UuidV7.Create(now, idRandom.AsSpan(randomOffset, UuidV7.RandomBytes)), sequence, now, parent, _signer.KeyId);
                bytes = PrepareSeal(unsealed, parent, out chain);
            }
            catch (ArgumentException ex)
            {
                p.Fail(ex);
                _metrics?.Operation("append", success: false);
                continue;
            }

            chain.CopyTo(hashes.AsSpan(records.Count * Hash.Size, Hash.Size));
            records.Add(unsealed);
            accepted.Add(p);
            canonical.Add(bytes);
            parent = chain;
            sequence++;
        }

        if (records.Count == 0)
        {
            return;
        }

        byte[] signatures = RentSealBuffer(ref _sealSignatures, records.Count * Signature.Size);
        _signer.SignHashes(hashes.AsSpan(0, records.Count * Hash.Size), signatures.AsSpan(0, records.Count * Signature.Size));
        for (int i = 0; i < records.Count; i++)
        {
            CompleteSeal(records[i], canonical[i], hashes.AsSpan(i * Hash.Size, Hash.Size), signatures.AsSpan(i * Signature.Size, Signature.Size));
        }

        canonical.Clear();

        try
        {
            await _store.AppendAsync(records, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _fault = ex;
            DnaLog.AppendFailed(_logger, records.Count, ex);
            Exception failure = ex is IOException ? ex : new IOException("The Decision DNA store failed to append; nothing of this batch is acknowledged.", ex);
            foreach (PendingAppend p in accepted)
            {
                _metrics?.Operation("append", success: false);
                p.Fail(failure);
            }

            return;
        }

        foreach (DecisionRecord r in records)
        {
            _tree.AppendLeafHash(r.GetLeafHashCached());
        }

        _head = parent;
        Volatile.Write(ref _count, sequence);
        _metrics?.BatchCommitted(records.Count);

        // The automatic checkpoint, if due, is signed before the batch is acknowledged (the write lock is held here), so an
        // appender that sees its record also sees the checkpoint that covers it. A failed automatic checkpoint is logged and
        // retried after a later batch; the records are durable either way.
        int every = _options.CheckpointEveryRecords;
        if (every > 0 && _count - _lastCheckpointSize >= (ulong)every)
        {
            try
            {
                await CheckpointCoreAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                DnaLog.CheckpointFailed(_logger, _count, ex);
            }
        }

        long now2 = Stopwatch.GetTimestamp();
        for (int i = 0; i < accepted.Count; i++)
        {
            PendingAppend p = accepted[i];
            if (_metrics is { } metrics)
            {
                metrics.Operation("append", success: true);
                metrics.AppendAcknowledged(Stopwatch.GetElapsedTime(p.Started, now2));
            }

            p.Succeed(records[i]);
        }
    }

    /// <summary>Seals one record (the seal benchmark's entry point): <see cref="PrepareSeal"/>, a one-message batch signature and
    /// <see cref="CompleteSeal"/>, the same steps the writer runs per group-commit batch.</summary>
    internal static DecisionRecord Seal(DecisionRecord unsealed, Hash parent, DnaSigner signer, Span<byte> sig)
    {
        byte[] canonical = PrepareSeal(unsealed, parent, out Hash chain);
        signer.SignHashes(chain.AsSpan(), sig[..Signature.Size]);
        CompleteSeal(unsealed, canonical, chain.AsSpan(), sig[..Signature.Size]);
        return unsealed;
    }

    /// <summary>First half of sealing: writes the body straight into the final canonical array (one allocation; the seal fields,
    /// 30 and 31, come last in the canonical encoding and are appended by <see cref="CompleteSeal"/>) and computes the chain hash.</summary>
    /// <exception cref="ArgumentException">A field of the record is out of range.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // once per append: do not run at tier 0
    internal static byte[] PrepareSeal(DecisionRecord unsealed, Hash parent, out Hash chain)
    {
        int bodyLength = unsealed.ComputeBodySize();
        byte[] canonical = new byte[bodyLength + DecisionRecord.SealFieldsSize];
        int written = unsealed.WriteBody(canonical);
        Debug.Assert(written == bodyLength, "body size mismatch");
        chain = DnaChain.ComputeChainHash(parent, canonical.AsSpan(0, bodyLength));
        return canonical;
    }

    /// <summary>Second half of sealing: appends the chain hash and signature fields and seals the record in place.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // once per append: do not run at tier 0
    internal static void CompleteSeal(DecisionRecord unsealed, byte[] canonical, ReadOnlySpan<byte> chain, ReadOnlySpan<byte> signature)
    {
        DecisionRecord.WriteSealFields(canonical.AsSpan(canonical.Length - DecisionRecord.SealFieldsSize), chain, signature);
        unsealed.SealInPlace(new Hash(chain), new Signature(signature), canonical);
    }

    private static byte[] RentSealBuffer(ref byte[]? buffer, int length)
    {
        if (buffer is null || buffer.Length < length)
        {
            buffer = new byte[Math.Max(length, 64 * Signature.Size)];
        }

        return buffer;
    }

    private async ValueTask<DnaCheckpoint> CheckpointCoreAsync(CancellationToken cancellationToken)
    {
        ulong size = _count;
        DnaCheckpoint? latest = await _store.GetLatestCheckpointAsync(cancellationToken).ConfigureAwait(false);
        if (latest is not null && latest.Size == size)
        {
            return latest;
        }

        byte[] root = new byte[32];
        _tree.GetRootHash(size, root);
        string body = new TlogCheckpoint(Origin, size, root, string.Empty).ToBody();
        string note = SignedNote.Sign(body, _noteSigner);
        var checkpoint = new DnaCheckpoint(Origin, size, new Hash(root), note);
        try
        {
            await _store.AddCheckpointAsync(checkpoint, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _metrics?.Operation("checkpoint", success: false);
            throw;
        }

        Volatile.Write(ref _lastCheckpointSize, size);
        _metrics?.Operation("checkpoint", success: true);
        DnaLog.CheckpointSigned(_logger, size);
        return checkpoint;
    }

    private void EnsureOpen()
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (!_opened)
        {
            throw new InvalidOperationException("Call OpenAsync before using the ledger.");
        }
    }

    private void ThrowIfNotWritable()
    {
        EnsureOpen();
        if (_fault is not null)
        {
            throw Faulted();
        }
    }

    private InvalidOperationException Faulted() =>
        new("The Decision DNA ledger is faulted after a store failure; reopen it to continue.", _fault);

    /// <summary>One caller's append: queued, then taken by a committer (or withdrawn by cancellation), then completed exactly
    /// once. It is the caller's <see cref="ValueTask{TResult}"/> source, so an append costs this one object instead of a
    /// <see cref="TaskCompletionSource{TResult}"/>, its task and an async state machine box. Continuations run on the thread
    /// pool, never inline on the committer.</summary>
    private sealed class PendingAppend(DecisionDraft draft, long started) : IValueTaskSource<DecisionRecord>
    {
        private const int Queued = 0;
        private const int Taken = 1;
        private const int Withdrawn = 2;
        private const int Completed = 3;
        private ManualResetValueTaskSourceCore<DecisionRecord> _core = new() { RunContinuationsAsynchronously = true };
        private int _state;

        public DecisionDraft Draft { get; } = draft;

        public long Started { get; } = started;

        public CancellationTokenRegistration Registration { get; set; }

        public short Version => _core.Version;

        /// <summary>A committer takes the append; fails when it was withdrawn.</summary>
        public bool TryTake() => Interlocked.CompareExchange(ref _state, Taken, Queued) == Queued;

        /// <summary>Acknowledges the durable record (the committer that took the append).</summary>
        public void Succeed(DecisionRecord record)
        {
            if (Interlocked.CompareExchange(ref _state, Completed, Taken) == Taken)
            {
                Registration.Unregister();
                _core.SetResult(record);
            }
        }

        /// <summary>Fails the append (the committer that took it, or disposal); a no-op once completed.</summary>
        public void Fail(Exception error)
        {
            if (Interlocked.CompareExchange(ref _state, Completed, Taken) == Taken)
            {
                Registration.Unregister();
                _core.SetException(error);
            }
        }

        /// <summary>The token's callback: withdraws the append if no committer took it yet.</summary>
        public void Cancel(CancellationToken token)
        {
            if (Interlocked.CompareExchange(ref _state, Withdrawn, Queued) == Queued)
            {
                _core.SetException(new OperationCanceledException(token));
            }
        }

        public DecisionRecord GetResult(short token) => _core.GetResult(token);

        public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            _core.OnCompleted(continuation, state, token, flags);
    }
}
