using System.Diagnostics.CodeAnalysis;

namespace MevDefense.Wire;

/// <summary>Decodes bincode entry batches (and Alpenglow block markers) into <see cref="EntryBatch"/> objects that reference the input memory.</summary>
/// <remarks>For zero-allocation reading use <see cref="EntryBatchReader"/>.</remarks>
public static class EntryReader
{
    /// <summary>Tries to decode the batch at the start of <paramref name="data"/>; trailing bytes are allowed.</summary>
    /// <param name="data">The bytes; transactions reference this memory.</param>
    /// <param name="batch">The batch when successful.</param>
    /// <param name="bytesConsumed">The batch length.</param>
    /// <param name="error">Why the bytes were rejected, or <see langword="null"/>.</param>
    /// <returns><see langword="true"/> on success.</returns>
    public static bool TryRead(ReadOnlyMemory<byte> data, [NotNullWhen(true)] out EntryBatch? batch, out int bytesConsumed, out string? error)
    {
        batch = null;
        bytesConsumed = 0;
        var span = data.Span;
        if (!EntryBatchReader.TryCreate(span, out var reader, out error))
        {
            return false;
        }

        if (reader.IsBlockMarker)
        {
            var payload = data.Slice(8 + BlockMarker.HeaderSize, reader.MarkerPayload.Length);
            batch = new EntryBatch([], new BlockMarker(reader.MarkerVersion, reader.MarkerVariant, payload));
            bytesConsumed = reader.BytesConsumed;
            return true;
        }

        var entries = new List<Entry>((int)Math.Min(reader.EntryCount, 4096));
        while (reader.TryReadEntry(out var header))
        {
            var txs = new Transaction[header.TransactionCount];
            for (int i = 0; i < txs.Length; i++)
            {
                int start = reader.Position;
                if (!reader.TryReadTransaction(out var view))
                {
                    break;
                }

                txs[i] = Transaction.FromLayout(data.Slice(start, view.Layout.Length), view.Layout);
            }

            if (reader.Error is not null)
            {
                break;
            }

            entries.Add(new Entry(header.NumHashes, header.Hash, txs));
        }

        if (reader.Error is not null)
        {
            error = reader.Error;
            return false;
        }

        batch = new EntryBatch(entries, null);
        bytesConsumed = reader.BytesConsumed;
        return true;
    }

    /// <summary>Decodes a buffer that holds exactly one batch or block marker.</summary>
    /// <param name="data">The bytes; transactions reference this memory.</param>
    /// <returns>The batch.</returns>
    /// <exception cref="FormatException">The bytes are malformed or have trailing bytes.</exception>
    public static EntryBatch Read(ReadOnlyMemory<byte> data)
    {
        if (!TryRead(data, out var batch, out int consumed, out string? error))
        {
            throw new FormatException($"Invalid entry batch: {error}.");
        }

        if (consumed != data.Length)
        {
            throw new FormatException($"Invalid entry batch: {data.Length - consumed} trailing bytes.");
        }

        return batch;
    }
}
