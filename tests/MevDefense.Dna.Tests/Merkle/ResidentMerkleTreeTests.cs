using System.Security.Cryptography;
using FsCheck;
using FsCheck.Xunit;
using MevDefense.Dna.Merkle;

namespace MevDefense.Dna.Tests.Merkle;

/// <summary>
/// A tree reopened from stored nodes with a small memory budget (several upper levels resident, loaded a chunk at a time through a
/// range reader, or node by node without one; lower levels read per proof) answers exactly like a freshly built tree.
/// </summary>
public sealed class ResidentMerkleTreeTests
{
    [Property(MaxTest = 40)]
    public bool ReopenedWithResidentLevels_ProofsEqualFreshTree(PositiveInt n, NonNegativeInt budgetPick, bool useRange, NonNegativeInt seed)
    {
        int leaves = 1 + (n.Get % 5_000);
        long budget = (budgetPick.Get % 6) switch
        {
            0 => 0, // nothing resident: every stored node is a point read
            1 => 64,
            2 => 32 * 64,
            3 => 32 * 256,
            4 => 32 * 2_000,
            _ => MerkleTree.DefaultResidentBytes,
        };
        (MerkleTree full, NodeStore store) = Build(leaves, seed.Get);
        var reopened = new MerkleTree(Rfc6962Hasher.Sha256, (ulong)leaves, store.Read, useRange ? store : null, budget);
        var random = new Random(seed.Get);
        for (int probe = 0; probe < 30; probe++)
        {
            ulong size = 1 + (ulong)random.NextInt64(leaves);
            ulong index = (ulong)random.NextInt64((long)size);
            if (!Same(full.GetInclusionProof(index, size), reopened.GetInclusionProof(index, size))
                || !Same(full.GetConsistencyProof(1 + index, size), reopened.GetConsistencyProof(1 + index, size))
                || !Same(full.GetInclusionProof(index, (ulong)leaves), reopened.GetInclusionProof(index, (ulong)leaves)))
            {
                return false;
            }
        }

        // Appends after the reopen stay in memory; proofs mixing both halves still match.
        Span<byte> leaf = stackalloc byte[32];
        for (int i = leaves; i < leaves + 40; i++)
        {
            SHA256.HashData(BitConverter.GetBytes(i ^ seed.Get), leaf);
            full.AppendLeafHash(leaf);
            reopened.AppendLeafHash(leaf);
        }

        ulong total = (ulong)leaves + 40;
        for (int probe = 0; probe < 10; probe++)
        {
            ulong index = (ulong)random.NextInt64((long)total);
            if (!Same(full.GetInclusionProof(index, total), reopened.GetInclusionProof(index, total)))
            {
                return false;
            }
        }

        return full.GetRootHash().AsSpan().SequenceEqual(reopened.GetRootHash());
    }

    [Theory]
    [InlineData(10_000_000UL, 64L << 20, 4)] // 2 × 625,000 × 32 B = 40 MB
    [InlineData(100_000_000UL, 64L << 20, 7)]
    [InlineData(1_000_000UL, 64L << 20, 0)]
    [InlineData(1_000UL, 0L, 10)]
    public void ResidentLevel_FitsTheBudget(ulong size, long budget, int expected)
    {
        Assert.Equal(expected, MerkleTree.ResidentLevelFor(size, 32, budget));
    }

    [Fact]
    public void RangeReaderTarget_IsUsed_AndResidentNodesAreReadOnce()
    {
        (MerkleTree full, NodeStore store) = Build(4_096, 7);
        var reopened = new MerkleTree(Rfc6962Hasher.Sha256, 4_096, store.Read); // delegate target is the range reader
        Assert.Equal(MerkleTree.ResidentLevelFor(4_096, 32, MerkleTree.DefaultResidentBytes), reopened.ResidentLevel);
        int pointReadsAtOpen = store.PointReads;
        for (ulong i = 0; i < 4_096; i += 97)
        {
            Assert.Equal(full.GetInclusionProof(i, 4_096), reopened.GetInclusionProof(i, 4_096));
        }

        Assert.Equal(pointReadsAtOpen, store.PointReads); // everything went through ranges
        int ranges = store.RangeReads;
        for (ulong i = 0; i < 4_096; i += 97)
        {
            Assert.Equal(full.GetInclusionProof(i, 4_096), reopened.GetInclusionProof(i, 4_096));
        }

        Assert.Equal(ranges, store.RangeReads); // resident chunks are kept
    }

    [Theory]
    [InlineData(0, 1_001UL, 32 * 600, 4)] // a leaf (non-resident level: point read)
    [InlineData(5, 30UL, 32 * 600, 4)] // a node of a resident level (read a chunk at a time)
    [InlineData(7, 10UL, 0, 12)] // a node of a non-resident level in a tree with nothing resident
    public void MissingStoredNode_ThrowsInvalidData(int level, ulong index, long budget, int residentLevel)
    {
        (_, NodeStore store) = Build(4_000, 3);
        var reopened = new MerkleTree(Rfc6962Hasher.Sha256, 4_000, store.Read, store, budget);
        Assert.Equal(residentLevel, reopened.ResidentLevel);
        store.Nodes.Remove((level, index));
        ulong leaf = (index << level) ^ (1UL << level); // the sibling subtree of that node holds this leaf
        Assert.Throws<InvalidDataException>(() => reopened.GetInclusionProof(leaf, 4_000));
    }

    private static bool Same(byte[][] a, byte[][] b) => a.Length == b.Length && a.Zip(b).All(p => p.First.AsSpan().SequenceEqual(p.Second));

    private static (MerkleTree Full, NodeStore Store) Build(int leaves, int seed)
    {
        var full = new MerkleTree(Rfc6962Hasher.Sha256);
        var store = new NodeStore();
        var frontier = new MerkleFrontier(Rfc6962Hasher.Sha256);
        Span<byte> leaf = stackalloc byte[32];
        for (int i = 0; i < leaves; i++)
        {
            SHA256.HashData(BitConverter.GetBytes(i ^ seed), leaf);
            full.AppendLeafHash(leaf);
            frontier.AppendLeafHash(leaf, (level, index, hash) => store.Nodes[(level, index)] = hash.ToArray());
        }

        return (full, store);
    }

    private sealed class NodeStore : IMerkleNodeRangeReader
    {
        public Dictionary<(int, ulong), byte[]> Nodes { get; } = [];

        public int PointReads { get; private set; }

        public int RangeReads { get; private set; }

        public bool Read(int level, ulong index, Span<byte> destination)
        {
            PointReads++;
            if (!Nodes.TryGetValue((level, index), out byte[]? h))
            {
                return false;
            }

            h.CopyTo(destination);
            return true;
        }

        public int ReadMerkleNodeRange(int level, ulong start, int count, Span<byte> destination)
        {
            RangeReads++;
            for (int i = 0; i < count; i++)
            {
                if (!Nodes.TryGetValue((level, start + (ulong)i), out byte[]? h))
                {
                    return i;
                }

                h.CopyTo(destination.Slice(i * 32, 32));
            }

            return count;
        }
    }
}
