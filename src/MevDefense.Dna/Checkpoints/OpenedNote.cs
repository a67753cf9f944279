namespace MevDefense.Dna.Checkpoints;

/// <summary>A signed note whose signatures were checked.</summary>
/// <param name="Text">The note text, including its final newline.</param>
/// <param name="Verified">The signatures by known keys that verified (at least one).</param>
/// <param name="Unverified">The signatures by unknown keys (ignored, as the spec requires).</param>
public sealed record OpenedNote(string Text, IReadOnlyList<NoteSignature> Verified, IReadOnlyList<NoteSignature> Unverified);
