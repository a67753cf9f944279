namespace MevDefense.Dna;

/// <summary>
/// Durable storage of one Decision DNA chain: sealed records (by sequence, id, slot and transaction signature), signed
/// checkpoints and anchor receipts. Implementations: <see cref="Stores.InMemoryDnaStore"/>, RocksDB (embedded default) and
/// PostgreSQL; all pass the same conformance suite.
/// </summary>
/// <remarks>
/// <para>Contract:</para>
/// <list type="bullet">
/// <item><see cref="AppendAsync"/> returns only once every record of the batch is durable (synced), and the batch is atomic:
/// after a crash either all of it or none of it is present.</item>
/// <item>Sequences are contiguous from 0: the first record of a batch must have sequence <see cref="DnaStoreHead.Count"/>, and
/// each next record the next sequence; otherwise <see cref="DnaStoreConflictException"/> is thrown and nothing is written.</item>
/// <item>A store keeps the exact <see cref="DecisionRecord.ToCanonicalBytes"/> it was given and returns them unchanged from
/// <see cref="ReadRawRangeAsync"/>; the stores do not verify hashes or signatures (that is <c>DnaVerifier</c>'s job), so a
/// tampered store is detected rather than hidden. Typed reads parse the bytes and throw <see cref="FormatException"/> when a
/// stored record is corrupt.</item>
/// <item>All members are safe to call concurrently; appends are serialized by the store.</item>
/// </list>
/// </remarks>
public interface IDnaStore : IAsyncDisposable
{
    /// <summary>Appends sealed records atomically and durably.</summary>
    /// <param name="records">The records, in sequence order, starting at the current <see cref="DnaStoreHead.Count"/>.</param>
    /// <param name="cancellationToken">Cancels the operation before anything was written.</param>
    /// <returns>A task that completes when the records are durable.</returns>
    /// <exception cref="DnaStoreConflictException">The sequences do not continue the chain.</exception>
    /// <exception cref="ArgumentException">A record is not sealed, or the batch is empty.</exception>
    /// <exception cref="System.IO.IOException">The store failed to write or sync; nothing of the batch is acknowledged.</exception>
    ValueTask AppendAsync(IReadOnlyList<DecisionRecord> records, CancellationToken cancellationToken = default);

    /// <summary>Gets the number of records and the last record's chain hash.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The head; <see cref="DnaStoreHead.Empty"/> for an empty store.</returns>
    ValueTask<DnaStoreHead> GetHeadAsync(CancellationToken cancellationToken = default);

    /// <summary>Gets the record at a sequence.</summary>
    /// <param name="sequence">The 0-based sequence.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The record, or <see langword="null"/> when absent.</returns>
    /// <exception cref="FormatException">The stored bytes are corrupt.</exception>
    ValueTask<DecisionRecord?> GetBySequenceAsync(ulong sequence, CancellationToken cancellationToken = default);

    /// <summary>Gets a record by id.</summary>
    /// <param name="id">The record id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The record, or <see langword="null"/> when absent.</returns>
    /// <exception cref="FormatException">The stored bytes are corrupt.</exception>
    ValueTask<DecisionRecord?> GetByIdAsync(Guid id, CancellationToken cancellationToken = default);

    /// <summary>Gets the records about a slot, in sequence order.</summary>
    /// <param name="slot">The slot.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The records.</returns>
    IAsyncEnumerable<DecisionRecord> GetBySlotAsync(ulong slot, CancellationToken cancellationToken = default);

    /// <summary>Gets the records that involve a transaction, in sequence order.</summary>
    /// <param name="transaction">The transaction signature.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The records.</returns>
    IAsyncEnumerable<DecisionRecord> GetByTransactionAsync(Signature transaction, CancellationToken cancellationToken = default);

    /// <summary>Reads records by sequence range, in sequence order.</summary>
    /// <param name="fromSequence">The first sequence.</param>
    /// <param name="maxCount">The maximum number of records.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The records.</returns>
    IAsyncEnumerable<DecisionRecord> ReadRangeAsync(ulong fromSequence, int maxCount, CancellationToken cancellationToken = default);

    /// <summary>Reads the stored bytes by sequence range, in key order, without parsing (for verification and Merkle rebuilds).</summary>
    /// <param name="fromSequence">The first sequence.</param>
    /// <param name="maxCount">The maximum number of entries.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The entries as stored, keyed by the sequence they are stored under.</returns>
    IAsyncEnumerable<DnaStoredRecord> ReadRawRangeAsync(ulong fromSequence, int maxCount, CancellationToken cancellationToken = default);

    /// <summary>Stores a signed checkpoint durably. Checkpoint sizes must not decrease; an equal-size checkpoint replaces nothing and is ignored.</summary>
    /// <param name="checkpoint">The checkpoint.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the checkpoint is durable.</returns>
    /// <exception cref="DnaStoreConflictException">The checkpoint is smaller than the latest stored one.</exception>
    ValueTask AddCheckpointAsync(DnaCheckpoint checkpoint, CancellationToken cancellationToken = default);

    /// <summary>Gets the latest (largest) stored checkpoint.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The checkpoint, or <see langword="null"/> when none is stored.</returns>
    ValueTask<DnaCheckpoint?> GetLatestCheckpointAsync(CancellationToken cancellationToken = default);

    /// <summary>Reads every stored checkpoint in increasing size order.</summary>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The checkpoints.</returns>
    IAsyncEnumerable<DnaCheckpoint> ReadCheckpointsAsync(CancellationToken cancellationToken = default);

    /// <summary>Stores an anchor receipt durably.</summary>
    /// <param name="receipt">The receipt.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the receipt is durable.</returns>
    ValueTask AddAnchorReceiptAsync(DnaAnchorReceipt receipt, CancellationToken cancellationToken = default);

    /// <summary>Reads every stored anchor receipt in increasing checkpoint size order.</summary>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The receipts.</returns>
    IAsyncEnumerable<DnaAnchorReceipt> ReadAnchorReceiptsAsync(CancellationToken cancellationToken = default);
}
