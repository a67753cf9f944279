namespace MevDefense.Ingest.ShredStream;

/// <summary>Receives already-deshredded entry batches (bincode <c>Vec&lt;Entry&gt;</c>), e.g. from Jito ShredStream <c>SubscribeEntries</c>.</summary>
/// <remarks>These batches skip the shred stages (no Merkle or leader-signature verification is possible): the trust boundary is the feed.
/// Decode them with Core's entry reader.</remarks>
public interface IEntryBatchSink
{
    /// <summary>Handles one entry batch.</summary>
    /// <param name="slot">The slot the entries belong to.</param>
    /// <param name="entries">The serialized <c>Vec&lt;Entry&gt;</c>; the memory stays valid after the call.</param>
    /// <param name="receiveTimestamp">The <see cref="System.Diagnostics.Stopwatch.GetTimestamp"/> value taken on receipt.</param>
    /// <param name="sourceId">The id of the source that delivered it.</param>
    void OnEntryBatch(ulong slot, ReadOnlyMemory<byte> entries, long receiveTimestamp, int sourceId);
}
