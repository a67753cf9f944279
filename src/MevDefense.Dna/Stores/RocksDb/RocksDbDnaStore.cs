using System.Runtime.CompilerServices;
using System.Threading.Channels;
using System.Buffers.Binary;
using MevDefense.Dna.Internal;
using MevDefense.Dna.Merkle;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RocksDbSharp;

namespace MevDefense.Dna.Stores;

/// <summary>
/// The embedded <see cref="IDnaStore"/> (the default): RocksDB with a synced write-ahead log and group commit.
/// </summary>
/// <remarks>
/// <para>Every write request (append, checkpoint, anchor receipt) goes through one bounded queue to a single writer loop, which
/// drains whatever is queued (up to <see cref="RocksDbDnaStoreOptions.MaxBatchRecords"/> records) into one <c>WriteBatch</c> and
/// writes it with <c>sync = true</c> (an <c>fdatasync</c> of the WAL). Each caller's task completes only after that synced write
/// returned, so many concurrent appenders share one sync. A batch is atomic across the column families: records, the id, slot and
/// transaction-signature indexes, the head, checkpoints and receipts.</para>
/// <para>If a write or sync fails, every waiter of that batch gets an <see cref="IOException"/>, nothing of it is acknowledged, and the
/// store becomes faulted: later writes fail too (as PostgreSQL does after a failed fsync, a failed sync is never retried). Dispose it
/// and open it again; RocksDB recovers the WAL to a consistent prefix of batches.</para>
/// <para>On-disk formats: version 2 keeps the Merkle nodes of levels 0..3 as one 960-byte page per
/// aligned 16-leaf subtree in a <c>pages</c> column family (a partial last page is rewritten once per batch) and levels ≥ 4 one
/// entry per node, and keys the transaction index by the signature's first 8 bytes ‖ sequence (16 instead of 72 bytes; a lookup
/// compares the full signature in each record it finds); the meta family holds <c>format</c> = 2. Version 3 (stores created by this
/// build) is version 2 with one slot index entry per slot and batch instead of one per record (key slot ‖ first sequence, the
/// further sequences of that slot in the batch as varint differences in the value), and with the transaction index written in
/// large sorted runs: the entries of recent records wait in memory (lookups include them) and go into the family together with
/// the meta key <c>txindexed</c> (records below it have their entries there); an open reads the waiting ones back from the
/// records above it. Version 1 (stores created by
/// earlier builds, no <c>format</c> key, no <c>pages</c> family) keeps one entry per node on every level and is opened, verified
/// and appended to in that format; so is a version-2 store. A build that predates version 2 cannot open a version-2 or -3 store:
/// RocksDB refuses to open a database with a column family it was not given; a version-2 build refuses a version-3 marker. (A creation interrupted before the pages family exists leaves an empty
/// version-1 store, which is valid.)</para>
/// </remarks>
public sealed class RocksDbDnaStore : IDnaStore, IDnaMerkleNodeStore, IMerkleNodeRangeReader
{
    private const string NodesCf = "nodes";
    private const ulong NodesBlockCacheBytes = 64UL << 20;
    private const int RebuildBatch = 16384;
    private const string RecordsCf = "records";
    private const string IdsCf = "ids";
    private const string SlotsCf = "slots";
    private const string TxsCf = "txs";
    private const ulong TxsWriteBufferBytes = 8UL << 20;
    private const string CheckpointsCf = "checkpoints";
    private const string AnchorsCf = "anchors";
    private const string MetaCf = "meta";
    private const string PagesCf = "pages";
    private static readonly byte[] HeadKey = "head"u8.ToArray();
    private static readonly byte[] FormatKey = "format"u8.ToArray();
    private static readonly byte[] TxIndexedKey = "txindexed"u8.ToArray(); // format 3: records below it have their txs entries

    private readonly RocksDb _db;
    private readonly ColumnFamilyHandle _records;
    private readonly ColumnFamilyHandle _ids;
    private readonly ColumnFamilyHandle _slots;
    private readonly ColumnFamilyHandle _txs;
    private readonly ColumnFamilyHandle _checkpoints;
    private readonly ColumnFamilyHandle _anchors;
    private readonly ColumnFamilyHandle _meta;
    private readonly ColumnFamilyHandle _nodes;
    private readonly ColumnFamilyHandle? _pages; // format 2 only
    private volatile CachedPage? _lastPage; // the last Merkle page read: a proof's four low-level nodes share one page
    private readonly WriteOptions _writeOptions;
    private readonly ReadOptions _readOptions = new();
    private readonly RocksDbDnaStoreOptions _options;
    private readonly ILogger _logger;
    private readonly Channel<WriteOp> _queue;
    private readonly string _name;
    private readonly SortedBatchEntries _sorted; // writer loop only
    private Task _writer = Task.CompletedTask;
    private volatile HeadState _head;
    private MerkleFrontier _frontier = new(Rfc6962Hasher.Sha256);
    private ulong _latestCheckpointSize;
    private bool _hasCheckpoint;
    private UInt128 _maxStoredId; // largest key in the ids family (big-endian id): an id above it cannot be stored yet
    private bool _hasStoredId;
    private volatile Exception? _fault;
    private long _syncedBatches;
    private int _disposed;
    private int _format; // set by LoadState
    private volatile SortedBatchEntries.TxIndexEntry[][] _txPending = []; // format 3: txs entries not yet in the family, per batch
    private int _txPendingCount; // writer loop only

    /// <summary>The format version of stores created by this build.</summary>
    internal const int CurrentFormatVersion = 3;

    private RocksDbDnaStore(RocksDb db, RocksDbDnaStoreOptions options, ILogger logger, bool paged)
    {
        _db = db;
        _options = options;
        _logger = logger;
        _name = "rocksdb:" + options.Path;
        _records = db.GetColumnFamily(RecordsCf);
        _ids = db.GetColumnFamily(IdsCf);
        _slots = db.GetColumnFamily(SlotsCf);
        _txs = db.GetColumnFamily(TxsCf);
        _checkpoints = db.GetColumnFamily(CheckpointsCf);
        _anchors = db.GetColumnFamily(AnchorsCf);
        _meta = db.GetColumnFamily(MetaCf);
        _nodes = db.GetColumnFamily(NodesCf);
        _pages = paged ? db.GetColumnFamily(PagesCf) : null;
        _sorted = new SortedBatchEntries { Paged = paged, ShortTxKeys = paged };
        _writeOptions = new WriteOptions().SetSync(options.Sync);
        _queue = Channel.CreateBounded<WriteOp>(new BoundedChannelOptions(options.QueueCapacity)
        {
            SingleReader = true,
            SingleWriter = false,
            AllowSynchronousContinuations = false,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _head = new HeadState(DnaStoreHead.Empty);
    }

    /// <summary>Gets the number of synced write batches so far (each is one <c>fdatasync</c> of the WAL when syncing is on).</summary>
    public long SyncedBatchCount => Interlocked.Read(ref _syncedBatches);

    /// <summary>Gets a value indicating whether a write or sync failed; a faulted store refuses writes until reopened.</summary>
    public bool IsFaulted => _fault is not null;

    /// <summary>Gets the on-disk format version of this store (1: one entry per Merkle node; 2: 16-leaf Merkle pages; 3: format 2
    /// with one slot index entry per slot and batch and the transaction index written in sorted runs).</summary>
    internal int FormatVersion => _format;

    /// <summary>Opens (or creates) a store at a directory and starts its writer loop.</summary>
    /// <param name="path">The database directory.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The open store.</returns>
    /// <exception cref="IOException">RocksDB could not open the directory (for example it is locked by another process).</exception>
    /// <exception cref="InvalidDataException">The stored head does not match the stored records.</exception>
    public static Task<RocksDbDnaStore> OpenAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return OpenAsync(new RocksDbDnaStoreOptions { Path = path }, null, cancellationToken);
    }

    /// <summary>Opens (or creates) a store and starts its writer loop.</summary>
    /// <param name="options">The options.</param>
    /// <param name="logger">The logger, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The open store.</returns>
    /// <exception cref="ArgumentException"><see cref="RocksDbDnaStoreOptions.Path"/> is missing or a limit is out of range.</exception>
    /// <exception cref="IOException">RocksDB could not open the directory (for example it is locked by another process).</exception>
    /// <exception cref="InvalidDataException">The stored head does not match the stored records.</exception>
    public static Task<RocksDbDnaStore> OpenAsync(RocksDbDnaStoreOptions options, ILogger<RocksDbDnaStore>? logger = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Path, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxBatchRecords, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.QueueCapacity, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.TxIndexDeferEntries, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.CreateFormatVersion, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.CreateFormatVersion, CurrentFormatVersion, nameof(options));
        cancellationToken.ThrowIfCancellationRequested();
        Directory.CreateDirectory(options.Path);

        // The format is fixed when the store is created: an existing store is version 2 exactly when it has the pages family.
        bool paged = File.Exists(System.IO.Path.Combine(options.Path, "CURRENT"))
            ? RocksDb.TryListColumnFamilies(new DbOptions(), options.Path, out string[]? existing) && existing is not null && existing.Contains(PagesCf)
            : options.CreateFormatVersion >= 2;
        var cfs = new ColumnFamilies();
        string[] names = paged
            ? [RecordsCf, IdsCf, SlotsCf, TxsCf, CheckpointsCf, AnchorsCf, MetaCf, NodesCf, PagesCf]
            : [RecordsCf, IdsCf, SlotsCf, TxsCf, CheckpointsCf, AnchorsCf, MetaCf, NodesCf];
        foreach (string name in names)
        {
            // Point lookups (the duplicate-id probe on every append, records and Merkle nodes for proofs) skip SST files
            // through a 10-bit-per-key Bloom filter.
            var table = new BlockBasedTableOptions().SetFilterPolicy(BloomFilterPolicy.Create(10, false)).SetWholeKeyFiltering(true);
            if (name is NodesCf or PagesCf)
            {
                // Merkle nodes (and format 2's pages) get their own 64 MiB block cache each, so proof reads do not compete with
                // record reads. Index and filter blocks stay outside the cache (the default), held by the open table readers and
                // never evicted.
                table.SetBlockCache(Cache.CreateLru(NodesBlockCacheBytes));
            }

            // Index keys (UUIDv7 ids, slots, transaction signatures) and Merkle node hashes are random or already prefix-encoded
            // by the block format: LZ4 gains less than the 1/8 RocksDB requires to keep a compressed block, so those blocks were
            // stored raw anyway, but every flush and compaction paid for the attempt (LZ4 was ~1-2% of a durable append's CPU).
            // Records are mostly signatures, keys and hashes too; compressing them at every flush and compaction was ~1 us of a
            // store append's ~15 us of CPU (store-only harness, fourth session), so they are stored raw as well. Existing files
            // stay readable: each block records its own compression type.
            var cfOptions = new ColumnFamilyOptions().SetBlockBasedTableFactory(table).SetCompression(Compression.No);

            if (name == TxsCf)
            {
                // Transaction signatures are random keys, about three per record: each insert searches the memtable's skip list
                // from the top, and in the default 64 MiB memtable (~700,000 entries) that search is a chain of cache misses
                // and the largest single cost of a durable append. An 8 MiB memtable keeps the list small enough to stay cached.
                cfOptions.SetWriteBufferSize(TxsWriteBufferBytes);
            }

            cfs.Add(name, cfOptions);
        }

        DbOptions dbOptions = new DbOptions()
            .SetCreateIfMissing(true)
            .SetCreateMissingColumnFamilies(true)
            .SetWalRecoveryMode(Recovery.PointInTime)
            .SetParanoidChecks(true);
        RocksDb db;
        try
        {
            db = RocksDb.Open(dbOptions, options.Path, cfs);
        }
        catch (RocksDbException ex)
        {
            throw new IOException($"Cannot open the Decision DNA RocksDB store at '{options.Path}': {ex.Message}", ex);
        }

        var store = new RocksDbDnaStore(db, options, (ILogger?)logger ?? NullLogger.Instance, paged);
        try
        {
            store.LoadState();
        }
        catch
        {
            db.Dispose();
            throw;
        }

        store._writer = Task.Run(store.WriterLoopAsync, CancellationToken.None);
        DnaStoreLog.StoreOpened(store._logger, store._name, store._head.Value.Count);
        return Task.FromResult(store);
    }

    /// <inheritdoc/>
    public async ValueTask AppendAsync(IReadOnlyList<DecisionRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
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

        await SubmitAsync(new AppendOp([.. records], bytes), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public ValueTask<DnaStoreHead> GetHeadAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        return ValueTask.FromResult(_head.Value);
    }

    /// <inheritdoc/>
    public ValueTask<DecisionRecord?> GetBySequenceAsync(ulong sequence, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        cancellationToken.ThrowIfCancellationRequested();
        byte[]? bytes = _db.Get(DnaStoreCodec.SequenceKey(sequence), _records);
        return ValueTask.FromResult(bytes is null ? null : DecisionRecord.Parse(bytes));
    }

    /// <inheritdoc/>
    public ValueTask<DecisionRecord?> GetByIdAsync(Guid id, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        cancellationToken.ThrowIfCancellationRequested();
        byte[]? seq = _db.Get(DnaStoreCodec.IdKey(id), _ids);
        if (seq is null)
        {
            return ValueTask.FromResult<DecisionRecord?>(null);
        }

        byte[]? bytes = _db.Get(seq, _records);
        return ValueTask.FromResult(bytes is null ? null : DecisionRecord.Parse(bytes));
    }

    /// <inheritdoc/>
    public IAsyncEnumerable<DecisionRecord> GetBySlotAsync(ulong slot, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        return FromIndexAsync(_slots, DnaStoreCodec.SlotPrefix(slot), null, cancellationToken);
    }

    /// <inheritdoc/>
    public IAsyncEnumerable<DecisionRecord> GetByTransactionAsync(Signature transaction, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (_pages is null)
        {
            return FromIndexAsync(_txs, transaction.AsSpan().ToArray(), null, cancellationToken);
        }

        // Format 2 keys the index by the signature's first 8 bytes: records whose signature merely shares them are skipped here.
        return FromIndexAsync(_txs, transaction.AsSpan()[..SortedBatchEntries.ShortTxPrefix].ToArray(), r => r.Transactions.Contains(transaction), cancellationToken);
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
        if (maxCount == 0)
        {
            yield break;
        }

        using Iterator it = _db.NewIterator(_records);
        it.Seek(DnaStoreCodec.SequenceKey(fromSequence));
        for (int n = 0; n < maxCount && it.Valid(); n++, it.Next())
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return new DnaStoredRecord(DnaStoreCodec.ReadSequenceKey(it.GetKeySpan()), it.Value());
        }
    }

    /// <inheritdoc/>
    public async ValueTask AddCheckpointAsync(DnaCheckpoint checkpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        await SubmitAsync(new CheckpointOp(checkpoint), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public ValueTask<DnaCheckpoint?> GetLatestCheckpointAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        using Iterator it = _db.NewIterator(_checkpoints);
        it.SeekToLast();
        return ValueTask.FromResult(it.Valid() ? DnaStoreCodec.DecodeCheckpoint(it.GetValueSpan()) : null);
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<DnaCheckpoint> ReadCheckpointsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        await Task.CompletedTask.ConfigureAwait(false);
        using Iterator it = _db.NewIterator(_checkpoints);
        for (it.SeekToFirst(); it.Valid(); it.Next())
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return DnaStoreCodec.DecodeCheckpoint(it.GetValueSpan());
        }
    }

    /// <inheritdoc/>
    public async ValueTask AddAnchorReceiptAsync(DnaAnchorReceipt receipt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        await SubmitAsync(new AnchorOp(receipt), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<DnaAnchorReceipt> ReadAnchorReceiptsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        await Task.CompletedTask.ConfigureAwait(false);
        using Iterator it = _db.NewIterator(_anchors);
        for (it.SeekToFirst(); it.Valid(); it.Next())
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return DnaStoreCodec.DecodeReceipt(it.GetValueSpan());
        }
    }

    /// <inheritdoc/>
    public bool TryReadMerkleNode(int level, ulong index, Span<byte> destination)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        return TryReadMerkleNodeCore(level, index, destination);
    }

    /// <summary>Reads a run of consecutive nodes of one level with one iterator seek (keys are level ‖ big-endian index, so the run
    /// is adjacent in the nodes column family).</summary>
    int IMerkleNodeRangeReader.ReadMerkleNodeRange(int level, ulong start, int count, Span<byte> destination)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (count <= 0)
        {
            return 0;
        }

        if (_pages is not null && level is >= 0 and < MerklePageCodec.Levels)
        {
            return ReadPagedNodeRange(level, start, count, destination);
        }

        using Iterator it = _db.NewIterator(_nodes);
        it.Seek(NodeKey(level, start));
        int read = 0;
        while (read < count && it.Valid())
        {
            ReadOnlySpan<byte> key = it.GetKeySpan();
            ReadOnlySpan<byte> value = it.GetValueSpan();
            if (key.Length != 9 || key[0] != level || BinaryPrimitives.ReadUInt64BigEndian(key[1..]) != start + (ulong)read || value.Length != Hash.Size)
            {
                break;
            }

            value.CopyTo(destination.Slice(read * Hash.Size, Hash.Size));
            read++;
            it.Next();
        }

        return read;
    }

    /// <summary>Format 2: the consecutive nodes of one level below 4, from consecutive pages (one seek).</summary>
    private int ReadPagedNodeRange(int level, ulong start, int count, Span<byte> destination)
    {
        ulong page = MerklePageCodec.PageOf(level, start);
        using Iterator it = _db.NewIterator(_pages);
        it.Seek(MerklePageCodec.Key(page));
        int read = 0;
        ulong index = start;
        while (read < count && it.Valid() && it.GetKeySpan().Length == MerklePageCodec.KeySize && MerklePageCodec.ReadKey(it.GetKeySpan()) == page)
        {
            ReadOnlySpan<byte> value = it.GetValueSpan();
            while (read < count && MerklePageCodec.PageOf(level, index) == page)
            {
                if (!MerklePageCodec.TryGetNode(value, level, MerklePageCodec.PositionOf(level, index), destination.Slice(read * Hash.Size, Hash.Size)))
                {
                    return read;
                }

                read++;
                index++;
            }

            page++;
            it.Next();
        }

        return read;
    }

    /// <inheritdoc/>
    /// <remarks>Format 2 reads levels 0..3 out of the pages, one pass per level; a value that is not a page yields no nodes (the
    /// verifier reports them missing).</remarks>
    public async IAsyncEnumerable<DnaMerkleNode> ReadMerkleNodesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        await Task.CompletedTask.ConfigureAwait(false);
        if (_pages is not null)
        {
            byte[] hash = new byte[Hash.Size];
            for (int level = 0; level < MerklePageCodec.Levels; level++)
            {
                using Iterator pages = _db.NewIterator(_pages);
                for (pages.SeekToFirst(); pages.Valid(); pages.Next())
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    ulong page = MerklePageCodec.ReadKey(pages.GetKeySpan());
                    byte[] value = pages.Value();
                    ulong first = page * (ulong)(MerklePageCodec.PageLeaves >> level);
                    for (int p = 0; MerklePageCodec.TryGetNode(value, level, p, hash); p++)
                    {
                        yield return new DnaMerkleNode(level, first + (ulong)p, new Hash(hash));
                    }
                }
            }
        }

        using Iterator it = _db.NewIterator(_nodes);
        for (it.SeekToFirst(); it.Valid(); it.Next())
        {
            cancellationToken.ThrowIfCancellationRequested();
            ReadOnlySpan<byte> key = it.GetKeySpan();
            ReadOnlySpan<byte> value = it.GetValueSpan();
            if (key.Length != 9 || value.Length != Hash.Size)
            {
                throw new FormatException($"A stored Merkle node entry has a {key.Length}-byte key and a {value.Length}-byte value (expected 9 and {Hash.Size}).");
            }

            yield return new DnaMerkleNode(key[0], BinaryPrimitives.ReadUInt64BigEndian(key[1..]), new Hash(value));
        }
    }

    /// <summary>Completes the queue, waits for the writer to finish everything already queued, and closes the database.</summary>
    /// <returns>A task that completes when the store is closed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.CompareExchange(ref _disposed, 1, 0) != 0)
        {
            return;
        }

        _queue.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
        _db.Dispose();
    }

    /// <summary>Test hook: overwrites the bytes stored under a sequence key, bypassing the writer (simulates on-disk tampering).</summary>
    internal void TamperPut(ulong sequence, byte[] bytes) => _db.Put(DnaStoreCodec.SequenceKey(sequence), bytes, _records, _writeOptions);

    /// <summary>Test hook: deletes the entry under a sequence key, bypassing the writer.</summary>
    internal void TamperDelete(ulong sequence) => _db.Remove(DnaStoreCodec.SequenceKey(sequence), _records, _writeOptions);

    /// <summary>Test hook: overwrites a stored Merkle node, bypassing the writer (format 2, levels 0..3: that node inside its page).</summary>
    internal void TamperPutNode(int level, ulong index, byte[] hash)
    {
        _lastPage = null;
        if (_pages is null || level >= MerklePageCodec.Levels)
        {
            _db.Put(NodeKey(level, index), hash, _nodes, _writeOptions);
            return;
        }

        ulong pageIndex = MerklePageCodec.PageOf(level, index);
        byte[] page = ReadPage(pageIndex) ?? throw new InvalidOperationException($"Page {pageIndex} is not stored.");
        int leaves = MerklePageCodec.LeavesFor(page.Length);
        hash.CopyTo(page, (MerklePageCodec.LevelOffset(leaves, level) + MerklePageCodec.PositionOf(level, index)) * Hash.Size);
        TamperPutPage(pageIndex, page);
    }

    /// <summary>Test hook: deletes a stored Merkle node, bypassing the writer (format 2, levels 0..3: its whole page).</summary>
    internal void TamperDeleteNode(int level, ulong index)
    {
        _lastPage = null;
        if (_pages is null || level >= MerklePageCodec.Levels)
        {
            _db.Remove(NodeKey(level, index), _nodes, _writeOptions);
            return;
        }

        _db.Remove(MerklePageCodec.Key(MerklePageCodec.PageOf(level, index)), _pages, _writeOptions);
    }

    /// <summary>Test hook (format 2): reads the stored bytes of a Merkle page.</summary>
    internal byte[]? TamperReadPage(ulong page) => _pages is null ? null : ReadPage(page);

    /// <summary>Test hook (format 2): overwrites the stored bytes of a Merkle page, bypassing the writer.</summary>
    internal void TamperPutPage(ulong page, byte[] bytes)
    {
        _lastPage = null;
        _db.Put(MerklePageCodec.Key(page), bytes, _pages ?? throw new InvalidOperationException("A format-1 store has no pages."), _writeOptions);
    }

    /// <summary>Test hook: reads the bytes under a sequence key.</summary>
    internal byte[]? TamperRead(ulong sequence) => _db.Get(DnaStoreCodec.SequenceKey(sequence), _records);

    private async ValueTask SubmitAsync(WriteOp op, CancellationToken cancellationToken)
    {
        if (_fault is { } fault)
        {
            throw Faulted(fault);
        }

        try
        {
            await _queue.Writer.WriteAsync(op, cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            throw new ObjectDisposedException(nameof(RocksDbDnaStore));
        }

        await op.Completion.Task.ConfigureAwait(false);
    }

    private void LoadState()
    {
        // Format 1 has no marker and no pages family; formats 2 and 3 have both (the marker is written right after the families are
        // created, before anything is appended, so a paged store without one is a new store: it gets the version asked for).
        byte[]? format = _db.Get(FormatKey, _meta);
        if (format is null)
        {
            _format = _pages is null ? 1 : Math.Max(2, _options.CreateFormatVersion);
            if (_pages is not null)
            {
                _db.Put(FormatKey, new byte[] { (byte)_format }, _meta, _writeOptions);
            }
        }
        else if (format.Length == 1 && _pages is not null && format[0] is >= 2 and <= CurrentFormatVersion)
        {
            _format = format[0];
        }
        else
        {
            throw new InvalidDataException(format.Length == 1 && format[0] > CurrentFormatVersion
                ? $"The Decision DNA store at '{_options.Path}' has format version {format[0]}, written by a newer build; this build reads versions 1 to {CurrentFormatVersion}."
                : $"The Decision DNA store at '{_options.Path}' has a format marker that does not match its column families.");
        }

        _sorted.GroupSlots = _format >= 3;
        _sorted.DeferTxs = _format >= 3;

        byte[]? head = _db.Get(HeadKey, _meta);
        DnaStoreHead h = head is null ? DnaStoreHead.Empty : DnaStoreCodec.DecodeHead(head);
        using (Iterator it = _db.NewIterator(_records))
        {
            it.SeekToLast();
            ulong stored = it.Valid() ? DnaStoreCodec.ReadSequenceKey(it.GetKeySpan()) + 1 : 0;
            if (stored != h.Count)
            {
                throw new InvalidDataException($"The Decision DNA store at '{_options.Path}' is inconsistent: its head says {h.Count} records but the last stored sequence key is {(long)stored - 1}.");
            }
        }

        _head = new HeadState(h);
        if (_format >= 3)
        {
            LoadPendingTxEntries(h.Count);
        }

        _frontier = (MerkleFrontier.Load(Rfc6962Hasher.Sha256, h.Count, TryReadMerkleNodeCore) is { } loaded && TryStartPage(h.Count))
            ? loaded
            : RebuildNodes(h.Count);
        using (Iterator ids = _db.NewIterator(_ids))
        {
            ids.SeekToLast();
            if (ids.Valid() && ids.GetKeySpan().Length == 16)
            {
                _hasStoredId = true;
                _maxStoredId = BinaryPrimitives.ReadUInt128BigEndian(ids.GetKeySpan());
            }
        }

        using Iterator cp = _db.NewIterator(_checkpoints);
        cp.SeekToLast();
        if (cp.Valid())
        {
            _hasCheckpoint = true;
            _latestCheckpointSize = DnaStoreCodec.ReadSequenceKey(cp.GetKeySpan());
        }
    }

    /// <summary>Format 3: the transaction index entries of the records at or above the <c>txindexed</c> marker are not in the txs
    /// family yet (the writer puts them there in large sorted runs); they are read back from those records. A record that does not
    /// parse is skipped here (it is tampered with or torn; <c>verify</c> names it).</summary>
    private void LoadPendingTxEntries(ulong count)
    {
        byte[]? marker = _db.Get(TxIndexedKey, _meta);
        if (marker is null)
        {
            return; // every record's entries are in the family
        }

        ulong from = DnaStoreCodec.ReadSequenceKey(marker);
        if (from > count)
        {
            throw new InvalidDataException($"The Decision DNA store at '{_options.Path}' is inconsistent: its transaction index marker is {from} but it holds {count} records.");
        }

        var entries = new List<SortedBatchEntries.TxIndexEntry>();
        using (Iterator it = _db.NewIterator(_records))
        {
            for (it.Seek(DnaStoreCodec.SequenceKey(from)); it.Valid(); it.Next())
            {
                ulong sequence = DnaStoreCodec.ReadSequenceKey(it.GetKeySpan());
                if (sequence >= count)
                {
                    break;
                }

                DecisionRecord record;
                try
                {
                    record = DecisionRecord.Parse(it.GetValueSpan());
                }
                catch (FormatException)
                {
                    continue;
                }

                foreach (Signature tx in record.Transactions)
                {
                    entries.Add(new SortedBatchEntries.TxIndexEntry(SortedBatchEntries.TxIndexEntry.PrefixOf(tx), sequence));
                }
            }
        }

        entries.Sort();
        _txPending = entries.Count == 0 ? [] : [entries.ToArray()];
        _txPendingCount = entries.Count;
    }

    /// <summary>Format 3: puts the pending transaction index entries (and <paramref name="more"/>) into a batch in key order.</summary>
    private void PutTxEntries(WriteBatch batch, SortedBatchEntries.TxIndexEntry[][] pending, SortedBatchEntries.TxIndexEntry[] more)
    {
        int n = more.Length;
        foreach (SortedBatchEntries.TxIndexEntry[] chunk in pending)
        {
            n += chunk.Length;
        }

        var all = new SortedBatchEntries.TxIndexEntry[n];
        int at = 0;
        foreach (SortedBatchEntries.TxIndexEntry[] chunk in pending)
        {
            chunk.CopyTo(all, at);
            at += chunk.Length;
        }

        more.CopyTo(all, at);
        Array.Sort(all);
        Span<byte> key = stackalloc byte[SortedBatchEntries.TxIndexEntry.KeySize];
        foreach (SortedBatchEntries.TxIndexEntry e in all)
        {
            e.WriteKey(key);
            batch.Put(key, ReadOnlySpan<byte>.Empty, _txs);
        }
    }

    /// <summary>Format 2: loads the current partial page into the writer's page (false when it is missing or does not hold exactly
    /// the leaves the head says, which makes the store rebuild its nodes).</summary>
    private bool TryStartPage(ulong count)
    {
        if (_pages is null)
        {
            return true;
        }

        Span<byte> full = stackalloc byte[MerklePageCodec.FullBytes];
        full.Clear();
        int leaves = (int)(count % MerklePageCodec.PageLeaves);
        if (leaves > 0)
        {
            byte[]? page = ReadPage(count / MerklePageCodec.PageLeaves);
            if (page is null || MerklePageCodec.Decode(page, full) != leaves)
            {
                return false;
            }
        }

        _sorted.StartPage(count, full);
        return true;
    }

    private byte[]? ReadPage(ulong page) => _db.Get(MerklePageCodec.Key(page), _pages);

    private bool TryReadMerkleNodeCore(int level, ulong index, Span<byte> destination)
    {
        if (_pages is not null && level is >= 0 and < MerklePageCodec.Levels)
        {
            // One Get per page: the nodes of a proof's four lowest levels are all in the leaf's page. A cached page can only be
            // behind (a partial page grows; nodes it holds never change), so a node it lacks is read again.
            ulong page = MerklePageCodec.PageOf(level, index);
            int position = MerklePageCodec.PositionOf(level, index);
            if (_lastPage is { } cached && cached.Index == page && MerklePageCodec.TryGetNode(cached.Span, level, position, destination))
            {
                return true;
            }

            // A pinned read copies the page once, out of the block cache, instead of RocksDB copying it into a malloc'd string that
            // is then copied into a new managed array.
            Span<byte> pageKey = stackalloc byte[MerklePageCodec.KeySize];
            MerklePageCodec.WriteKey(page, pageKey);
            byte[] bytes = new byte[MerklePageCodec.FullBytes];
            int length = RocksDbPinnedRead.Read(_db, _readOptions, _pages, pageKey, bytes);
            if (length < 0 || length > bytes.Length)
            {
                return false; // absent, or too long to be a page (TryGetNode rejects any other malformed length)
            }

            var read = new CachedPage(page, bytes, length);
            _lastPage = read;
            return MerklePageCodec.TryGetNode(read.Span, level, position, destination);
        }

        Span<byte> key = stackalloc byte[DnaStoreCodec.NodeKeySize];
        DnaStoreCodec.WriteNodeKey(level, index, key);
        return RocksDbPinnedRead.Read(_db, _readOptions, _nodes, key, destination[..Hash.Size]) == Hash.Size;
    }

    /// <summary>Writes the Merkle nodes of a store created before nodes were persisted (once, O(n)); later opens read O(log n) nodes.</summary>
    private MerkleFrontier RebuildNodes(ulong count)
    {
        var frontier = new MerkleFrontier(Rfc6962Hasher.Sha256);
        var batch = new WriteBatch();
        _lastPage = null;
        SortedBatchEntries? paged = null;
        if (_pages is not null)
        {
            paged = new SortedBatchEntries { Paged = true };
            paged.StartPage(0, []);
        }

        try
        {
            MerkleFrontier.NodeSink sink = paged is not null
                ? paged.AddNode
                : (level, index, hash) => batch.Put(NodeKey(level, index), hash, _nodes);
            using Iterator it = _db.NewIterator(_records);
            for (it.SeekToFirst(); it.Valid() && frontier.Size < count; it.Next())
            {
                if (DnaStoreCodec.ReadSequenceKey(it.GetKeySpan()) != frontier.Size)
                {
                    throw new InvalidDataException($"The Decision DNA store at '{_options.Path}' is missing record {frontier.Size}; its Merkle nodes cannot be rebuilt.");
                }

                frontier.AppendLeaf(it.GetValueSpan(), sink);
                if (paged is not null && (frontier.Size % RebuildBatch) == 0)
                {
                    paged.WriteTo(batch, _ids, _slots, _txs, _nodes, _pages);
                    paged.Clear();
                }

                if (batch.Count() >= RebuildBatch)
                {
                    _db.Write(batch, _writeOptions);
                    batch.Dispose();
                    batch = new WriteBatch();
                }
            }

            if (paged is not null)
            {
                paged.WriteTo(batch, _ids, _slots, _txs, _nodes, _pages);
            }

            if (batch.Count() > 0)
            {
                _db.Write(batch, _writeOptions);
            }
        }
        finally
        {
            batch.Dispose();
        }

        _lastPage = null;
        if (!TryStartPage(frontier.Size))
        {
            throw new InvalidDataException($"The Decision DNA store at '{_options.Path}' could not rebuild its Merkle pages.");
        }

        return frontier;
    }

    private static byte[] NodeKey(int level, ulong index) => DnaStoreCodec.NodeKey(level, index);

    private async Task WriterLoopAsync()
    {
        var ops = new List<WriteOp>();
        ChannelReader<WriteOp> reader = _queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            ops.Clear();
            int records = 0;
            while (records < _options.MaxBatchRecords && reader.TryRead(out WriteOp? op))
            {
                ops.Add(op);
                records += op is AppendOp a ? a.Records.Length : 1;
            }

            if (ops.Count > 0)
            {
                try
                {
                    CommitBatch(ops);
                }
                catch (Exception ex)
                {
                    // A bug or an unexpected native error must not leave callers waiting forever: fault the store as a failed sync does.
                    _fault ??= ex;
                    DnaStoreLog.StoreWriteFailed(_logger, _name, ops.Count, ex);
                    foreach (WriteOp op in ops)
                    {
                        op.Completion.TrySetException(new IOException("The Decision DNA store failed to write; nothing of this batch is acknowledged.", ex));
                    }
                }
            }
        }

        // Disposed: anything still queued cannot be written any more.
        while (reader.TryRead(out WriteOp? op))
        {
            op.Completion.TrySetException(new ObjectDisposedException(nameof(RocksDbDnaStore)));
        }

        // Format 3: the waiting transaction index entries go into the family, so the next open need not read them back.
        if (_txPendingCount > 0 && _fault is null && _options.FlushTxIndexOnDispose)
        {
            try
            {
                using var batch = new WriteBatch();
                PutTxEntries(batch, _txPending, []);
                batch.Put(TxIndexedKey, DnaStoreCodec.SequenceKey(_head.Value.Count), _meta);
                _db.Write(batch, _writeOptions);
            }
            catch (RocksDbException ex)
            {
                DnaStoreLog.StoreWriteFailed(_logger, _name, 0, ex); // the next open reads them back from the records
            }
        }
    }

    private void CommitBatch(List<WriteOp> ops)
    {
        if (_fault is { } fault)
        {
            foreach (WriteOp op in ops)
            {
                op.Completion.TrySetException(Faulted(fault));
            }

            return;
        }

        DnaStoreHead head = _head.Value;
        ulong next = head.Count;
        Hash last = head.LastChainHash;
        bool hasCheckpoint = _hasCheckpoint;
        ulong checkpointSize = _latestCheckpointSize;
        var accepted = new List<WriteOp>(ops.Count);
        HashSet<Guid>? batchIds = null;
        using var batch = new WriteBatch();
        MerkleFrontier? frontier = null;
        MerkleFrontier.NodeSink? nodeSink = null;
        Span<byte> seqKey = stackalloc byte[8];
        Span<byte> idBytes = stackalloc byte[16];
        _sorted.Clear();
        foreach (WriteOp op in ops)
        {
            switch (op)
            {
                case AppendOp append:
                    if (CheckAppend(append, next, ref batchIds) is { } conflict)
                    {
                        op.Completion.TrySetException(conflict);
                        continue;
                    }

                    frontier ??= _frontier.Clone();
                    nodeSink ??= _sorted.AddNode;
                    for (int i = 0; i < append.Records.Length; i++)
                    {
                        DecisionRecord r = append.Records[i];
                        frontier.AppendLeafHash(r.GetLeafHashCached(), nodeSink);
                        BinaryPrimitives.WriteUInt64BigEndian(seqKey, r.Sequence);
                        batch.Put(seqKey, append.Bytes[i], _records);
                        _sorted.Add(r);
                    }

                    next += (ulong)append.Records.Length;
                    last = append.Records[^1].ChainHash;
                    break;
                case CheckpointOp cp:
                    if (hasCheckpoint && cp.Checkpoint.Size < checkpointSize)
                    {
                        op.Completion.TrySetException(new DnaStoreConflictException($"Checkpoint size {cp.Checkpoint.Size} is below the latest stored size {checkpointSize}."));
                        continue;
                    }

                    if (!hasCheckpoint || cp.Checkpoint.Size > checkpointSize)
                    {
                        batch.Put(DnaStoreCodec.SequenceKey(cp.Checkpoint.Size), DnaStoreCodec.EncodeCheckpoint(cp.Checkpoint), _checkpoints);
                        hasCheckpoint = true;
                        checkpointSize = cp.Checkpoint.Size;
                    }

                    break;
                case AnchorOp anchor:
                    batch.Put(DnaStoreCodec.AnchorKey(anchor.Receipt.CheckpointSize, anchor.Receipt.TransactionSignature), DnaStoreCodec.EncodeReceipt(anchor.Receipt), _anchors);
                    break;
            }

            accepted.Add(op);
        }

        if (accepted.Count == 0)
        {
            return;
        }

        // The index and node entries go in key order per column family: RocksDB's memtable skip list remembers the position of
        // its last insert, so ascending keys skip most of the search that dominated the write (about 8 inserts per record).
        _sorted.WriteTo(batch, _ids, _slots, _txs, _nodes, _pages);
        SortedBatchEntries.TxIndexEntry[]? txChunk = null;
        bool txFlush = false;
        if (next != head.Count)
        {
            batch.Put(HeadKey, DnaStoreCodec.EncodeHead(next, last), _meta);
            if (_sorted.DeferTxs)
            {
                // Format 3: the transaction index entries are random keys; inserted a batch at a time they were the largest cost of an
                // append (each one a search of the whole memtable). They wait in memory and go in as one sorted run of at least
                // TxIndexDeferEntries, in the same atomic batch that moves the marker; a reopen reads the waiting ones back from the
                // records above the marker.
                txChunk = _sorted.TakeTxEntries();
                if (_txPendingCount + txChunk.Length >= _options.TxIndexDeferEntries)
                {
                    PutTxEntries(batch, _txPending, txChunk);
                    batch.Put(TxIndexedKey, DnaStoreCodec.SequenceKey(next), _meta);
                    txFlush = true;
                }
                else if (_txPendingCount == 0)
                {
                    batch.Put(TxIndexedKey, DnaStoreCodec.SequenceKey(head.Count), _meta);
                }
            }
        }

        try
        {
            if (batch.Count() > 0)
            {
                _db.Write(batch, _writeOptions);
                Interlocked.Increment(ref _syncedBatches);
            }
        }
        catch (Exception ex)
        {
            // A failed write or sync is never retried: the WAL state is unknown until the database is reopened and recovered.
            _fault = ex;
            DnaStoreLog.StoreWriteFailed(_logger, _name, accepted.Count, ex);
            foreach (WriteOp op in accepted)
            {
                op.Completion.TrySetException(new IOException("The Decision DNA store failed to write or sync; nothing of this batch is acknowledged.", ex));
            }

            return;
        }

        if (txFlush)
        {
            _txPending = [];
            _txPendingCount = 0;
        }
        else if (txChunk is { Length: > 0 })
        {
            _txPending = [.. _txPending, txChunk];
            _txPendingCount += txChunk.Length;
        }

        _head = new HeadState(new DnaStoreHead(next, last));
        if (frontier is not null)
        {
            _frontier = frontier;
        }

        _hasCheckpoint = hasCheckpoint;
        _latestCheckpointSize = checkpointSize;
        foreach (WriteOp op in accepted)
        {
            if (op is AppendOp written)
            {
                foreach (DecisionRecord r in written.Records)
                {
                    r.Id.TryWriteBytes(idBytes, bigEndian: true, out _);
                    UInt128 key = BinaryPrimitives.ReadUInt128BigEndian(idBytes);
                    if (!_hasStoredId || key > _maxStoredId)
                    {
                        _maxStoredId = key;
                        _hasStoredId = true;
                    }
                }
            }
        }

        foreach (WriteOp op in accepted)
        {
            op.Completion.TrySetResult();
        }
    }

    private DnaStoreConflictException? CheckAppend(AppendOp append, ulong next, ref HashSet<Guid>? batchIds)
    {
        for (int i = 0; i < append.Records.Length; i++)
        {
            if (append.Records[i].Sequence != next + (ulong)i)
            {
                return new DnaStoreConflictException($"Expected sequence {next + (ulong)i}, got {append.Records[i].Sequence}.");
            }
        }

        batchIds ??= [];
        Span<byte> idKey = stackalloc byte[16];
        for (int i = 0; i < append.Records.Length; i++)
        {
            Guid id = append.Records[i].Id;
            id.TryWriteBytes(idKey, bigEndian: true, out _);

            // The ids family is ordered by the big-endian id, so an id above its largest key is not stored: UUIDv7 ids are
            // time-ordered, and a new batch's ids are almost always above everything stored, which skips the point lookup
            // (a memtable search plus a Bloom probe per SST file) for them. Ids at or below the maximum are still probed.
            if (batchIds.Contains(id) || (_hasStoredId && BinaryPrimitives.ReadUInt128BigEndian(idKey) <= _maxStoredId && _db.HasKey(idKey, _ids)))
            {
                // Roll back the ids this request already claimed in the batch.
                for (int j = 0; j < i; j++)
                {
                    batchIds.Remove(append.Records[j].Id);
                }

                return new DnaStoreConflictException($"Duplicate record id {id}.");
            }

            batchIds.Add(id);
        }

        return null;
    }

    private async IAsyncEnumerable<DecisionRecord> FromIndexAsync(ColumnFamilyHandle index, byte[] prefix, Func<DecisionRecord, bool>? match, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        SortedBatchEntries.TxIndexEntry[][] pending = index == _txs ? _txPending : []; // before the family: an entry moves from here to there
        var sequences = new List<byte[]>();
        using (Iterator it = _db.NewIterator(index))
        {
            for (it.Seek(prefix); it.Valid(); it.Next())
            {
                ReadOnlySpan<byte> key = it.GetKeySpan();
                if (key.Length != prefix.Length + 8 || !key.StartsWith(prefix))
                {
                    break;
                }

                sequences.Add(key[prefix.Length..].ToArray());

                // Format 3 slot groups: the further sequences of the group (formats 1 and 2, and transaction entries, have none).
                ReadOnlySpan<byte> group = it.GetValueSpan();
                for (ulong sequence = DnaStoreCodec.ReadSequenceKey(key[prefix.Length..]); !group.IsEmpty;)
                {
                    sequence = DnaStoreCodec.ReadIndexGroupNext(sequence, ref group);
                    sequences.Add(DnaStoreCodec.SequenceKey(sequence));
                }
            }
        }

        if (pending.Length > 0 && prefix.Length == SortedBatchEntries.ShortTxPrefix)
        {
            AddPendingTxSequences(pending, BinaryPrimitives.ReadUInt64BigEndian(prefix), sequences);
        }

        foreach (byte[] seq in sequences)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_db.Get(seq, _records) is { } bytes && DecisionRecord.Parse(bytes) is var record && (match is null || match(record)))
            {
                yield return record;
            }
        }
    }

    /// <summary>Format 3: adds the waiting entries of a signature prefix; the result stays in sequence order without duplicates (an
    /// entry written to the family after <paramref name="pending"/> was taken is found in both).</summary>
    private static void AddPendingTxSequences(SortedBatchEntries.TxIndexEntry[][] pending, ulong prefix, List<byte[]> sequences)
    {
        var found = new SortedSet<ulong>();
        foreach (SortedBatchEntries.TxIndexEntry[] chunk in pending)
        {
            // The first entry of the prefix: chunks are sorted by (prefix, sequence) and no sequence is below 0.
            int lo = Array.BinarySearch(chunk, new SortedBatchEntries.TxIndexEntry(prefix, 0));
            for (int i = lo < 0 ? ~lo : lo; i < chunk.Length && chunk[i].Prefix == prefix; i++)
            {
                found.Add(chunk[i].Sequence);
            }
        }

        if (found.Count == 0)
        {
            return;
        }

        foreach (byte[] key in sequences)
        {
            found.Add(DnaStoreCodec.ReadSequenceKey(key));
        }

        sequences.Clear();
        foreach (ulong sequence in found)
        {
            sequences.Add(DnaStoreCodec.SequenceKey(sequence));
        }
    }

    private static IOException Faulted(Exception fault) =>
        new("The Decision DNA store is faulted after a failed write or sync; dispose and reopen it.", fault);

    private sealed class CachedPage(ulong index, byte[] bytes, int length)
    {
        public ulong Index { get; } = index;

        public ReadOnlySpan<byte> Span => bytes.AsSpan(0, length);
    }

    private sealed class HeadState(DnaStoreHead value)
    {
        public DnaStoreHead Value { get; } = value;
    }

    private abstract class WriteOp
    {
        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class AppendOp(DecisionRecord[] records, byte[][] bytes) : WriteOp
    {
        public DecisionRecord[] Records { get; } = records;

        public byte[][] Bytes { get; } = bytes;
    }

    private sealed class CheckpointOp(DnaCheckpoint checkpoint) : WriteOp
    {
        public DnaCheckpoint Checkpoint { get; } = checkpoint;
    }

    private sealed class AnchorOp(DnaAnchorReceipt receipt) : WriteOp
    {
        public DnaAnchorReceipt Receipt { get; } = receipt;
    }
}
