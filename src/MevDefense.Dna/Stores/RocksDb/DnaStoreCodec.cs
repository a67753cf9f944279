using System.Buffers.Binary;
using System.Text;

namespace MevDefense.Dna.Internal;

/// <summary>Binary keys and values of the embedded store (big-endian keys so that byte order equals numeric order).</summary>
internal static class DnaStoreCodec
{
    private const byte CheckpointVersion = 1;
    private const byte ReceiptVersion = 1;

    public static byte[] SequenceKey(ulong sequence)
    {
        byte[] key = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(key, sequence);
        return key;
    }

    public static ulong ReadSequenceKey(ReadOnlySpan<byte> key) =>
        key.Length == 8 ? BinaryPrimitives.ReadUInt64BigEndian(key) : throw new FormatException($"A sequence key has {key.Length} bytes, expected 8.");

    public static byte[] IdKey(Guid id)
    {
        byte[] key = new byte[16];
        id.TryWriteBytes(key, bigEndian: true, out _);
        return key;
    }

    /// <summary>Index key: prefix ‖ sequence (big-endian), so a prefix scan yields sequences in order.</summary>
    public static byte[] IndexKey(ReadOnlySpan<byte> prefix, ulong sequence)
    {
        byte[] key = new byte[prefix.Length + 8];
        WriteIndexKey(prefix, sequence, key);
        return key;
    }

    /// <summary>Writes the <see cref="IndexKey"/> layout into <paramref name="destination"/>; returns its length.</summary>
    public static int WriteIndexKey(ReadOnlySpan<byte> prefix, ulong sequence, Span<byte> destination)
    {
        prefix.CopyTo(destination);
        BinaryPrimitives.WriteUInt64BigEndian(destination[prefix.Length..], sequence);
        return prefix.Length + 8;
    }

    /// <summary>The most bytes one <see cref="WriteIndexGroupDelta"/> takes (an unsigned LEB128 varint of a 64-bit value).</summary>
    public const int MaxIndexGroupDeltaBytes = 10;

    /// <summary>Format 3 groups the index entries of one group-commit batch that share a prefix (a slot) into one entry: the key is
    /// prefix ‖ first sequence (<see cref="IndexKey"/>) and the value holds each further sequence of the group as the difference to
    /// the previous one (≥ 1, unsigned LEB128). An empty value is a group of one, which is every index entry of formats 1 and 2.
    /// Writes one difference; returns its length.</summary>
    public static int WriteIndexGroupDelta(ulong delta, Span<byte> destination)
    {
        if (delta == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(delta), "The sequences of an index group must increase.");
        }

        int n = 0;
        while (delta >= 0x80)
        {
            destination[n++] = (byte)(delta | 0x80);
            delta >>= 7;
        }

        destination[n++] = (byte)delta;
        return n;
    }

    /// <summary>Reads the next sequence of an index group (see <see cref="WriteIndexGroupDelta"/>) after <paramref name="previous"/>
    /// and advances <paramref name="value"/> past it.</summary>
    /// <exception cref="FormatException">The difference is truncated, longer than 10 bytes, zero, or runs past the largest sequence.</exception>
    public static ulong ReadIndexGroupNext(ulong previous, ref ReadOnlySpan<byte> value)
    {
        ulong delta = 0;
        for (int i = 0; ; i++)
        {
            if (i == value.Length || i == MaxIndexGroupDeltaBytes)
            {
                throw new FormatException("A stored index group is truncated or has an over-long difference.");
            }

            byte b = value[i];
            if (i == MaxIndexGroupDeltaBytes - 1 && b > 1)
            {
                throw new FormatException("A stored index group difference does not fit 64 bits.");
            }

            delta |= (ulong)(b & 0x7F) << (7 * i);
            if (b < 0x80)
            {
                value = value[(i + 1)..];
                break;
            }
        }

        if (delta == 0 || delta > ulong.MaxValue - previous)
        {
            throw new FormatException($"A stored index group has a difference of {delta} after sequence {previous}.");
        }

        return previous + delta;
    }

    /// <summary>Merkle node key: level ‖ index (big-endian), so one level's nodes are contiguous and in index order.</summary>
    public static byte[] NodeKey(int level, ulong index)
    {
        byte[] key = new byte[NodeKeySize];
        WriteNodeKey(level, index, key);
        return key;
    }

    /// <summary>Writes the <see cref="NodeKey"/> layout into <paramref name="destination"/> (<see cref="NodeKeySize"/> bytes).</summary>
    public static void WriteNodeKey(int level, ulong index, Span<byte> destination)
    {
        destination[0] = (byte)level;
        BinaryPrimitives.WriteUInt64BigEndian(destination[1..NodeKeySize], index);
    }

    public const int NodeKeySize = 9;

    public static byte[] SlotPrefix(ulong slot) => SequenceKey(slot);

    public static byte[] EncodeHead(ulong count, Hash lastChainHash)
    {
        byte[] value = new byte[8 + Hash.Size];
        BinaryPrimitives.WriteUInt64BigEndian(value, count);
        lastChainHash.CopyTo(value.AsSpan(8));
        return value;
    }

    public static DnaStoreHead DecodeHead(ReadOnlySpan<byte> value) => value.Length == 8 + Hash.Size
        ? new DnaStoreHead(BinaryPrimitives.ReadUInt64BigEndian(value), new Hash(value[8..]))
        : throw new FormatException($"The stored head has {value.Length} bytes, expected {8 + Hash.Size}.");

    public static byte[] EncodeCheckpoint(DnaCheckpoint checkpoint)
    {
        var w = new Writer();
        w.Byte(CheckpointVersion);
        w.UInt64(checkpoint.Size);
        w.Bytes(checkpoint.RootHash.AsSpan());
        w.String(checkpoint.Origin);
        w.String(checkpoint.SignedNote);
        return w.ToArray();
    }

    public static DnaCheckpoint DecodeCheckpoint(ReadOnlySpan<byte> value)
    {
        var r = new Reader(value);
        if (r.Byte() != CheckpointVersion)
        {
            throw new FormatException("Unknown stored checkpoint version.");
        }

        ulong size = r.UInt64();
        var root = new Hash(r.Bytes(Hash.Size));
        string origin = r.String();
        string note = r.String();
        r.End();
        return new DnaCheckpoint(origin, size, root, note);
    }

    public static byte[] AnchorKey(ulong checkpointSize, Signature transaction)
    {
        byte[] key = new byte[8 + Signature.Size];
        BinaryPrimitives.WriteUInt64BigEndian(key, checkpointSize);
        transaction.AsSpan().CopyTo(key.AsSpan(8));
        return key;
    }

    public static byte[] EncodeReceipt(DnaAnchorReceipt receipt)
    {
        var w = new Writer();
        w.Byte(ReceiptVersion);
        w.UInt64(receipt.CheckpointSize);
        w.Bytes(receipt.RootHash.AsSpan());
        w.Bytes(receipt.TransactionSignature.AsSpan());
        w.UInt64(receipt.Slot);
        w.Byte(receipt.BlockTime is null ? (byte)0 : (byte)1);
        w.UInt64(unchecked((ulong)(receipt.BlockTime?.ToUnixTimeMilliseconds() ?? 0)));
        w.String(receipt.Memo);
        return w.ToArray();
    }

    public static DnaAnchorReceipt DecodeReceipt(ReadOnlySpan<byte> value)
    {
        var r = new Reader(value);
        if (r.Byte() != ReceiptVersion)
        {
            throw new FormatException("Unknown stored anchor receipt version.");
        }

        ulong size = r.UInt64();
        var root = new Hash(r.Bytes(Hash.Size));
        var signature = new Signature(r.Bytes(Signature.Size));
        ulong slot = r.UInt64();
        byte hasTime = r.Byte();
        long ms = unchecked((long)r.UInt64());
        string memo = r.String();
        r.End();
        DateTimeOffset? blockTime = hasTime switch
        {
            0 => null,
            1 => DateTimeOffset.FromUnixTimeMilliseconds(ms),
            _ => throw new FormatException("Bad stored anchor receipt flag."),
        };
        return new DnaAnchorReceipt(size, root, signature, slot, memo, blockTime);
    }

    private sealed class Writer
    {
        private readonly MemoryStream _ms = new();

        public void Byte(byte b) => _ms.WriteByte(b);

        public void UInt64(ulong v)
        {
            Span<byte> b = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64BigEndian(b, v);
            _ms.Write(b);
        }

        public void Bytes(ReadOnlySpan<byte> b) => _ms.Write(b);

        public void String(string s)
        {
            byte[] utf8 = Encoding.UTF8.GetBytes(s);
            Span<byte> len = stackalloc byte[4];
            BinaryPrimitives.WriteInt32BigEndian(len, utf8.Length);
            _ms.Write(len);
            _ms.Write(utf8);
        }

        public byte[] ToArray() => _ms.ToArray();
    }

    private ref struct Reader(ReadOnlySpan<byte> data)
    {
        private ReadOnlySpan<byte> _rest = data;

        public byte Byte() => Bytes(1)[0];

        public ulong UInt64() => BinaryPrimitives.ReadUInt64BigEndian(Bytes(8));

        public ReadOnlySpan<byte> Bytes(int n)
        {
            if (n < 0 || _rest.Length < n)
            {
                throw new FormatException("A stored value is truncated.");
            }

            ReadOnlySpan<byte> b = _rest[..n];
            _rest = _rest[n..];
            return b;
        }

        public string String()
        {
            int n = BinaryPrimitives.ReadInt32BigEndian(Bytes(4));
            try
            {
                return new UTF8Encoding(false, true).GetString(Bytes(n));
            }
            catch (DecoderFallbackException ex)
            {
                throw new FormatException("A stored string is not UTF-8.", ex);
            }
        }

        public readonly void End()
        {
            if (!_rest.IsEmpty)
            {
                throw new FormatException("A stored value has trailing bytes.");
            }
        }
    }
}
