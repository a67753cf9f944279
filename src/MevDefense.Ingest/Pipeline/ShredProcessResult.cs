namespace MevDefense.Ingest.Pipeline;

/// <summary>Outcome of one datagram in <see cref="ShredPipeline.Process(ReadOnlySpan{byte}, long, int)"/>.</summary>
public enum ShredProcessResult : byte
{
    /// <summary>A new, valid shred (the source delivered it first).</summary>
    Accepted = 0,

    /// <summary>A valid shred already seen (from this or another source; retransmitter signature ignored).</summary>
    Duplicate = 1,

    /// <summary>Rejected; the reason is counted in <see cref="ShredPipelineStats"/>.</summary>
    Rejected = 2,

    /// <summary>A new coding shred held without Merkle verification (<see cref="ShredPipelineOptions.LazyCodingShredVerification"/>):
    /// it is verified only if its FEC set needs it for recovery, and is never forwarded nor counted as accepted before that.</summary>
    Deferred = 3,
}
