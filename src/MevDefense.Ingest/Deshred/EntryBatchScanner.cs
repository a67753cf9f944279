using System.Buffers.Binary;
using MevDefense.Wire;

namespace MevDefense.Ingest.Deshred;

/// <summary>
/// Walks a deshredded entry batch (bincode <c>Vec&lt;Entry&gt;</c>, or an Alpenglow block marker when the count is 0)
/// without allocating: counts entries and transactions and optionally records where each transaction and its
/// first signature start. Transactions are delimited with the legacy/v0/v1 wire rules of SHREDS.md 2.2.
/// </summary>
internal static class EntryBatchScanner
{
    /// <summary>Upper bound on entries per batch: one batch never exceeds a slot's 32,768 × 1,232 bytes.</summary>
    private const ulong MaxCount = 32768UL * 1232UL;

    public static bool TryScan(ReadOnlySpan<byte> batch, out int entries, out int transactions, List<int>? firstSignatureOffsets = null)
    {
        entries = 0;
        transactions = 0;
        if (batch.Length < 8)
        {
            return false;
        }

        ulong count = BinaryPrimitives.ReadUInt64LittleEndian(batch);
        int pos = 8;
        if (count == 0)
        {
            // Alpenglow BlockMarker: u16 version, u8 variant, u16 byte_len, payload.
            if (batch.Length < pos + 5)
            {
                return false;
            }

            int len = BinaryPrimitives.ReadUInt16LittleEndian(batch[(pos + 3)..]);
            return pos + 5 + len == batch.Length;
        }

        if (count > MaxCount)
        {
            return false;
        }

        for (ulong e = 0; e < count; e++)
        {
            if (batch.Length - pos < 48)
            {
                return false;
            }

            ulong txCount = BinaryPrimitives.ReadUInt64LittleEndian(batch[(pos + 40)..]);
            pos += 48;
            if (txCount > (ulong)(batch.Length - pos))
            {
                return false;
            }

            for (ulong t = 0; t < txCount; t++)
            {
                if (!TryMeasureTransaction(batch[pos..], out int length, out int sigOffset))
                {
                    return false;
                }

                firstSignatureOffsets?.Add(sigOffset < 0 ? -1 : pos + sigOffset);
                pos += length;
                transactions++;
            }

            entries++;
        }

        return pos == batch.Length;
    }

    /// <summary>Length of the first transaction in <paramref name="src"/> and the offset of its first signature (-1 when it has none).</summary>
    public static bool TryMeasureTransaction(ReadOnlySpan<byte> src, out int length, out int firstSignatureOffset)
    {
        length = 0;
        firstSignatureOffset = -1;
        if (src.IsEmpty)
        {
            return false;
        }

        if (src[0] == 0x81)
        {
            return TryMeasureV1(src, out length, out firstSignatureOffset);
        }

        if (!ShortVec.TryRead(src, out ushort sigCount, out int p))
        {
            return false;
        }

        if (sigCount > 0)
        {
            firstSignatureOffset = p;
        }

        p += sigCount * 64;
        if (p >= src.Length)
        {
            return false;
        }

        bool v0 = false;
        if ((src[p] & 0x80) != 0)
        {
            if ((src[p] & 0x7F) != 0)
            {
                return false;
            }

            v0 = true;
            p++;
        }

        p += 3;
        if (!TrySkipVec(src, ref p, 32) || !TrySkip(src, ref p, 32))
        {
            return false;
        }

        if (!ShortVec.TryRead(Slice(src, p), out ushort ixCount, out int r))
        {
            return false;
        }

        p += r;
        for (int i = 0; i < ixCount; i++)
        {
            if (!TrySkip(src, ref p, 1) || !TrySkipVec(src, ref p, 1) || !TrySkipVec(src, ref p, 1))
            {
                return false;
            }
        }

        if (v0)
        {
            if (!ShortVec.TryRead(Slice(src, p), out ushort lookups, out r))
            {
                return false;
            }

            p += r;
            for (int i = 0; i < lookups; i++)
            {
                if (!TrySkip(src, ref p, 32) || !TrySkipVec(src, ref p, 1) || !TrySkipVec(src, ref p, 1))
                {
                    return false;
                }
            }
        }

        length = p;
        return p <= src.Length;
    }

    // SIMD-0385 v1: 0x81 ‖ header(3) ‖ config mask u32 ‖ lifetime[32] ‖ num_ix u8 ‖ num_addr u8 ‖ addr[32]·n ‖ config values
    // ‖ ix headers (u8 program, u8 accounts, u16 data len)·n ‖ payloads ‖ signatures[64]·num_required_signatures.
    private static bool TryMeasureV1(ReadOnlySpan<byte> src, out int length, out int firstSignatureOffset)
    {
        length = 0;
        firstSignatureOffset = -1;
        if (src.Length < 1 + 3 + 4 + 32 + 2)
        {
            return false;
        }

        int numSigs = src[1];
        uint mask = BinaryPrimitives.ReadUInt32LittleEndian(src[4..]);
        int numIx = src[40];
        int numAddr = src[41];
        int p = 42 + (numAddr * 32);
        int config = ((mask & 1) != 0 ? 8 : 0) + ((mask & 2) != 0 ? 4 : 0) + ((mask & 4) != 0 ? 4 : 0) + ((mask & 8) != 0 ? 4 : 0);
        p += config;
        if (p + (numIx * 4) > src.Length)
        {
            return false;
        }

        int payload = 0;
        for (int i = 0; i < numIx; i++)
        {
            payload += src[p + (i * 4) + 1] + BinaryPrimitives.ReadUInt16LittleEndian(src[(p + (i * 4) + 2)..]);
        }

        p += (numIx * 4) + payload;
        if (numSigs > 0)
        {
            firstSignatureOffset = p;
        }

        p += numSigs * 64;
        length = p;
        return p <= src.Length;
    }

    private static ReadOnlySpan<byte> Slice(ReadOnlySpan<byte> s, int p) => p <= s.Length ? s[p..] : default;

    private static bool TrySkip(ReadOnlySpan<byte> s, ref int p, int n)
    {
        p += n;
        return p <= s.Length;
    }

    private static bool TrySkipVec(ReadOnlySpan<byte> s, ref int p, int elementSize)
    {
        if (!ShortVec.TryRead(Slice(s, p), out ushort n, out int r))
        {
            return false;
        }

        p += r + (n * elementSize);
        return p <= s.Length;
    }
}
