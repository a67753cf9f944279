namespace MevDefense.Ingest.Pipeline;

/// <summary>The final state of one FEC set, reported when the set is retired (slot evicted or pipeline flushed).</summary>
/// <param name="Slot">The slot.</param>
/// <param name="FecSetIndex">The index of the set's first data shred.</param>
/// <param name="Signature">The leader signature carried by the set's shreds.</param>
/// <param name="MerkleRoot">The set's Merkle root (all zero for legacy shreds).</param>
/// <param name="SignatureValid">True/false when verified, null when verification was off or not applicable.</param>
/// <param name="DataShreds">Data shreds received (not recovered).</param>
/// <param name="CodeShreds">Coding shreds received and accepted (Merkle-verified when verification is on).</param>
/// <param name="Recovered">Data shreds recovered by Reed–Solomon.</param>
/// <param name="Complete">True when every data shred of the set is known.</param>
/// <param name="Equivocated">True when a second, conflicting version of the set was seen.</param>
/// <param name="CompletedTimestamp">Receive timestamp of the shred that completed the set, or 0.</param>
public readonly record struct FecSetResult(
    ulong Slot,
    uint FecSetIndex,
    Signature Signature,
    Hash MerkleRoot,
    bool? SignatureValid,
    int DataShreds,
    int CodeShreds,
    int Recovered,
    bool Complete,
    bool Equivocated,
    long CompletedTimestamp)
{
    /// <summary>Gets the number of coding shreds received but never Merkle-verified because the set did not need them
    /// (<see cref="ShredPipelineOptions.LazyCodingShredVerification"/>; always 0 otherwise). They are not part of <see cref="CodeShreds"/>.</summary>
    public int UnverifiedCodeShreds { get; init; }
}
