namespace MevDefense.Dna;

/// <summary>Bytes exactly as a store holds them under a sequence key.</summary>
/// <param name="Sequence">The sequence key the bytes are stored under.</param>
/// <param name="Bytes">The stored canonical record bytes (see <see cref="DecisionRecord.ToCanonicalBytes"/>).</param>
public readonly record struct DnaStoredRecord(ulong Sequence, ReadOnlyMemory<byte> Bytes);
