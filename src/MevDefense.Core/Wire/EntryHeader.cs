namespace MevDefense.Wire;

/// <summary>The fixed part of one entry: PoH hash count, hash and transaction count.</summary>
/// <param name="NumHashes">The number of PoH hashes since the previous entry.</param>
/// <param name="Hash">The entry's PoH hash.</param>
/// <param name="TransactionCount">The number of transactions that follow.</param>
public readonly record struct EntryHeader(ulong NumHashes, Hash Hash, int TransactionCount);
