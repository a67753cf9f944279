namespace MevDefense.Ingest.Merkle;

/// <summary>
/// Verified nodes of one FEC set's Merkle tree (20-byte truncated, the part parents hash), so that a shred's proof
/// is folded only until it meets a node already proven to lead to the signed root: typically the leaf itself or its
/// parent, instead of all proof levels. Nodes are cached only after a fold reached a verified node or the root, and a cache
/// hit also requires the shred's remaining proof entries to equal the verified siblings above it, so a hit accepts exactly
/// the shreds a full fold accepts (parents only ever hash 20-byte children), whatever order the set's shreds arrive in.
/// </summary>
internal sealed class MerkleNodeCache
{
    public const int MaxProofSize = 8;
    private const int Entry = ShredMerkle.EntrySize;
    private const int InitialProofSize = 6; // today's 32:32 sets (64 leaves): 127 nodes, 2.5 KB
    private byte[] _nodes = new byte[((2 << InitialProofSize) - 1) * Entry];
    private bool[] _known = new bool[(2 << InitialProofSize) - 1];
    private int _proofSize;

    public void Reset(int proofSize)
    {
        _proofSize = proofSize;
        int needed = (2 << Math.Clamp(proofSize, 0, MaxProofSize)) - 1;
        if (_known.Length < needed)
        {
            // Larger trees (historical variable-size sets) grow the cache once; the pooled set keeps it.
            _nodes = new byte[needed * Entry];
            _known = new bool[needed];
            return;
        }

        Array.Clear(_known, 0, needed);
    }

    /// <summary>How many proof levels a fold from leaf <paramref name="index"/> can need at most: the level of the first node on its
    /// path already verified (the fold stops there; the cache only grows), or the proof size when none is.</summary>
    public int LevelsNeeded(int index)
    {
        int p = _proofSize;
        if (p > MaxProofSize)
        {
            return p;
        }

        for (int level = 0; level < p; level++)
        {
            int i = index >> level;
            if (i >= 1 << (p - level))
            {
                return p; // not a position of this tree: the fold fails or folds fully, let it
            }

            if (_known[Offset(level) + i])
            {
                return level;
            }
        }

        return p;
    }

    /// <summary>Checks that <paramref name="leaf"/> at <paramref name="index"/> with <paramref name="proof"/> leads to <paramref name="root"/>.</summary>
    public bool TryVerify(ReadOnlySpan<byte> leaf, int index, ReadOnlySpan<byte> proof, ReadOnlySpan<byte> root)
        => TryVerify(leaf, index, proof, root, default);

    /// <summary>As <see cref="TryVerify(ReadOnlySpan{byte}, int, ReadOnlySpan{byte}, ReadOnlySpan{byte})"/>, taking the fold's nodes from
    /// <paramref name="path"/> (see <see cref="ShredMerkle.FoldLevel"/>) instead of hashing them where it holds them.</summary>
    /// <remarks>The spans are passed by reference: passed by value they go through the stack as two 8-byte halves and are read back as one
    /// 16-byte value, a store-forwarding stall per span and call (this runs once per verified shred).</remarks>
    public bool TryVerify(in ReadOnlySpan<byte> leaf, int index, in ReadOnlySpan<byte> proof, in ReadOnlySpan<byte> root, in ReadOnlySpan<byte> path)
    {
        int p = _proofSize;
        if (p > MaxProofSize || proof.Length < p * Entry)
        {
            Span<byte> computed = stackalloc byte[32];
            return ShredMerkle.TryGetRoot(leaf, index, proof, computed, path) && computed.SequenceEqual(root);
        }

        Span<byte> node = stackalloc byte[32];
        Span<byte> visited = stackalloc byte[MaxProofSize * Entry];
        leaf[..32].CopyTo(node);
        int idx = index;
        int reached;
        bool ok;
        for (int level = 0; ; level++)
        {
            if (level == p)
            {
                ok = idx == 0 && node.SequenceEqual(root);
                reached = level;
                break;
            }

            int off = Offset(level) + idx;
            if (_known[off])
            {
                ok = node[..Entry].SequenceEqual(_nodes.AsSpan(off * Entry, Entry)) && UpperProofMatches(level, idx, proof, root);
                reached = level;
                break;
            }

            node[..Entry].CopyTo(visited[(level * Entry)..]);
            ShredMerkle.FoldLevel(node, idx, proof.Slice(level * Entry, Entry), path, level, node);
            idx >>= 1;
        }

        if (ok)
        {
            for (int level = 0, i = index; level < reached; level++, i >>= 1)
            {
                int levelOffset = Offset(level);
                Store(levelOffset + i, visited.Slice(level * Entry, Entry));
                int sibling = i ^ 1;
                if (sibling < 1 << (p - level))
                {
                    Store(levelOffset + sibling, proof.Slice(level * Entry, Entry));
                }
            }
        }

        return ok;
    }

    /// <summary>
    /// After a fold met a verified node at (<paramref name="level"/>, <paramref name="idx"/>): whether the shred's remaining proof
    /// entries are the verified siblings of that node's path, i.e. whether a full fold of this proof would also reach the root.
    /// Without this check a shred with authentic leaf bytes but garbage upper proof entries would be accepted or rejected depending
    /// on which nodes earlier shreds had verified; with it, the outcome is a function of the shred and the root only (the order in
    /// which a set's shreds are verified cannot change which of them pass). Every verified node's path siblings up to the root are
    /// themselves verified (the set's first fold reaches the root; later folds store only below a verified node), so this costs a
    /// few 20-byte compares and no hashing.
    /// </summary>
    private bool UpperProofMatches(int level, int idx, in ReadOnlySpan<byte> proof, in ReadOnlySpan<byte> root)
    {
        int p = _proofSize;
        for (int l = level, i = idx; l < p; l++, i >>= 1)
        {
            int sibling = Offset(l) + (i ^ 1);
            if (!_known[sibling])
            {
                return FoldFrom(l, i, proof, root); // not expected (see above); a full fold of the rest decides
            }

            if (!proof.Slice(l * Entry, Entry).SequenceEqual(_nodes.AsSpan(sibling * Entry, Entry)))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Folds the proof from the verified node at (<paramref name="level"/>, <paramref name="idx"/>) up to the root.</summary>
    private bool FoldFrom(int level, int idx, ReadOnlySpan<byte> proof, ReadOnlySpan<byte> root)
    {
        Span<byte> node = stackalloc byte[32];
        _nodes.AsSpan((Offset(level) + idx) * Entry, Entry).CopyTo(node);
        for (int l = level; l < _proofSize; l++, idx >>= 1)
        {
            ShredMerkle.FoldLevel(node, idx, proof.Slice(l * Entry, Entry), default, l, node);
        }

        return idx == 0 && node.SequenceEqual(root);
    }

    private void Store(int position, ReadOnlySpan<byte> value)
    {
        value.CopyTo(_nodes.AsSpan(position * Entry, Entry));
        _known[position] = true;
    }

    // Level l holds up to 2^(p-l) nodes; levels are laid out leaves first.
    private int Offset(int level) => (2 << _proofSize) - (2 << (_proofSize - level));
}
