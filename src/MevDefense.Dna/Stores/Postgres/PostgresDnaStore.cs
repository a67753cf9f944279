using System.Data;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using MevDefense.Dna.Internal;
using MevDefense.Dna.Merkle;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;

namespace MevDefense.Dna.Stores;

/// <summary>
/// A PostgreSQL <see cref="IDnaStore"/> (Npgsql) for deployments that outgrow one machine: several hosts append to one database,
/// each to its own chain (<see cref="PostgresDnaStoreOptions.ChainId"/>), and anchoring covers each chain's checkpoints.
/// </summary>
/// <remarks>
/// <para>Each append is one transaction with <c>synchronous_commit = on</c>: the records, their id/slot/transaction indexes and
/// the chain head row (locked with <c>FOR UPDATE</c>, which serializes appenders of one chain, also across processes) commit
/// atomically, and the call returns only after PostgreSQL flushed the commit to its WAL. PostgreSQL's own group commit shares WAL
/// flushes between concurrent transactions. The schema is created on first use.</para>
/// <para>A failed commit is surfaced as <see cref="IOException"/>; when the connection broke during the commit, the outcome is
/// unknown to the caller, so the ledger faults and must be reopened, which re-reads the chain from the database.</para>
/// </remarks>
public sealed partial class PostgresDnaStore : IDnaStore, IDnaMerkleNodeStore
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly bool _ownsDataSource;
    private readonly string _chain;
    private readonly string _s;
    private int _disposed;
    private MerkleFrontier? _frontier; // the frontier after the last commit by this process (reused when no other writer appended since)

    private PostgresDnaStore(NpgsqlDataSource dataSource, bool ownsDataSource, string chainId, string schema)
    {
        _dataSource = dataSource;
        _ownsDataSource = ownsDataSource;
        _chain = chainId;
        _s = schema;
    }

    /// <summary>Gets the chain id this store appends to.</summary>
    public string ChainId => _chain;

    /// <summary>Connects, creates the schema when missing, and opens the chain of <see cref="PostgresDnaStoreOptions.ChainId"/>.</summary>
    /// <param name="options">The options (with a connection string).</param>
    /// <param name="logger">The logger, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The open store (it owns its data source).</returns>
    /// <exception cref="ArgumentException">The connection string is missing, or the chain id or schema is invalid.</exception>
    /// <exception cref="IOException">The database cannot be reached.</exception>
    public static async Task<PostgresDnaStore> OpenAsync(PostgresDnaStoreOptions options, ILogger<PostgresDnaStore>? logger = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.ConnectionString, nameof(options));
        NpgsqlDataSource dataSource = NpgsqlDataSource.Create(options.ConnectionString);
        try
        {
            return await OpenCoreAsync(dataSource, ownsDataSource: true, options, logger, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await dataSource.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Opens a chain over an existing data source (which the store does not own), creating the schema when missing.</summary>
    /// <param name="dataSource">The Npgsql data source.</param>
    /// <param name="options">The options (the connection string is ignored).</param>
    /// <param name="logger">The logger, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The open store.</returns>
    /// <exception cref="ArgumentException">The chain id or schema is invalid.</exception>
    /// <exception cref="IOException">The database cannot be reached.</exception>
    public static Task<PostgresDnaStore> OpenAsync(NpgsqlDataSource dataSource, PostgresDnaStoreOptions options, ILogger<PostgresDnaStore>? logger = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(options);
        return OpenCoreAsync(dataSource, ownsDataSource: false, options, logger, cancellationToken);
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

        int n = records.Count;
        long[] sequences = new long[n];
        Guid[] ids = new Guid[n];
        long[] slots = new long[n];
        byte[][] hashes = new byte[n][];
        byte[][] bytes = new byte[n][];
        var txs = new List<byte[]>();
        var txSequences = new List<long>();
        for (int i = 0; i < n; i++)
        {
            DecisionRecord r = records[i] ?? throw new ArgumentException("The batch contains null.", nameof(records));
            if (!r.IsSealed)
            {
                throw new ArgumentException($"Record {r.Sequence} is not sealed.", nameof(records));
            }

            sequences[i] = checked((long)r.Sequence);
            ids[i] = r.Id;
            slots[i] = unchecked((long)r.Slot);
            hashes[i] = r.ChainHash.ToArray();
            bytes[i] = r.GetCanonicalBytesCached();
            foreach (Signature tx in r.Transactions)
            {
                txs.Add(tx.AsSpan().ToArray());
                txSequences.Add(sequences[i]);
            }
        }

        MerkleFrontier? staged = null;
        await RunWriteAsync(async (conn, tx, ct) =>
        {
            (long count, _) = await LockHeadAsync(conn, tx, ct).ConfigureAwait(false);
            for (int i = 0; i < n; i++)
            {
                if (sequences[i] != count + i)
                {
                    throw new DnaStoreConflictException($"Expected sequence {count + i}, got {records[i].Sequence}.");
                }
            }

            await using (var insert = new NpgsqlCommand(
                $"INSERT INTO {_s}.records (chain_id, sequence, id, slot, chain_hash, bytes) SELECT $1, * FROM unnest($2::bigint[], $3::uuid[], $4::bigint[], $5::bytea[], $6::bytea[])",
                conn, tx))
            {
                insert.Parameters.Add(new NpgsqlParameter { Value = _chain });
                insert.Parameters.Add(new NpgsqlParameter { Value = sequences });
                insert.Parameters.Add(new NpgsqlParameter { Value = ids });
                insert.Parameters.Add(new NpgsqlParameter { Value = slots });
                insert.Parameters.Add(new NpgsqlParameter { Value = hashes, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
                insert.Parameters.Add(new NpgsqlParameter { Value = bytes, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
                await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            if (txs.Count > 0)
            {
                await using var index = new NpgsqlCommand(
                    $"INSERT INTO {_s}.record_txs (chain_id, tx, sequence) SELECT $1, * FROM unnest($2::bytea[], $3::bigint[]) ON CONFLICT DO NOTHING",
                    conn, tx);
                index.Parameters.Add(new NpgsqlParameter { Value = _chain });
                index.Parameters.Add(new NpgsqlParameter { Value = txs.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
                index.Parameters.Add(new NpgsqlParameter { Value = txSequences.ToArray() });
                await index.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            // The Merkle nodes completed by this batch, in the same transaction (the frontier is O(log n) rows).
            MerkleFrontier frontier = (await LoadFrontierAsync(conn, tx, (ulong)count, ct).ConfigureAwait(false)).Clone();
            var nodeLevels = new List<short>(2 * n);
            var nodeIndexes = new List<long>(2 * n);
            var nodeHashes = new List<byte[]>(2 * n);
            MerkleFrontier.NodeSink sink = (level, index, hash) =>
            {
                nodeLevels.Add((short)level);
                nodeIndexes.Add((long)index);
                nodeHashes.Add(hash.ToArray());
            };
            foreach (byte[] b in bytes)
            {
                frontier.AppendLeaf(b, sink);
            }

            await InsertNodesAsync(conn, tx, nodeLevels, nodeIndexes, nodeHashes, ct).ConfigureAwait(false);
            await using var head = new NpgsqlCommand($"UPDATE {_s}.heads SET count = $2, last_hash = $3 WHERE chain_id = $1", conn, tx);
            head.Parameters.Add(new NpgsqlParameter { Value = _chain });
            head.Parameters.Add(new NpgsqlParameter { Value = count + n });
            head.Parameters.Add(new NpgsqlParameter { Value = hashes[^1] });
            await head.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            staged = frontier;
        }, cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _frontier, staged);
    }

    /// <inheritdoc/>
    public async ValueTask<DnaStoreHead> GetHeadAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        await using NpgsqlCommand cmd = _dataSource.CreateCommand($"SELECT count, last_hash FROM {_s}.heads WHERE chain_id = $1");
        cmd.Parameters.Add(new NpgsqlParameter { Value = _chain });
        await using NpgsqlDataReader reader = await ExecuteReaderAsync(cmd, cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return DnaStoreHead.Empty;
        }

        long count = reader.GetInt64(0);
        return count == 0 ? DnaStoreHead.Empty : new DnaStoreHead((ulong)count, new Hash((byte[])reader[1]));
    }

    /// <inheritdoc/>
    public async ValueTask<DecisionRecord?> GetBySequenceAsync(ulong sequence, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (sequence > long.MaxValue)
        {
            return null;
        }

        await using NpgsqlCommand cmd = _dataSource.CreateCommand($"SELECT bytes FROM {_s}.records WHERE chain_id = $1 AND sequence = $2");
        cmd.Parameters.Add(new NpgsqlParameter { Value = _chain });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (long)sequence });
        return await ReadOneAsync(cmd, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask<DecisionRecord?> GetByIdAsync(Guid id, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        await using NpgsqlCommand cmd = _dataSource.CreateCommand($"SELECT bytes FROM {_s}.records WHERE chain_id = $1 AND id = $2");
        cmd.Parameters.Add(new NpgsqlParameter { Value = _chain });
        cmd.Parameters.Add(new NpgsqlParameter { Value = id });
        return await ReadOneAsync(cmd, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public IAsyncEnumerable<DecisionRecord> GetBySlotAsync(ulong slot, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        return QueryRecordsAsync($"SELECT bytes FROM {_s}.records WHERE chain_id = $1 AND slot = $2 ORDER BY sequence", unchecked((long)slot), cancellationToken);
    }

    /// <inheritdoc/>
    public IAsyncEnumerable<DecisionRecord> GetByTransactionAsync(Signature transaction, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        return QueryRecordsAsync(
            $"SELECT r.bytes FROM {_s}.record_txs t JOIN {_s}.records r ON r.chain_id = t.chain_id AND r.sequence = t.sequence WHERE t.chain_id = $1 AND t.tx = $2 ORDER BY t.sequence",
            transaction.AsSpan().ToArray(),
            cancellationToken);
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
        if (maxCount == 0 || fromSequence > long.MaxValue)
        {
            yield break;
        }

        await using NpgsqlCommand cmd = _dataSource.CreateCommand($"SELECT sequence, bytes FROM {_s}.records WHERE chain_id = $1 AND sequence >= $2 ORDER BY sequence LIMIT $3");
        cmd.Parameters.Add(new NpgsqlParameter { Value = _chain });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (long)fromSequence });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (long)maxCount });
        await using NpgsqlDataReader reader = await ExecuteReaderAsync(cmd, cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return new DnaStoredRecord((ulong)reader.GetInt64(0), (byte[])reader[1]);
        }
    }

    /// <inheritdoc/>
    public async ValueTask AddCheckpointAsync(DnaCheckpoint checkpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        long size = checked((long)checkpoint.Size);
        await RunWriteAsync(async (conn, tx, ct) =>
        {
            await LockHeadAsync(conn, tx, ct).ConfigureAwait(false);
            await using var latest = new NpgsqlCommand($"SELECT max(size) FROM {_s}.checkpoints WHERE chain_id = $1", conn, tx);
            latest.Parameters.Add(new NpgsqlParameter { Value = _chain });
            object? max = await latest.ExecuteScalarAsync(ct).ConfigureAwait(false);
            if (max is long m)
            {
                if (size < m)
                {
                    throw new DnaStoreConflictException($"Checkpoint size {size} is below the latest stored size {m}.");
                }

                if (size == m)
                {
                    return;
                }
            }

            await using var insert = new NpgsqlCommand($"INSERT INTO {_s}.checkpoints (chain_id, size, origin, root, note) VALUES ($1, $2, $3, $4, $5)", conn, tx);
            insert.Parameters.Add(new NpgsqlParameter { Value = _chain });
            insert.Parameters.Add(new NpgsqlParameter { Value = size });
            insert.Parameters.Add(new NpgsqlParameter { Value = checkpoint.Origin });
            insert.Parameters.Add(new NpgsqlParameter { Value = checkpoint.RootHash.ToArray() });
            insert.Parameters.Add(new NpgsqlParameter { Value = checkpoint.SignedNote });
            await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask<DnaCheckpoint?> GetLatestCheckpointAsync(CancellationToken cancellationToken = default)
    {
        await foreach (DnaCheckpoint cp in QueryCheckpointsAsync("ORDER BY size DESC LIMIT 1", cancellationToken).ConfigureAwait(false))
        {
            return cp;
        }

        return null;
    }

    /// <inheritdoc/>
    public IAsyncEnumerable<DnaCheckpoint> ReadCheckpointsAsync(CancellationToken cancellationToken = default) =>
        QueryCheckpointsAsync("ORDER BY size", cancellationToken);

    /// <inheritdoc/>
    public async ValueTask AddAnchorReceiptAsync(DnaAnchorReceipt receipt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        await RunWriteAsync(async (conn, tx, ct) =>
        {
            await using var insert = new NpgsqlCommand(
                $"INSERT INTO {_s}.anchors (chain_id, checkpoint_size, tx_signature, root, slot, memo, block_time) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
                conn, tx);
            insert.Parameters.Add(new NpgsqlParameter { Value = _chain });
            insert.Parameters.Add(new NpgsqlParameter { Value = checked((long)receipt.CheckpointSize) });
            insert.Parameters.Add(new NpgsqlParameter { Value = receipt.TransactionSignature.AsSpan().ToArray() });
            insert.Parameters.Add(new NpgsqlParameter { Value = receipt.RootHash.ToArray() });
            insert.Parameters.Add(new NpgsqlParameter { Value = unchecked((long)receipt.Slot) });
            insert.Parameters.Add(new NpgsqlParameter { Value = receipt.Memo });
            insert.Parameters.Add(new NpgsqlParameter { Value = (object?)receipt.BlockTime?.ToUniversalTime() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<DnaAnchorReceipt> ReadAnchorReceiptsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        await using NpgsqlCommand cmd = _dataSource.CreateCommand(
            $"SELECT checkpoint_size, root, tx_signature, slot, memo, block_time FROM {_s}.anchors WHERE chain_id = $1 ORDER BY checkpoint_size, tx_signature");
        cmd.Parameters.Add(new NpgsqlParameter { Value = _chain });
        await using NpgsqlDataReader reader = await ExecuteReaderAsync(cmd, cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            DateTimeOffset? blockTime = reader.IsDBNull(5) ? null : new DateTimeOffset(reader.GetFieldValue<DateTime>(5), TimeSpan.Zero);
            yield return new DnaAnchorReceipt(
                (ulong)reader.GetInt64(0),
                new Hash((byte[])reader[1]),
                new Signature((byte[])reader[2]),
                unchecked((ulong)reader.GetInt64(3)),
                reader.GetString(4),
                blockTime);
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.CompareExchange(ref _disposed, 1, 0) != 0)
        {
            return;
        }

        if (_ownsDataSource)
        {
            await _dataSource.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public bool TryReadMerkleNode(int level, ulong index, Span<byte> destination)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        using NpgsqlCommand cmd = _dataSource.CreateCommand($"SELECT hash FROM {_s}.merkle_nodes WHERE chain_id = $1 AND level = $2 AND idx = $3");
        cmd.Parameters.Add(new NpgsqlParameter { Value = _chain });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (short)level });
        cmd.Parameters.Add(new NpgsqlParameter { Value = unchecked((long)index) });
        try
        {
            if (cmd.ExecuteScalar() is not byte[] { Length: Hash.Size } hash)
            {
                return false;
            }

            hash.CopyTo(destination);
            return true;
        }
        catch (NpgsqlException ex) when (ex is not PostgresException || ex.IsTransient)
        {
            throw new IOException("The Decision DNA PostgreSQL store failed to read a Merkle node.", ex);
        }
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<DnaMerkleNode> ReadMerkleNodesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        await using NpgsqlCommand cmd = _dataSource.CreateCommand($"SELECT level, idx, hash FROM {_s}.merkle_nodes WHERE chain_id = $1 ORDER BY level, idx");
        cmd.Parameters.Add(new NpgsqlParameter { Value = _chain });
        await using NpgsqlDataReader reader = await ExecuteReaderAsync(cmd, cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            byte[] hash = (byte[])reader[2];
            if (hash.Length != Hash.Size)
            {
                throw new FormatException($"A stored Merkle node hash has {hash.Length} bytes, expected {Hash.Size}.");
            }

            yield return new DnaMerkleNode(reader.GetInt16(0), unchecked((ulong)reader.GetInt64(1)), new Hash(hash));
        }
    }

    /// <summary>Test hook: overwrites a stored Merkle node.</summary>
    internal async Task TamperPutNodeAsync(int level, ulong index, byte[] hash)
    {
        await using NpgsqlCommand cmd = _dataSource.CreateCommand($"UPDATE {_s}.merkle_nodes SET hash = $4 WHERE chain_id = $1 AND level = $2 AND idx = $3");
        cmd.Parameters.Add(new NpgsqlParameter { Value = _chain });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (short)level });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (long)index });
        cmd.Parameters.Add(new NpgsqlParameter { Value = hash });
        await cmd.ExecuteNonQueryAsync().ConfigureAwait(false);
    }

    /// <summary>Test hook: overwrites the stored bytes of a record (simulates tampering by a database user).</summary>
    internal async Task TamperPutAsync(ulong sequence, byte[] bytes)
    {
        await using NpgsqlCommand cmd = _dataSource.CreateCommand($"UPDATE {_s}.records SET bytes = $3 WHERE chain_id = $1 AND sequence = $2");
        cmd.Parameters.Add(new NpgsqlParameter { Value = _chain });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (long)sequence });
        cmd.Parameters.Add(new NpgsqlParameter { Value = bytes });
        await cmd.ExecuteNonQueryAsync().ConfigureAwait(false);
    }

    private static async Task<PostgresDnaStore> OpenCoreAsync(NpgsqlDataSource dataSource, bool ownsDataSource, PostgresDnaStoreOptions options, ILogger? logger, CancellationToken cancellationToken)
    {
        if (!SchemaName().IsMatch(options.Schema))
        {
            throw new ArgumentException($"Schema '{options.Schema}' is not a plain lower-case identifier.", nameof(options));
        }

        if (string.IsNullOrEmpty(options.ChainId) || options.ChainId.Length > 200)
        {
            throw new ArgumentException("ChainId must be 1 to 200 characters.", nameof(options));
        }

        var store = new PostgresDnaStore(dataSource, ownsDataSource, options.ChainId, options.Schema);
        await store.RunWriteAsync(async (conn, tx, ct) =>
        {
            string s = options.Schema;
            await using var cmd = new NpgsqlCommand(
                $"""
                SELECT pg_advisory_xact_lock(hashtext('mevdefense_dna_schema:{s}'));
                CREATE SCHEMA IF NOT EXISTS {s};
                CREATE TABLE IF NOT EXISTS {s}.heads (chain_id text PRIMARY KEY, count bigint NOT NULL, last_hash bytea NOT NULL);
                CREATE TABLE IF NOT EXISTS {s}.records (
                    chain_id text NOT NULL, sequence bigint NOT NULL, id uuid NOT NULL, slot bigint NOT NULL,
                    chain_hash bytea NOT NULL, bytes bytea NOT NULL, PRIMARY KEY (chain_id, sequence));
                CREATE UNIQUE INDEX IF NOT EXISTS records_id ON {s}.records (chain_id, id);
                CREATE INDEX IF NOT EXISTS records_slot ON {s}.records (chain_id, slot, sequence);
                CREATE TABLE IF NOT EXISTS {s}.record_txs (chain_id text NOT NULL, tx bytea NOT NULL, sequence bigint NOT NULL, PRIMARY KEY (chain_id, tx, sequence));
                CREATE TABLE IF NOT EXISTS {s}.checkpoints (chain_id text NOT NULL, size bigint NOT NULL, origin text NOT NULL, root bytea NOT NULL, note text NOT NULL, PRIMARY KEY (chain_id, size));
                CREATE TABLE IF NOT EXISTS {s}.anchors (
                    chain_id text NOT NULL, checkpoint_size bigint NOT NULL, tx_signature bytea NOT NULL, root bytea NOT NULL,
                    slot bigint NOT NULL, memo text NOT NULL, block_time timestamptz, PRIMARY KEY (chain_id, checkpoint_size, tx_signature));
                CREATE TABLE IF NOT EXISTS {s}.merkle_nodes (chain_id text NOT NULL, level smallint NOT NULL, idx bigint NOT NULL, hash bytea NOT NULL, PRIMARY KEY (chain_id, level, idx));
                """,
                conn,
                tx);
            await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            await using var head = new NpgsqlCommand($"INSERT INTO {s}.heads (chain_id, count, last_hash) VALUES ($1, 0, $2) ON CONFLICT DO NOTHING", conn, tx);
            head.Parameters.Add(new NpgsqlParameter { Value = options.ChainId });
            head.Parameters.Add(new NpgsqlParameter { Value = new byte[Hash.Size] });
            await head.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        DnaStoreHead head = await store.GetHeadAsync(cancellationToken).ConfigureAwait(false);
        DnaStoreLog.StoreOpened(logger ?? NullLogger.Instance, "postgres:" + options.ChainId, head.Count);
        return store;
    }

    /// <summary>The frontier at <paramref name="count"/> (caller holds the head lock): the cached one when no other writer appended,
    /// else O(log n) stored rows, else (a chain written before nodes were stored) rebuilt from the records and stored, once.</summary>
    private async Task<MerkleFrontier> LoadFrontierAsync(NpgsqlConnection conn, NpgsqlTransaction tx, ulong count, CancellationToken ct)
    {
        if (Volatile.Read(ref _frontier) is { } cached && cached.Size == count)
        {
            return cached;
        }

        var wanted = MerkleFrontier.Coordinates(count).ToList();
        var found = new Dictionary<(int, ulong), byte[]>();
        if (wanted.Count > 0)
        {
            await using var cmd = new NpgsqlCommand(
                $"SELECT n.level, n.idx, n.hash FROM {_s}.merkle_nodes n JOIN unnest($2::smallint[], $3::bigint[]) AS w(level, idx) ON n.level = w.level AND n.idx = w.idx WHERE n.chain_id = $1",
                conn,
                tx);
            cmd.Parameters.Add(new NpgsqlParameter { Value = _chain });
            cmd.Parameters.Add(new NpgsqlParameter { Value = wanted.Select(w => (short)w.Level).ToArray() });
            cmd.Parameters.Add(new NpgsqlParameter { Value = wanted.Select(w => (long)w.Index).ToArray() });
            await using NpgsqlDataReader reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                found[(reader.GetInt16(0), (ulong)reader.GetInt64(1))] = (byte[])reader[2];
            }
        }

        MerkleFrontier? loaded = MerkleFrontier.Load(Rfc6962Hasher.Sha256, count, (level, index, destination) =>
        {
            if (!found.TryGetValue((level, index), out byte[]? h) || h.Length != Hash.Size)
            {
                return false;
            }

            h.CopyTo(destination);
            return true;
        });
        return loaded ?? await RebuildNodesAsync(conn, tx, count, ct).ConfigureAwait(false);
    }

    private async Task<MerkleFrontier> RebuildNodesAsync(NpgsqlConnection conn, NpgsqlTransaction tx, ulong count, CancellationToken ct)
    {
        await using (var clear = new NpgsqlCommand($"DELETE FROM {_s}.merkle_nodes WHERE chain_id = $1", conn, tx))
        {
            clear.Parameters.Add(new NpgsqlParameter { Value = _chain });
            await clear.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        var frontier = new MerkleFrontier(Rfc6962Hasher.Sha256);
        var levels = new List<short>();
        var indexes = new List<long>();
        var hashes = new List<byte[]>();
        MerkleFrontier.NodeSink sink = (level, index, hash) =>
        {
            levels.Add((short)level);
            indexes.Add((long)index);
            hashes.Add(hash.ToArray());
        };
        await using (var read = new NpgsqlCommand($"SELECT sequence, bytes FROM {_s}.records WHERE chain_id = $1 AND sequence < $2 ORDER BY sequence", conn, tx))
        {
            read.Parameters.Add(new NpgsqlParameter { Value = _chain });
            read.Parameters.Add(new NpgsqlParameter { Value = (long)count });
            await using NpgsqlDataReader reader = await read.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                if ((ulong)reader.GetInt64(0) != frontier.Size)
                {
                    throw new InvalidDataException($"Chain '{_chain}' is missing record {frontier.Size}; its Merkle nodes cannot be rebuilt.");
                }

                frontier.AppendLeaf((byte[])reader[1], sink);
            }
        }

        if (frontier.Size != count)
        {
            throw new InvalidDataException($"Chain '{_chain}' holds {frontier.Size} records but its head says {count}.");
        }

        await InsertNodesAsync(conn, tx, levels, indexes, hashes, ct).ConfigureAwait(false);
        return frontier;
    }

    private async Task InsertNodesAsync(NpgsqlConnection conn, NpgsqlTransaction tx, List<short> levels, List<long> indexes, List<byte[]> hashes, CancellationToken ct)
    {
        if (levels.Count == 0)
        {
            return;
        }

        await using var insert = new NpgsqlCommand(
            $"INSERT INTO {_s}.merkle_nodes (chain_id, level, idx, hash) SELECT $1, * FROM unnest($2::smallint[], $3::bigint[], $4::bytea[])",
            conn,
            tx);
        insert.Parameters.Add(new NpgsqlParameter { Value = _chain });
        insert.Parameters.Add(new NpgsqlParameter { Value = levels.ToArray() });
        insert.Parameters.Add(new NpgsqlParameter { Value = indexes.ToArray() });
        insert.Parameters.Add(new NpgsqlParameter { Value = hashes.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
        await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    private async Task<(long Count, byte[] LastHash)> LockHeadAsync(NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"SELECT count, last_hash FROM {_s}.heads WHERE chain_id = $1 FOR UPDATE", conn, tx);
        cmd.Parameters.Add(new NpgsqlParameter { Value = _chain });
        await using NpgsqlDataReader reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        if (!await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            throw new InvalidDataException($"The chain head row of '{_chain}' is missing.");
        }

        return (reader.GetInt64(0), (byte[])reader[1]);
    }

    private async Task RunWriteAsync(Func<NpgsqlConnection, NpgsqlTransaction, CancellationToken, Task> work, CancellationToken cancellationToken)
    {
        try
        {
            await using NpgsqlConnection conn = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using NpgsqlTransaction tx = await conn.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);
            await using (var sync = new NpgsqlCommand("SET LOCAL synchronous_commit TO on", conn, tx))
            {
                await sync.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await work(conn, tx, cancellationToken).ConfigureAwait(false);

            // Not cancellable: once the commit is sent, its outcome must be observed.
            await tx.CommitAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw new DnaStoreConflictException("Duplicate record id or sequence: " + ex.MessageText, ex);
        }
        catch (NpgsqlException ex) when (ex is not PostgresException || ex.IsTransient)
        {
            throw new IOException("The Decision DNA PostgreSQL store failed to commit; nothing of this write is acknowledged.", ex);
        }
    }

    private static async Task<NpgsqlDataReader> ExecuteReaderAsync(NpgsqlCommand cmd, CancellationToken cancellationToken)
    {
        try
        {
            return await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException ex) when (ex is not PostgresException)
        {
            throw new IOException("The Decision DNA PostgreSQL store cannot be read: " + ex.Message, ex);
        }
    }

    private static async Task<DecisionRecord?> ReadOneAsync(NpgsqlCommand cmd, CancellationToken cancellationToken)
    {
        await using NpgsqlDataReader reader = await ExecuteReaderAsync(cmd, cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? DecisionRecord.Parse((byte[])reader[0]) : null;
    }

    private async IAsyncEnumerable<DecisionRecord> QueryRecordsAsync(string sql, object key, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using NpgsqlCommand cmd = _dataSource.CreateCommand(sql);
        cmd.Parameters.Add(new NpgsqlParameter { Value = _chain });
        cmd.Parameters.Add(new NpgsqlParameter { Value = key });
        await using NpgsqlDataReader reader = await ExecuteReaderAsync(cmd, cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return DecisionRecord.Parse((byte[])reader[0]);
        }
    }

    private async IAsyncEnumerable<DnaCheckpoint> QueryCheckpointsAsync(string orderAndLimit, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        await using NpgsqlCommand cmd = _dataSource.CreateCommand($"SELECT origin, size, root, note FROM {_s}.checkpoints WHERE chain_id = $1 {orderAndLimit}");
        cmd.Parameters.Add(new NpgsqlParameter { Value = _chain });
        await using NpgsqlDataReader reader = await ExecuteReaderAsync(cmd, cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return new DnaCheckpoint(reader.GetString(0), (ulong)reader.GetInt64(1), new Hash((byte[])reader[2]), reader.GetString(3));
        }
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex SchemaName();
}
