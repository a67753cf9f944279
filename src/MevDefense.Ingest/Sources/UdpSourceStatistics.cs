namespace MevDefense.Ingest.Sources;

/// <summary>Counters of a <see cref="UdpShredSource"/> since it started.</summary>
/// <param name="Received">Datagrams accepted into the rings.</param>
/// <param name="Delivered">Datagrams handed to the sink.</param>
/// <param name="Oversized">Datagrams longer than 1,232 bytes (discarded).</param>
/// <param name="Empty">Zero-length datagrams (discarded).</param>
/// <param name="DroppedNewest">Arriving datagrams discarded because a ring was full.</param>
/// <param name="DroppedOldest">Queued datagrams discarded to make room.</param>
/// <param name="ReceiveCalls">Receive system calls that returned data.</param>
public readonly record struct UdpSourceStatistics(
    long Received, long Delivered, long Oversized, long Empty, long DroppedNewest, long DroppedOldest, long ReceiveCalls);
