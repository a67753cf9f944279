namespace MevDefense.Dna.Merkle;

/// <summary>The hash functions of an RFC 6962 / RFC 9162 style Merkle tree (32-byte outputs).</summary>
public interface IMerkleHasher
{
    /// <summary>Gets the size of a hash in bytes (32 for the built-in hashers).</summary>
    int HashSize { get; }

    /// <summary>Computes the root of the empty tree (<c>HASH()</c>).</summary>
    /// <param name="destination">Receives <see cref="HashSize"/> bytes.</param>
    void HashEmpty(Span<byte> destination);

    /// <summary>Computes a leaf hash (<c>HASH(0x00 ‖ data)</c>).</summary>
    /// <param name="data">The leaf data.</param>
    /// <param name="destination">Receives <see cref="HashSize"/> bytes.</param>
    void HashLeaf(ReadOnlySpan<byte> data, Span<byte> destination);

    /// <summary>Computes an interior node hash (<c>HASH(0x01 ‖ left ‖ right)</c>).</summary>
    /// <param name="left">The left child hash.</param>
    /// <param name="right">The right child hash.</param>
    /// <param name="destination">Receives <see cref="HashSize"/> bytes; may alias neither input.</param>
    void HashChildren(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right, Span<byte> destination);
}
