namespace MevDefense.Wire;

/// <summary>One v0 address-table lookup, as spans over the wire bytes.</summary>
public readonly ref struct AddressTableLookup
{
    /// <summary>Creates a lookup view.</summary>
    /// <param name="tableKey">The 32-byte address of the lookup table account.</param>
    /// <param name="writableIndexes">Indexes into the table loaded as writable.</param>
    /// <param name="readonlyIndexes">Indexes into the table loaded as read-only.</param>
    public AddressTableLookup(ReadOnlySpan<byte> tableKey, ReadOnlySpan<byte> writableIndexes, ReadOnlySpan<byte> readonlyIndexes)
    {
        TableKey = tableKey;
        WritableIndexes = writableIndexes;
        ReadonlyIndexes = readonlyIndexes;
    }

    /// <summary>Gets the 32-byte address of the lookup table account.</summary>
    public ReadOnlySpan<byte> TableKey { get; }

    /// <summary>Gets the indexes into the table loaded as writable.</summary>
    public ReadOnlySpan<byte> WritableIndexes { get; }

    /// <summary>Gets the indexes into the table loaded as read-only.</summary>
    public ReadOnlySpan<byte> ReadonlyIndexes { get; }
}
