namespace MevDefense.Dna.Checkpoints;

/// <summary>One signature line of a signed note.</summary>
/// <param name="Name">The key name.</param>
/// <param name="KeyHash">The 32-bit key hash.</param>
/// <param name="Signature">The signature bytes after the key hash.</param>
public sealed record NoteSignature(string Name, uint KeyHash, ReadOnlyMemory<byte> Signature);
