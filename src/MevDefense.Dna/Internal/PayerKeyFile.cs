using System.Text.Json;
using MevDefense.Crypto;

namespace MevDefense.Dna.Internal;

/// <summary>Reads the Solana fee payer key of the anchoring service.</summary>
internal static class PayerKeyFile
{
    /// <summary>Parses key file contents: a solana-keygen JSON array of 64 numbers, or a raw 32-byte seed or 64-byte secret key.</summary>
    /// <param name="contents">The file contents.</param>
    /// <returns>The keypair.</returns>
    /// <exception cref="FormatException">The contents are none of the supported forms.</exception>
    public static Ed25519Keypair Parse(ReadOnlySpan<byte> contents)
    {
        // Raw forms first: a JSON array of 64 numbers is at least 129 bytes, so the lengths cannot be confused.
        if (contents.Length == Ed25519Keypair.SeedSize)
        {
            return Ed25519Keypair.FromSeed(contents);
        }

        if (contents.Length == 64)
        {
            return FromSecret(contents);
        }

        ReadOnlySpan<byte> trimmed = contents.Trim(" \t\r\n"u8);
        if (trimmed.Length > 0 && trimmed[0] == (byte)'[')
        {
            byte[] secret = ReadJsonBytes(trimmed);
            try
            {
                return FromSecret(secret);
            }
            finally
            {
                Array.Clear(secret);
            }
        }

        throw new FormatException("The payer key file is neither a solana-keygen JSON array nor a raw 32-byte seed or 64-byte secret key.");
    }

    /// <summary>Loads and parses a key file.</summary>
    /// <param name="path">The path.</param>
    /// <returns>The keypair.</returns>
    public static Ed25519Keypair Load(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        try
        {
            return Parse(bytes);
        }
        finally
        {
            Array.Clear(bytes);
        }
    }

    private static byte[] ReadJsonBytes(ReadOnlySpan<byte> json)
    {
        var secret = new byte[64];
        int n = 0;
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
            {
                throw new FormatException("The payer key file is not a JSON array.");
            }

            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType != JsonTokenType.Number || !reader.TryGetByte(out byte b) || n == secret.Length)
                {
                    throw new FormatException("A solana-keygen key file is a JSON array of 64 numbers from 0 to 255.");
                }

                secret[n++] = b;
            }

            if (reader.TokenType != JsonTokenType.EndArray || n != secret.Length || reader.Read())
            {
                throw new FormatException("A solana-keygen key file is a JSON array of 64 numbers from 0 to 255.");
            }
        }
        catch (JsonException ex)
        {
            Array.Clear(secret);
            throw new FormatException("The payer key file is not valid JSON.", ex);
        }
        catch (FormatException)
        {
            Array.Clear(secret);
            throw;
        }

        return secret;
    }

    private static Ed25519Keypair FromSecret(ReadOnlySpan<byte> secret)
    {
        try
        {
            return Ed25519Keypair.FromSecretKey(secret);
        }
        catch (ArgumentException ex)
        {
            throw new FormatException("The payer secret key's public half does not match its seed.", ex);
        }
    }
}
