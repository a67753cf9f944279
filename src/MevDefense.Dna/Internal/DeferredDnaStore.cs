using System.Runtime.CompilerServices;

namespace MevDefense.Dna.Internal;

/// <summary>
/// An <see cref="IDnaStore"/> that opens its real store asynchronously on first use (DI factories are synchronous; the ledger's
/// hosted service makes the first call, so the open happens during host start without blocking a thread).
/// </summary>
internal sealed class DeferredDnaStore(Func<CancellationToken, Task<IDnaStore>> open) : IDnaStore
{
    private readonly Lock _lock = new();
    private Task<IDnaStore>? _store;

    public async ValueTask AppendAsync(IReadOnlyList<DecisionRecord> records, CancellationToken cancellationToken = default) =>
        await (await StoreAsync(cancellationToken).ConfigureAwait(false)).AppendAsync(records, cancellationToken).ConfigureAwait(false);

    public async ValueTask<DnaStoreHead> GetHeadAsync(CancellationToken cancellationToken = default) =>
        await (await StoreAsync(cancellationToken).ConfigureAwait(false)).GetHeadAsync(cancellationToken).ConfigureAwait(false);

    public async ValueTask<DecisionRecord?> GetBySequenceAsync(ulong sequence, CancellationToken cancellationToken = default) =>
        await (await StoreAsync(cancellationToken).ConfigureAwait(false)).GetBySequenceAsync(sequence, cancellationToken).ConfigureAwait(false);

    public async ValueTask<DecisionRecord?> GetByIdAsync(Guid id, CancellationToken cancellationToken = default) =>
        await (await StoreAsync(cancellationToken).ConfigureAwait(false)).GetByIdAsync(id, cancellationToken).ConfigureAwait(false);

    public IAsyncEnumerable<DecisionRecord> GetBySlotAsync(ulong slot, CancellationToken cancellationToken = default) =>
        Forward(s => s.GetBySlotAsync(slot, cancellationToken), cancellationToken);

    public IAsyncEnumerable<DecisionRecord> GetByTransactionAsync(Signature transaction, CancellationToken cancellationToken = default) =>
        Forward(s => s.GetByTransactionAsync(transaction, cancellationToken), cancellationToken);

    public IAsyncEnumerable<DecisionRecord> ReadRangeAsync(ulong fromSequence, int maxCount, CancellationToken cancellationToken = default) =>
        Forward(s => s.ReadRangeAsync(fromSequence, maxCount, cancellationToken), cancellationToken);

    public IAsyncEnumerable<DnaStoredRecord> ReadRawRangeAsync(ulong fromSequence, int maxCount, CancellationToken cancellationToken = default) =>
        Forward(s => s.ReadRawRangeAsync(fromSequence, maxCount, cancellationToken), cancellationToken);

    public async ValueTask AddCheckpointAsync(DnaCheckpoint checkpoint, CancellationToken cancellationToken = default) =>
        await (await StoreAsync(cancellationToken).ConfigureAwait(false)).AddCheckpointAsync(checkpoint, cancellationToken).ConfigureAwait(false);

    public async ValueTask<DnaCheckpoint?> GetLatestCheckpointAsync(CancellationToken cancellationToken = default) =>
        await (await StoreAsync(cancellationToken).ConfigureAwait(false)).GetLatestCheckpointAsync(cancellationToken).ConfigureAwait(false);

    public IAsyncEnumerable<DnaCheckpoint> ReadCheckpointsAsync(CancellationToken cancellationToken = default) =>
        Forward(s => s.ReadCheckpointsAsync(cancellationToken), cancellationToken);

    public async ValueTask AddAnchorReceiptAsync(DnaAnchorReceipt receipt, CancellationToken cancellationToken = default) =>
        await (await StoreAsync(cancellationToken).ConfigureAwait(false)).AddAnchorReceiptAsync(receipt, cancellationToken).ConfigureAwait(false);

    public IAsyncEnumerable<DnaAnchorReceipt> ReadAnchorReceiptsAsync(CancellationToken cancellationToken = default) =>
        Forward(s => s.ReadAnchorReceiptsAsync(cancellationToken), cancellationToken);

    /// <summary>Gets the real store once it opened, else <see langword="null"/>.</summary>
    public IDnaStore? OpenedStore
    {
        get
        {
            lock (_lock)
            {
#pragma warning disable RS0030 // Task<T>.Result is banned, but here the task has already completed successfully: no blocking.
                return _store is { IsCompletedSuccessfully: true } t ? t.Result : null;
#pragma warning restore RS0030
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        Task<IDnaStore>? store;
        lock (_lock)
        {
            store = _store;
        }

        if (store is { IsCompletedSuccessfully: true })
        {
            await (await store.ConfigureAwait(false)).DisposeAsync().ConfigureAwait(false);
        }
    }

    private Task<IDnaStore> StoreAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            // A failed or cancelled open is retried on the next call.
            if (_store is null || _store.IsFaulted || _store.IsCanceled)
            {
                _store = open(cancellationToken);
            }

            return _store;
        }
    }

    private async IAsyncEnumerable<T> Forward<T>(Func<IDnaStore, IAsyncEnumerable<T>> call, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        IDnaStore store = await StoreAsync(cancellationToken).ConfigureAwait(false);
        await foreach (T item in call(store).WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            yield return item;
        }
    }
}
