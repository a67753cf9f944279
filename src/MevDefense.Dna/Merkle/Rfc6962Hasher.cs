using System.Security.Cryptography;
using MevDefense.Dna.Internal;

namespace MevDefense.Dna.Merkle;

/// <summary>
/// The RFC 6962 / RFC 9162 §2.1.1 Merkle hasher: leaf = <c>H(0x00 ‖ d)</c>, node = <c>H(0x01 ‖ l ‖ r)</c>, empty = <c>H()</c>,
/// with SHA-256 (<see cref="Sha256"/>, what C2SP checkpoints and every transparency-log verifier expect) or Blake3 (<see cref="Blake3"/>).
/// </summary>
public sealed class Rfc6962Hasher : IMerkleHasher
{
    private readonly bool _blake3;

    private Rfc6962Hasher(bool blake3) => _blake3 = blake3;

    /// <summary>Gets the SHA-256 hasher (the ledger's Merkle tree and checkpoints use this one).</summary>
    public static Rfc6962Hasher Sha256 { get; } = new(blake3: false);

    /// <summary>Gets a Blake3 hasher with the same tree structure (for callers that do not need external verifiers).</summary>
    public static Rfc6962Hasher Blake3 { get; } = new(blake3: true);

    /// <inheritdoc/>
    public int HashSize => 32;

    /// <inheritdoc/>
    public void HashEmpty(Span<byte> destination) => Hash(default, destination);

    /// <inheritdoc/>
    public void HashLeaf(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        if (!_blake3 && data.Length <= LibCryptoSha256.MaxPrefixedInput && LibCryptoSha256.IsAvailable)
        {
            LibCryptoSha256.HashPrefixed(0, data, destination);
            return;
        }

        if (data.Length <= 255)
        {
            Span<byte> buffer = stackalloc byte[256];
            buffer[0] = 0;
            data.CopyTo(buffer[1..]);
            Hash(buffer[..(data.Length + 1)], destination);
            return;
        }

        if (_blake3)
        {
            using var h = global::Blake3.Hasher.New();
            h.Update([(byte)0]);
            h.Update(data);
            h.Finalize(destination[..32]);
        }
        else
        {
            using var h = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            h.AppendData([(byte)0]);
            h.AppendData(data);
            h.GetHashAndReset(destination[..32]);
        }
    }

    /// <inheritdoc/>
    public void HashChildren(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right, Span<byte> destination)
    {
        if (!_blake3 && left.Length == 32 && right.Length == 32 && LibCryptoSha256.IsNodeAvailable)
        {
            LibCryptoSha256.HashNode(left, right, destination);
            return;
        }

        if (left.Length + right.Length <= 128)
        {
            Span<byte> buffer = stackalloc byte[129];
            buffer[0] = 1;
            left.CopyTo(buffer[1..]);
            right.CopyTo(buffer[(1 + left.Length)..]);
            Hash(buffer[..(1 + left.Length + right.Length)], destination);
            return;
        }

        byte[] joined = new byte[1 + left.Length + right.Length];
        joined[0] = 1;
        left.CopyTo(joined.AsSpan(1));
        right.CopyTo(joined.AsSpan(1 + left.Length));
        Hash(joined, destination);
    }

    private void Hash(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        if (_blake3)
        {
            global::Blake3.Hasher.Hash(data, destination[..32]);
        }
        else if (data.Length <= 256 && LibCryptoSha256.IsAvailable)
        {
            LibCryptoSha256.Hash(data, destination);
        }
        else
        {
            SHA256.HashData(data, destination);
        }
    }
}
