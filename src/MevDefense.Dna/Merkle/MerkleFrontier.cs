using System.Numerics;

namespace MevDefense.Dna.Merkle;

/// <summary>
/// The compact right border of an RFC 6962 tree: the roots of its perfect subtrees (one per set bit of the size, at most 64),
/// enough to append leaves and to emit every node that becomes complete, without the rest of the tree. Stores use it to persist
/// the tree's complete-subtree hashes in the same batch as the records.
/// </summary>
internal sealed class MerkleFrontier
{
    private readonly IMerkleHasher _hasher;
    private readonly byte[] _nodes = new byte[64 * 32]; // _nodes[level] = root of the complete subtree at that level, valid when bit `level` of Size is set

    public MerkleFrontier(IMerkleHasher hasher)
    {
        ArgumentNullException.ThrowIfNull(hasher);
        if (hasher.HashSize != 32)
        {
            throw new ArgumentException("The frontier holds 32-byte hashes.", nameof(hasher));
        }

        _hasher = hasher;
    }

    /// <summary>A complete node: leaves [Index·2^Level, (Index+1)·2^Level).</summary>
    public delegate void NodeSink(int level, ulong index, ReadOnlySpan<byte> hash);

    /// <summary>Reads a stored node; returns false when it is absent.</summary>
    public delegate bool NodeReader(int level, ulong index, Span<byte> destination);

    /// <summary>Gets the number of leaves.</summary>
    public ulong Size { get; private set; }

    /// <summary>Enumerates the (level, index) of the frontier nodes of a tree size, highest level first.</summary>
    /// <param name="size">The tree size.</param>
    /// <returns>The coordinates.</returns>
    public static IEnumerable<(int Level, ulong Index)> Coordinates(ulong size)
    {
        for (int b = 63; b >= 0; b--)
        {
            if ((size & (1UL << b)) != 0)
            {
                yield return (b, (size >> b) - 1);
            }
        }
    }

    /// <summary>Loads the frontier of a tree size from stored nodes (O(log size) reads).</summary>
    /// <param name="hasher">The hasher.</param>
    /// <param name="size">The tree size.</param>
    /// <param name="read">Reads a node.</param>
    /// <returns>The frontier, or <see langword="null"/> when a frontier node is not stored.</returns>
    public static MerkleFrontier? Load(IMerkleHasher hasher, ulong size, NodeReader read)
    {
        var f = new MerkleFrontier(hasher);
        foreach ((int level, ulong index) in Coordinates(size))
        {
            if (!read(level, index, f._nodes.AsSpan(level * 32, 32)))
            {
                return null;
            }
        }

        f.Size = size;
        return f;
    }

    /// <summary>Copies this frontier (to stage a batch that may fail).</summary>
    /// <returns>The copy.</returns>
    public MerkleFrontier Clone()
    {
        var c = new MerkleFrontier(_hasher) { Size = Size };
        _nodes.CopyTo(c._nodes, 0);
        return c;
    }

    /// <summary>Hashes a leaf, appends it, and emits the leaf and every node it completes.</summary>
    /// <param name="data">The leaf data.</param>
    /// <param name="sink">Receives the new complete nodes, lowest level first.</param>
    public void AppendLeaf(ReadOnlySpan<byte> data, NodeSink sink)
    {
        Span<byte> node = stackalloc byte[32];
        _hasher.HashLeaf(data, node);
        AppendLeafHash(node, sink);
    }

    /// <summary>Appends a leaf hash and emits the leaf and every node it completes.</summary>
    /// <param name="leafHash">The leaf hash.</param>
    /// <param name="sink">Receives the new complete nodes, lowest level first.</param>
    public void AppendLeafHash(ReadOnlySpan<byte> leafHash, NodeSink sink)
    {
        Span<byte> node = stackalloc byte[32];
        Span<byte> tmp = stackalloc byte[32];
        leafHash.CopyTo(node);
        ulong index = Size;
        sink(0, index, node);
        int level = 0;
        while ((index & 1) == 1)
        {
            _hasher.HashChildren(_nodes.AsSpan(level * 32, 32), node, tmp);
            tmp.CopyTo(node);
            index >>= 1;
            level++;
            sink(level, index, node);
        }

        node.CopyTo(_nodes.AsSpan(level * 32, 32));
        Size++;
    }

    /// <summary>Computes the root of the current tree.</summary>
    /// <param name="destination">Receives the root.</param>
    public void GetRoot(Span<byte> destination)
    {
        if (Size == 0)
        {
            _hasher.HashEmpty(destination);
            return;
        }

        int lowest = BitOperations.TrailingZeroCount(Size);
        _nodes.AsSpan(lowest * 32, 32).CopyTo(destination);
        Span<byte> tmp = stackalloc byte[32];
        for (int b = lowest + 1; b < 64; b++)
        {
            if ((Size & (1UL << b)) != 0)
            {
                _hasher.HashChildren(_nodes.AsSpan(b * 32, 32), destination, tmp);
                tmp.CopyTo(destination);
            }
        }
    }
}
