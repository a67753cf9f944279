using NSec.Cryptography;

namespace MevDefense.Crypto;

/// <summary>Ed25519 signature verification (NSec.Cryptography over libsodium).</summary>
public static class Ed25519Verifier
{
    /// <summary>Verifies an Ed25519 signature.</summary>
    /// <param name="publicKey">The 32-byte public key.</param>
    /// <param name="message">The signed bytes.</param>
    /// <param name="signature">The 64-byte signature.</param>
    /// <returns><see langword="true"/> when valid; <see langword="false"/> for a bad signature, a malformed key or wrong sizes.</returns>
    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length != Pubkey.Size || signature.Length != Signature.Size)
        {
            return false;
        }

        var algorithm = SignatureAlgorithm.Ed25519;
        if (!PublicKey.TryImport(algorithm, publicKey, KeyBlobFormat.RawPublicKey, out var key) || key is null)
        {
            return false;
        }

        return algorithm.Verify(key, message, signature);
    }
}
