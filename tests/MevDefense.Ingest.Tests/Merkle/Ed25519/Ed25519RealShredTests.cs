using MevDefense.Ingest.Merkle;
using MevDefense.Ingest.Merkle.Internal.Ed25519;
using MevDefense.Ingest.Shreds;
using MevDefense.TestUtils;
using NSec.Cryptography;

namespace MevDefense.Ingest.Tests.Merkle.Ed25519;

/// <summary>The precomputed verifier on real mainnet-format leader signatures (demo-shreds.pcap).</summary>
public class Ed25519RealShredTests
{
    [FixtureFact]
    public void DemoPcap_EveryFecSetSignature_DecidedValidByTheFastPath_AndCorruptedRootsRejected()
    {
        var leader = Pubkey.Parse(ShredFixtures.DemoLeader);
        var nsecKey = PublicKey.Import(SignatureAlgorithm.Ed25519, leader.AsSpan(), KeyBlobFormat.RawPublicKey);
        var fast = new PrecomputedEd25519Verifier(buildAfter: 1);
        var combined = new LeaderSignatureVerifier(16, usePrecomputed: true, buildTableAfter: 1);
        var scratch = new byte[ShredMerkle.LeafScratchSize];
        var seen = new HashSet<uint>();
        foreach (var s in ShredFixtures.Demo())
        {
            Assert.True(ShredParser.TryRead(s, out var h, out _));
            if (!seen.Add(h.FecSetIndex))
            {
                continue;
            }

            byte[] root = ShredMerkleTests.RootOf(s, h, scratch);
            byte[] signature = s.AsSpan(0, 64).ToArray();
            Assert.True(SignatureAlgorithm.Ed25519.Verify(nsecKey, root, signature));
            Assert.Equal(FastVerdict.Valid, fast.Verify(leader, signature, root));
            Assert.True(combined.VerifyUncached(leader, signature, root));

            root[h.FecSetIndex % 32] ^= 1;
            Assert.Equal(FastVerdict.Undecided, fast.Verify(leader, signature, root));
            Assert.False(combined.VerifyUncached(leader, signature, root));
        }

        Assert.Equal(8, seen.Count);
        Assert.Equal(1, fast.TablesBuilt);
        Assert.Equal(8, combined.LibsodiumVerifications);   // only the corrupted roots went to libsodium
    }
}
