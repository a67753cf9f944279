using System.Security.Cryptography;

namespace MevDefense.Dna.Internal;

/// <summary>Record key ids: the first 8 bytes of SHA-256 of the raw 32-byte Ed25519 public key, as lowercase hex.</summary>
internal static class DnaKeyIds
{
    public const int Size = 8;

    public static string Compute(ReadOnlySpan<byte> rawPublicKey)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(rawPublicKey, digest);
        return Convert.ToHexStringLower(digest[..Size]);
    }

    public static bool IsValid(string keyId)
    {
        if (keyId.Length != Size * 2)
        {
            return false;
        }

        foreach (char c in keyId)
        {
            if (c is not ((>= '0' and <= '9') or (>= 'a' and <= 'f')))
            {
                return false;
            }
        }

        return true;
    }
}
