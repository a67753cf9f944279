using System.Buffers.Binary;

namespace MevDefense.Detection.Dex.Internal;

/// <summary>A bounds-checked little-endian Borsh cursor over instruction data. Every read returns false instead of throwing.</summary>
internal ref struct BorshReader(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> _data = data;
    private int _pos;

    public readonly int Position => _pos;

    public readonly int Remaining => _data.Length - _pos;

    public bool Skip(int count)
    {
        if (count < 0 || Remaining < count)
        {
            return false;
        }

        _pos += count;
        return true;
    }

    public bool TryU8(out byte value)
    {
        if (Remaining < 1)
        {
            value = 0;
            return false;
        }

        value = _data[_pos++];
        return true;
    }

    public bool TryBool(out bool value)
    {
        value = false;
        if (!TryU8(out var b) || b > 1)
        {
            return false;
        }

        value = b == 1;
        return true;
    }

    public bool TryU16(out ushort value)
    {
        if (Remaining < 2)
        {
            value = 0;
            return false;
        }

        value = BinaryPrimitives.ReadUInt16LittleEndian(_data[_pos..]);
        _pos += 2;
        return true;
    }

    public bool TryU32(out uint value)
    {
        if (Remaining < 4)
        {
            value = 0;
            return false;
        }

        value = BinaryPrimitives.ReadUInt32LittleEndian(_data[_pos..]);
        _pos += 4;
        return true;
    }

    public bool TryU64(out ulong value)
    {
        if (Remaining < 8)
        {
            value = 0;
            return false;
        }

        value = BinaryPrimitives.ReadUInt64LittleEndian(_data[_pos..]);
        _pos += 8;
        return true;
    }

    public bool TryU128(out UInt128 value)
    {
        if (Remaining < 16)
        {
            value = 0;
            return false;
        }

        value = BinaryPrimitives.ReadUInt128LittleEndian(_data[_pos..]);
        _pos += 16;
        return true;
    }

    /// <summary>Reads an <c>Option&lt;T&gt;</c> tag: 0 none, 1 some.</summary>
    public bool TryOptionTag(out bool some) => TryBool(out some);

    /// <summary>Skips an <c>Option&lt;T&gt;</c> of a fixed-size payload.</summary>
    public bool SkipOption(int payloadSize) => TryOptionTag(out var some) && (!some || Skip(payloadSize));

    /// <summary>Skips a <c>RemainingAccountsInfo { slices: Vec&lt;{u8, u8}&gt; }</c>.</summary>
    public bool SkipRemainingAccountsInfo()
        => TryU32(out var n) && n <= 64 && Skip((int)n * 2);
}
