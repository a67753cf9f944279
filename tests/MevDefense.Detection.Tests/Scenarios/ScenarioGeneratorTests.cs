using MevDefense.Detection.Decoding;
using MevDefense.Detection.Dex;
using MevDefense.Detection.Scenarios;
using NSec.Cryptography;

namespace MevDefense.Detection.Tests.Scenarios;

public sealed class ScenarioGeneratorTests
{
    private static readonly ScenarioDataset Small = ScenarioGenerator.Generate(new ScenarioOptions { Seed = 7, Slots = 24 });

    [Fact]
    public void Generate_SameSeed_ProducesIdenticalBytes()
    {
        var again = ScenarioGenerator.Generate(new ScenarioOptions { Seed = 7, Slots = 24 });
        Assert.Equal(Small.Slots.Count, again.Slots.Count);
        for (var s = 0; s < Small.Slots.Count; s++)
        {
            Assert.Equal(Small.Slots[s].Transactions.Count, again.Slots[s].Transactions.Count);
            for (var i = 0; i < Small.Slots[s].Transactions.Count; i++)
            {
                Assert.Equal(Small.Slots[s].Transactions[i].Wire, again.Slots[s].Transactions[i].Wire);
            }
        }

        var other = ScenarioGenerator.Generate(new ScenarioOptions { Seed = 8, Slots = 2 });
        Assert.NotEqual(Small.Slots[0].Transactions[0].Wire, other.Slots[0].Transactions[0].Wire);
    }

    [Fact]
    public void Generate_EveryTransaction_DecodesWithValidSignaturesAndUniqueIds()
    {
        var decoder = new TransactionDecoder(SwapDecoderRegistry.CreateDefault(), Small.LookupTables);
        var decoded = new DecodedTransaction();
        var seen = new HashSet<Signature>();
        var swaps = 0;
        foreach (var slot in Small.Slots)
        {
            for (var i = 0; i < slot.Transactions.Count; i++)
            {
                var t = slot.Transactions[i];
                Assert.True(decoder.TryDecode(t.Wire, slot.Slot, i, decoded));
                Assert.Equal(t.Signature, decoded.Signature);
                Assert.True(seen.Add(t.Signature), "signatures are unique");
                Assert.Equal(0, decoded.UnresolvedSwapCount);
                Assert.Equal(0, decoded.MalformedSwapCount);
                swaps += decoded.Swaps.Length;
                if (i % 17 == 0)
                {
                    Assert.True(VerifyFirstSignature(t.Wire, decoded.FeePayer));
                }
            }
        }

        Assert.True(swaps > Small.TransactionCount / 3, "a realistic share of swaps");
    }

    [Fact]
    public void Generate_WithoutLookupTables_ReportsUnresolvedSwaps()
    {
        var decoder = new TransactionDecoder();
        var decoded = new DecodedTransaction();
        var unresolved = 0;
        foreach (var slot in Small.Slots)
        {
            foreach (var t in slot.Transactions)
            {
                Assert.True(decoder.TryDecode(t.Wire, slot.Slot, 0, decoded));
                unresolved += decoded.UnresolvedSwapCount;
            }
        }

        Assert.True(unresolved > 0);
    }

    [Fact]
    public void Generate_Labels_MatchTransactionRolesAndDecodedSwaps()
    {
        var bySig = Small.Slots.SelectMany(s => s.Transactions.Select((t, i) => (s.Slot, Index: i, t))).ToDictionary(x => x.t.Signature);
        var decoder = new TransactionDecoder(SwapDecoderRegistry.CreateDefault(), Small.LookupTables);
        var kinds = Small.Labels.GroupBy(l => l.Kind).ToDictionary(g => g.Key, g => g.Count());
        Assert.True(kinds.GetValueOrDefault(ScenarioPatternKind.Sandwich) >= 5);
        Assert.True(kinds.GetValueOrDefault(ScenarioPatternKind.Arbitrage) >= 3);
        Assert.True(kinds.GetValueOrDefault(ScenarioPatternKind.HardNegative) >= 5);
        foreach (var label in Small.Labels.Where(l => l.Kind == ScenarioPatternKind.Sandwich))
        {
            var front = bySig[label.Front!.Value];
            var back = bySig[label.Back!.Value];
            Assert.Equal(ScenarioRole.Front, front.t.Role);
            Assert.Equal(ScenarioRole.Back, back.t.Role);
            Assert.True((front.Slot, front.Index).CompareTo((back.Slot, back.Index)) < 0, "front before back");
            foreach (var v in label.Victims)
            {
                var victim = bySig[v];
                Assert.Equal(ScenarioRole.Victim, victim.t.Role);
                Assert.True((front.Slot, front.Index).CompareTo((victim.Slot, victim.Index)) < 0 && (victim.Slot, victim.Index).CompareTo((back.Slot, back.Index)) < 0);
            }

            var f = new DecodedTransaction();
            var b = new DecodedTransaction();
            Assert.True(decoder.TryDecode(front.t.Wire, front.Slot, front.Index, f));
            Assert.True(decoder.TryDecode(back.t.Wire, back.Slot, back.Index, b));
            Assert.Equal(label.Pool, f.Swaps[0].Pool);
            Assert.Equal(label.Pool, b.Swaps[0].Pool);
            if (label.Strategy == "cross-slot")
            {
                Assert.Equal(front.Slot / 4, back.Slot / 4);
            }
        }
    }

    private static bool VerifyFirstSignature(byte[] wire, Pubkey payer)
    {
        var sig = wire.AsSpan(1, 64);
        var message = wire.AsSpan(1 + (64 * wire[0]));
        var key = PublicKey.Import(SignatureAlgorithm.Ed25519, payer.AsSpan(), KeyBlobFormat.RawPublicKey);
        return SignatureAlgorithm.Ed25519.Verify(key, message, sig);
    }
}
