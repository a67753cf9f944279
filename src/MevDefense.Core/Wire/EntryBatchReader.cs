using System.Buffers.Binary;

namespace MevDefense.Wire;

/// <summary>
/// A forward-only, zero-allocation reader over one bincode entry batch (<c>u64 count ‖ Entry[count]</c>, each entry
/// <c>u64 num_hashes ‖ hash[32] ‖ u64 tx_count ‖ transactions</c>) or an Alpenglow block marker (count 0 followed by a marker).
/// </summary>
/// <example>
/// <code>
/// if (EntryBatchReader.TryCreate(bytes, out var reader, out var error) &amp;&amp; !reader.IsBlockMarker)
///     while (reader.TryReadEntry(out var entry))
///         for (int i = 0; i &lt; entry.TransactionCount; i++)
///             if (reader.TryReadTransaction(out var tx)) { /* tx is a TransactionView */ }
/// // reader.Error is null after a clean end; reader.BytesConsumed is the batch length.
/// </code>
/// </example>
public ref struct EntryBatchReader
{
    private const int EntryFixedSize = 8 + 32 + 8;
    private readonly ReadOnlySpan<byte> _data;
    private int _pos;
    private ulong _entriesLeft;
    private int _txLeft;

    private EntryBatchReader(ReadOnlySpan<byte> data, ulong count, int pos)
    {
        _data = data;
        EntryCount = count;
        _entriesLeft = count;
        _pos = pos;
        _txLeft = 0;
        Error = null;
    }

    /// <summary>Gets the number of entries in the batch (0 for a block marker).</summary>
    public ulong EntryCount { get; }

    /// <summary>Gets whether this component is an Alpenglow block marker rather than entries.</summary>
    public readonly bool IsBlockMarker => EntryCount == 0 && MarkerVersion != 0;

    /// <summary>Gets the block marker version (0 when not a marker).</summary>
    public ushort MarkerVersion { get; private set; }

    /// <summary>Gets the block marker variant.</summary>
    public byte MarkerVariant { get; private set; }

    /// <summary>Gets the block marker payload (empty when not a marker).</summary>
    public readonly ReadOnlySpan<byte> MarkerPayload => IsBlockMarker ? _data.Slice(8 + BlockMarker.HeaderSize, _markerLength) : default;

    private int _markerLength;

    /// <summary>Gets the error that stopped reading, or <see langword="null"/>.</summary>
    public string? Error { get; private set; }

    /// <summary>Gets how many bytes have been consumed so far (the whole batch once every entry was read).</summary>
    public readonly int BytesConsumed => _pos;

    /// <summary>Gets whether every entry and transaction has been read.</summary>
    public readonly bool IsComplete => _entriesLeft == 0 && _txLeft == 0 && Error is null;

    /// <summary>Starts reading a batch or block marker at the start of <paramref name="data"/>.</summary>
    /// <param name="data">The bytes (trailing bytes after the batch are allowed).</param>
    /// <param name="reader">The reader when successful.</param>
    /// <param name="error">Why the header was rejected, or <see langword="null"/>.</param>
    /// <returns><see langword="true"/> when the count (and, for a marker, the marker framing) is valid.</returns>
    public static bool TryCreate(ReadOnlySpan<byte> data, out EntryBatchReader reader, out string? error)
    {
        reader = default;
        if (data.Length < 8)
        {
            error = "truncated entry count";
            return false;
        }

        ulong count = BinaryPrimitives.ReadUInt64LittleEndian(data);
        if (count > (ulong)(data.Length - 8) / EntryFixedSize)
        {
            error = "entry count larger than the data";
            return false;
        }

        reader = new EntryBatchReader(data, count, 8);
        if (count == 0 && data.Length > 8)
        {
            if (data.Length < 8 + BlockMarker.HeaderSize)
            {
                reader = default;
                error = "truncated block marker";
                return false;
            }

            ushort version = BinaryPrimitives.ReadUInt16LittleEndian(data[8..]);
            int len = BinaryPrimitives.ReadUInt16LittleEndian(data[11..]);
            if (version == 0 || len > data.Length - 8 - BlockMarker.HeaderSize)
            {
                reader = default;
                error = version == 0 ? "unsupported block marker version 0" : "truncated block marker payload";
                return false;
            }

            reader.MarkerVersion = version;
            reader.MarkerVariant = data[10];
            reader._markerLength = len;
            reader._pos = 8 + BlockMarker.HeaderSize + len;
        }

        error = null;
        return true;
    }

    /// <summary>Reads the next entry's header, first skipping any unread transactions of the current entry.</summary>
    /// <param name="entry">The entry header.</param>
    /// <returns><see langword="false"/> at the end or on an error (see <see cref="Error"/>).</returns>
    public bool TryReadEntry(out EntryHeader entry)
    {
        entry = default;
        while (_txLeft > 0)
        {
            if (!TryReadTransaction(out _))
            {
                return false;
            }
        }

        if (_entriesLeft == 0 || Error is not null)
        {
            return false;
        }

        if (_data.Length - _pos < EntryFixedSize)
        {
            Error = "truncated entry";
            return false;
        }

        ulong numHashes = BinaryPrimitives.ReadUInt64LittleEndian(_data[_pos..]);
        var hash = new Hash(_data.Slice(_pos + 8, Hash.Size));
        ulong txCount = BinaryPrimitives.ReadUInt64LittleEndian(_data[(_pos + 40)..]);
        _pos += EntryFixedSize;
        if (txCount > (ulong)(_data.Length - _pos))
        {
            Error = "transaction count larger than the data";
            return false;
        }

        _entriesLeft--;
        _txLeft = (int)txCount;
        entry = new EntryHeader(numHashes, hash, (int)txCount);
        return true;
    }

    /// <summary>Reads the next transaction of the current entry.</summary>
    /// <param name="transaction">A view over the transaction bytes.</param>
    /// <returns><see langword="false"/> when the entry has no more transactions or on an error (see <see cref="Error"/>).</returns>
    public bool TryReadTransaction(out TransactionView transaction)
    {
        transaction = default;
        if (_txLeft == 0 || Error is not null)
        {
            return false;
        }

        var rest = _data[_pos..];
        if (!TransactionReader.TryRead(rest, out var layout, out int consumed, out string? error))
        {
            Error = error;
            return false;
        }

        transaction = new TransactionView(rest[..consumed], layout); // exactly this transaction: Wire must not reach into the next one
        _pos += consumed;
        _txLeft--;
        return true;
    }

    /// <summary>Gets the offset (from the start of the data) of the next unread byte; useful to slice transactions into memory.</summary>
    public readonly int Position => _pos;
}
