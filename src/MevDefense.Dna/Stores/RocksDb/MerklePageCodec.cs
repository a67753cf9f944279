using System.Buffers.Binary;

namespace MevDefense.Dna.Internal;

/// <summary>
/// Merkle pages of the version-2 RocksDB store: the nodes of levels 0..3 of one aligned 16-leaf subtree stored as one value
/// (16 + 8 + 4 + 2 = 30 hashes, 960 bytes), level 0 first, each level in index order. A partial page (the tree's last, with
/// k &lt; 16 leaves) holds the complete nodes of its k leaves: k, k/2, k/4 and k/8 hashes. The node count
/// k + ⌊k/2⌋ + ⌊k/4⌋ + ⌊k/8⌋ is strictly increasing in k, so the value's length alone tells how many leaves it holds; any
/// other length is not a page. The key is the page index (big-endian), so pages are adjacent and in tree order.
/// </summary>
internal static class MerklePageCodec
{
    /// <summary>The number of leaves of a complete page.</summary>
    public const int PageLeaves = 16;

    /// <summary>The levels a page holds (0 .. <see cref="Levels"/> − 1).</summary>
    public const int Levels = 4;

    /// <summary>The node count of a complete page.</summary>
    public const int FullNodes = 30;

    /// <summary>The byte length of a complete page.</summary>
    public const int FullBytes = FullNodes * Hash.Size;

    /// <summary>The key size of a page (big-endian page index).</summary>
    public const int KeySize = 8;

    /// <summary>The number of nodes a page with <paramref name="leaves"/> leaves holds.</summary>
    public static int NodeCount(int leaves) => leaves + (leaves >> 1) + (leaves >> 2) + (leaves >> 3);

    /// <summary>The number of leaves of a page value of this length, or −1 when no page has that length.</summary>
    public static int LeavesFor(int length)
    {
        if (length <= 0 || length % Hash.Size != 0 || length > FullBytes)
        {
            return -1;
        }

        int nodes = length / Hash.Size;
        for (int k = 1; k <= PageLeaves; k++)
        {
            if (NodeCount(k) == nodes)
            {
                return k;
            }
        }

        return -1;
    }

    /// <summary>The offset (in nodes) of <paramref name="level"/> in a page of <paramref name="leaves"/> leaves.</summary>
    public static int LevelOffset(int leaves, int level)
    {
        int offset = 0;
        for (int l = 0; l < level; l++)
        {
            offset += leaves >> l;
        }

        return offset;
    }

    /// <summary>The page holding node (level, index) of levels 0..3.</summary>
    public static ulong PageOf(int level, ulong index) => index >> (Levels - level);

    /// <summary>The position of node (level, index) within its page's level.</summary>
    public static int PositionOf(int level, ulong index) => (int)(index & (ulong)((PageLeaves >> level) - 1));

    /// <summary>Writes a page key.</summary>
    public static void WriteKey(ulong page, Span<byte> destination) => BinaryPrimitives.WriteUInt64BigEndian(destination, page);

    /// <summary>A page key as a new array (for the RocksDB calls that take one).</summary>
    public static byte[] Key(ulong page)
    {
        byte[] key = new byte[KeySize];
        WriteKey(page, key);
        return key;
    }

    /// <summary>Reads a page key.</summary>
    /// <exception cref="FormatException">The key is not 8 bytes.</exception>
    public static ulong ReadKey(ReadOnlySpan<byte> key) =>
        key.Length == KeySize ? BinaryPrimitives.ReadUInt64BigEndian(key) : throw new FormatException($"A Merkle page key has {key.Length} bytes, expected {KeySize}.");

    /// <summary>Copies node (level, position) out of a page value.</summary>
    /// <returns><see langword="false"/> when the value is not a page or does not hold that node.</returns>
    public static bool TryGetNode(ReadOnlySpan<byte> page, int level, int position, Span<byte> destination)
    {
        int leaves = LeavesFor(page.Length);
        if (leaves < 0 || level is < 0 or >= Levels || position < 0 || position >= (leaves >> level))
        {
            return false;
        }

        page.Slice((LevelOffset(leaves, level) + position) * Hash.Size, Hash.Size).CopyTo(destination);
        return true;
    }

    /// <summary>Encodes the first <paramref name="leaves"/> leaves of a page kept in the complete layout
    /// (<see cref="FullBytes"/> bytes: 16 leaves, then 8, 4 and 2 nodes).</summary>
    /// <returns>The number of bytes written.</returns>
    public static int Encode(ReadOnlySpan<byte> fullLayout, int leaves, Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(leaves, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(leaves, PageLeaves);
        int written = 0;
        for (int l = 0; l < Levels; l++)
        {
            int n = (leaves >> l) * Hash.Size;
            fullLayout.Slice(LevelOffset(PageLeaves, l) * Hash.Size, n).CopyTo(destination[written..]);
            written += n;
        }

        return written;
    }

    /// <summary>Decodes a page value into the complete layout; returns its leaf count, or −1 when the value is not a page.</summary>
    public static int Decode(ReadOnlySpan<byte> page, Span<byte> fullLayout)
    {
        int leaves = LeavesFor(page.Length);
        if (leaves < 0)
        {
            return -1;
        }

        int read = 0;
        for (int l = 0; l < Levels; l++)
        {
            int n = (leaves >> l) * Hash.Size;
            page.Slice(read, n).CopyTo(fullLayout[(LevelOffset(PageLeaves, l) * Hash.Size)..]);
            read += n;
        }

        return leaves;
    }
}
