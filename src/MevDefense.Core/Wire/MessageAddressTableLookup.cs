namespace MevDefense.Wire;

/// <summary>An address-table lookup in a v0 <see cref="TransactionMessage"/> (heap model used for writing).</summary>
/// <param name="TableKey">The lookup table account address.</param>
/// <param name="WritableIndexes">Indexes into the table loaded writable.</param>
/// <param name="ReadonlyIndexes">Indexes into the table loaded read-only.</param>
public sealed record MessageAddressTableLookup(Pubkey TableKey, ReadOnlyMemory<byte> WritableIndexes, ReadOnlyMemory<byte> ReadonlyIndexes);
