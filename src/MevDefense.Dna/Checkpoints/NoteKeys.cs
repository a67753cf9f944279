using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace MevDefense.Dna.Checkpoints;

/// <summary>Helpers shared by the signed-note signer and verifier.</summary>
internal static class NoteKeys
{
    public const byte AlgEd25519 = 0x01;

    /// <summary>C2SP signed-note key hash: first 4 bytes (big-endian) of SHA-256(name ‖ 0x0A ‖ type ‖ public key).</summary>
    public static uint KeyHash(string name, byte type, ReadOnlySpan<byte> publicKey)
    {
        byte[] nameBytes = Encoding.UTF8.GetBytes(name);
        byte[] input = new byte[nameBytes.Length + 2 + publicKey.Length];
        nameBytes.CopyTo(input, 0);
        input[nameBytes.Length] = (byte)'\n';
        input[nameBytes.Length + 1] = type;
        publicKey.CopyTo(input.AsSpan(nameBytes.Length + 2));
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(input, digest);
        return BinaryPrimitives.ReadUInt32BigEndian(digest);
    }

    /// <summary>A key name is non-empty, has no white space and no '+'.</summary>
    public static bool IsValidName(string name)
    {
        if (name.Length == 0 || name.Contains('+', StringComparison.Ordinal))
        {
            return false;
        }

        foreach (char c in name)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                return false;
            }
        }

        return SignedNote.IsValidText(name);
    }

    public static bool TryParseHash(string hex, out uint hash)
    {
        hash = 0;
        return hex.Length == 8 && uint.TryParse(hex, System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out hash);
    }
}
