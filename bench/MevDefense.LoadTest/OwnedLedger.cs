using MevDefense.Dna;
using MevDefense.Dna.Stores;

namespace MevDefense.LoadTest;

/// <summary>A ledger with the store and signer it was opened with, disposed together (ledger, then store, then signer).</summary>
internal sealed class OwnedLedger(DnaLedger ledger, RocksDbDnaStore store, DnaSigner signer) : IAsyncDisposable
{
    public DnaLedger Ledger { get; } = ledger;

    public async ValueTask DisposeAsync()
    {
        await Ledger.DisposeAsync().ConfigureAwait(false);
        await store.DisposeAsync().ConfigureAwait(false);
        signer.Dispose();
    }
}
