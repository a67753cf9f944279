using FsCheck;
using FsCheck.Xunit;

namespace MevDefense.Dna.Tests.Ledger;

public sealed class ChainProperties
{
    [Property(MaxTest = 40)]
    public bool Chain_VerifiesAfterAnyAppendSequence(int seed, byte appends, byte checkpointEvery, bool reopenHalfway)
    {
        return RunAsync().GetAwaiter().GetResult();

        async Task<bool> RunAsync()
        {
            var options = new DnaLedgerOptions { StoreKind = DnaStoreKind.InMemory, CheckpointEveryRecords = checkpointEvery % 8, MaxBatchSize = 1 + (seed & 15) };
            await using var h = await LedgerHarness.CreateAsync(options: options);
            var random = new Random(seed);
            int n = appends % 40;
            DnaLedger ledger = h.Ledger;
            DnaLedger? second = null;
            for (int i = 0; i < n; i++)
            {
                if (reopenHalfway && i == n / 2)
                {
                    second = new DnaLedger(h.Store, h.Signer, options, h.Time);
                    await second.OpenAsync();
                    ledger = second;
                }

                h.Time.Advance(TimeSpan.FromMilliseconds(random.Next(0, 5)));
                DecisionDraft draft = LedgerHarness.SampleDraft(random.Next(), random);
                if (random.Next(10) == 0)
                {
                    draft = draft with { EventType = new string('x', DecisionEventTypes.MaxLength + 1) };
                    try
                    {
                        await ledger.AppendAsync(draft);
                        return false;
                    }
                    catch (ArgumentException)
                    {
                        continue;
                    }
                }

                await ledger.AppendAsync(draft);
            }

            if (second is not null)
            {
                await second.DisposeAsync();
            }

            DnaVerificationResult result = await h.Verifier().VerifyAsync(h.Store);
            return result.IsValid && result.RecordCount == (await h.Store.GetHeadAsync()).Count;
        }
    }
}
