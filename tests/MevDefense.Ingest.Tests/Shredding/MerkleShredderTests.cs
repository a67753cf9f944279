using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using MevDefense.Crypto;
using MevDefense.Ingest.Merkle;
using MevDefense.Ingest.Pipeline;
using MevDefense.Ingest.Shredding;
using MevDefense.Ingest.Tests.Pipeline;
using MevDefense.TestUtils;

namespace MevDefense.Ingest.Tests.Shredding;

public class MerkleShredderTests
{
    [FixtureFact]
    public void Shred_DemoBatchWithDemoKey_ReproducesFiredancerPcapByteForByte()
    {
        using var leader = Ed25519Keypair.FromSecretKey(ShredFixtures.DemoKey());
        Assert.Equal(ShredFixtures.DemoLeader, leader.PublicKey.ToString());
        var shredder = new MerkleShredder(leader, shredVersion: 6051);
        var produced = new List<byte[]>();
        // The fixture chains its first set to a test pattern (EXPECTED.json chained_merkle_root_hex of set 0).
        var parentRoot = new Hash(Convert.FromHexString("0102030405060708090a0b0c0d0e0f000102030405060708090a0b0c0d0e0f00"));
        int sets = shredder.Shred(new ShredderSlotState(0, 0, parentRoot), ShredFixtures.DemoBin(), lastInSlot: true, referenceTick: 0, produced);

        var expected = ShredFixtures.Demo();
        Assert.Equal(8, sets);
        Assert.Equal(expected.Count, produced.Count);
        var byKey = expected.ToDictionary(e => (e[0x40] & 0xC0, BitConverter.ToUInt32(e, 0x49)));
        foreach (var shred in produced)
        {
            var exp = byKey[(shred[0x40] & 0xC0, BitConverter.ToUInt32(shred, 0x49))];
            int first = shred.AsSpan().CommonPrefixLength(exp); int afterSig = 64 + shred.AsSpan(64).CommonPrefixLength(exp.AsSpan(64));
            Assert.True(first == shred.Length && exp.Length == shred.Length, $"shred variant {shred[0x40]:x2} index {BitConverter.ToUInt32(shred, 0x49)} differs at byte {first}, after signature at {afterSig} (len {shred.Length} vs {exp.Length})");
        }
    }

    [Property(MaxTest = 12)]
    public bool Shred_ThenPipeline_DeshredsEveryBatchExactly(PositiveInt seed, PositiveInt batchCount)
    {
        var rng = new Random(seed.Get);
        using var leader = Ed25519Keypair.FromSeed(Enumerable.Range(0, 32).Select(_ => (byte)rng.Next(256)).ToArray());
        var shredder = new MerkleShredder(leader, shredVersion: 50093);
        ulong slot = 1000 + (ulong)rng.Next(1000);
        var state = new ShredderSlotState(slot, slot - 1);
        int batches = 1 + (batchCount.Get % 4);
        var inputs = new List<byte[]>();
        var shreds = new List<byte[]>();
        for (int b = 0; b < batches; b++)
        {
            // Sizes chosen to hit: empty, partial set, exactly one set, several sets, the resigned-tail split.
            int size = rng.Next(6) switch
            {
                0 => 8,
                1 => rng.Next(9, 2000),
                2 => MerkleShredder.ChainedSetCapacity,
                3 => MerkleShredder.ResignedSetCapacity + rng.Next(1, 500),
                _ => rng.Next(9, 3 * MerkleShredder.ChainedSetCapacity),
            };
            var batch = new byte[size];
            rng.NextBytes(batch);
            inputs.Add(batch);
            shredder.Shred(state, batch, lastInSlot: b == batches - 1, referenceTick: b, shreds);
        }

        var observer = new RecordingObserver();
        var options = new ShredPipelineOptions
        {
            LeaderSchedule = new StaticLeaderScheduleProvider(leader.PublicKey),
        };
        using var pipeline = new ShredPipeline(options, observer);

        // Drop up to half of every set's shreds (never data and code both beyond 32), shuffle the rest.
        var kept = shreds.Where((_, i) => (i % 64) >= 32 || rng.Next(3) != 0).OrderBy(_ => rng.Next()).ToList();
        foreach (var shred in kept)
        {
            pipeline.Process(shred, 0, 0);
        }

        pipeline.Flush();
        var outputs = observer.Batches.OrderBy(b => b.First).Select(b => b.Payload).ToList();
        return outputs.Count == inputs.Count && outputs.Zip(inputs).All(p => p.First.AsSpan().SequenceEqual(p.Second))
            && observer.FecSets.All(f => f.SignatureValid == true);
    }

    [Fact]
    public void Shred_CompletedSlot_Throws()
    {
        using var leader = Ed25519Keypair.Generate();
        var shredder = new MerkleShredder(leader, 1);
        var state = new ShredderSlotState(5, 4);
        shredder.Shred(state, new byte[8], lastInSlot: true, referenceTick: 0, new List<byte[]>());
        Assert.True(state.IsComplete);
        Assert.Throws<InvalidOperationException>(() => shredder.Shred(state, new byte[8], true, 0, new List<byte[]>()));
    }
}
