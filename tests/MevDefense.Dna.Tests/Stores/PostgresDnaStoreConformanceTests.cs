using MevDefense.Dna.Stores;
using MevDefense.TestUtils;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace MevDefense.Dna.Tests.Stores;

/// <summary>
/// The conformance suite against a local PostgreSQL (.ci/setup.d/20-postgres.sh), plus several hosts sharing one database.
/// Connection: MEVDEFENSE_PG, else <see cref="DefaultConnectionString"/>. Skipped when unreachable locally; fails under CI=true.
/// </summary>
public sealed class PostgresDnaStoreConformanceTests : DnaStoreConformanceTests
{
    public const string DefaultConnectionString = "Host=127.0.0.1;Port=5432;Username=mevdefense;Password=mevdefense;Database=mevdefense_test;Timeout=5";
    private static readonly Lazy<string?> Unreachable = new(Probe);
    private readonly Dictionary<IDnaStore, string> _chains = [];

    public static string ConnectionString => Environment.GetEnvironmentVariable("MEVDEFENSE_PG") is { Length: > 0 } cs ? cs : DefaultConnectionString;

    /// <summary>Gets the skip reason read by <see cref="StoreFactDiscoverer"/> (null under CI=true, so the tests run and fail).</summary>
    public static string? StoreSkipReason => Unreachable.Value is { } why && !SharedFixtures.IsCi
        ? $"PostgreSQL is not reachable ({why}); run .ci/setup.d/20-postgres.sh or set MEVDEFENSE_PG."
        : null;

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_chains.Count == 0)
        {
            return;
        }

        await using NpgsqlDataSource ds = NpgsqlDataSource.Create(ConnectionString);
        foreach (string table in new[] { "records", "record_txs", "checkpoints", "anchors", "merkle_nodes", "heads" })
        {
            await using NpgsqlCommand cmd = ds.CreateCommand($"DELETE FROM mevdefense_dna.{table} WHERE chain_id = ANY($1)");
            cmd.Parameters.Add(new NpgsqlParameter { Value = _chains.Values.Distinct().ToArray() });
            await cmd.ExecuteNonQueryAsync();
        }
    }

    [StoreFact]
    public async Task SeveralHosts_OneDatabase_EachOwnChain_AllVerify()
    {
        const int Hosts = 3;
        var stores = new IDnaStore[Hosts];
        var signers = new DnaSigner[Hosts];
        var ledgers = new DnaLedger[Hosts];
        for (int h = 0; h < Hosts; h++)
        {
            stores[h] = await NewAsync();
            signers[h] = DnaSigner.FromSeed(LedgerHarness.Seed(20 + h));
            ledgers[h] = new DnaLedger(stores[h], signers[h], new DnaLedgerOptions { Origin = $"host{h}.test/dna", CheckpointEveryRecords = 10 }, new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddDays(h)));
            await ledgers[h].OpenAsync();
        }

        // Hosts append concurrently and interleaved into the same tables.
        await Task.WhenAll(Enumerable.Range(0, Hosts).Select(h => Task.Run(async () =>
        {
            for (int i = 0; i < 15 + h; i++)
            {
                await ledgers[h].AppendAsync(LedgerHarness.SampleDraft((h * 100) + i));
            }
        })));

        for (int h = 0; h < Hosts; h++)
        {
            Assert.Equal((ulong)(15 + h), (await stores[h].GetHeadAsync()).Count);
            DnaVerificationResult ok = await new DnaVerifier([signers[h].PublicKey], $"host{h}.test/dna").VerifyAsync(stores[h]);
            Assert.True(ok.IsValid, ok.Failure);
            Assert.Equal((ulong)(15 + h), ok.RecordCount);
            Assert.Equal(1, ok.CheckpointsVerified);

            // Another host's key does not verify this host's chain.
            DnaVerificationResult foreign = await new DnaVerifier([signers[(h + 1) % Hosts].PublicKey], $"host{h}.test/dna").VerifyAsync(stores[h]);
            Assert.False(foreign.IsValid);
            Assert.Equal(0UL, foreign.FirstBadSequence);
            await ledgers[h].DisposeAsync();
            signers[h].Dispose();
        }
    }

    [StoreFact]
    public async Task TamperedRow_IsDetectedByVerify_AtItsSequence()
    {
        var store = (PostgresDnaStore)await NewAsync();
        using DnaSigner signer = DnaSigner.FromSeed(LedgerHarness.Seed(30));
        await using (var ledger = new DnaLedger(store, signer, new DnaLedgerOptions { CheckpointEveryRecords = 0 }, new FakeTimeProvider()))
        {
            await ledger.OpenAsync();
            for (int i = 0; i < 6; i++)
            {
                await ledger.AppendAsync(LedgerHarness.SampleDraft(i));
            }
        }

        byte[] bytes = (await store.GetBySequenceAsync(4))!.ToCanonicalBytes();
        bytes[^1] ^= 0x01;
        await store.TamperPutAsync(4, bytes);
        DnaVerificationResult result = await new DnaVerifier([signer.PublicKey], new DnaLedgerOptions().Origin).VerifyAsync(store);
        Assert.False(result.IsValid);
        Assert.Equal(4UL, result.FirstBadSequence);
    }

    [StoreFact]
    public async Task TamperedMerkleNode_IsDetectedByVerify_AndOnOpenWhenOnTheBorder()
    {
        var store = (PostgresDnaStore)await NewAsync();
        using DnaSigner signer = DnaSigner.FromSeed(LedgerHarness.Seed(31));
        var options = new DnaLedgerOptions { CheckpointEveryRecords = 0 };
        await using (var ledger = new DnaLedger(store, signer, options, new FakeTimeProvider()))
        {
            await ledger.OpenAsync();
            for (int i = 0; i < 12; i++)
            {
                await ledger.AppendAsync(LedgerHarness.SampleDraft(i));
            }

            await ledger.CheckpointAsync();
        }

        // An interior node away from the border: open is O(log n) and does not read it; verify recomputes it.
        await store.TamperPutNodeAsync(1, 1, new byte[32]);
        DnaVerificationResult result = await new DnaVerifier([signer.PublicKey], options.Origin).VerifyAsync(store);
        Assert.False(result.IsValid);
        Assert.Equal(2UL, result.FirstBadSequence);
        Assert.Contains("Merkle node (level 1, index 1)", result.Failure, StringComparison.Ordinal);

        // A border node (size 12 = 8 + 4: node (2, 2) covers records 8..11): the ledger refuses to open.
        await store.TamperPutNodeAsync(2, 2, new byte[32]);
        await using var reopened = new DnaLedger(store, signer, options, new FakeTimeProvider());
        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => reopened.OpenAsync());
        Assert.Contains("sequence", ex.Message, StringComparison.Ordinal);
    }

    protected override async Task<IDnaStore> CreateStoreAsync()
    {
        string chain = "test-" + Guid.NewGuid().ToString("N");
        PostgresDnaStore store = await PostgresDnaStore.OpenAsync(new PostgresDnaStoreOptions { ConnectionString = ConnectionString, ChainId = chain });
        _chains[store] = chain;
        return store;
    }

    protected override async Task<IDnaStore> ReopenAsync(IDnaStore store)
    {
        string chain = _chains[store];
        await store.DisposeAsync();
        PostgresDnaStore again = await PostgresDnaStore.OpenAsync(new PostgresDnaStoreOptions { ConnectionString = ConnectionString, ChainId = chain });
        _chains[again] = chain;
        return again;
    }

    private static string? Probe()
    {
        try
        {
            using var conn = new NpgsqlConnection(ConnectionString);
            conn.Open();
            return null;
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            return ex.Message;
        }
    }
}
