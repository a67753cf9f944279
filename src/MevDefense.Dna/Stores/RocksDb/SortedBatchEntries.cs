using System.Buffers.Binary;
using RocksDbSharp;

namespace MevDefense.Dna.Internal;

/// <summary>
/// The secondary entries of one group-commit batch (id, slot and transaction-signature index keys, Merkle nodes), collected while
/// the records are put and then written to the <see cref="WriteBatch"/> in ascending key order per column family. RocksDB's
/// memtable skip list keeps a splice at its last insert position, so an ascending run of inserts re-searches only the lower
/// levels instead of the whole list; in the order the records produce them (UUIDv7 ids, random signatures, Merkle nodes
/// alternating between levels) almost every insert was a full search. The entries and the batch's content are the same either
/// way: only the order of puts inside the atomic batch changes. Reused across batches; used by the store's single writer loop only.
/// In format 2 (<see cref="Paged"/>) the nodes of levels 0..3 fill the current 16-leaf Merkle page instead (<see cref="MerklePageCodec"/>):
/// each completed page and, once per batch, the current partial page are put into the pages family.
/// </summary>
internal sealed class SortedBatchEntries
{
    private IdEntry[] _ids = new IdEntry[64];
    private SlotEntry[] _slots = new SlotEntry[64];
    private TxKey[] _txs = new TxKey[64];
    private Signature[] _txSignatures = new Signature[64];
    private readonly NodeRun[] _nodes = new NodeRun[64];
    private int _idCount;
    private int _slotCount;
    private int _txCount;
    private int _nodeLevels;

    // Version-2 stores: levels 0..3 go into Merkle pages (MerklePageCodec) instead of one entry per node.
    private readonly byte[] _page = new byte[MerklePageCodec.FullBytes]; // the current page, complete layout
    private ulong _pageIndex;
    private int _pageLeaves;
    private bool _pageDirty;
    private byte[] _donePages = new byte[4 * MerklePageCodec.FullBytes];
    private ulong[] _donePageIndexes = new ulong[4];
    private int _doneCount;
    private byte[] _groupValue = new byte[64]; // format 3: the value of one slot group

    /// <summary>The signature bytes that prefix a format-2 transaction index key.</summary>
    public const int ShortTxPrefix = 8;

    /// <summary>Gets a value indicating whether levels 0..3 are collected into pages (store format version 2).</summary>
    public bool Paged { get; init; }

    /// <summary>Gets a value indicating whether transaction index keys are the signature's first <see cref="ShortTxPrefix"/> bytes
    /// ‖ sequence (16 bytes; format 2, lookups compare the full signature in the record) instead of the whole signature ‖ sequence
    /// (72 bytes).</summary>
    public bool ShortTxKeys { get; init; }

    /// <summary>Gets or sets a value indicating whether the slot index entries of a batch that share a slot are written as one entry
    /// (store format 3): key slot ‖ first sequence, the further sequences in the value. Formats 1 and 2 write one entry per record.</summary>
    public bool GroupSlots { get; set; }

    /// <summary>Gets or sets a value indicating whether <see cref="WriteTo"/> leaves the transaction index entries out (store format 3,
    /// which writes them in large sorted runs later: <see cref="TakeTxEntries"/>). Requires <see cref="ShortTxKeys"/>.</summary>
    public bool DeferTxs { get; set; }

    /// <summary>The batch's transaction index entries (signature prefix, sequence), in key order; call after <see cref="WriteTo"/>.</summary>
    public TxIndexEntry[] TakeTxEntries()
    {
        var entries = new TxIndexEntry[_txCount];
        for (int i = 0; i < _txCount; i++)
        {
            entries[i] = new TxIndexEntry(_txs[i].Prefix, _txs[i].Sequence);
        }

        return entries;
    }

    /// <summary>Sets the current (partial) page of a paged store at open: the page of leaf <paramref name="leafCount"/>, holding
    /// <paramref name="leafCount"/> mod 16 leaves taken from <paramref name="fullLayout"/>.</summary>
    public void StartPage(ulong leafCount, ReadOnlySpan<byte> fullLayout)
    {
        _pageIndex = leafCount / MerklePageCodec.PageLeaves;
        _pageLeaves = (int)(leafCount % MerklePageCodec.PageLeaves);
        _page.AsSpan().Clear();
        if (_pageLeaves > 0)
        {
            fullLayout.CopyTo(_page);
        }

        _pageDirty = false;
    }

    /// <summary>Forgets the previous batch (keeps the buffers).</summary>
    public void Clear()
    {
        _idCount = 0;
        _slotCount = 0;
        _txCount = 0;
        for (int l = 0; l < _nodeLevels; l++)
        {
            _nodes[l].Count = 0;
        }

        _nodeLevels = 0;
        _doneCount = 0;
        _pageDirty = false;
    }

    /// <summary>Adds the id, slot and transaction index entries of a record.</summary>
    public void Add(DecisionRecord record)
    {
        Span<byte> id = stackalloc byte[16];
        record.Id.TryWriteBytes(id, bigEndian: true, out _);
        Grow(ref _ids, _idCount + 1);
        _ids[_idCount++] = new IdEntry(BinaryPrimitives.ReadUInt64BigEndian(id), BinaryPrimitives.ReadUInt64BigEndian(id[8..]), record.Sequence);
        Grow(ref _slots, _slotCount + 1);
        _slots[_slotCount++] = new SlotEntry(record.Slot, record.Sequence);
        IReadOnlyList<Signature> txs = record.Transactions;
        Grow(ref _txs, _txCount + txs.Count);
        Grow(ref _txSignatures, _txCount + txs.Count);
        for (int i = 0; i < txs.Count; i++)
        {
            _txSignatures[_txCount] = txs[i];
            _txs[_txCount] = new TxKey(TxIndexEntry.PrefixOf(txs[i]), record.Sequence, _txCount);
            _txCount++;
        }
    }

    /// <summary>Adds a Merkle node (a <see cref="Merkle.MerkleFrontier.NodeSink"/>): a frontier emits each level's nodes in
    /// ascending index order, so keeping one run per level is enough to write them sorted.</summary>
    public void AddNode(int level, ulong index, ReadOnlySpan<byte> hash)
    {
        if (Paged && level < MerklePageCodec.Levels)
        {
            AddPageNode(level, index, hash);
            return;
        }

        ref NodeRun run = ref _nodes[level];
        run.Indexes ??= new ulong[16];
        run.Hashes ??= new byte[16 * Hash.Size];
        if (run.Count == run.Indexes.Length)
        {
            Array.Resize(ref run.Indexes, run.Count * 2);
            Array.Resize(ref run.Hashes, run.Count * 2 * Hash.Size);
        }

        run.Indexes[run.Count] = index;
        hash.CopyTo(run.Hashes.AsSpan(run.Count * Hash.Size, Hash.Size));
        run.Count++;
        _nodeLevels = Math.Max(_nodeLevels, level + 1);
    }

    /// <summary>Puts every collected entry into the batch, sorted per column family (keys as the store has always written them);
    /// a paged store's completed pages and its current partial page (when it changed) go to <paramref name="pages"/>.</summary>
    public void WriteTo(WriteBatch batch, ColumnFamilyHandle ids, ColumnFamilyHandle slots, ColumnFamilyHandle txs, ColumnFamilyHandle nodes, ColumnFamilyHandle? pages)
    {
        Span<byte> key = stackalloc byte[Signature.Size + 8];
        Span<byte> value = stackalloc byte[8];
        Span<byte> slot = stackalloc byte[8];
        Array.Sort(_ids, 0, _idCount);
        for (int i = 0; i < _idCount; i++)
        {
            ref readonly IdEntry e = ref _ids[i];
            BinaryPrimitives.WriteUInt64BigEndian(key, e.High);
            BinaryPrimitives.WriteUInt64BigEndian(key[8..], e.Low);
            BinaryPrimitives.WriteUInt64BigEndian(value, e.Sequence);
            batch.Put(key[..16], value, ids);
        }

        Array.Sort(_slots, 0, _slotCount);
        for (int i = 0; i < _slotCount;)
        {
            // Format 3: one entry per slot and batch, its further sequences in the value (DnaStoreCodec.WriteIndexGroupDelta).
            int end = i + 1;
            int length = 0;
            while (GroupSlots && end < _slotCount && _slots[end].Slot == _slots[i].Slot)
            {
                Grow(ref _groupValue, length + DnaStoreCodec.MaxIndexGroupDeltaBytes);
                length += DnaStoreCodec.WriteIndexGroupDelta(_slots[end].Sequence - _slots[end - 1].Sequence, _groupValue.AsSpan(length));
                end++;
            }

            BinaryPrimitives.WriteUInt64BigEndian(slot, _slots[i].Slot);
            batch.Put(key[..DnaStoreCodec.WriteIndexKey(slot, _slots[i].Sequence, key)], _groupValue.AsSpan(0, length), slots);
            i = end;
        }

        Array.Sort(_txs, 0, _txCount);
        int txPrefix = ShortTxKeys ? ShortTxPrefix : Signature.Size;
        for (int i = 0; i < _txCount && !DeferTxs; i++)
        {
            batch.Put(key[..DnaStoreCodec.WriteIndexKey(_txSignatures[_txs[i].Index].AsSpan()[..txPrefix], _txs[i].Sequence, key)], ReadOnlySpan<byte>.Empty, txs);
        }

        for (int l = 0; l < _nodeLevels; l++)
        {
            NodeRun run = _nodes[l];
            for (int i = 0; i < run.Count; i++)
            {
                DnaStoreCodec.WriteNodeKey(l, run.Indexes![i], key);
                batch.Put(key[..DnaStoreCodec.NodeKeySize], run.Hashes.AsSpan(i * Hash.Size, Hash.Size), nodes);
            }
        }

        if (pages is null)
        {
            return;
        }

        for (int i = 0; i < _doneCount; i++)
        {
            MerklePageCodec.WriteKey(_donePageIndexes[i], key);
            batch.Put(key[..MerklePageCodec.KeySize], _donePages.AsSpan(i * MerklePageCodec.FullBytes, MerklePageCodec.FullBytes), pages);
        }

        if (_pageDirty && _pageLeaves > 0)
        {
            Span<byte> partial = stackalloc byte[MerklePageCodec.FullBytes];
            int n = MerklePageCodec.Encode(_page, _pageLeaves, partial);
            MerklePageCodec.WriteKey(_pageIndex, key);
            batch.Put(key[..MerklePageCodec.KeySize], partial[..n], pages);
        }
    }

    /// <summary>A frontier emits, per leaf, the leaf and then the nodes it completes, lowest level first: the leaf decides the
    /// page and its leaf count; the second level-3 node (odd index) completes the page.</summary>
    private void AddPageNode(int level, ulong index, ReadOnlySpan<byte> hash)
    {
        if (level == 0)
        {
            ulong page = MerklePageCodec.PageOf(0, index);
            if (page != _pageIndex || (int)(index % MerklePageCodec.PageLeaves) != _pageLeaves)
            {
                throw new InvalidOperationException($"Merkle leaf {index} does not continue page {_pageIndex} at {_pageLeaves} leaves.");
            }

            _pageLeaves++;
        }

        int at = MerklePageCodec.LevelOffset(MerklePageCodec.PageLeaves, level) + MerklePageCodec.PositionOf(level, index);
        hash.CopyTo(_page.AsSpan(at * Hash.Size, Hash.Size));
        _pageDirty = true;
        if (level == MerklePageCodec.Levels - 1 && (index & 1) == 1)
        {
            Grow(ref _donePageIndexes, _doneCount + 1);
            if ((_doneCount + 1) * MerklePageCodec.FullBytes > _donePages.Length)
            {
                Array.Resize(ref _donePages, _donePages.Length * 2);
            }

            _page.CopyTo(_donePages, _doneCount * MerklePageCodec.FullBytes);
            _donePageIndexes[_doneCount++] = _pageIndex;
            _pageIndex++;
            _pageLeaves = 0;
            _page.AsSpan().Clear();
        }
    }

    private static void Grow<T>(ref T[] array, int needed)
    {
        if (needed > array.Length)
        {
            Array.Resize(ref array, Math.Max(needed, array.Length * 2));
        }
    }

    private readonly record struct IdEntry(ulong High, ulong Low, ulong Sequence) : IComparable<IdEntry>
    {
        public int CompareTo(IdEntry other)
        {
            int c = High.CompareTo(other.High);
            return c != 0 ? c : Low.CompareTo(other.Low);
        }
    }

    private readonly record struct SlotEntry(ulong Slot, ulong Sequence) : IComparable<SlotEntry>
    {
        public int CompareTo(SlotEntry other)
        {
            int c = Slot.CompareTo(other.Slot);
            return c != 0 ? c : Sequence.CompareTo(other.Sequence);
        }
    }

    /// <summary>A format-2/3 transaction index entry: the signature's first 8 bytes (big-endian) and the record's sequence, in key
    /// order.</summary>
    internal readonly record struct TxIndexEntry(ulong Prefix, ulong Sequence) : IComparable<TxIndexEntry>
    {
        /// <summary>The entry's key length: prefix ‖ sequence.</summary>
        public const int KeySize = ShortTxPrefix + 8;

        /// <summary>The key prefix of a transaction: its signature's first <see cref="ShortTxPrefix"/> bytes, big-endian.</summary>
        public static ulong PrefixOf(in Signature tx) => BinaryPrimitives.ReadUInt64BigEndian(tx.AsSpan());

        public int CompareTo(TxIndexEntry other)
        {
            int c = Prefix.CompareTo(other.Prefix);
            return c != 0 ? c : Sequence.CompareTo(other.Sequence);
        }

        /// <summary>Writes the entry's key (<see cref="DnaStoreCodec.IndexKey"/> layout) into <paramref name="destination"/>.</summary>
        public void WriteKey(Span<byte> destination)
        {
            Span<byte> prefix = stackalloc byte[ShortTxPrefix];
            BinaryPrimitives.WriteUInt64BigEndian(prefix, Prefix);
            DnaStoreCodec.WriteIndexKey(prefix, Sequence, destination);
        }
    }

    /// <summary>Sorted by the signature's first 8 bytes (then sequence): exact key order unless two signatures of one batch share
    /// those 8 bytes, which only costs that pair the splice shortcut; the entries written are the same in any order.</summary>
    private readonly record struct TxKey(ulong Prefix, ulong Sequence, int Index) : IComparable<TxKey>
    {
        public int CompareTo(TxKey other)
        {
            int c = Prefix.CompareTo(other.Prefix);
            return c != 0 ? c : Sequence.CompareTo(other.Sequence);
        }
    }

    private struct NodeRun
    {
        public ulong[]? Indexes;
        public byte[]? Hashes;
        public int Count;
    }
}
