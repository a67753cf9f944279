namespace MevDefense.Wire;

/// <summary>Enumerates the address-table lookups of a <see cref="TransactionView"/> without allocating.</summary>
public ref struct LookupEnumerator
{
    private readonly ReadOnlySpan<byte> _wire;
    private readonly int _count;
    private int _index;
    private int _pos;

    internal LookupEnumerator(ReadOnlySpan<byte> wire, scoped in TransactionLayout layout)
    {
        _wire = wire;
        _count = layout.LookupCount;
        _pos = layout.LookupsOffset;
        _index = -1;
        Current = default;
    }

    /// <summary>Gets the number of lookups.</summary>
    public readonly int Count => _count;

    /// <summary>Gets the current lookup.</summary>
    public AddressTableLookup Current { get; private set; }

    /// <summary>Returns this enumerator (for <c>foreach</c>).</summary>
    /// <returns>This enumerator.</returns>
    public readonly LookupEnumerator GetEnumerator() => this;

    /// <summary>Moves to the next lookup.</summary>
    /// <returns><see langword="false"/> after the last one.</returns>
    public bool MoveNext()
    {
        if (_index + 1 >= _count)
        {
            return false;
        }

        _index++;
        var key = _wire.Slice(_pos, Pubkey.Size);
        _pos += Pubkey.Size;
        _ = ShortVec.TryRead(_wire[_pos..], out ushort w, out int n);
        _pos += n;
        var writable = _wire.Slice(_pos, w);
        _pos += w;
        _ = ShortVec.TryRead(_wire[_pos..], out ushort r, out n);
        _pos += n;
        var ro = _wire.Slice(_pos, r);
        _pos += r;
        Current = new AddressTableLookup(key, writable, ro);
        return true;
    }
}
