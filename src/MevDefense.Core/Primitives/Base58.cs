using System.Buffers;

namespace MevDefense;

/// <summary>
/// Bitcoin-alphabet base58 encoding and decoding, as used by Solana for public keys, signatures and hashes.
/// </summary>
/// <remarks>Decoding never throws on malformed input from the <c>Try*</c> methods; the throwing overloads raise <see cref="FormatException"/> only.</remarks>
public static class Base58
{
    private const string Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    private static readonly sbyte[] DecodeMap = BuildDecodeMap();

    private static sbyte[] BuildDecodeMap()
    {
        var map = new sbyte[128];
        Array.Fill(map, (sbyte)-1);
        for (int i = 0; i < Alphabet.Length; i++)
        {
            map[Alphabet[i]] = (sbyte)i;
        }

        return map;
    }

    /// <summary>Returns the largest number of characters <see cref="Encode(ReadOnlySpan{byte}, Span{char})"/> can write for <paramref name="byteCount"/> bytes.</summary>
    /// <param name="byteCount">The number of input bytes.</param>
    /// <returns>An upper bound on the encoded length.</returns>
    public static int GetMaxEncodedLength(int byteCount) => (byteCount * 138 / 100) + 1;

    /// <summary>Encodes bytes as a base58 string.</summary>
    /// <param name="data">The bytes to encode.</param>
    /// <returns>The base58 text.</returns>
    public static string Encode(ReadOnlySpan<byte> data)
    {
        int max = GetMaxEncodedLength(data.Length);
        char[]? rented = null;
        Span<char> buffer = max <= 256 ? stackalloc char[max] : (rented = ArrayPool<char>.Shared.Rent(max));
        try
        {
            int written = Encode(data, buffer);
            return new string(buffer[..written]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Encodes bytes as base58 into <paramref name="destination"/>.</summary>
    /// <param name="data">The bytes to encode.</param>
    /// <param name="destination">Receives the characters; must hold <see cref="GetMaxEncodedLength"/> characters.</param>
    /// <returns>The number of characters written.</returns>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too small.</exception>
    public static int Encode(ReadOnlySpan<byte> data, Span<char> destination)
    {
        int zeros = 0;
        while (zeros < data.Length && data[zeros] == 0)
        {
            zeros++;
        }

        int size = GetMaxEncodedLength(data.Length - zeros);
        byte[]? rented = null;
        Span<byte> digits = size <= 256 ? stackalloc byte[size] : (rented = ArrayPool<byte>.Shared.Rent(size));
        digits = digits[..size];
        digits.Clear();
        int length = 0;
        for (int i = zeros; i < data.Length; i++)
        {
            int carry = data[i];
            int j = 0;
            for (int k = size - 1; (carry != 0 || j < length) && k >= 0; k--, j++)
            {
                carry += 256 * digits[k];
                digits[k] = (byte)(carry % 58);
                carry /= 58;
            }

            length = j;
        }

        int start = size - length;
        int total = zeros + length;
        if (destination.Length < total)
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }

            throw new ArgumentException("Destination is too small.", nameof(destination));
        }

        destination[..zeros].Fill('1');
        for (int i = 0; i < length; i++)
        {
            destination[zeros + i] = Alphabet[digits[start + i]];
        }

        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        return total;
    }

    /// <summary>Decodes base58 text into a new array.</summary>
    /// <param name="text">The base58 text.</param>
    /// <returns>The decoded bytes.</returns>
    /// <exception cref="FormatException">The text contains a character outside the base58 alphabet.</exception>
    public static byte[] Decode(ReadOnlySpan<char> text)
    {
        Span<byte> tmp = text.Length <= 256 ? stackalloc byte[text.Length] : new byte[text.Length];
        if (!TryDecode(text, tmp, out int written))
        {
            throw new FormatException("Invalid base58 text.");
        }

        return tmp[..written].ToArray();
    }

    /// <summary>Decodes base58 text into <paramref name="destination"/>.</summary>
    /// <param name="text">The base58 text.</param>
    /// <param name="destination">Receives the bytes. Base58 never decodes to more bytes than it has characters.</param>
    /// <param name="bytesWritten">The number of bytes written.</param>
    /// <returns><see langword="true"/> if the text was valid and fitted.</returns>
    public static bool TryDecode(ReadOnlySpan<char> text, Span<byte> destination, out int bytesWritten)
    {
        bytesWritten = 0;
        int zeros = 0;
        while (zeros < text.Length && text[zeros] == '1')
        {
            zeros++;
        }

        int size = (text.Length * 733 / 1000) + 1;
        byte[]? rented = null;
        Span<byte> b256 = size <= 256 ? stackalloc byte[size] : (rented = ArrayPool<byte>.Shared.Rent(size));
        b256 = b256[..size];
        b256.Clear();
        int length = 0;
        try
        {
            for (int i = zeros; i < text.Length; i++)
            {
                char c = text[i];
                if (c >= 128 || DecodeMap[c] < 0)
                {
                    return false;
                }

                int carry = DecodeMap[c];
                int j = 0;
                for (int k = size - 1; (carry != 0 || j < length) && k >= 0; k--, j++)
                {
                    carry += 58 * b256[k];
                    b256[k] = (byte)(carry & 0xFF);
                    carry >>= 8;
                }

                length = j;
            }

            int total = zeros + length;
            if (destination.Length < total)
            {
                return false;
            }

            destination[..zeros].Clear();
            b256.Slice(size - length, length).CopyTo(destination[zeros..]);
            bytesWritten = total;
            return true;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Decodes base58 text that must decode to exactly <paramref name="destination"/>.Length bytes.</summary>
    /// <param name="text">The base58 text.</param>
    /// <param name="destination">Receives exactly its length in bytes.</param>
    /// <returns><see langword="true"/> on success.</returns>
    public static bool TryDecodeExact(ReadOnlySpan<char> text, Span<byte> destination)
    {
        // A 32-byte value is at most 44 characters, a 64-byte value at most 88.
        if (text.Length == 0 || text.Length > GetMaxEncodedLength(destination.Length))
        {
            return false;
        }

        Span<byte> tmp = stackalloc byte[Math.Min(text.Length, 128)];
        if (text.Length > tmp.Length)
        {
            return false;
        }

        if (!TryDecode(text, tmp, out int written) || written != destination.Length)
        {
            return false;
        }

        tmp[..written].CopyTo(destination);
        return true;
    }
}
