namespace MevDefense.Wire;

/// <summary>
/// Solana's compact-u16 ("short_vec") length encoding: 1 to 3 bytes, 7 bits per byte, little-endian, continuation bit 0x80.
/// </summary>
/// <remarks>
/// Decoding rejects alias encodings (a zero final continuation byte such as <c>80 00</c> or <c>ff 00</c>), encodings longer than three
/// bytes (<c>80 80 80 00</c>) and values above <see cref="ushort.MaxValue"/> (<c>80 80 04</c>), exactly like the Solana SDK.
/// </remarks>
public static class ShortVec
{
    /// <summary>The most bytes an encoded value takes.</summary>
    public const int MaxEncodedLength = 3;

    /// <summary>Tries to read a compact-u16 from the start of <paramref name="source"/>.</summary>
    /// <param name="source">The bytes.</param>
    /// <param name="value">The decoded value.</param>
    /// <param name="bytesRead">How many bytes the encoding took (1 to 3).</param>
    /// <returns><see langword="true"/> for a valid, canonical encoding.</returns>
    public static bool TryRead(ReadOnlySpan<byte> source, out ushort value, out int bytesRead)
    {
        value = 0;
        bytesRead = 0;
        uint result = 0;
        for (int i = 0; i < MaxEncodedLength; i++)
        {
            if (i >= source.Length)
            {
                return false;
            }

            uint b = source[i];
            if (i == 2)
            {
                // Third byte: only 2 value bits (bits 14 and 15), no continuation.
                if (b > 0x03 || b == 0)
                {
                    return false;
                }

                result |= b << 14;
                value = (ushort)result;
                bytesRead = 3;
                return true;
            }

            result |= (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0)
            {
                if (b == 0 && i > 0)
                {
                    return false; // alias: trailing zero continuation byte
                }

                value = (ushort)result;
                bytesRead = i + 1;
                return true;
            }
        }

        return false;
    }

    /// <summary>Returns how many bytes <paramref name="value"/> encodes to.</summary>
    /// <param name="value">The value.</param>
    /// <returns>1, 2 or 3.</returns>
    public static int GetEncodedLength(int value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(value, ushort.MaxValue);
        return value < 0x80 ? 1 : value < 0x4000 ? 2 : 3;
    }

    /// <summary>Writes <paramref name="value"/> as compact-u16.</summary>
    /// <param name="destination">At least <see cref="GetEncodedLength"/> bytes.</param>
    /// <param name="value">A value from 0 to 65535.</param>
    /// <returns>The number of bytes written.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="value"/> is outside 0..65535.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too small.</exception>
    public static int Write(Span<byte> destination, int value)
    {
        int len = GetEncodedLength(value);
        if (destination.Length < len)
        {
            throw new ArgumentException("Destination is too small.", nameof(destination));
        }

        uint v = (uint)value;
        for (int i = 0; i < len; i++)
        {
            byte b = (byte)(v & 0x7F);
            v >>= 7;
            if (i < len - 1)
            {
                b |= 0x80;
            }

            destination[i] = b;
        }

        return len;
    }
}
