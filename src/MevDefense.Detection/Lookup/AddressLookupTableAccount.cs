using System.Buffers.Binary;

namespace MevDefense.Detection.Lookup;

/// <summary>
/// Parses the on-chain account data of an address lookup table: a 56-byte header (u32 type = 1, u64 deactivation
/// slot, u64 last extended slot, u8 last extended start index, <c>Option&lt;Pubkey&gt;</c> authority, u16 padding)
/// followed by the 32-byte addresses.
/// </summary>
public static class AddressLookupTableAccount
{
    /// <summary>The size of the header before the addresses.</summary>
    public const int HeaderSize = 56;

    /// <summary>The maximum number of addresses in one table.</summary>
    public const int MaxAddresses = 256;

    /// <summary>Parses lookup table account data.</summary>
    /// <param name="data">The account data.</param>
    /// <param name="addresses">The addresses.</param>
    /// <param name="deactivationSlot">The deactivation slot (<see cref="ulong.MaxValue"/> while active).</param>
    /// <returns><see langword="false"/> when the data is not a lookup table.</returns>
    public static bool TryParse(ReadOnlySpan<byte> data, out Pubkey[] addresses, out ulong deactivationSlot)
    {
        addresses = [];
        deactivationSlot = 0;
        if (data.Length < HeaderSize || BinaryPrimitives.ReadUInt32LittleEndian(data) != 1 || data[21] > 1)
        {
            return false;
        }

        var body = data[HeaderSize..];
        if (body.Length % Pubkey.Size != 0 || body.Length / Pubkey.Size > MaxAddresses)
        {
            return false;
        }

        deactivationSlot = BinaryPrimitives.ReadUInt64LittleEndian(data[4..]);
        addresses = new Pubkey[body.Length / Pubkey.Size];
        for (var i = 0; i < addresses.Length; i++)
        {
            addresses[i] = new Pubkey(body.Slice(i * Pubkey.Size, Pubkey.Size));
        }

        return true;
    }

    /// <summary>Serializes a lookup table account (for tests and local validators).</summary>
    /// <param name="addresses">The addresses.</param>
    /// <param name="authority">The authority, or <see langword="null"/> for a frozen table.</param>
    /// <returns>The account data.</returns>
    public static byte[] Serialize(ReadOnlySpan<Pubkey> addresses, Pubkey? authority = null)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(addresses.Length, MaxAddresses);
        var data = new byte[HeaderSize + (addresses.Length * Pubkey.Size)];
        BinaryPrimitives.WriteUInt32LittleEndian(data, 1);
        BinaryPrimitives.WriteUInt64LittleEndian(data.AsSpan(4), ulong.MaxValue);
        if (authority is { } a)
        {
            data[21] = 1;
            a.CopyTo(data.AsSpan(22));
        }

        for (var i = 0; i < addresses.Length; i++)
        {
            addresses[i].CopyTo(data.AsSpan(HeaderSize + (i * Pubkey.Size)));
        }

        return data;
    }
}
