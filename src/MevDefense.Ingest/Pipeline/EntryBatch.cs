namespace MevDefense.Ingest.Pipeline;

/// <summary>
/// One deshredded entry batch: the concatenated data of consecutive data shreds up to a DATA_COMPLETE flag
/// (a bincode <c>Vec&lt;Entry&gt;</c>). Valid only during the observer callback: copy what you keep.
/// </summary>
public readonly ref struct EntryBatch
{
    internal EntryBatch(ulong slot, uint first, uint last, int entries, int transactions, bool decoded, bool lastInSlot, ReadOnlySpan<byte> payload, long firstTs, long lastTs)
    {
        Slot = slot;
        FirstShredIndex = first;
        LastShredIndex = last;
        EntryCount = entries;
        TransactionCount = transactions;
        IsDecoded = decoded;
        IsLastInSlot = lastInSlot;
        Payload = payload;
        FirstReceiveTimestamp = firstTs;
        LastReceiveTimestamp = lastTs;
    }

    /// <summary>Gets the slot.</summary>
    public ulong Slot { get; }

    /// <summary>Gets the index of the batch's first data shred.</summary>
    public uint FirstShredIndex { get; }

    /// <summary>Gets the index of the batch's last data shred (the one with DATA_COMPLETE).</summary>
    public uint LastShredIndex { get; }

    /// <summary>Gets the number of entries (0 for an Alpenglow block marker or an undecodable batch).</summary>
    public int EntryCount { get; }

    /// <summary>Gets the number of transactions.</summary>
    public int TransactionCount { get; }

    /// <summary>Gets a value indicating whether the payload decoded as an entry batch (or block marker) that ends exactly at its end.</summary>
    public bool IsDecoded { get; }

    /// <summary>Gets a value indicating whether the last shred is flagged LAST_SHRED_IN_SLOT.</summary>
    public bool IsLastInSlot { get; }

    /// <summary>Gets the batch bytes (bincode <c>Vec&lt;Entry&gt;</c>); parse with Core's entry reader.</summary>
    public ReadOnlySpan<byte> Payload { get; }

    /// <summary>Gets the earliest receive timestamp among the batch's shreds (the caller's clock units).</summary>
    public long FirstReceiveTimestamp { get; }

    /// <summary>Gets the latest receive timestamp among the batch's shreds: when the batch became decodable.</summary>
    public long LastReceiveTimestamp { get; }
}
