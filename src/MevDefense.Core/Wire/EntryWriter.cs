using System.Buffers.Binary;

namespace MevDefense.Wire;

/// <summary>Serializes entry batches (bincode <c>Vec&lt;Entry&gt;</c>) and Alpenglow block markers.</summary>
public static class EntryWriter
{
    /// <summary>Returns the serialized length of a batch.</summary>
    /// <param name="entries">The entries.</param>
    /// <returns>The length in bytes.</returns>
    public static int GetLength(IReadOnlyList<Entry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        int n = 8;
        foreach (var e in entries)
        {
            n += 48;
            foreach (var t in e.Transactions)
            {
                n += t.Wire.Length;
            }
        }

        return n;
    }

    /// <summary>Writes a batch into <paramref name="destination"/>.</summary>
    /// <param name="entries">The entries.</param>
    /// <param name="destination">At least <see cref="GetLength"/> bytes.</param>
    /// <returns>The number of bytes written.</returns>
    /// <exception cref="ArgumentException">The destination is too small.</exception>
    public static int Write(IReadOnlyList<Entry> entries, Span<byte> destination)
    {
        int len = GetLength(entries);
        if (destination.Length < len)
        {
            throw new ArgumentException("Destination is too small.", nameof(destination));
        }

        BinaryPrimitives.WriteUInt64LittleEndian(destination, (ulong)entries.Count);
        int p = 8;
        foreach (var e in entries)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(destination[p..], e.NumHashes);
            e.Hash.CopyTo(destination[(p + 8)..]);
            BinaryPrimitives.WriteUInt64LittleEndian(destination[(p + 40)..], (ulong)e.Transactions.Count);
            p += 48;
            foreach (var t in e.Transactions)
            {
                t.Wire.Span.CopyTo(destination[p..]);
                p += t.Wire.Length;
            }
        }

        return p;
    }

    /// <summary>Serializes a batch into a new array.</summary>
    /// <param name="entries">The entries.</param>
    /// <returns>The bytes.</returns>
    public static byte[] Write(IReadOnlyList<Entry> entries)
    {
        var bytes = new byte[GetLength(entries)];
        Write(entries, bytes);
        return bytes;
    }

    /// <summary>Serializes a block component: the entries, or the block marker when <see cref="EntryBatch.Marker"/> is set.</summary>
    /// <param name="batch">The batch.</param>
    /// <returns>The bytes.</returns>
    public static byte[] Write(EntryBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Marker is not { } m)
        {
            return Write(batch.Entries);
        }

        if (m.Payload.Length > ushort.MaxValue || m.Version == 0)
        {
            throw new ArgumentException("Block marker payload too large or version 0.", nameof(batch));
        }

        var bytes = new byte[8 + BlockMarker.HeaderSize + m.Payload.Length];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), m.Version);
        bytes[10] = m.Variant;
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(11), (ushort)m.Payload.Length);
        m.Payload.Span.CopyTo(bytes.AsSpan(13));
        return bytes;
    }
}
