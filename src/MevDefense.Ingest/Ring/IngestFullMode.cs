namespace MevDefense.Ingest.Ring;

/// <summary>What a bounded ingest buffer does when a datagram arrives and it is full. Every drop is counted.</summary>
public enum IngestFullMode
{
    /// <summary>Discard the oldest queued datagram to make room for the new one (freshest data wins).</summary>
    DropOldest = 0,

    /// <summary>Discard the arriving datagram and keep what is queued.</summary>
    DropNewest = 1,
}
