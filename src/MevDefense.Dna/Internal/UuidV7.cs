using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace MevDefense.Dna.Internal;

/// <summary>
/// RFC 9562 UUIDv7 from caller-supplied random bytes, laid out exactly as <see cref="Guid.CreateVersion7(DateTimeOffset)"/>
/// lays them out (48-bit big-endian Unix milliseconds, version 7, variant 0b10, 74 random bits). The ledger's group-commit writer
/// fills one buffer of cryptographically secure random bytes per batch (one <c>getrandom</c> call) instead of one per record,
/// which is what <see cref="Guid.CreateVersion7(DateTimeOffset)"/> costs through <see cref="Guid.NewGuid"/>.
/// </summary>
internal static class UuidV7
{
    /// <summary>Random bytes consumed per id (bytes 6..15 of the UUID; the version and variant bits overwrite 6 of their bits).</summary>
    public const int RandomBytes = 10;

    /// <summary>Builds a UUIDv7 for <paramref name="timestamp"/> from <see cref="RandomBytes"/> random bytes.</summary>
    /// <param name="timestamp">The time; its Unix milliseconds must fit 48 bits and not be negative.</param>
    /// <param name="random">At least <see cref="RandomBytes"/> random bytes.</param>
    /// <returns>The id.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The timestamp is before 1970 or beyond the 48-bit range (as <see cref="Guid.CreateVersion7(DateTimeOffset)"/>).</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // once per appended record: do not run at tier 0
    public static Guid Create(DateTimeOffset timestamp, ReadOnlySpan<byte> random)
    {
        long ms = timestamp.ToUnixTimeMilliseconds();
        ArgumentOutOfRangeException.ThrowIfNegative(ms, nameof(timestamp));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ms, 0xFFFF_FFFF_FFFFL, nameof(timestamp));
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, (ulong)ms << 16); // bytes 0..5; 6..7 overwritten below
        random[..RandomBytes].CopyTo(bytes[6..]);
        bytes[6] = (byte)(0x70 | (bytes[6] & 0x0F));
        bytes[8] = (byte)(0x80 | (bytes[8] & 0x3F));
        return new Guid(bytes, bigEndian: true);
    }
}
