using MevDefense.Detection.Decoding;
using MevDefense.Detection.Dex;
using MevDefense.Detection.Scenarios;
using MevDefense.Wire;

namespace MevDefense.Detection.Tests.Streaming;

/// <summary>
/// Decoding an entry batch's already-validated transaction view (the streaming detector's path) gives exactly what
/// decoding its bytes does (the public path, which reads them again).
/// </summary>
public sealed class ViewDecodeEquivalenceTests
{
    private static readonly Lazy<ScenarioDataset> Data = new(() => ScenarioGenerator.Generate(new ScenarioOptions { Seed = 20261124, Slots = 3, BackgroundTransactionsPerSlot = 120 }));

    private static string Project(DecodedTransaction t) => string.Join('|',
        t.Signature, t.Slot, t.Index, string.Join(',', t.Signers.ToArray()), string.Join(',', t.Swaps.ToArray()), string.Join(',', t.LiquidityChanges.ToArray()),
        string.Join(',', t.Transfers.ToArray()), string.Join(',', t.TokenAccounts.ToArray()), t.SignatureCount, t.InstructionCount, t.ComputeUnitLimit,
        t.ComputeUnitPrice, t.TipLamports, t.DontFront, t.IsVote, t.UnresolvedInstructionCount, t.UnresolvedSwapCount, t.MalformedSwapCount);

    [FsCheck.Xunit.Property(MaxTest = 40)]
    public bool ViewDecode_GeneratedEntryBatches_EqualsWireDecode(int seed, bool lookupTables)
    {
        // A random run of the generated transactions (votes, transfers, swaps of every DEX, v0 with lookup tables), with and
        // without the lookup-table provider (unresolved accounts), serialized as an entry batch and read back.
        var data = Data.Value;
        var all = data.Slots.SelectMany(s => s.Transactions).Where(t => t.Wire.Length <= TransactionReader.MaxLegacyTransactionSize).ToList();
        var rng = new Random(seed);
        var start = rng.Next(all.Count);
        var txs = all.Skip(start).Take(rng.Next(1, 48)).Select(t => Transaction.Parse(t.Wire)).ToList();
        var bytes = EntryWriter.Write([new Entry(1, default, txs)]);
        var decoder = new TransactionDecoder(SwapDecoderRegistry.CreateDefault(), lookupTables ? data.LookupTables : null);
        var viaView = new DecodedTransaction();
        var viaWire = new DecodedTransaction();
        Assert.True(EntryBatchReader.TryCreate(bytes, out var reader, out _));
        var i = 0;
        while (reader.TryReadEntry(out _))
        {
            while (reader.TryReadTransaction(out var tx))
            {
                var a = decoder.TryDecodeView(tx, 7, i, viaView);
                var b = decoder.TryDecode(tx.Wire, 7, i, viaWire);
                if (a != b || Project(viaView) != Project(viaWire))
                {
                    return false;
                }

                i++;
            }
        }

        return reader.Error is null && i == txs.Count;
    }
}
