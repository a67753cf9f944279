using MevDefense.Dna.Merkle;
using MevDefense.Dna.Stores;
using Microsoft.Extensions.Time.Testing;

namespace MevDefense.Dna.Tests.Ledger;

/// <summary><see cref="DnaLedgerOptions.MerkleCacheBytes"/>: how much of a reopened tree is kept in memory, with the same proofs
/// at every budget.</summary>
public sealed class MerkleCacheBytesTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "mevdefense-rocks-mc-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Theory]
    [InlineData(0L, 7)]                  // nothing fits: every level below the 100-leaf tree's top is read from the store
    [InlineData(64L * 100, 0)]           // 64 bytes per record: the whole tree
    [InlineData(DnaLedgerDefaults.MerkleCacheBytes, 0)]
    [InlineData(64L * 100 / 16, 4)]      // levels >= 4, as the default budget at 10^7 records
    public async Task Reopened_ResidentLevelFollowsTheBudget_ProofsAreTheSame(long budget, int residentLevel)
    {
        using DnaSigner signer = DnaSigner.FromSeed(LedgerHarness.Seed(44));
        var options = new DnaLedgerOptions { CheckpointEveryRecords = 0 };
        byte[][][] expected;
        await using (RocksDbDnaStore store = await RocksDbDnaStore.OpenAsync(_dir))
        {
            await using var ledger = new DnaLedger(store, signer, options, new FakeTimeProvider());
            await ledger.OpenAsync();
            for (int i = 0; i < 100; i++)
            {
                await ledger.AppendAsync(LedgerHarness.SampleDraft(i));
            }

            expected = [.. Enumerable.Range(0, 100).Select(i => ledger.GetInclusionProof((ulong)i, 100))];
        }

        await using (RocksDbDnaStore store = await RocksDbDnaStore.OpenAsync(_dir))
        {
            await using var ledger = new DnaLedger(store, signer, new DnaLedgerOptions { CheckpointEveryRecords = 0, MerkleCacheBytes = budget }, new FakeTimeProvider());
            await ledger.OpenAsync();
            Assert.Equal(residentLevel, ledger.Tree.ResidentLevel);
            Assert.Equal(MerkleTree.ResidentLevelFor(100, 32, budget), ledger.Tree.ResidentLevel);
            for (int pass = 0; pass < 2; pass++) // the second pass reads the levels kept in memory
            {
                for (int i = 0; i < 100; i++)
                {
                    Assert.Equal(expected[i], ledger.GetInclusionProof((ulong)i, 100));
                }
            }
        }
    }

    [Fact]
    public async Task NegativeBudget_IsRejected()
    {
        using DnaSigner signer = DnaSigner.FromSeed(LedgerHarness.Seed(45));
        await using RocksDbDnaStore store = await RocksDbDnaStore.OpenAsync(_dir);
        Assert.Throws<ArgumentOutOfRangeException>(() => new DnaLedger(store, signer, new DnaLedgerOptions { MerkleCacheBytes = -1 }));
    }
}
