using FsCheck;
using FsCheck.Xunit;
using MevDefense.Dna.Merkle;

namespace MevDefense.Dna.Tests.Merkle;

/// <summary>The stored-node tree against a recursive RFC 6962 reference (MTH / PATH / PROOF written from the RFC text).</summary>
public sealed class MerkleTreeProperties
{
    private static readonly IMerkleHasher Sha = Rfc6962Hasher.Sha256;

    [Property(MaxTest = 100)]
    public bool RootsAndInclusionProofs_MatchReference_AndVerify(PositiveInt n, NonNegativeInt pickIndex, NonNegativeInt pickSize, bool blake3)
    {
        IMerkleHasher hasher = blake3 ? Rfc6962Hasher.Blake3 : Sha;
        int count = 1 + (n.Get % 300);
        byte[][] leaves = Leaves(count, n.Get);
        var tree = new MerkleTree(hasher);
        foreach (byte[] l in leaves)
        {
            tree.AppendLeaf(l);
        }

        ulong size = 1 + (ulong)(pickSize.Get % count);
        ulong index = (ulong)pickIndex.Get % size;
        byte[] root = new byte[32];
        tree.GetRootHash(size, root);
        byte[][] leafHashes = [.. leaves.Select(l => LeafHash(hasher, l))];
        if (!root.AsSpan().SequenceEqual(Mth(hasher, leafHashes, 0, (int)size)))
        {
            return false;
        }

        byte[][] proof = tree.GetInclusionProof(index, size);
        List<byte[]> expected = Path(hasher, leafHashes, (int)index, 0, (int)size);
        return proof.Length == expected.Count
            && proof.Zip(expected).All(p => p.First.AsSpan().SequenceEqual(p.Second))
            && MerkleVerifier.VerifyInclusion(hasher, index, size, leafHashes[index], proof.Select(p => (ReadOnlyMemory<byte>)p).ToList(), root);
    }

    [Property(MaxTest = 100)]
    public bool ConsistencyProofs_MatchReference_AndVerify(PositiveInt n, NonNegativeInt pick1, NonNegativeInt pick2)
    {
        int count = 1 + (n.Get % 300);
        byte[][] leafHashes = [.. Leaves(count, n.Get).Select(l => LeafHash(Sha, l))];
        var tree = new MerkleTree();
        foreach (byte[] l in leafHashes)
        {
            tree.AppendLeafHash(l);
        }

        ulong size2 = 1 + (ulong)(pick2.Get % count);
        ulong size1 = 1 + (ulong)(pick1.Get % (int)size2);
        byte[][] proof = tree.GetConsistencyProof(size1, size2);
        List<byte[]> expected = size1 == size2 ? [] : SubProof(Sha, leafHashes, (int)size1, 0, (int)size2, true);
        byte[] root1 = new byte[32];
        byte[] root2 = new byte[32];
        tree.GetRootHash(size1, root1);
        tree.GetRootHash(size2, root2);
        return proof.Length == expected.Count
            && proof.Zip(expected).All(p => p.First.AsSpan().SequenceEqual(p.Second))
            && MerkleVerifier.VerifyConsistency(Sha, size1, size2, proof.Select(p => (ReadOnlyMemory<byte>)p).ToList(), root1, root2);
    }

    [Property(MaxTest = 150)]
    public bool AnyChangedByte_InProofRootOrLeaf_FailsVerification(PositiveInt n, NonNegativeInt pickIndex, NonNegativeInt pickByte, byte xor, bool consistency)
    {
        int count = 2 + (n.Get % 200);
        var tree = new MerkleTree();
        foreach (byte[] l in Leaves(count, n.Get))
        {
            tree.AppendLeaf(l);
        }

        ulong size = (ulong)count;
        byte mask = xor == 0 ? (byte)0x40 : xor;
        byte[] root = tree.GetRootHash();
        if (consistency)
        {
            ulong size1 = 1 + ((ulong)pickIndex.Get % (size - 1));
            byte[] root1 = new byte[32];
            tree.GetRootHash(size1, root1);
            byte[] flat = [.. tree.GetConsistencyProof(size1, size).SelectMany(p => p)];
            byte[][] targets = [flat, root1, root];
            byte[] target = targets[pickByte.Get % 3];
            if (target.Length == 0)
            {
                return true;
            }

            target[(pickByte.Get / 3) % target.Length] ^= mask;
            return !MerkleVerifier.VerifyConsistency(Sha, size1, size, flat, root1, root);
        }
        else
        {
            ulong index = (ulong)pickIndex.Get % size;
            byte[] leaf = tree.GetLeafHash(index);
            byte[] flat = [.. tree.GetInclusionProof(index, size).SelectMany(p => p)];
            byte[][] targets = [flat, leaf, root];
            byte[] target = targets[pickByte.Get % 3];
            if (target.Length == 0)
            {
                return true;
            }

            target[(pickByte.Get / 3) % target.Length] ^= mask;
            return !MerkleVerifier.VerifyInclusion(Sha, index, size, leaf, flat, root);
        }
    }

    [Fact]
    public void LargeTree_ProofsAgreeWithReference_AtEdges()
    {
        const int count = 70_001;
        byte[][] leafHashes = [.. Enumerable.Range(0, count).Select(i => LeafHash(Sha, BitConverter.GetBytes(i)))];
        var tree = new MerkleTree();
        foreach (byte[] l in leafHashes)
        {
            tree.AppendLeafHash(l);
        }

        byte[] root = tree.GetRootHash();
        Assert.Equal(Mth(Sha, leafHashes, 0, count), root);
        foreach (int index in new[] { 0, 1, 65535, 65536, 65537, count - 2, count - 1 })
        {
            byte[][] proof = tree.GetInclusionProof((ulong)index, count);
            Assert.Equal(Path(Sha, leafHashes, index, 0, count).Select(Convert.ToHexString), proof.Select(Convert.ToHexString));
            Assert.True(MerkleVerifier.VerifyInclusion(Sha, (ulong)index, count, leafHashes[index], [.. proof.SelectMany(p => p)], root));
        }
    }

    private static byte[][] Leaves(int count, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ =>
        {
            byte[] b = new byte[random.Next(0, 300)];
            random.NextBytes(b);
            return b;
        })];
    }

    private static byte[] LeafHash(IMerkleHasher h, byte[] data)
    {
        byte[] o = new byte[32];
        h.HashLeaf(data, o);
        return o;
    }

    private static byte[] Node(IMerkleHasher h, byte[] l, byte[] r)
    {
        byte[] o = new byte[32];
        h.HashChildren(l, r, o);
        return o;
    }

    private static int SplitPoint(int n)
    {
        int k = 1;
        while (k << 1 < n)
        {
            k <<= 1;
        }

        return k;
    }

    // RFC 6962 §2.1: MTH(D[n]).
    private static byte[] Mth(IMerkleHasher h, byte[][] leaves, int start, int n)
    {
        if (n == 1)
        {
            return leaves[start];
        }

        int k = SplitPoint(n);
        return Node(h, Mth(h, leaves, start, k), Mth(h, leaves, start + k, n - k));
    }

    // RFC 6962 §2.1.1: PATH(m, D[n]).
    private static List<byte[]> Path(IMerkleHasher h, byte[][] leaves, int m, int start, int n)
    {
        if (n == 1)
        {
            return [];
        }

        int k = SplitPoint(n);
        if (m < k)
        {
            var p = Path(h, leaves, m, start, k);
            p.Add(Mth(h, leaves, start + k, n - k));
            return p;
        }
        else
        {
            var p = Path(h, leaves, m - k, start + k, n - k);
            p.Add(Mth(h, leaves, start, k));
            return p;
        }
    }

    // RFC 6962 §2.1.2: SUBPROOF(m, D[n], b).
    private static List<byte[]> SubProof(IMerkleHasher h, byte[][] leaves, int m, int start, int n, bool b)
    {
        if (m == n)
        {
            return b ? [] : [Mth(h, leaves, start, n)];
        }

        int k = SplitPoint(n);
        if (m <= k)
        {
            var p = SubProof(h, leaves, m, start, k, b);
            p.Add(Mth(h, leaves, start + k, n - k));
            return p;
        }
        else
        {
            var p = SubProof(h, leaves, m - k, start + k, n - k, false);
            p.Add(Mth(h, leaves, start, k));
            return p;
        }
    }
}
