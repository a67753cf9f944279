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
            _txs[_txCount] = new TxKey(BinaryPrimitives.ReadUInt64BigEndian(txs[i].AsSpan()), record.Sequence, _txCount);
            _txCount++;
        }
    }

    /// <summary>Adds a Merkle node (a <see cref="Merkle.MerkleFrontier.NodeSink"/>): a frontier emits each level's nodes in
    /// ascending index order, so keeping one run per level is enough to write them sorted.</summary>
    public void AddNode(int level, ulong index, ReadOnlySpan<byte> hash)
    {
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

    /// <summary>Puts every collected entry into the batch, sorted per column family (keys as the store has always written them).</summary>
    public void WriteTo(WriteBatch batch, ColumnFamilyHandle ids, ColumnFamilyHandle slots, ColumnFamilyHandle txs, ColumnFamilyHandle nodes)
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
        for (int i = 0; i < _slotCount; i++)
        {
            BinaryPrimitives.WriteUInt64BigEndian(slot, _slots[i].Slot);
            batch.Put(key[..DnaStoreCodec.WriteIndexKey(slot, _slots[i].Sequence, key)], ReadOnlySpan<byte>.Empty, slots);
        }

        Array.Sort(_txs, 0, _txCount);
        for (int i = 0; i < _txCount; i++)
        {
            batch.Put(key[..DnaStoreCodec.WriteIndexKey(_txSignatures[_txs[i].Index].AsSpan(), _txs[i].Sequence, key)], ReadOnlySpan<byte>.Empty, txs);
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
