using MevDefense.Ingest.Merkle;
using MevDefense.Ingest.Pipeline;
using MevDefense.Ingest.Shreds;
using MevDefense.TestUtils;

namespace MevDefense.Ingest.Tests.Merkle;

/// <summary>
/// The verified-node cache must accept exactly the proofs a full fold accepts, whatever was verified before: otherwise whether a shred
/// passes would depend on the order its set's shreds arrived in (and lazy coding verification, which verifies later, could differ).
/// </summary>
public class MerkleNodeCacheTests
{
    [FsCheck.Xunit.Property(MaxTest = 200)]
    public void TryVerify_AgreesWithFullFold_InAnyOrder_WithCorruptedProofs(int seed)
    {
        var rng = new Random(seed);
        int n = rng.Next(2, 130);
        int p = 0;
        while (1 << p < n)
        {
            p++;
        }

        var leaves = new byte[n * 32];
        rng.NextBytes(leaves);
        var nodes = new byte[ShredMerkle.NodeCount(n) * 32];
        var root = ShredMerkle.BuildTree(leaves, n, nodes).ToArray();
        var proofs = Enumerable.Range(0, n).Select(i =>
        {
            var proof = new byte[p * ShredMerkle.EntrySize];
            Assert.Equal(p, ShredMerkle.WriteProof(nodes, n, i, proof));
            return proof;
        }).ToArray();

        var cache = new MerkleNodeCache();
        cache.Reset(p);
        int first = rng.Next(n);
        Assert.True(cache.TryVerify(leaves.AsSpan(first * 32, 32), first, proofs[first], root)); // the set's first shred: full fold

        var computed = new byte[32];
        for (int step = 0; step < 3 * n; step++)
        {
            int i = rng.Next(n);
            var leaf = leaves.AsSpan(i * 32, 32).ToArray();
            var proof = (byte[])proofs[i].Clone();
            switch (rng.Next(4))
            {
                case 0:
                    proof[rng.Next(proof.Length)] ^= (byte)(1 << rng.Next(8)); // any proof level, lower or upper
                    break;
                case 1:
                    proof[((p - 1) * ShredMerkle.EntrySize) + rng.Next(ShredMerkle.EntrySize)] ^= 1; // the top level: below it the path may be cached
                    break;
                case 2:
                    leaf[rng.Next(32)] ^= 1;
                    break;
            }

            bool full = ShredMerkle.TryGetRoot(leaf, i, proof, computed) && computed.AsSpan().SequenceEqual(root);
            Assert.Equal(full, cache.TryVerify(leaf, i, proof, root));
        }
    }

    /// <summary>In the pipeline: once data shred 0 has seeded the cache (its path holds shred 1's leaf as a verified sibling), shred 1 with a
    /// garbage top proof entry used to be accepted on the cache hit at its leaf; a full fold rejects it, and now the cache does too.</summary>
    [FixtureFact]
    public void Pipeline_ShredWithAuthenticLeafButCorruptedUpperProof_IsRejected()
    {
        var demo = ShredFixtures.Demo();
        var options = new ShredPipelineOptions
        {
            LeaderSchedule = new StaticLeaderScheduleProvider(Pubkey.Parse(ShredFixtures.DemoLeader)),
            Rules = ShredParseRules.CurrentFormat with { ExpectedVersion = 6051 },
        };
        using var pipeline = new ShredPipeline(options);
        Assert.Equal(ShredProcessResult.Accepted, pipeline.Process(demo[0], 0, 0));
        Assert.True(ShredParser.TryRead(demo[1], out var h, out _));
        var bad = (byte[])demo[1].Clone();
        bad[h.ProofOffset + ((h.ProofSize - 1) * ShredMerkle.EntrySize)] ^= 1;
        Assert.Equal(ShredProcessResult.Rejected, pipeline.Process(bad, 0, 0, out var reason));
        Assert.Equal(ShredRejectReason.InvalidMerkleProof, reason);
        Assert.Equal(ShredProcessResult.Accepted, pipeline.Process(demo[1], 0, 0));
    }
}
