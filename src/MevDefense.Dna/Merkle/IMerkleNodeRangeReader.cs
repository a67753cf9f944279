namespace MevDefense.Dna.Merkle;

/// <summary>
/// Optional capability of a Merkle node store (the RocksDB store implements it): reads a run of consecutive nodes of one level in
/// one call. Its key layout (level byte ‖ big-endian index) keeps such a run adjacent, so the run costs one seek instead of one
/// point read per node. A tree reopened from stored nodes uses it to load its memory-resident levels a chunk at a time. (Reading
/// the leaves under a proof's lowest levels with one seek and hashing them was measured slower than four point reads on RocksDB:
/// creating the iterator costs more than the Bloom-filtered point lookups it replaces.)
/// </summary>
internal interface IMerkleNodeRangeReader
{
    /// <summary>Reads nodes (level, start) … (level, start + count − 1).</summary>
    /// <param name="level">The level (0 = leaves).</param>
    /// <param name="start">The first index.</param>
    /// <param name="count">The number of nodes wanted.</param>
    /// <param name="destination">Receives count × 32 bytes.</param>
    /// <returns>How many consecutive nodes from <paramref name="start"/> were stored (less than <paramref name="count"/> when one is missing).</returns>
    int ReadMerkleNodeRange(int level, ulong start, int count, Span<byte> destination);
}
