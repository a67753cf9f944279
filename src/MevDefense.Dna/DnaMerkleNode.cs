namespace MevDefense.Dna;

/// <summary>A stored Merkle node: the hash of the perfect subtree over leaves [Index·2^Level, (Index+1)·2^Level).</summary>
/// <param name="Level">The level (0 = leaf hashes).</param>
/// <param name="Index">The index within the level.</param>
/// <param name="Hash">The 32-byte node hash.</param>
public readonly record struct DnaMerkleNode(int Level, ulong Index, Hash Hash);
