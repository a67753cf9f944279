using System.Text.Json;
using MevDefense.Ingest.Merkle;
using MevDefense.Ingest.Shreds;
using MevDefense.TestUtils;
using NSec.Cryptography;

namespace MevDefense.Ingest.Tests.Merkle;

public class ShredMerkleTests
{
    [FixtureFact]
    public void DemoPcap_RootsSignaturesAndChaining_MatchExpectedJson()
    {
        using var doc = JsonDocument.Parse(SharedFixtures.ReadText("shreds/EXPECTED.json"));
        var sets = doc.RootElement.GetProperty("firedancer/demo-shreds.pcap").GetProperty("fec_sets");
        var leader = Pubkey.Parse(ShredFixtures.DemoLeader);
        var verifier = new LeaderSignatureVerifier();
        var scratch = new byte[ShredMerkle.LeafScratchSize];
        var roots = new Dictionary<uint, string>();
        foreach (var s in ShredFixtures.Demo())
        {
            Assert.True(ShredParser.TryRead(s, out var h, out _));
            var root = RootOf(s, h, scratch);
            var e = sets.GetProperty(h.FecSetIndex.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(e.GetProperty("merkle_root_hex").GetString(), Convert.ToHexStringLower(root));
            Assert.Equal(e.GetProperty("chained_merkle_root_hex").GetString(), Convert.ToHexStringLower(s.AsSpan(h.ChainedRootOffset, 32)));
            Assert.Equal(e.GetProperty("leader_signature_b58").GetString(), new Signature(s.AsSpan(0, 64)).ToString());
            Assert.True(verifier.Verify(leader, h.Slot, h.FecSetIndex, s.AsSpan(0, 64), root));
            roots[h.FecSetIndex] = Convert.ToHexStringLower(root);
        }

        Assert.Equal(8, roots.Count);
        Assert.Equal(8, verifier.Verifications); // once per (slot, fec_set_index, signature), not once per shred
    }

    [FixtureFact]
    public void BuildTree_DemoSet_ReproducesRootAndEveryStoredProof()
    {
        var scratch = new byte[ShredMerkle.LeafScratchSize];
        var shreds = ShredFixtures.Demo().Select(s => (s, h: Parse(s))).Where(x => x.h.FecSetIndex == 224).ToList();
        var leaves = new byte[64 * 32];
        foreach (var (s, h) in shreds)
        {
            int leafIndex = h.IsData ? (int)(h.Index - h.FecSetIndex) : 32 + h.Position;
            ShredMerkle.HashLeaf(s, h, scratch, leaves.AsSpan(leafIndex * 32, 32));
        }

        var nodes = new byte[ShredMerkle.NodeCount(64) * 32];
        var root = ShredMerkle.BuildTree(leaves, 64, nodes).ToArray();
        Span<byte> proof = stackalloc byte[6 * 20];
        foreach (var (s, h) in shreds)
        {
            Assert.Equal(root, RootOf(s, h, scratch));
            int leafIndex = h.IsData ? (int)(h.Index - h.FecSetIndex) : 32 + h.Position;
            Assert.Equal(6, ShredMerkle.WriteProof(nodes, 64, leafIndex, proof));
            Assert.True(proof.SequenceEqual(s.AsSpan(h.ProofOffset, 120)));
        }
    }

    [FixtureTheory]
    [InlineData("sig/merkle_proof_test_shreds_34_data_34_code.bin")]
    [InlineData("sig/recovery_test_shreds_34_data_34_code.bin")]
    public void SigVariableFecSet_ProofSize7_AllProofsLeadToOneRoot(string file)
    {
        var scratch = new byte[ShredMerkle.LeafScratchSize];
        var shreds = ShredFixtures.Read(file);
        Assert.Equal(68, shreds.Count);
        var roots = new HashSet<string>();
        var leaves = new byte[68 * 32];
        foreach (var s in shreds)
        {
            var h = Parse(s);
            Assert.Equal(7, h.ProofSize);
            Assert.True(h.IsResigned);
            roots.Add(Convert.ToHexStringLower(RootOf(s, h, scratch)));
            int leafIndex = h.IsData ? (int)(h.Index - h.FecSetIndex) : h.NumDataShreds + h.Position;
            ShredMerkle.HashLeaf(s, h, scratch, leaves.AsSpan(leafIndex * 32, 32));
        }

        Assert.Single(roots);
        var nodes = new byte[ShredMerkle.NodeCount(68) * 32];
        Assert.Equal(roots.Single(), Convert.ToHexStringLower(ShredMerkle.BuildTree(leaves, 68, nodes)));
    }

    [FixtureFact]
    public void Verify_TamperedRootOrWrongLeader_Fails()
    {
        var s = ShredFixtures.Demo()[0];
        var h = Parse(s);
        var root = RootOf(s, h, new byte[ShredMerkle.LeafScratchSize]);
        var verifier = new LeaderSignatureVerifier();
        var leader = Pubkey.Parse(ShredFixtures.DemoLeader);
        root[0] ^= 1;
        Assert.False(verifier.Verify(leader, 0, 0, s.AsSpan(0, 64), root));
        root[0] ^= 1;
        using var other = Key.Create(SignatureAlgorithm.Ed25519);
        Assert.False(verifier.Verify(new Pubkey(other.PublicKey.Export(KeyBlobFormat.RawPublicKey)), 0, 0, s.AsSpan(0, 64), root));
        Assert.True(verifier.Verify(leader, 0, 0, s.AsSpan(0, 64), root));
    }

    [FixtureFact]
    public void NodeCache_AnyArrivalOrder_AcceptsMembersAndRejectsTamperedLeaves()
    {
        var scratch = new byte[ShredMerkle.LeafScratchSize];
        var set = ShredFixtures.Demo().Select(s => (s, h: Parse(s))).Where(x => x.h.FecSetIndex == 96).ToList();
        var root = RootOf(set[0].s, set[0].h, scratch);
        for (int seed = 0; seed < 20; seed++)
        {
            var rng = new Random(seed);
            var cache = new MerkleNodeCache();
            cache.Reset(6);
            foreach (var (s, h) in set.OrderBy(_ => rng.Next()))
            {
                var leaf = new byte[32];
                ShredMerkle.HashLeaf(s, h, scratch, leaf);
                int index = h.IsData ? (int)(h.Index - h.FecSetIndex) : 32 + h.Position;
                var proof = s.AsSpan(h.ProofOffset, 120);

                var bad = (byte[])leaf.Clone();
                bad[rng.Next(20)] ^= (byte)(1 + rng.Next(255));
                Assert.False(cache.TryVerify(bad, index, proof, root));
                Assert.False(cache.TryVerify(leaf, index ^ 1, proof, root));
                Assert.True(cache.TryVerify(leaf, index, proof, root));
            }
        }
    }

    [Fact]
    public void TryGetRoot_IndexBeyondProof_ReturnsFalse()
    {
        var leaf = new byte[32];
        var proof = new byte[6 * 20];
        Span<byte> root = stackalloc byte[32];
        Assert.True(ShredMerkle.TryGetRoot(leaf, 63, proof, root));
        Assert.False(ShredMerkle.TryGetRoot(leaf, 64, proof, root));
    }

    [Fact]
    public void StaticAndCallbackProviders_AnswerAsConfigured()
    {
        var a = new Pubkey(Enumerable.Repeat((byte)1, 32).ToArray());
        var b = new Pubkey(Enumerable.Repeat((byte)2, 32).ToArray());
        var map = new StaticLeaderScheduleProvider([new KeyValuePair<ulong, Pubkey>(5, a)]);
        Assert.True(map.TryGetLeader(5, out var l) && l == a);
        Assert.False(map.TryGetLeader(6, out _));
        var withFallback = new StaticLeaderScheduleProvider([new KeyValuePair<ulong, Pubkey>(5, a)], b);
        Assert.True(withFallback.TryGetLeader(6, out l) && l == b);
        var cb = new CallbackLeaderScheduleProvider(slot => slot % 2 == 0 ? a : null);
        Assert.True(cb.TryGetLeader(2, out l) && l == a);
        Assert.False(cb.TryGetLeader(3, out _));
        Assert.Throws<ArgumentNullException>("lookup", () => new CallbackLeaderScheduleProvider(null!));
    }

    internal static ShredHeader Parse(byte[] s)
    {
        Assert.True(ShredParser.TryRead(s, out var h, out var reason), reason.ToString());
        return h;
    }

    internal static byte[] RootOf(byte[] s, in ShredHeader h, byte[] scratch)
    {
        var leaf = new byte[32];
        var root = new byte[32];
        ShredMerkle.HashLeaf(s, h, scratch, leaf);
        int leafIndex = h.IsData ? (int)(h.Index - h.FecSetIndex) : h.NumDataShreds + h.Position;
        Assert.True(ShredMerkle.TryGetRoot(leaf, leafIndex, s.AsSpan(h.ProofOffset, h.ProofSize * 20), root));
        return root;
    }
}
