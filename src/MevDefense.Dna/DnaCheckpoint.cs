namespace MevDefense.Dna;

/// <summary>A signed tree head stored with the ledger: a C2SP <c>tlog-checkpoint</c> signed note.</summary>
/// <param name="Origin">The log origin (first line of the note).</param>
/// <param name="Size">The tree size (number of records covered).</param>
/// <param name="RootHash">The RFC 6962 SHA-256 Merkle root of the first <paramref name="Size"/> records.</param>
/// <param name="SignedNote">The complete signed note text (body, blank line, signature lines), UTF-8, ending in a newline.</param>
public sealed record DnaCheckpoint(string Origin, ulong Size, Hash RootHash, string SignedNote);
