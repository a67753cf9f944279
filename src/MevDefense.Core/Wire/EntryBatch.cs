namespace MevDefense.Wire;

/// <summary>A decoded block component: either a batch of entries or an Alpenglow <see cref="BlockMarker"/>.</summary>
/// <param name="Entries">The entries (empty for a marker).</param>
/// <param name="Marker">The block marker, or <see langword="null"/> for an entry batch.</param>
public sealed record EntryBatch(IReadOnlyList<Entry> Entries, BlockMarker? Marker)
{
    /// <summary>Gets whether this is a block marker.</summary>
    public bool IsBlockMarker => Marker is not null;

    /// <summary>Gets the number of transactions over all entries.</summary>
    public int TransactionCount => Entries.Sum(e => e.Transactions.Count);
}
