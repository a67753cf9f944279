using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MevDefense;

/// <summary>A Solana account address (an Ed25519 public key or a program-derived address).</summary>
/// <remarks>A 32-byte value type: equality and hashing compare the raw bytes; <see cref="ToString()"/> is base58.</remarks>
[StructLayout(LayoutKind.Sequential)]
public readonly struct Pubkey : IEquatable<Pubkey>, ISpanFormattable, IComparable<Pubkey>
{
    /// <summary>The size of the value in bytes.</summary>
    public const int Size = 32;

    private readonly Bytes32 _bytes;

    /// <summary>Creates a value from exactly <see cref="Size"/> bytes.</summary>
    /// <param name="bytes">The bytes; copied.</param>
    /// <exception cref="ArgumentException"><paramref name="bytes"/> is not <see cref="Size"/> bytes long.</exception>
    public Pubkey(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Size)
        {
            throw new ArgumentException($"A Pubkey is {Size} bytes, got {bytes.Length}.", nameof(bytes));
        }

        bytes.CopyTo(_bytes);
    }

    /// <summary>Gets the all-zero value.</summary>
    public static Pubkey Zero => default;

    /// <summary>Gets the bytes as a read-only span over this instance's storage.</summary>
    /// <remarks>The span refers to the storage of the instance it is read from; copy the struct to keep it.</remarks>
    [System.Diagnostics.CodeAnalysis.UnscopedRef]
    public ReadOnlySpan<byte> AsSpan() => _bytes;

    /// <summary>Gets whether every byte is zero.</summary>
    public bool IsZero => Vector256.Create((ReadOnlySpan<byte>)_bytes) == Vector256<byte>.Zero;

    /// <summary>Reads a value from the first <see cref="Size"/> bytes of <paramref name="source"/>.</summary>
    /// <param name="source">At least <see cref="Size"/> bytes.</param>
    /// <returns>The value.</returns>
    /// <exception cref="FormatException"><paramref name="source"/> is shorter than <see cref="Size"/>.</exception>
    public static Pubkey Read(ReadOnlySpan<byte> source)
    {
        if (source.Length < Size)
        {
            throw new FormatException($"Need {Size} bytes for a Pubkey, have {source.Length}.");
        }

        return new Pubkey(source[..Size]);
    }

    /// <summary>Copies the bytes into <paramref name="destination"/>.</summary>
    /// <param name="destination">At least <see cref="Size"/> bytes.</param>
    public void CopyTo(Span<byte> destination) => ((ReadOnlySpan<byte>)_bytes).CopyTo(destination);

    /// <summary>Returns a new array with the bytes.</summary>
    /// <returns>A copy of the bytes.</returns>
    public byte[] ToArray() => ((ReadOnlySpan<byte>)_bytes).ToArray();

    /// <summary>Parses base58 text.</summary>
    /// <param name="text">Base58 text that decodes to exactly <see cref="Size"/> bytes.</param>
    /// <returns>The value.</returns>
    /// <exception cref="FormatException">The text is not valid base58 of the right length.</exception>
    public static Pubkey Parse(ReadOnlySpan<char> text)
        => TryParse(text, out var value) ? value : throw new FormatException($"'{text}' is not a base58 Pubkey of {Size} bytes.");

    /// <summary>Tries to parse base58 text.</summary>
    /// <param name="text">Base58 text.</param>
    /// <param name="value">The value when successful.</param>
    /// <returns><see langword="true"/> when the text decoded to exactly <see cref="Size"/> bytes.</returns>
    public static bool TryParse(ReadOnlySpan<char> text, out Pubkey value)
    {
        Span<byte> tmp = stackalloc byte[Size];
        if (Base58.TryDecodeExact(text, tmp))
        {
            value = new Pubkey(tmp);
            return true;
        }

        value = default;
        return false;
    }

    /// <inheritdoc/>
    public bool Equals(Pubkey other) => Vector256.Create((ReadOnlySpan<byte>)_bytes) == Vector256.Create((ReadOnlySpan<byte>)other._bytes);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Pubkey other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => BinaryPrimitives.ReadInt32LittleEndian(_bytes) ^ BinaryPrimitives.ReadInt32LittleEndian(((ReadOnlySpan<byte>)_bytes)[(Size - 4)..]);

    /// <inheritdoc/>
    /// <remarks>Byte-wise lexicographic order; the result is the difference of the first differing bytes (0 when equal), as
    /// <c>SequenceCompareTo</c> over the bytes returns.</remarks>
    public int CompareTo(Pubkey other)
    {
        // Eight bytes at a time, big-endian so the first differing word decides; then the first differing byte within it.
        ReadOnlySpan<byte> a = _bytes;
        ReadOnlySpan<byte> b = other._bytes;
        for (var i = 0; i < Size; i += 8)
        {
            var x = BinaryPrimitives.ReadUInt64BigEndian(a[i..]);
            var y = BinaryPrimitives.ReadUInt64BigEndian(b[i..]);
            if (x != y)
            {
                var shift = 56 - (System.Numerics.BitOperations.LeadingZeroCount(x ^ y) & ~7);
                return (int)((x >> shift) & 0xFF) - (int)((y >> shift) & 0xFF);
            }
        }

        return 0;
    }

    /// <summary>Returns the base58 text.</summary>
    /// <returns>The base58 text.</returns>
    public override string ToString() => Base58.Encode(_bytes);

    /// <inheritdoc/>
    public string ToString(string? format, IFormatProvider? formatProvider) => ToString();

    /// <inheritdoc/>
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
    {
        if (destination.Length < Base58.GetMaxEncodedLength(Size))
        {
            string s = ToString();
            charsWritten = 0;
            if (!s.TryCopyTo(destination))
            {
                return false;
            }

            charsWritten = s.Length;
            return true;
        }

        charsWritten = Base58.Encode(_bytes, destination);
        return true;
    }

    /// <summary>Compares two values for equality.</summary>
    /// <param name="left">The first value.</param>
    /// <param name="right">The second value.</param>
    /// <returns><see langword="true"/> when the bytes are equal.</returns>
    public static bool operator ==(Pubkey left, Pubkey right) => left.Equals(right);

    /// <summary>Compares two values for inequality.</summary>
    /// <param name="left">The first value.</param>
    /// <param name="right">The second value.</param>
    /// <returns><see langword="true"/> when the bytes differ.</returns>
    public static bool operator !=(Pubkey left, Pubkey right) => !left.Equals(right);
}
