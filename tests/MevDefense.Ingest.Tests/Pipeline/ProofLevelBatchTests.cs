using MevDefense.Ingest.Pipeline;
using MevDefense.Ingest.Shreds;
using MevDefense.TestUtils;

namespace MevDefense.Ingest.Tests.Pipeline;

/// <summary>
/// The batch path hashes the proof levels of a chunk's shreds together, hashing identical join inputs once (shreds of one set share
/// their upper nodes). A corrupted proof entry at any level, or a corrupted leaf byte, must still be rejected exactly as by the
/// per-datagram path, whether the corrupted copy shares its chunk with the authentic shreds of its set (whose joins it would be
/// deduplicated against) or arrives before its set is held.
/// </summary>
public class ProofLevelBatchTests
{
    [FixtureFact]
    public void ProcessBatch_EveryCorruptedProofLevelOrLeafByte_RejectedAsPerDatagram()
    {
        var demo = ShredFixtures.Demo();
        Assert.True(ShredParser.TryRead(demo[0], out var first, out _));
        var set = demo.Where(d => ShredParser.TryRead(d, out var h, out _) && h.Slot == first.Slot && h.FecSetIndex == first.FecSetIndex).ToList();
        Assert.Equal(64, set.Count);
        var rng = new Random(20261125);
        int cases = 0;
        foreach (int victim in new[] { 1, 2, 3, 6, 17, 31, 32, 33, 63 })
        {
            Assert.True(ShredParser.TryRead(set[victim], out var h, out _));
            Assert.True(h.ProofSize >= 6);

            // Each proof entry (one random bit of it), then a byte the leaf covers (payload) and one of the header.
            var offsets = Enumerable.Range(0, h.ProofSize).Select(level => h.ProofOffset + (level * 20) + rng.Next(20))
                .Append(h.ProofOffset - 1 - rng.Next(400)).Append(0x41 + rng.Next(8));
            foreach (int offset in offsets)
            {
                var bad = (byte[])set[victim].Clone();
                bad[offset] ^= (byte)(1 << rng.Next(8));

                // After the set's first shred (the set is held, the bad copy is folded against its verified nodes), before the
                // authentic copy; and as the very first shred of the stream (the set is not held yet: its root is wrong).
                foreach (bool held in new[] { true, false })
                {
                    var stream = held ? [set[0], bad, .. set.Skip(1)] : new List<byte[]> { bad }.Concat(set).ToList();
                    var stats = ShredPipelineBatchTests.AssertEquivalent(stream, ShredPipelineBatchTests.DemoOptions, rng);
                    Assert.Equal(1, stats.Rejected);
                    Assert.Equal(64, stats.Accepted);

                    // One chunk holding the whole stream: the bad copy's joins meet the authentic shreds' identical ones.
                    using var pipeline = new ShredPipeline(ShredPipelineBatchTests.DemoOptions());
                    var results = new ShredProcessResult[stream.Count];
                    pipeline.ProcessBatch(ShredPipelineBatchTests.Batch(stream, 0, stream.Count, 1232, 0), results);
                    Assert.Equal(ShredProcessResult.Rejected, results[held ? 1 : 0]);
                    Assert.Equal(stream.Count - 1, results.Count(r => r == ShredProcessResult.Accepted));
                    if (held && offset >= h.ProofOffset - 400)
                    {
                        Assert.Equal(1, pipeline.Stats.GetRejected(ShredRejectReason.InvalidMerkleProof));
                    }

                    cases++;
                }
            }
        }

        Assert.Equal(9 * 8 * 2, cases);
    }
}
