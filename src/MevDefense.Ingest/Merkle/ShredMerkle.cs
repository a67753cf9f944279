using System.Security.Cryptography;
using MevDefense.Ingest.Shreds;

namespace MevDefense.Ingest.Merkle;

/// <summary>
/// The shred Merkle tree (SHREDS.md 1.8): SHA-256 with the 26-byte leaf/node prefixes, children truncated to
/// 20 bytes, leaves ordered data shreds then coding shreds, odd nodes paired with themselves.
/// </summary>
internal static class ShredMerkle
{
    public const int PrefixSize = 26;
    public const int HashSize = 32;
    public const int EntrySize = ShredConstants.MerkleProofEntrySize;

    /// <summary>Scratch space a caller must supply to <see cref="HashLeaf(ReadOnlySpan{byte}, Span{byte}, Span{byte})"/>.</summary>
    public const int LeafScratchSize = PrefixSize + ShredConstants.PacketDataSize;

    public static ReadOnlySpan<byte> LeafPrefix => "\0SOLANA_MERKLE_SHREDS_LEAF"u8;

    public static ReadOnlySpan<byte> NodePrefix => "\u0001SOLANA_MERKLE_SHREDS_NODE"u8;

    /// <summary>leaf = SHA-256(LEAF ‖ shred[64..proof_offset]).</summary>
    public static void HashLeaf(ReadOnlySpan<byte> shred, in ShredHeader header, Span<byte> scratch, Span<byte> leaf)
        => HashLeaf(shred[Signature.Size..header.ProofOffset], scratch, leaf);

    public static void HashLeaf(ReadOnlySpan<byte> leafInput, Span<byte> scratch, Span<byte> leaf)
    {
        LeafPrefix.CopyTo(scratch);
        leafInput.CopyTo(scratch[PrefixSize..]);
        SHA256.HashData(scratch[..(PrefixSize + leafInput.Length)], leaf);
    }

    /// <summary>parent = SHA-256(NODE ‖ left[..20] ‖ right[..20]).</summary>
    public static void Join(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right, Span<byte> parent)
    {
        Span<byte> buf = stackalloc byte[PrefixSize + (2 * EntrySize)];
        NodePrefix.CopyTo(buf);
        left[..EntrySize].CopyTo(buf[PrefixSize..]);
        right[..EntrySize].CopyTo(buf[(PrefixSize + EntrySize)..]);
        SHA256.HashData(buf, parent);
    }

    /// <summary>Folds a proof (leaf to root order, 20-byte entries) into the root. False when the index does not fit the proof.</summary>
    public static bool TryGetRoot(ReadOnlySpan<byte> leaf, int index, ReadOnlySpan<byte> proof, Span<byte> root)
        => TryGetRoot(leaf, index, proof, root, default);

    /// <summary>Folds a proof into the root, taking level <c>l</c>'s node from <paramref name="path"/> (<c>path[(32 * l)..]</c> = the node
    /// obtained by joining proof entry <c>l</c>, as <see cref="FoldLevel"/> computes it) where <paramref name="path"/> is long enough.</summary>
    public static bool TryGetRoot(ReadOnlySpan<byte> leaf, int index, ReadOnlySpan<byte> proof, Span<byte> root, ReadOnlySpan<byte> path)
    {
        Span<byte> node = stackalloc byte[HashSize];
        leaf[..HashSize].CopyTo(node);
        for (int off = 0, level = 0; off + EntrySize <= proof.Length; off += EntrySize, level++)
        {
            FoldLevel(node, index, proof.Slice(off, EntrySize), path, level, node);
            index >>= 1;
        }

        node.CopyTo(root);
        return index == 0;
    }

    /// <summary>One proof level: parent of <paramref name="node"/> (at <paramref name="index"/>) and its sibling <paramref name="entry"/>;
    /// copied from <paramref name="path"/> when it holds the precomputed node of <paramref name="level"/>.</summary>
    public static void FoldLevel(ReadOnlySpan<byte> node, int index, ReadOnlySpan<byte> entry, ReadOnlySpan<byte> path, int level, Span<byte> parent)
    {
        if (path.Length >= (level + 1) * HashSize)
        {
            path.Slice(level * HashSize, HashSize).CopyTo(parent);
        }
        else if ((index & 1) == 0)
        {
            Join(node, entry, parent);
        }
        else
        {
            Join(entry, node, parent);
        }
    }

    /// <summary>Number of nodes (all levels) of a tree over <paramref name="leafCount"/> leaves.</summary>
    public static int NodeCount(int leafCount)
    {
        int total = 0;
        for (int size = leafCount; ; size = (size + 1) / 2)
        {
            total += size;
            if (size <= 1)
            {
                return total;
            }
        }
    }

    /// <summary>Builds the whole tree (32-byte nodes, level by level, leaves first) into <paramref name="nodes"/>; returns the root slice.</summary>
    public static ReadOnlySpan<byte> BuildTree(ReadOnlySpan<byte> leaves, int leafCount, Span<byte> nodes)
    {
        leaves[..(leafCount * HashSize)].CopyTo(nodes);
        int offset = 0;
        int size = leafCount;
        int next = leafCount;
        while (size > 1)
        {
            for (int i = 0; i < size; i += 2)
            {
                int j = Math.Min(i + 1, size - 1);
                Join(nodes.Slice((offset + i) * HashSize, HashSize), nodes.Slice((offset + j) * HashSize, HashSize), nodes.Slice(next * HashSize, HashSize));
                next++;
            }

            offset += size;
            size = (size + 1) / 2;
        }

        return nodes.Slice(offset * HashSize, HashSize);
    }

    /// <summary>Writes the proof of leaf <paramref name="index"/> (20-byte entries) from a tree built by <see cref="BuildTree"/>.</summary>
    public static int WriteProof(ReadOnlySpan<byte> nodes, int leafCount, int index, Span<byte> proof)
    {
        int offset = 0;
        int size = leafCount;
        int written = 0;
        while (size > 1)
        {
            int other = Math.Min(index ^ 1, size - 1);
            nodes.Slice((offset + other) * HashSize, EntrySize).CopyTo(proof[written..]);
            written += EntrySize;
            offset += size;
            size = (size + 1) / 2;
            index >>= 1;
        }

        return written / EntrySize;
    }
}
