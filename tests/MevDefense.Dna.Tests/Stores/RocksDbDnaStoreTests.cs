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
    [InlineData("flip", 3UL, 2)]
    [InlineData("delete", 5UL, 2)]
    [InlineData("swap", 2UL, 2)]
    [InlineData("flip", 3UL, 3)]
    [InlineData("delete", 5UL, 3)]
    [InlineData("swap", 2UL, 3)]
    [InlineData("flip", 3UL, 1)]
    [InlineData("delete", 5UL, 1)]
    [InlineData("swap", 2UL, 1)]
    public async Task TamperedStore_VerifyNamesFirstBadSequence_AfterReopen(string tamper, ulong at, int format)
    {
        using DnaSigner signer = DnaSigner.FromSeed(LedgerHarness.Seed(40));
        string origin = new DnaLedgerOptions().Origin;
        await using (RocksDbDnaStore store = await RocksDbDnaStore.OpenAsync(new RocksDbDnaStoreOptions { Path = _dir, CreateFormatVersion = format }))
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
    public async Task TamperedMerkleNodes_VerifyNamesFirstCoveredSequence_BorderNodeFailsOpen_MissingNodesRebuilt()
    {
        // Format 1 (one entry per node); RocksDbDnaStoreFormatTests has the same guarantees for format 2's pages.
        using DnaSigner signer = DnaSigner.FromSeed(LedgerHarness.Seed(42));
        var options = new DnaLedgerOptions { CheckpointEveryRecords = 0 };
        Hash root;
        await using (RocksDbDnaStore store = await RocksDbDnaStore.OpenAsync(new RocksDbDnaStoreOptions { Path = _dir, CreateFormatVersion = 1 }))
        {
            await using var ledger = new DnaLedger(store, signer, options, new FakeTimeProvider());
            await ledger.OpenAsync();
            for (int i = 0; i < 12; i++)
            {
                await ledger.AppendAsync(LedgerHarness.SampleDraft(i));
            }

            root = (await ledger.CheckpointAsync()).RootHash;
            store.TamperPutNode(1, 1, new byte[32]); // covers records 2..3, not on the border of size 12
        }

        await using (RocksDbDnaStore store = await RocksDbDnaStore.OpenAsync(_dir))
        {
            // O(log n) open does not read that node; verify recomputes every node.
            await using (var ledger = new DnaLedger(store, signer, options, new FakeTimeProvider()))
            {
                await ledger.OpenAsync();
                Assert.Equal(root, ledger.GetRootHash(12));
            }

            DnaVerificationResult result = await new DnaVerifier([signer.PublicKey], options.Origin).VerifyAsync(store);
            Assert.False(result.IsValid);
            Assert.Equal(2UL, result.FirstBadSequence);
            Assert.Contains("Merkle node (level 1, index 1)", result.Failure, StringComparison.Ordinal);

            store.TamperDeleteNode(1, 1);
            result = await new DnaVerifier([signer.PublicKey], options.Origin).VerifyAsync(store);
            Assert.Equal(2UL, result.FirstBadSequence);
            Assert.Contains("missing", result.Failure, StringComparison.Ordinal);

            // Size 12 = 8 + 4: node (2, 2) over records 8..11 is on the border, so a wrong one stops the ledger from opening.
            store.TamperPutNode(2, 2, new byte[32]);
            await using var broken = new DnaLedger(store, signer, options, new FakeTimeProvider());
            InvalidDataException ex = await Assert.ThrowsAsync<InvalidDataException>(() => broken.OpenAsync());
            Assert.Contains("checkpoint", ex.Message, StringComparison.Ordinal);

            // A border node that is missing (a store written before nodes were kept) makes the store rebuild all nodes from the records.
            store.TamperDeleteNode(2, 2);
        }

        await using (RocksDbDnaStore store = await RocksDbDnaStore.OpenAsync(_dir))
        {
            DnaVerificationResult result = await new DnaVerifier([signer.PublicKey], options.Origin).VerifyAsync(store);
            Assert.True(result.IsValid, result.Failure);
            await using var ledger = new DnaLedger(store, signer, options, new FakeTimeProvider());
            await ledger.OpenAsync();
            Assert.Equal(root, ledger.GetRootHash(12));
        }
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
