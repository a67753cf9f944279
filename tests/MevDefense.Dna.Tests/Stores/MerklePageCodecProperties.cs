using FsCheck;
using FsCheck.Xunit;
using MevDefense.Dna.Internal;
using MevDefense.Dna.Merkle;

namespace MevDefense.Dna.Tests.Stores;

/// <summary>The version-2 Merkle page codec: round trip against the frontier's nodes, length decides the leaf count, arbitrary
/// bytes never throw, and a changed page never yields the original nodes.</summary>
public sealed class MerklePageCodecProperties
{
    [Fact]
    public void NodeCount_IsStrictlyIncreasing_SoTheLengthNamesTheLeafCount()
    {
        int[] expected = [1, 3, 4, 7, 8, 10, 11, 15, 16, 18, 19, 22, 23, 25, 26, 30];
        for (int k = 1; k <= MerklePageCodec.PageLeaves; k++)
        {
            Assert.Equal(expected[k - 1], MerklePageCodec.NodeCount(k));
            Assert.Equal(k, MerklePageCodec.LeavesFor(expected[k - 1] * 32));
        }

        Assert.Equal(MerklePageCodec.FullBytes, MerklePageCodec.NodeCount(16) * 32);
        Assert.Equal(-1, MerklePageCodec.LeavesFor(0));
        Assert.Equal(-1, MerklePageCodec.LeavesFor(2 * 32));
        Assert.Equal(-1, MerklePageCodec.LeavesFor(31 * 32));
        Assert.Equal(-1, MerklePageCodec.LeavesFor(959));
    }

    [Property(MaxTest = 200)]
    public bool Encode_Decode_RoundTrips_AndHoldsExactlyTheFrontiersNodes(PositiveInt pickLeaves, PositiveInt pickPage, int seed)
    {
        int leaves = 1 + (pickLeaves.Get % MerklePageCodec.PageLeaves);
        ulong page = (ulong)(pickPage.Get % 64);

        // The nodes a frontier emits for leaves [16·page, 16·page + leaves) of levels 0..3.
        var frontier = new MerkleFrontier(Rfc6962Hasher.Sha256);
        var emitted = new Dictionary<(int, ulong), byte[]>();
        var entries = new SortedBatchEntries { Paged = true };
        var random = new Random(seed);
        byte[] leaf = new byte[32];
        ulong first = page * MerklePageCodec.PageLeaves;
        entries.StartPage(0, []);
        for (ulong i = 0; i < first + (ulong)leaves; i++)
        {
            random.NextBytes(leaf);
            frontier.AppendLeafHash(leaf, (level, index, hash) =>
            {
                entries.AddNode(level, index, hash);
                if (level < MerklePageCodec.Levels && index >= (first >> level))
                {
                    emitted[(level, index)] = hash.ToArray();
                }
            });
            if (i % 64 == 63)
            {
                entries.Clear(); // keeps the current page; only the batch's written pages are forgotten
            }
        }

        byte[] full = new byte[MerklePageCodec.FullBytes];
        foreach (((int level, ulong index), byte[] hash) in emitted)
        {
            hash.CopyTo(full, (MerklePageCodec.LevelOffset(MerklePageCodec.PageLeaves, level) + MerklePageCodec.PositionOf(level, index)) * 32);
        }

        byte[] encoded = new byte[MerklePageCodec.FullBytes];
        int n = MerklePageCodec.Encode(full, leaves, encoded);
        byte[] value = encoded[..n];
        byte[] decoded = new byte[MerklePageCodec.FullBytes];
        byte[] node = new byte[32];
        bool ok = n == MerklePageCodec.NodeCount(leaves) * 32
            && MerklePageCodec.LeavesFor(n) == leaves
            && MerklePageCodec.Decode(value, decoded) == leaves
            && decoded.AsSpan().SequenceEqual(full)
            && emitted.Count == MerklePageCodec.NodeCount(leaves);
        foreach (((int level, ulong index), byte[] hash) in emitted)
        {
            ok &= MerklePageCodec.PageOf(level, index) == page
                && MerklePageCodec.TryGetNode(value, level, MerklePageCodec.PositionOf(level, index), node)
                && node.AsSpan().SequenceEqual(hash);
        }

        // Nodes the page does not hold (beyond its leaves) are absent, never read from the wrong place.
        for (int level = 0; level < MerklePageCodec.Levels; level++)
        {
            ok &= !MerklePageCodec.TryGetNode(value, level, leaves >> level, node);
        }

        return ok;
    }

    [Property(MaxTest = 300)]
    public bool ArbitraryBytes_NeverThrow_AndOnlyPageLengthsDecode(byte[] bytes, int level, int position)
    {
        bytes ??= [];
        byte[] node = new byte[32];
        byte[] full = new byte[MerklePageCodec.FullBytes];
        int leaves = MerklePageCodec.LeavesFor(bytes.Length);
        bool got = MerklePageCodec.TryGetNode(bytes, level, position, node);
        int decoded = MerklePageCodec.Decode(bytes, full);
        bool isPage = bytes.Length > 0 && bytes.Length % 32 == 0 && Enumerable.Range(1, 16).Any(k => MerklePageCodec.NodeCount(k) * 32 == bytes.Length);
        return decoded == leaves
            && (leaves > 0) == isPage
            && (!got || (isPage && level is >= 0 and < 4 && position >= 0 && position < (leaves >> level)
                && node.AsSpan().SequenceEqual(bytes.AsSpan((MerklePageCodec.LevelOffset(leaves, level) + position) * 32, 32))));
    }

    [Property(MaxTest = 200)]
    public bool ChangedPage_NeverYieldsTheOriginalNodes(PositiveInt pickLeaves, NonNegativeInt pickByte, byte xor, int seed)
    {
        int leaves = 1 + (pickLeaves.Get % MerklePageCodec.PageLeaves);
        byte[] full = new byte[MerklePageCodec.FullBytes];
        new Random(seed).NextBytes(full);
        byte[] value = new byte[MerklePageCodec.FullBytes];
        int n = MerklePageCodec.Encode(full, leaves, value);
        value = value[..n];
        byte[] tampered = (byte[])value.Clone();
        int at = pickByte.Get % n;
        tampered[at] ^= xor == 0 ? (byte)1 : xor;

        // Exactly the node holding the flipped byte differs; every other node is unchanged.
        int flippedNode = at / 32;
        int differing = 0;
        byte[] a = new byte[32];
        byte[] b = new byte[32];
        for (int level = 0; level < MerklePageCodec.Levels; level++)
        {
            for (int p = 0; p < leaves >> level; p++)
            {
                MerklePageCodec.TryGetNode(value, level, p, a);
                MerklePageCodec.TryGetNode(tampered, level, p, b);
                if (!a.AsSpan().SequenceEqual(b))
                {
                    differing++;
                    if (MerklePageCodec.LevelOffset(leaves, level) + p != flippedNode)
                    {
                        return false;
                    }
                }
            }
        }

        // A page cut short by one byte is not a page at all.
        return differing == 1 && MerklePageCodec.LeavesFor(n - 1) == -1;
    }

    [Fact]
    public void ReadKey_RejectsWrongLength_WithFormatException()
    {
        Assert.Throws<FormatException>(() => MerklePageCodec.ReadKey(new byte[7]));
        Assert.Equal(0x0102UL, MerklePageCodec.ReadKey(new byte[] { 0, 0, 0, 0, 0, 0, 1, 2 }));
    }
}
