namespace MevDefense.Wire;

/// <summary>One PoH entry with its transactions (heap model; see <see cref="EntryBatchReader"/> for zero-copy reading).</summary>
/// <param name="NumHashes">The number of PoH hashes since the previous entry.</param>
/// <param name="Hash">The entry hash.</param>
/// <param name="Transactions">The transactions (empty for a tick).</param>
public sealed record Entry(ulong NumHashes, Hash Hash, IReadOnlyList<Transaction> Transactions);
