using MevDefense.Wire;

namespace MevDefense.Ingest.Deshred;

/// <summary>
/// Decodes a deshredded entry batch with Core's <see cref="EntryBatchReader"/> (bincode <c>Vec&lt;Entry&gt;</c>, or an
/// Alpenglow block marker when the count is 0) without allocating: counts entries and transactions, checks that the
/// batch ends exactly at its last transaction, and optionally collects each transaction's first signature.
/// </summary>
internal static class EntryBatchScanner
{
    public static bool TryScan(ReadOnlySpan<byte> batch, out int entries, out int transactions, List<Signature>? firstSignatures = null)
    {
        entries = 0;
        transactions = 0;
        if (!EntryBatchReader.TryCreate(batch, out var reader, out _))
        {
            return false;
        }

        if (reader.EntryCount == 0)
        {
            return reader.BytesConsumed == batch.Length;
        }

        while (reader.TryReadEntry(out var entry))
        {
            for (int i = 0; i < entry.TransactionCount; i++)
            {
                if (!reader.TryReadTransaction(out var tx))
                {
                    return false;
                }

                if (firstSignatures is not null && tx.SignatureCount > 0)
                {
                    firstSignatures.Add(new Signature(tx.GetSignature(0)));
                }

                transactions++;
            }

            entries++;
        }

        return reader.IsComplete && reader.BytesConsumed == batch.Length;
    }
}
