using MevDefense.Dna.Internal;
using MevDefense.Dna.Stores;

namespace MevDefense.Dna.Tests.DependencyInjection;

public sealed class DeferredDnaStoreTests
{
    [Fact]
    public async Task OpensOnFirstUse_RetriesAfterAFailedOpen_AndForwardsEverything()
    {
        int attempts = 0;
        var inner = new InMemoryDnaStore();
        await using var store = new DeferredDnaStore(_ => ++attempts == 1 ? Task.FromException<IDnaStore>(new IOException("database not ready")) : Task.FromResult<IDnaStore>(inner));
        Assert.Equal(0, attempts);
        await Assert.ThrowsAsync<IOException>(async () => await store.GetHeadAsync());
        using DnaSigner signer = DnaSigner.FromSeed(LedgerHarness.Seed(1));
        await using var ledger = new DnaLedger(store, signer, new DnaLedgerOptions { StoreKind = DnaStoreKind.InMemory, CheckpointEveryRecords = 0 });
        await ledger.OpenAsync();
        for (int i = 0; i < 5; i++)
        {
            await ledger.AppendAsync(LedgerHarness.SampleDraft(i));
        }

        await ledger.CheckpointAsync();
        Assert.Equal(2, attempts);
        Assert.Equal(5UL, (await inner.GetHeadAsync()).Count);
        DnaVerificationResult result = await new DnaVerifier([signer.PublicKey], ledger.Origin).VerifyAsync(store);
        Assert.True(result.IsValid, result.Failure);
        DecisionRecord r = (await store.GetBySequenceAsync(2))!;
        Assert.Equal(2UL, (await store.GetByIdAsync(r.Id))!.Sequence);
        Assert.Single(await store.GetByTransactionAsync(r.Transactions[0]).ToListAsync());
        Assert.Equal(5, await store.ReadRangeAsync(0, 10).CountAsync());
    }
}
