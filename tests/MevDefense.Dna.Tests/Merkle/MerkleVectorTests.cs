using System.Text.Json;
using MevDefense.Dna.Merkle;
using MevDefense.TestUtils;

namespace MevDefense.Dna.Tests.Merkle;

/// <summary>Reproduces the transparency-dev/merkle probes, the RFC 6962 reference tree and the real Argon2020 CT log data.</summary>
public sealed class MerkleVectorTests
{
    private static readonly IMerkleHasher Sha = Rfc6962Hasher.Sha256;

    private static IEnumerable<(string Path, JsonElement Json)> Vectors(string kind)
    {
        string dir = SharedFixtures.Fixture($"ledger/transparency-dev-merkle/testdata/{kind}");
        foreach (string file in Directory.EnumerateFiles(dir, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            yield return (Path.GetRelativePath(dir, file), doc.RootElement.Clone());
        }
    }

    private static List<ReadOnlyMemory<byte>> Proof(JsonElement json) =>
        json.GetProperty("proof").ValueKind == JsonValueKind.Null
            ? []
            : [.. json.GetProperty("proof").EnumerateArray().Select(e => (ReadOnlyMemory<byte>)Convert.FromBase64String(e.GetString()!))];

    [FixtureFact]
    public void InclusionProbes_AllMatchWantErr()
    {
        var failures = new List<string>();
        int count = 0;
        foreach (var (path, v) in Vectors("inclusion"))
        {
            count++;
            bool ok = MerkleVerifier.VerifyInclusion(
                Sha,
                v.GetProperty("leafIdx").GetUInt64(),
                v.GetProperty("treeSize").GetUInt64(),
                Convert.FromBase64String(v.GetProperty("leafHash").GetString()!),
                Proof(v),
                Convert.FromBase64String(v.GetProperty("root").GetString()!));
            if (ok == v.GetProperty("wantErr").GetBoolean())
            {
                failures.Add($"{path}: {v.GetProperty("desc").GetString()} verified={ok}");
            }
        }

        Assert.True(count > 50, $"only {count} inclusion vectors found");
        Assert.Empty(failures);
    }

    [FixtureFact]
    public void ConsistencyProbes_AllMatchWantErr()
    {
        var failures = new List<string>();
        int count = 0;
        foreach (var (path, v) in Vectors("consistency"))
        {
            count++;
            bool ok = MerkleVerifier.VerifyConsistency(
                Sha,
                v.GetProperty("size1").GetUInt64(),
                v.GetProperty("size2").GetUInt64(),
                Proof(v),
                Convert.FromBase64String(v.GetProperty("root1").GetString()!),
                Convert.FromBase64String(v.GetProperty("root2").GetString()!));
            if (ok == v.GetProperty("wantErr").GetBoolean())
            {
                failures.Add($"{path}: {v.GetProperty("desc").GetString()} verified={ok}");
            }
        }

        Assert.True(count > 50, $"only {count} consistency vectors found");
        Assert.Empty(failures);
    }

    [FixtureFact]
    public void HappyPathProofs_AreGeneratedExactly()
    {
        MerkleTree tree = ReferenceTree();
        int checkedCount = 0;
        foreach (var (path, v) in Vectors("inclusion"))
        {
            if (v.GetProperty("wantErr").GetBoolean())
            {
                continue;
            }

            ulong size = v.GetProperty("treeSize").GetUInt64();
            ulong index = v.GetProperty("leafIdx").GetUInt64();
            if (size > tree.Size || !tree.GetLeafHash(index).AsSpan().SequenceEqual(Convert.FromBase64String(v.GetProperty("leafHash").GetString()!)))
            {
                continue;
            }

            byte[][] generated = tree.GetInclusionProof(index, size);
            Assert.Equal(Proof(v).Select(p => Convert.ToHexString(p.Span)), generated.Select(Convert.ToHexString));
            checkedCount++;
        }

        foreach (var (path, v) in Vectors("consistency"))
        {
            ulong size1 = v.GetProperty("size1").GetUInt64();
            ulong size2 = v.GetProperty("size2").GetUInt64();
            if (v.GetProperty("wantErr").GetBoolean() || size1 == 0 || size2 > tree.Size)
            {
                continue;
            }

            byte[] root2 = new byte[32];
            tree.GetRootHash(size2, root2);
            if (!root2.AsSpan().SequenceEqual(Convert.FromBase64String(v.GetProperty("root2").GetString()!)))
            {
                continue;
            }

            byte[][] generated = tree.GetConsistencyProof(size1, size2);
            Assert.Equal(Proof(v).Select(p => Convert.ToHexString(p.Span)), generated.Select(Convert.ToHexString));
            checkedCount++;
        }

        Assert.True(checkedCount >= 8, $"only {checkedCount} happy-path proofs compared");
    }

    [FixtureFact]
    public void ReferenceTree_RootsAndNodeHashesMatchConstants()
    {
        using var doc = JsonDocument.Parse(SharedFixtures.ReadText("ledger/transparency-dev-merkle/rfc6962_tree_constants.json"));
        JsonElement c = doc.RootElement;
        string[] leaves = [.. c.GetProperty("leafInputsHex").EnumerateArray().Select(e => e.GetString()!)];
        string[] roots = [.. c.GetProperty("rootHashesBySize").EnumerateArray().Select(e => e.GetString()!)];
        var tree = new MerkleTree();
        Assert.Equal(roots[0], Convert.ToHexStringLower(tree.GetRootHash()));
        for (int i = 0; i < leaves.Length; i++)
        {
            tree.AppendLeaf(Convert.FromHexString(leaves[i]));
            Assert.Equal(roots[i + 1], Convert.ToHexStringLower(tree.GetRootHash()));
        }

        // Every historical root is still reachable from the stored nodes.
        for (int size = 0; size <= leaves.Length; size++)
        {
            byte[] root = new byte[32];
            tree.GetRootHash((ulong)size, root);
            Assert.Equal(roots[size], Convert.ToHexStringLower(root));
        }

        JsonElement levels = c.GetProperty("nodeHashesByLevel");
        Assert.Equal(levels[0].EnumerateArray().Select(e => e.GetString()), Enumerable.Range(0, leaves.Length).Select(i => Convert.ToHexStringLower(tree.GetLeafHash((ulong)i))));
    }

    [FixtureFact]
    public void HasherVectors_Match()
    {
        using var doc = JsonDocument.Parse(SharedFixtures.ReadText("ledger/transparency-dev-merkle/rfc6962_tree_constants.json"));
        string text = doc.RootElement.GetProperty("hasherVectors").GetRawText();
        byte[] h = new byte[32];
        Sha.HashEmpty(h);
        Assert.Contains(Convert.ToHexStringLower(h), text, StringComparison.Ordinal);
        Sha.HashLeaf("L123456"u8, h);
        Assert.Contains(Convert.ToHexStringLower(h), text, StringComparison.Ordinal);
        Sha.HashLeaf([], h);
        Assert.Contains(Convert.ToHexStringLower(h), text, StringComparison.Ordinal);
        Sha.HashChildren("N123"u8, "N456"u8, h);
        Assert.Contains(Convert.ToHexStringLower(h), text, StringComparison.Ordinal);
    }

    [FixtureFact]
    public void Argon2020_RealInclusionAndConsistency_Verify()
    {
        using var sth = JsonDocument.Parse(SharedFixtures.ReadText("ledger/ct-argon2020-real/sth.json"));
        using var proof = JsonDocument.Parse(SharedFixtures.ReadText("ledger/ct-argon2020-real/proof.json"));
        using var entries = JsonDocument.Parse(SharedFixtures.ReadText("ledger/ct-argon2020-real/entries.json"));
        using var consistency = JsonDocument.Parse(SharedFixtures.ReadText("ledger/ct-argon2020-real/consistency.json"));

        ulong size = sth.RootElement.GetProperty("tree_size").GetUInt64();
        byte[] root = Convert.FromBase64String(sth.RootElement.GetProperty("sha256_root_hash").GetString()!);
        byte[] leafInput = Convert.FromBase64String(entries.RootElement.GetProperty("entries")[0].GetProperty("leaf_input").GetString()!);
        byte[] leafHash = new byte[32];
        Sha.HashLeaf(leafInput, leafHash);
        ulong index = proof.RootElement.GetProperty("leaf_index").GetUInt64();
        List<ReadOnlyMemory<byte>> path = [.. proof.RootElement.GetProperty("audit_path").EnumerateArray().Select(e => (ReadOnlyMemory<byte>)Convert.FromBase64String(e.GetString()!))];

        Assert.True(MerkleVerifier.VerifyInclusion(Sha, index, size, leafHash, path, root));
        Assert.False(MerkleVerifier.VerifyInclusion(Sha, index + 1, size, leafHash, path, root));
        Assert.False(MerkleVerifier.VerifyInclusion(Sha, index, size * 2, leafHash, path, root));

        byte[] oldRoot = Convert.FromBase64String("AuIZ5V6sDUj1vn3Y1K85oOaQ7y+FJJKtyRTl1edIKBQ=");
        List<ReadOnlyMemory<byte>> cons = [.. consistency.RootElement.GetProperty("consistency").EnumerateArray().Select(e => (ReadOnlyMemory<byte>)Convert.FromBase64String(e.GetString()!))];
        Assert.True(MerkleVerifier.VerifyConsistency(Sha, 3654490, size, cons, oldRoot, root));
        Assert.False(MerkleVerifier.VerifyConsistency(Sha, 3654491, size, cons, oldRoot, root));

        // Every single-bit flip anywhere in the real proofs is detected.
        for (int i = 0; i < path.Count; i++)
        {
            byte[] mutated = path[i].ToArray();
            mutated[i % 32] ^= 1;
            List<ReadOnlyMemory<byte>> bad = [.. path];
            bad[i] = mutated;
            Assert.False(MerkleVerifier.VerifyInclusion(Sha, index, size, leafHash, bad, root));
        }

        for (int i = 0; i < cons.Count; i++)
        {
            byte[] mutated = cons[i].ToArray();
            mutated[(i * 7) % 32] ^= 0x80;
            List<ReadOnlyMemory<byte>> bad = [.. cons];
            bad[i] = mutated;
            Assert.False(MerkleVerifier.VerifyConsistency(Sha, 3654490, size, bad, oldRoot, root));
        }
    }

    private static MerkleTree ReferenceTree()
    {
        using var doc = JsonDocument.Parse(SharedFixtures.ReadText("ledger/transparency-dev-merkle/rfc6962_tree_constants.json"));
        var tree = new MerkleTree();
        foreach (JsonElement leaf in doc.RootElement.GetProperty("leafInputsHex").EnumerateArray())
        {
            tree.AppendLeaf(Convert.FromHexString(leaf.GetString()!));
        }

        return tree;
    }
}
