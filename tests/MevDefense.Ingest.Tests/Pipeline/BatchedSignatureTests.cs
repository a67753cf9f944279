using FsCheck.Xunit;
using MevDefense.Crypto;
using MevDefense.Ingest.Merkle;
using MevDefense.Ingest.Pipeline;
using MevDefense.Ingest.Ring;
using MevDefense.Ingest.Shredding;
using MevDefense.Ingest.Shreds;

namespace MevDefense.Ingest.Tests.Pipeline;

/// <summary>
/// The leader signatures of the FEC sets a chunk of <see cref="ShredPipeline.ProcessBatch"/> starts are verified together (one shared
/// field inversion): results, counters and events stay those of per-datagram <see cref="ShredPipeline.Process(ReadOnlySpan{byte}, long, int)"/>,
/// with enough sets per leader for its precomputed table to exist (built at the 16th check), sets whose signature was replaced (by
/// another key's valid signature or a corrupted one), a second leader's slots in the same chunks, and mangled streams.
/// </summary>
public class BatchedSignatureTests
{
    /// <summary>A stream of whole slots by two leaders (slot 1000.. by A, then 1004.. by B, then A again), ~64 shreds per set in send order.</summary>
    private static (List<byte[]> Stream, ILeaderScheduleProvider Schedule, int BadSets) LongStream(Random rng, int slots, bool badSignatures)
    {
        using var a = Ed25519Keypair.FromSeed(Enumerable.Range(0, 32).Select(_ => (byte)rng.Next(256)).ToArray());
        using var b = Ed25519Keypair.FromSeed(Enumerable.Range(0, 32).Select(_ => (byte)rng.Next(256)).ToArray());
        var shredderA = new MerkleShredder(a, shredVersion: 4242);
        var shredderB = new MerkleShredder(b, shredVersion: 4242);
        var stream = new List<byte[]>();
        int bad = 0;
        for (int s = 0; s < slots; s++)
        {
            ulong slot = 1000 + (ulong)s;
            bool byB = (s / 4) % 2 == 1;
            var state = new ShredderSlotState(slot, slot - 1);
            int batches = rng.Next(1, 4);
            for (int k = 0; k < batches; k++)
            {
                var shreds = new List<byte[]>();
                var payload = new byte[rng.Next(8, 2 * MerkleShredder.ChainedSetCapacity)];
                rng.NextBytes(payload);
                (byB ? shredderB : shredderA).Shred(state, payload, lastInSlot: k == batches - 1, referenceTick: k, shreds);
                if (badSignatures && rng.Next(5) == 0)
                {
                    // Every shred of the batch's first set gets one wrong signature (same Merkle tree): the set must be rejected,
                    // as InvalidSignature, by the batched check exactly as by the single one.
                    var wrong = new byte[64];
                    if (rng.Next(2) == 0)
                    {
                        (byB ? a : b).Sign(rng.Next(2) == 0 ? new byte[32] : payload.AsSpan(0, Math.Min(32, payload.Length)), wrong); // another key's valid signature
                    }
                    else
                    {
                        shreds[0].AsSpan(0, 64).CopyTo(wrong);
                        wrong[rng.Next(64)] ^= (byte)(1 << rng.Next(8)); // R or S corrupted (S may become >= L)
                    }

                    uint fec = BitConverter.ToUInt32(shreds[0], 0x4F);
                    foreach (var shred in shreds.Where(x => BitConverter.ToUInt32(x, 0x4F) == fec))
                    {
                        wrong.CopyTo(shred, 0);
                    }

                    bad++;
                }

                stream.AddRange(shreds);
            }
        }

        var schedule = new TwoLeaderSchedule(a.PublicKey, b.PublicKey);
        return (stream, schedule, bad);
    }

    private sealed class TwoLeaderSchedule(Pubkey a, Pubkey b) : ILeaderScheduleProvider
    {
        public bool TryGetLeader(ulong slot, out Pubkey leader)
        {
            leader = ((slot - 1000) / 4) % 2 == 1 ? b : a;
            return true;
        }
    }

    [Fact]
    public void RingDrains_SetsOfAChunkVerifiedTogether_SameOutcomeAsOneByOne()
    {
        var rng = new Random(20261125);
        var (stream, schedule, bad) = LongStream(rng, slots: 24, badSignatures: true);
        Assert.True(bad > 0);

        using var one = new ShredPipeline(new ShredPipelineOptions { LeaderSchedule = schedule, LazyCodingShredVerification = true });
        var oneResults = stream.Select((s, i) => one.Process(s, i, 0)).ToList();
        one.Flush();

        using var batched = new ShredPipeline(new ShredPipelineOptions { LeaderSchedule = schedule, LazyCodingShredVerification = true });
        var results = new ShredProcessResult[stream.Count];
        for (int start = 0; start < stream.Count; start += DatagramRing.DefaultBatchSize)
        {
            int n = Math.Min(DatagramRing.DefaultBatchSize, stream.Count - start);
            batched.ProcessBatch(ShredPipelineBatchTests.Batch(stream, start, n, DatagramRing.SlotSize, start), results.AsSpan(start, n));
        }

        batched.Flush();
        Assert.Equal(oneResults, results);
        Assert.Equal(ShredPipelineBatchTests.Snapshot(one.Stats), ShredPipelineBatchTests.Snapshot(batched.Stats));
        Assert.True(batched.Stats.GetRejected(ShredRejectReason.InvalidSignature) > 0);
        Assert.True(batched.PreparedSignatureVerdicts > 0); // 36 of the 80 checks here: the first 16 per leader go to libsodium
        Assert.Equal(0, one.PreparedSignatureVerdicts);
    }

    /// <summary>The same streams mangled (loss, duplicates, corrupted copies, junk, local shuffling), in random batch sizes: everything
    /// equal to per-datagram processing, with lazy and eager coding verification.</summary>
    [Property(MaxTest = 6)]
    public void MangledLongStreams_BatchedEqualsPerShred(int seed)
    {
        var rng = new Random(seed);
        var (stream, schedule, _) = LongStream(rng, slots: rng.Next(8, 20), badSignatures: true);
        var mangled = ShredPipelineBatchTests.Mangle(stream, rng);
        bool lazy = rng.Next(2) == 0;
        ShredPipelineBatchTests.AssertEquivalent(mangled, () => new ShredPipelineOptions { LeaderSchedule = schedule, LazyCodingShredVerification = lazy }, rng);
    }
}
