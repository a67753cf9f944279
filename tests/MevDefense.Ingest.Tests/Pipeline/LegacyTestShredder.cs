using System.Buffers.Binary;
using MevDefense.Crypto;
using MevDefense.Ingest.Fec;
using MevDefense.Ingest.Shreds;

namespace MevDefense.Ingest.Tests.Pipeline;

/// <summary>
/// Builds legacy (0xA5 / 0x5A) slots the way agave's pre-Merkle shredder laid them out (<c>ledger/src/shred/legacy.rs</c>): data
/// shreds of 1,228 bytes (88 header bytes, up to 1,051 data bytes, zero padded), each signed by the leader over payload[64..];
/// each entry batch's data shreds chunked into FEC sets (fec_set_index = first data index), DATA_COMPLETE on a batch's last shred,
/// LAST_IN_SLOT on the slot's last; coding shreds with their own per-slot index counter, parity from <see cref="LegacyErasure"/>.
/// </summary>
internal sealed class LegacyTestShredder(Ed25519Keypair leader, ushort version)
{
    /// <summary>One FEC set: payloads are full 1,228-byte shreds.</summary>
    public sealed record Set(ulong Slot, uint FecSetIndex, List<byte[]> Data, List<byte[]> Code);

    /// <summary>A valid bincode <c>Vec&lt;Entry&gt;</c> of tick entries (no transactions) of roughly the requested size.</summary>
    public static byte[] EntryBatch(Random rng, int entries)
    {
        var b = new byte[8 + (entries * 48)];
        BinaryPrimitives.WriteUInt64LittleEndian(b, (ulong)entries);
        for (int e = 0; e < entries; e++)
        {
            var entry = b.AsSpan(8 + (e * 48), 48);
            BinaryPrimitives.WriteUInt64LittleEndian(entry, (ulong)rng.Next(1, 20_000));
            rng.NextBytes(entry.Slice(8, 32));
        }

        return b;
    }

    /// <summary>Shreds a slot's entry batches into legacy FEC sets (random data counts per set up to 32, random coding counts).</summary>
    public List<Set> ShredSlot(ulong slot, ulong parent, IReadOnlyList<byte[]> batches, Random rng)
    {
        var sets = new List<Set>();
        uint nextData = 0, nextCode = 0;
        for (int b = 0; b < batches.Count; b++)
        {
            var payload = batches[b];
            int chunks = Math.Max(1, (payload.Length + ShredConstants.LegacyDataCapacity - 1) / ShredConstants.LegacyDataCapacity);
            var data = new List<byte[]>();
            for (int c = 0; c < chunks; c++)
            {
                int offset = c * ShredConstants.LegacyDataCapacity;
                int len = Math.Min(ShredConstants.LegacyDataCapacity, payload.Length - offset);
                byte flags = (byte)(b & ShredConstants.ReferenceTickMask);
                if (c == chunks - 1)
                {
                    flags |= b == batches.Count - 1 ? ShredConstants.LastInSlotFlags : ShredConstants.DataCompleteFlag;
                }

                var p = new byte[ShredConstants.CodePayloadSize];
                data.Add(p);
                Common(p, LegacyErasure.DataVariant, slot, nextData + (uint)c, 0);
                BinaryPrimitives.WriteUInt16LittleEndian(p.AsSpan(83), (ushort)(slot - parent));
                p[85] = flags;
                BinaryPrimitives.WriteUInt16LittleEndian(p.AsSpan(86), (ushort)(ShredConstants.DataHeadersSize + len));
                payload.AsSpan(offset, len).CopyTo(p.AsSpan(ShredConstants.DataHeadersSize));
            }

            for (int first = 0; first < data.Count;)
            {
                int k = Math.Min(data.Count - first, rng.Next(1, 33));
                int m = rng.Next(1, 33);
                uint fec = nextData + (uint)first;
                var setData = data.GetRange(first, k);
                foreach (var p in setData)
                {
                    BinaryPrimitives.WriteUInt32LittleEndian(p.AsSpan(79), fec);
                    leader.Sign(p.AsSpan(64), p.AsSpan(0, 64));
                }

                var code = new List<byte[]>();
                for (int j = 0; j < m; j++)
                {
                    var p = new byte[ShredConstants.CodePayloadSize];
                    Common(p, LegacyErasure.CodeVariant, slot, nextCode + (uint)j, fec);
                    BinaryPrimitives.WriteUInt16LittleEndian(p.AsSpan(83), (ushort)k);
                    BinaryPrimitives.WriteUInt16LittleEndian(p.AsSpan(85), (ushort)m);
                    BinaryPrimitives.WriteUInt16LittleEndian(p.AsSpan(87), (ushort)j);
                    code.Add(p);
                }

                LegacyErasure.EncodeParity(new ReedSolomon(k, m), setData.Select(d => (ReadOnlyMemory<byte>)d).ToArray(), code.Select(c => (Memory<byte>)c).ToArray());
                foreach (var c in code)
                {
                    Sign(c);
                }

                sets.Add(new Set(slot, fec, setData, code));
                nextCode += (uint)m;
                first += k;
            }

            nextData += (uint)chunks;
        }

        return sets;
    }

    /// <summary>(Re)signs a legacy payload over payload[64..1228].</summary>
    public void Sign(byte[] payload) => leader.Sign(payload.AsSpan(64, ShredConstants.CodePayloadSize - 64), payload.AsSpan(0, 64));

    /// <summary>A data shred stored trimmed to its <c>size</c> (as blockstore and some fixtures keep them).</summary>
    public static byte[] Trimmed(byte[] data) => data[..BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(86))];

    private void Common(byte[] p, byte variant, ulong slot, uint index, uint fec)
    {
        p[64] = variant;
        BinaryPrimitives.WriteUInt64LittleEndian(p.AsSpan(65), slot);
        BinaryPrimitives.WriteUInt32LittleEndian(p.AsSpan(73), index);
        BinaryPrimitives.WriteUInt16LittleEndian(p.AsSpan(77), version);
        BinaryPrimitives.WriteUInt32LittleEndian(p.AsSpan(79), fec);
    }
}
