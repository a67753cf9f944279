using MevDefense.Dna.Stores;
using Microsoft.Extensions.Time.Testing;

namespace MevDefense.Dna.Tests.Stores;

/// <summary>RocksDB-specific behaviour beyond the conformance suite: on-disk tampering is detected, bad options are rejected, a locked directory fails cleanly.</summary>
public sealed class RocksDbDnaStoreTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "mevdefense-rocks-t-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("flip", 3UL)]
    [InlineData("delete", 5UL)]
    [InlineData("swap", 2UL)]
    public async Task TamperedStore_VerifyNamesFirstBadSequence_AfterReopen(string tamper, ulong at)
    {
        using DnaSigner signer = DnaSigner.FromSeed(LedgerHarness.Seed(40));
        string origin = new DnaLedgerOptions().Origin;
        await using (RocksDbDnaStore store = await RocksDbDnaStore.OpenAsync(_dir))
        {
            await using var ledger = new DnaLedger(store, signer, new DnaLedgerOptions { CheckpointEveryRecords = 0 }, new FakeTimeProvider());
            await ledger.OpenAsync();
            for (int i = 0; i < 8; i++)
            {
                await ledger.AppendAsync(LedgerHarness.SampleDraft(i));
            }

            switch (tamper)
            {
                case "flip":
                    byte[] b = store.TamperRead(at)!;
                    b[b.Length / 2] ^= 0x20;
                    store.TamperPut(at, b);
                    break;
                case "delete":
                    store.TamperDelete(at);
                    break;
                default:
                    byte[] x = store.TamperRead(at)!;
                    store.TamperPut(at, store.TamperRead(at + 1)!);
                    store.TamperPut(at + 1, x);
                    break;
            }
        }

        if (tamper == "delete")
        {
            // A deleted record in the middle still leaves head and last key consistent, so the store opens; verify finds the gap.
            await using RocksDbDnaStore reopened = await RocksDbDnaStore.OpenAsync(_dir);
            DnaVerificationResult gap = await new DnaVerifier([signer.PublicKey], origin).VerifyAsync(reopened);
            Assert.False(gap.IsValid);
            Assert.Equal(at, gap.FirstBadSequence);
            return;
        }

        await using RocksDbDnaStore store2 = await RocksDbDnaStore.OpenAsync(_dir);
        DnaVerificationResult result = await new DnaVerifier([signer.PublicKey], origin).VerifyAsync(store2);
        Assert.False(result.IsValid);
        Assert.Equal(at, result.FirstBadSequence);
    }

    [Fact]
    public async Task DeletingTheLastRecord_MakesOpenFailWithInconsistentHead()
    {
        using DnaSigner signer = DnaSigner.FromSeed(LedgerHarness.Seed(41));
        await using (RocksDbDnaStore store = await RocksDbDnaStore.OpenAsync(_dir))
        {
            await using var ledger = new DnaLedger(store, signer, new DnaLedgerOptions { CheckpointEveryRecords = 0 }, new FakeTimeProvider());
            await ledger.OpenAsync();
            for (int i = 0; i < 3; i++)
            {
                await ledger.AppendAsync(LedgerHarness.SampleDraft(i));
            }

            store.TamperDelete(2);
        }

        InvalidDataException ex = await Assert.ThrowsAsync<InvalidDataException>(() => RocksDbDnaStore.OpenAsync(_dir));
        Assert.Contains("head says 3 records", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SecondOpenOfSameDirectory_FailsWithIOException()
    {
        await using RocksDbDnaStore first = await RocksDbDnaStore.OpenAsync(_dir);
        await Assert.ThrowsAsync<IOException>(() => RocksDbDnaStore.OpenAsync(_dir));
    }

    [Fact]
    public async Task Open_RejectsBadOptions()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => RocksDbDnaStore.OpenAsync(new RocksDbDnaStoreOptions { Path = " " }));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => RocksDbDnaStore.OpenAsync(new RocksDbDnaStoreOptions { Path = _dir, MaxBatchRecords = 0 }));
    }

    [Fact]
    public async Task Dispose_ThenUse_ThrowsObjectDisposed()
    {
        RocksDbDnaStore store = await RocksDbDnaStore.OpenAsync(_dir);
        await store.DisposeAsync();
        await store.DisposeAsync(); // idempotent
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await store.GetHeadAsync());
    }
}
