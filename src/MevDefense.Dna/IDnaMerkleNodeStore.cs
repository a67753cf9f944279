namespace MevDefense.Dna;

/// <summary>
/// Optional capability of an <see cref="IDnaStore"/>: it persists the RFC 6962 Merkle tree's complete-subtree hashes with the
/// records, in the same durable batch. <see cref="DnaLedger"/> then reopens in O(log n) (it loads the right border only) and
/// serves proofs for older records by reading O(log n) stored nodes, instead of rehashing every leaf. The RocksDB and PostgreSQL
/// stores implement it; a store without it still works (the ledger rebuilds the tree from the records on open).
/// </summary>
/// <remarks>Node (level, index) is the hash of the perfect subtree over leaves [index·2^level, (index+1)·2^level): level 0 holds
/// the leaf hashes <c>SHA-256(0x00 ‖ record bytes)</c>. A stored tree of n leaves holds exactly the 2n − popcount(n) complete nodes.
/// Like records, nodes are returned as stored; <c>DnaVerifier</c> recomputes them and names the first record a wrong node covers.</remarks>
public interface IDnaMerkleNodeStore
{
    /// <summary>Reads a stored node hash.</summary>
    /// <param name="level">The level (0 = leaves).</param>
    /// <param name="index">The index within the level.</param>
    /// <param name="destination">Receives the 32-byte hash.</param>
    /// <returns><see langword="false"/> when the node is not stored.</returns>
    bool TryReadMerkleNode(int level, ulong index, Span<byte> destination);

    /// <summary>Reads every stored node, by level then index.</summary>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The nodes.</returns>
    IAsyncEnumerable<DnaMerkleNode> ReadMerkleNodesAsync(CancellationToken cancellationToken = default);
}
