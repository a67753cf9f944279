using MevDefense.Ingest.Shreds;

namespace MevDefense.Ingest.Pipeline;

/// <summary>
/// The data shreds of one slot by shred index: pages of 64 entries plus a bitmap of used entries, so that the per-shred
/// insert, lookups and removal are array accesses instead of hash-table operations. Pages are allocated on first use and
/// kept across <see cref="Clear"/> (slot states are pooled), so the steady state allocates nothing.
/// </summary>
internal sealed class DataShredTable
{
    private const int PageBits = 6;
    private const int PageSize = 1 << PageBits;
    private const int PageCount = ShredConstants.MaxShredsPerSlot >> PageBits;
    private readonly DataShredRef[]?[] _pages = new DataShredRef[]?[PageCount];
    private readonly ulong[] _used = new ulong[PageCount];

    /// <summary>Gets the number of entries.</summary>
    public int Count { get; private set; }

    /// <summary>Gets an entry that must exist.</summary>
    public DataShredRef this[uint index] => TryGetValue(index, out var value) ? value : throw new KeyNotFoundException();

    /// <summary>Adds or replaces the entry of <paramref name="index"/> (below <see cref="ShredConstants.MaxShredsPerSlot"/>).</summary>
    public void Set(uint index, in DataShredRef value)
    {
        int p = (int)(index >> PageBits);
        int o = (int)(index & (PageSize - 1));
        var page = _pages[p] ??= new DataShredRef[PageSize];
        page[o] = value;
        ulong bit = 1UL << o;
        if ((_used[p] & bit) == 0)
        {
            _used[p] |= bit;
            Count++;
        }
    }

    public bool TryGetValue(uint index, out DataShredRef value)
    {
        int p = (int)(index >> PageBits);
        int o = (int)(index & (PageSize - 1));
        if ((uint)p < PageCount && (_used[p] & (1UL << o)) != 0)
        {
            value = _pages[p]![o];
            return true;
        }

        value = default;
        return false;
    }

    public bool Remove(uint index)
    {
        int p = (int)(index >> PageBits);
        int o = (int)(index & (PageSize - 1));
        ulong bit = 1UL << o;
        if ((uint)p >= PageCount || (_used[p] & bit) == 0)
        {
            return false;
        }

        _used[p] &= ~bit;
        _pages[p]![o] = default;
        Count--;
        return true;
    }

    public void Clear()
    {
        for (int p = 0; p < PageCount; p++)
        {
            if (_used[p] != 0)
            {
                Array.Clear(_pages[p]!);
                _used[p] = 0;
            }
        }

        Count = 0;
    }

    /// <summary>Enumerates the entries in index order.</summary>
    public Enumerator GetEnumerator() => new(this);

    /// <summary>Enumerates the used entries of a table in index order.</summary>
    public struct Enumerator(DataShredTable table)
    {
        private int _page;
        private ulong _remaining = table._used[0];
        private DataShredRef _current;

        public readonly DataShredRef Current => _current;

        public bool MoveNext()
        {
            while (true)
            {
                if (_remaining != 0)
                {
                    int o = System.Numerics.BitOperations.TrailingZeroCount(_remaining);
                    _remaining &= _remaining - 1;
                    _current = table._pages[_page]![o];
                    return true;
                }

                if (++_page >= PageCount)
                {
                    return false;
                }

                _remaining = table._used[_page];
            }
        }
    }
}
