using System.Security.Cryptography;
using MevDefense.Dna.Merkle;

namespace MevDefense.Dna.Tests.Merkle;

/// <summary>A tree reopened from stored nodes (right border read at open, other nodes on demand) answers exactly like the full in-memory tree.</summary>
public sealed class PersistedMerkleTreeTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(13)]
    [InlineData(40_001)] // levels 0 and 1 hold more than the upper-level cache: read through the scratch path
    public void Reopened_RootsProofsAndAppends_MatchTheFullTree(int leaves)
    {
        var full = new MerkleTree(Rfc6962Hasher.Sha256);
        var stored = new Dictionary<(int, ulong), byte[]>();
        var frontier = new MerkleFrontier(Rfc6962Hasher.Sha256);
        Span<byte> leaf = stackalloc byte[32];
        for (int i = 0; i < leaves; i++)
        {
            SHA256.HashData(BitConverter.GetBytes(i), leaf);
            full.AppendLeafHash(leaf);
            frontier.AppendLeafHash(leaf, (level, index, hash) => stored[(level, index)] = hash.ToArray());
        }

        int reads = 0;
        var reopened = new MerkleTree(Rfc6962Hasher.Sha256, (ulong)leaves, (level, index, destination) =>
        {
            reads++;
            if (!stored.TryGetValue((level, index), out byte[]? h))
            {
                return false;
            }

            h.CopyTo(destination);
            return true;
        });
        Assert.True(reads <= 64, $"open read {reads} nodes");
        Assert.Equal(full.GetRootHash(), reopened.GetRootHash());
        byte[] root = new byte[32];
        frontier.GetRoot(root);
        Assert.Equal(root, reopened.GetRootHash());

        var random = new Random(leaves);
        for (int probe = 0; probe < 200; probe++)
        {
            ulong size = 1 + (ulong)random.NextInt64(leaves);
            ulong index = (ulong)random.NextInt64((long)size);
            Assert.Equal(full.GetInclusionProof(index, size), reopened.GetInclusionProof(index, size));
            Assert.Equal(full.GetConsistencyProof(1 + index, size), reopened.GetConsistencyProof(1 + index, size));
        }

        for (int i = leaves; i < leaves + 70; i++)
        {
            SHA256.HashData(BitConverter.GetBytes(i), leaf);
            full.AppendLeafHash(leaf);
            reopened.AppendLeafHash(leaf);
            Assert.Equal(full.GetRootHash(), reopened.GetRootHash());
            Assert.Equal(full.GetInclusionProof((ulong)i / 2, (ulong)i + 1), reopened.GetInclusionProof((ulong)i / 2, (ulong)i + 1));
        }
    }

    [Fact]
    public void MissingBorderNode_ThrowsInvalidData()
    {
        Assert.Throws<InvalidDataException>(() => new MerkleTree(Rfc6962Hasher.Sha256, 5, (_, _, _) => false));
    }
}
