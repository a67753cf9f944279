using MevDefense.Dna.Stores;
using Microsoft.Extensions.Time.Testing;

namespace MevDefense.Dna.Tests;

/// <summary>An in-memory ledger with a deterministic key and clock.</summary>
internal sealed class LedgerHarness : IAsyncDisposable
{
    private LedgerHarness(InMemoryDnaStore store, DnaSigner signer, DnaLedger ledger, FakeTimeProvider time)
    {
        Store = store;
        Signer = signer;
        Ledger = ledger;
        Time = time;
    }

    public InMemoryDnaStore Store { get; }

    public DnaSigner Signer { get; }

    public DnaLedger Ledger { get; }

    public FakeTimeProvider Time { get; }

    public static byte[] Seed(int n) => [.. Enumerable.Range(0, 32).Select(i => (byte)(i * 7 + n))];

    public static async Task<LedgerHarness> CreateAsync(int records = 0, int seed = 1, DnaLedgerOptions? options = null)
    {
        var store = new InMemoryDnaStore();
        var signer = DnaSigner.FromSeed(Seed(seed));
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));
        var ledger = new DnaLedger(store, signer, options ?? new DnaLedgerOptions { StoreKind = DnaStoreKind.InMemory, CheckpointEveryRecords = 0 }, time);
        await ledger.OpenAsync();
        var h = new LedgerHarness(store, signer, ledger, time);
        for (int i = 0; i < records; i++)
        {
            await h.AppendSampleAsync(i);
        }

        return h;
    }

    public static DecisionDraft SampleDraft(int i, Random? random = null)
    {
        random ??= new Random(i);
        i &= int.MaxValue;
        byte[] Bytes(int n)
        {
            byte[] b = new byte[n];
            random.NextBytes(b);
            return b;
        }

        return new DecisionDraft
        {
            EventType = (i % 5) switch
            {
                0 => DecisionEventTypes.SandwichDetected,
                1 => DecisionEventTypes.ArbitrageDetected,
                2 => "custom.UserFlagged",
                3 => DecisionEventTypes.BackrunDetected,
                _ => DecisionEventTypes.JitLiquidityDetected,
            },
            Slot = (ulong)(300_000_000 + (i / 3)),
            Transactions = [.. Enumerable.Range(0, 1 + (i % 3)).Select(_ => new Signature(Bytes(64)))],
            Attacker = i % 4 == 0 ? null : new Pubkey(Bytes(32)),
            Victims = [.. Enumerable.Range(0, i % 3).Select(_ => new Pubkey(Bytes(32)))],
            Pool = new Pubkey(Bytes(32)),
            Amounts = i % 2 == 0 ? [new DecisionAmount("estimatedVictimLoss", 1234.5600m + i)] : [],
            Confidence = (i % 100) / 100.0,
            Detector = "rules/sandwich",
            ModelVersion = i % 3 == 0 ? "gnn-1.0.0" : null,
            InputFingerprint = Bytes(32),
            Payload = i % 2 == 1 ? System.Text.Encoding.UTF8.GetBytes("{\"note\":" + i + "}") : default,
        };
    }

    public async Task<DecisionRecord> AppendSampleAsync(int i)
    {
        Time.Advance(TimeSpan.FromMilliseconds(3));
        return await Ledger.AppendAsync(SampleDraft(i));
    }

    public DnaVerifier Verifier() => new([Signer.PublicKey], Ledger.Origin);

    public async ValueTask DisposeAsync()
    {
        await Ledger.DisposeAsync();
        await Store.DisposeAsync();
        Signer.Dispose();
    }
}
