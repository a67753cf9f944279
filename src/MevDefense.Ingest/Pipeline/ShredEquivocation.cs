namespace MevDefense.Ingest.Pipeline;

/// <summary>Two different leader signatures (hence Merkle roots) for one (slot, fec_set_index): a duplicate-block signal.</summary>
/// <param name="Slot">The slot.</param>
/// <param name="FecSetIndex">The FEC set index.</param>
/// <param name="FirstSignature">The signature seen first.</param>
/// <param name="SecondSignature">The conflicting signature.</param>
/// <param name="SecondSignatureVerified">True when the conflicting signature was verified against the leader.</param>
public readonly record struct ShredEquivocation(ulong Slot, uint FecSetIndex, Signature FirstSignature, Signature SecondSignature, bool SecondSignatureVerified);
