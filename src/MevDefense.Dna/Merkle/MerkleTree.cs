using System.Numerics;

namespace MevDefense.Dna.Merkle;

/// <summary>
/// An append-only RFC 6962 / RFC 9162 Merkle tree that keeps every complete node hash (level, index) in memory, so roots,
/// inclusion proofs and consistency proofs for any tree size up to <see cref="Size"/> cost O(log n) lookups and at most
/// O(log n) hashes for the right border, never a rehash of the leaves.
/// </summary>
/// <remarks>
/// <para>Memory: about 2 × 32 bytes per leaf (10^7 leaves ≈ 640 MB). Nodes are held in chunked arrays (no large reallocation).</para>
/// <para>Thread-safe: appends and proof queries may run concurrently.</para>
/// </remarks>
public sealed class MerkleTree
{
    /// <summary>The largest number of hashes in any proof this tree produces (64 levels plus one seed).</summary>
    public const int MaxProofHashes = 65;

    private const int ChunkShift = 16;
    private const int ChunkEntries = 1 << ChunkShift;
    private const int StoredChunkShift = 8;
    private const int StoredChunkEntries = 1 << StoredChunkShift;

    /// <summary>The default memory budget for the resident upper levels of a reopened tree: 64 MiB (at 10^7 leaves, levels ≥ 4,
    /// about 1.25 million nodes or 40 MB once all are read).</summary>
    internal const long DefaultResidentBytes = DnaLedgerDefaults.MerkleCacheBytes;

    private readonly Lock _lock = new();
    private readonly List<Level> _levels = [];
    private readonly int _hs;
    private readonly byte[] _border;
    private ulong _size;
    private ulong _borderSize;
    private ulong _borderValid;
    private readonly ulong _persistedSize;
    private readonly MerkleFrontier.NodeReader? _reader;
    private readonly IMerkleNodeRangeReader? _range;
    private readonly int _residentFrom = 64;

    /// <summary>Initializes a new, empty SHA-256 tree (<see cref="Rfc6962Hasher.Sha256"/>).</summary>
    public MerkleTree()
        : this(Rfc6962Hasher.Sha256)
    {
    }

    /// <summary>Initializes a new, empty tree with a hasher.</summary>
    /// <param name="hasher">The hasher.</param>
    /// <exception cref="ArgumentNullException"><paramref name="hasher"/> is <see langword="null"/>.</exception>
    public MerkleTree(IMerkleHasher hasher)
    {
        ArgumentNullException.ThrowIfNull(hasher);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(hasher.HashSize);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(hasher.HashSize, 64);
        Hasher = hasher;
        _hs = hasher.HashSize;
        _border = new byte[64 * _hs];
    }

    /// <summary>Initializes a tree of <paramref name="persistedSize"/> leaves whose nodes are stored elsewhere (an
    /// <see cref="IDnaMerkleNodeStore"/>): only the right border is read now (O(log n)); proofs read older nodes on demand, and
    /// nodes appended later are kept in memory. Levels from <see cref="ResidentLevel"/> up are kept in memory once read
    /// (<see cref="DefaultResidentBytes"/>); when the reader's target is an <see cref="IMerkleNodeRangeReader"/> (the RocksDB
    /// store) they are loaded a chunk of consecutive nodes per seek. Lower levels are one point read per proof node.</summary>
    /// <param name="hasher">The hasher (32-byte hashes).</param>
    /// <param name="persistedSize">The number of stored leaves.</param>
    /// <param name="reader">Reads a stored node.</param>
    /// <exception cref="InvalidDataException">A node of the right border is not stored.</exception>
    internal MerkleTree(IMerkleHasher hasher, ulong persistedSize, MerkleFrontier.NodeReader reader)
        : this(hasher, persistedSize, reader, reader?.Target as IMerkleNodeRangeReader, DefaultResidentBytes)
    {
    }

    /// <summary>Initializes a tree of <paramref name="persistedSize"/> stored leaves (see the other constructor).</summary>
    /// <param name="hasher">The hasher (32-byte hashes).</param>
    /// <param name="persistedSize">The number of stored leaves.</param>
    /// <param name="reader">Reads a stored node.</param>
    /// <param name="range">Reads runs of stored nodes with one seek, or <see langword="null"/> (point reads only).</param>
    /// <param name="residentBytes">Memory budget for the stored nodes kept once read: levels ≥ L where 2 × (size ≫ L) × 32 ≤ budget.</param>
    /// <exception cref="InvalidDataException">A node of the right border is not stored.</exception>
    internal MerkleTree(IMerkleHasher hasher, ulong persistedSize, MerkleFrontier.NodeReader reader, IMerkleNodeRangeReader? range, long residentBytes)
        : this(hasher)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentOutOfRangeException.ThrowIfNegative(residentBytes);
        _reader = reader;
        _range = range;
        _persistedSize = persistedSize;
        _size = persistedSize;
        _residentFrom = ResidentLevelFor(persistedSize, _hs, residentBytes);
        LevelAt(64 - BitOperations.LeadingZeroCount(persistedSize));
        foreach ((int level, ulong index) in MerkleFrontier.Coordinates(persistedSize))
        {
            _levels[level].SetFrontier(index);
        }
    }

    /// <summary>Gets the lowest level whose stored nodes are kept in memory once read (64 for a tree built in memory).</summary>
    internal int ResidentLevel => _residentFrom;

    /// <summary>The lowest level L such that the stored nodes of levels ≥ L (about 2 × (size ≫ L) hashes) fit the budget.</summary>
    internal static int ResidentLevelFor(ulong persistedSize, int hashSize, long residentBytes)
    {
        int l = 0;
        while (l < 64 && (persistedSize >> l) > (ulong)residentBytes / (2UL * (ulong)hashSize))
        {
            l++;
        }

        return l;
    }

    /// <summary>Gets the hasher.</summary>
    public IMerkleHasher Hasher { get; }

    /// <summary>Gets the number of leaves.</summary>
    public ulong Size
    {
        get
        {
            lock (_lock)
            {
                return _size;
            }
        }
    }

    /// <summary>Hashes leaf data (<c>H(0x00 ‖ data)</c>) and appends it.</summary>
    /// <param name="data">The leaf data.</param>
    /// <returns>The index of the new leaf.</returns>
    public ulong AppendLeaf(ReadOnlySpan<byte> data)
    {
        Span<byte> leaf = stackalloc byte[_hs];
        Hasher.HashLeaf(data, leaf);
        return AppendLeafHash(leaf);
    }

    /// <summary>Appends a precomputed leaf hash.</summary>
    /// <param name="leafHash">The leaf hash.</param>
    /// <returns>The index of the new leaf.</returns>
    /// <exception cref="ArgumentException"><paramref name="leafHash"/> is not one hash long.</exception>
    public ulong AppendLeafHash(ReadOnlySpan<byte> leafHash)
    {
        if (leafHash.Length != _hs)
        {
            throw new ArgumentException($"A leaf hash is {_hs} bytes.", nameof(leafHash));
        }

        Span<byte> parent = stackalloc byte[_hs];
        lock (_lock)
        {
            ulong index = _size;
            LevelAt(0).Add(leafHash);
            int level = 0;
            ulong i = index;
            while ((i & 1) == 1)
            {
                Level l = _levels[level];
                Hasher.HashChildren(l.Get(i - 1), l.Get(i), parent);
                LevelAt(level + 1).Add(parent);
                i >>= 1;
                level++;
            }

            _size = index + 1;
            return index;
        }
    }

    /// <summary>Gets the hash of a leaf.</summary>
    /// <param name="index">The leaf index.</param>
    /// <returns>A new array with the leaf hash.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not below <see cref="Size"/>.</exception>
    public byte[] GetLeafHash(ulong index)
    {
        lock (_lock)
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _size);
            return _levels[0].Get(index).ToArray();
        }
    }

    /// <summary>Computes the root of the current tree.</summary>
    /// <returns>A new array with the root hash.</returns>
    public byte[] GetRootHash()
    {
        lock (_lock)
        {
            byte[] root = new byte[_hs];
            RootCore(_size, root);
            return root;
        }
    }

    /// <summary>Computes the root of the tree made of the first <paramref name="size"/> leaves.</summary>
    /// <param name="size">The tree size, at most <see cref="Size"/>.</param>
    /// <param name="destination">Receives the root hash.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> exceeds <see cref="Size"/>.</exception>
    public void GetRootHash(ulong size, Span<byte> destination)
    {
        lock (_lock)
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThan(size, _size);
            RootCore(size, destination);
        }
    }

    /// <summary>Writes the RFC 9162 inclusion proof of a leaf in the tree of a given size.</summary>
    /// <param name="index">The leaf index.</param>
    /// <param name="size">The tree size (index &lt; size &lt;= <see cref="Size"/>).</param>
    /// <param name="destination">Receives the concatenated proof hashes, lowest level first; must hold <see cref="MaxProofHashes"/> hashes or the exact count.</param>
    /// <returns>The number of hashes written.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The index or size is out of range, or the destination is too small.</exception>
    public int GetInclusionProof(ulong index, ulong size, Span<byte> destination)
    {
        lock (_lock)
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThan(size, _size);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, size);
            return PathCore(0, index, size, destination);
        }
    }

    /// <summary>Gets the RFC 9162 inclusion proof of a leaf in the tree of a given size.</summary>
    /// <param name="index">The leaf index.</param>
    /// <param name="size">The tree size (index &lt; size &lt;= <see cref="Size"/>).</param>
    /// <returns>The proof hashes, lowest level first.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The index or size is out of range.</exception>
    public byte[][] GetInclusionProof(ulong index, ulong size)
    {
        byte[] flat = new byte[MaxProofHashes * _hs];
        int n = GetInclusionProof(index, size, flat);
        return Split(flat, n);
    }

    /// <summary>Writes the RFC 9162 consistency proof between two tree sizes.</summary>
    /// <param name="size1">The older size (0 &lt; size1 &lt;= size2).</param>
    /// <param name="size2">The newer size (at most <see cref="Size"/>).</param>
    /// <param name="destination">Receives the concatenated proof hashes; must hold <see cref="MaxProofHashes"/> hashes or the exact count.</param>
    /// <returns>The number of hashes written (0 when the sizes are equal).</returns>
    /// <exception cref="ArgumentOutOfRangeException">The sizes are out of range.</exception>
    public int GetConsistencyProof(ulong size1, ulong size2, Span<byte> destination)
    {
        lock (_lock)
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThan(size2, _size);
            ArgumentOutOfRangeException.ThrowIfZero(size1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(size1, size2);
            if (size1 == size2)
            {
                return 0;
            }

            int level = BitOperations.TrailingZeroCount(size1);
            ulong index = (size1 - 1) >> level;
            int written = 0;
            if (index != 0)
            {
                _levels[level].Get(index).CopyTo(destination);
                written = 1;
            }

            return written + PathCore(level, index, size2, destination[(written * _hs)..]);
        }
    }

    /// <summary>Gets the RFC 9162 consistency proof between two tree sizes.</summary>
    /// <param name="size1">The older size (0 &lt; size1 &lt;= size2).</param>
    /// <param name="size2">The newer size (at most <see cref="Size"/>).</param>
    /// <returns>The proof hashes.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The sizes are out of range.</exception>
    public byte[][] GetConsistencyProof(ulong size1, ulong size2)
    {
        byte[] flat = new byte[MaxProofHashes * _hs];
        int n = GetConsistencyProof(size1, size2, flat);
        return Split(flat, n);
    }

    /// <summary>Copies a complete node hash (the perfect subtree over leaves [index·2^level, (index+1)·2^level)).</summary>
    /// <returns><see langword="false"/> when that subtree is not complete in this tree.</returns>
    internal bool TryGetNode(int level, ulong index, Span<byte> destination)
    {
        lock (_lock)
        {
            if (level is < 0 or > 63 || level >= _levels.Count || index >= (_size >> level))
            {
                return false;
            }

            _levels[level].Get(index).CopyTo(destination);
            return true;
        }
    }

    private static byte[][] Split(byte[] flat, int count)
    {
        int hs = flat.Length / MaxProofHashes;
        var result = new byte[count][];
        for (int i = 0; i < count; i++)
        {
            result[i] = flat.AsSpan(i * hs, hs).ToArray();
        }

        return result;
    }

    private Level LevelAt(int level)
    {
        while (_levels.Count <= level)
        {
            int l = _levels.Count;
            _levels.Add(new Level(_hs, l, l < 64 ? _persistedSize >> l : 0, _reader, _range, l >= _residentFrom));
        }

        return _levels[level];
    }

    private void RootCore(ulong size, Span<byte> destination)
    {
        if (size == 0)
        {
            Hasher.HashEmpty(destination);
            return;
        }

        BorderHash(0, size, destination);
    }

    /// <summary>Writes the audit path of node (level, index) in the tree of <paramref name="size"/> leaves.</summary>
    private int PathCore(int level, ulong index, ulong size, Span<byte> destination)
    {
        int count = 0;
        int l = level;
        ulong i = index;
        while (!(i == 0 && (l >= 63 || (1UL << l) >= size)))
        {
            ulong sibling = i ^ 1;
            Span<byte> slot = destination.Slice(count * _hs, _hs);
            ulong start = sibling << l;
            bool complete = (i & 1) == 1 || (start < size && start + (1UL << l) <= size);
            if (complete)
            {
                _levels[l].Get(sibling).CopyTo(slot);
                count++;
            }
            else if ((i & 1) == 0 && start < size)
            {
                CachedBorderHash(l, start, size, slot);
                count++;
            }

            l++;
            i >>= 1;
        }

        return count;
    }

    /// <summary>Right-border subtree hashes are the same for every proof at the current size: cache one per level.</summary>
    private void CachedBorderHash(int level, ulong start, ulong size, Span<byte> destination)
    {
        if (size != _size)
        {
            BorderHash(start, size, destination);
            return;
        }

        if (_borderSize != size)
        {
            _borderSize = size;
            _borderValid = 0;
        }

        Span<byte> cached = _border.AsSpan(level * _hs, _hs);
        if ((_borderValid & (1UL << level)) == 0)
        {
            BorderHash(start, size, cached);
            _borderValid |= 1UL << level;
        }

        cached.CopyTo(destination);
    }

    /// <summary>Computes MTH(D[start:end]) where start is aligned to a power of two larger than end - start (or start is 0).</summary>
    private void BorderHash(ulong start, ulong end, Span<byte> destination)
    {
        ulong remaining = end - start;
        int lowest = BitOperations.TrailingZeroCount(remaining);
        ulong lastStart = end - (1UL << lowest);
        _levels[lowest].Get(lastStart >> lowest).CopyTo(destination);
        if (remaining == 1UL << lowest)
        {
            return;
        }

        // Fold the perfect subtrees of the binary decomposition right to left.
        Span<byte> tmp = stackalloc byte[_hs];
        ulong pos = lastStart;
        for (int b = lowest + 1; b < 64; b++)
        {
            if ((remaining & (1UL << b)) == 0)
            {
                continue;
            }

            pos -= 1UL << b;
            Hasher.HashChildren(_levels[b].Get(pos >> b), destination, tmp);
            tmp.CopyTo(destination);
        }
    }

    /// <summary>One level of node hashes, in chunks of <see cref="ChunkEntries"/> entries. Nodes below <c>baseIndex</c> are
    /// stored elsewhere (read through <c>reader</c>, or <c>range</c> a chunk of <see cref="StoredChunkEntries"/> at a time; the
    /// right-border one is cached; on a <c>resident</c> level every stored node is kept once read); nodes from <c>baseIndex</c> on
    /// are in memory.</summary>
    private sealed class Level(int hashSize, int level, ulong baseIndex, MerkleFrontier.NodeReader? reader, IMerkleNodeRangeReader? range, bool resident)
    {
        private readonly List<byte[]> _chunks = [];
        private readonly byte[] _scratch = new byte[hashSize];
        private byte[]?[]? _stored; // resident levels: stored nodes, StoredChunkEntries per chunk, allocated on first read
        private ulong[]?[]? _storedValid; // resident levels without a range reader: which nodes of a chunk are read
        private byte[]? _frontier;
        private ulong _frontierIndex;
        private ulong _count;

        public void SetFrontier(ulong index)
        {
            byte[] hash = new byte[hashSize];
            if (reader is null || !reader(level, index, hash))
            {
                throw new InvalidDataException($"The stored Merkle tree is missing node (level {level}, index {index}) of its right border.");
            }

            _frontier = hash;
            _frontierIndex = index;
        }

        public void Add(ReadOnlySpan<byte> hash)
        {
            int chunk = (int)(_count >> ChunkShift);
            int offset = (int)(_count & (ChunkEntries - 1)) * hashSize;
            if (chunk == _chunks.Count)
            {
                _chunks.Add(new byte[Math.Min(ChunkEntries, 16) * hashSize]);
            }

            byte[] c = _chunks[chunk];
            if (offset + hashSize > c.Length)
            {
                Array.Resize(ref c, Math.Min(c.Length * 2, ChunkEntries * hashSize));
                _chunks[chunk] = c;
            }

            hash.CopyTo(c.AsSpan(offset, hashSize));
            _count++;
        }

        public ReadOnlySpan<byte> Get(ulong index)
        {
            if (index >= baseIndex)
            {
                ulong i = index - baseIndex;
                return _chunks[(int)(i >> ChunkShift)].AsSpan((int)(i & (ChunkEntries - 1)) * hashSize, hashSize);
            }

            if (_frontier is not null && index == _frontierIndex)
            {
                return _frontier;
            }

            // Resident (upper) levels are bounded by the tree's memory budget and every proof touches them: keep each stored node
            // once read. Lower levels are read through the scratch buffer, which stays valid until the next read of this level
            // (callers hold the tree lock and use it at once).
            if (resident)
            {
                return GetResident(index);
            }

            ReadStored(index, _scratch);
            return _scratch;
        }

        private ReadOnlySpan<byte> GetResident(ulong index)
        {
            _stored ??= new byte[(int)((baseIndex + StoredChunkEntries - 1) >> StoredChunkShift)][];
            int c = (int)(index >> StoredChunkShift);
            int offset = (int)(index & (StoredChunkEntries - 1)) * hashSize;
            byte[]? chunk = _stored[c];
            if (range is not null)
            {
                if (chunk is null)
                {
                    // One seek reads the whole chunk (consecutive keys); later proofs through it cost nothing.
                    ulong first = (ulong)c << StoredChunkShift;
                    int wanted = (int)Math.Min(StoredChunkEntries, baseIndex - first);
                    chunk = new byte[wanted * hashSize];
                    int read = range.ReadMerkleNodeRange(level, first, wanted, chunk);
                    if (read != wanted)
                    {
                        throw new InvalidDataException($"The stored Merkle tree is missing node (level {level}, index {first + (ulong)Math.Max(read, 0)}).");
                    }

                    _stored[c] = chunk;
                }

                return chunk.AsSpan(offset, hashSize);
            }

            _storedValid ??= new ulong[_stored.Length][];
            if (chunk is null)
            {
                chunk = _stored[c] = new byte[StoredChunkEntries * hashSize];
                _storedValid[c] = new ulong[StoredChunkEntries / 64];
            }

            ulong[] valid = _storedValid[c]!;
            int bit = (int)(index & (StoredChunkEntries - 1));
            Span<byte> slot = chunk.AsSpan(offset, hashSize);
            if ((valid[bit >> 6] & (1UL << (bit & 63))) == 0)
            {
                ReadStored(index, slot);
                valid[bit >> 6] |= 1UL << (bit & 63);
            }

            return slot;
        }

        private void ReadStored(ulong index, Span<byte> destination)
        {
            if (reader is null || !reader(level, index, destination))
            {
                throw new InvalidDataException($"The stored Merkle tree is missing node (level {level}, index {index}).");
            }
        }
    }
}
