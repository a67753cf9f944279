namespace MevDefense.Ingest.Replay;

/// <summary>One datagram read from a replay file.</summary>
/// <param name="Datagram">The datagram bytes (valid until the next read).</param>
/// <param name="TimestampMicroseconds">Capture time in microseconds since the Unix epoch (pcap), or -1 when the format has none.</param>
public readonly record struct ShredReplayRecord(ReadOnlyMemory<byte> Datagram, long TimestampMicroseconds);
