using System.Buffers.Binary;
using MevDefense.Ingest.Shreds;

namespace MevDefense.Ingest.Fec;

// Banned-API exception (eng/BannedSymbols.txt): this hot-path kernel reads and writes shard/message memory through
// Unsafe/MemoryMarshal to avoid bounds checks in its inner loops; its outputs are property-tested against the scalar path.
#pragma warning disable RS0030

/// <summary>
/// Erasure coding of legacy (pre-Merkle, variants 0xA5 / 0x5A) FEC sets, as in agave <c>ledger/src/shred/legacy.rs</c>: every legacy
/// payload is 1,228 bytes; a data shred's erasure shard is its first 1,139 bytes (signature and headers included, the last 89 bytes
/// are zero padding and not coded); a coding shred's shard is everything after its 89 header bytes. RS(num_data, num_coding) with
/// the same codec as Merkle sets; data shard i is shred <c>fec_set_index + i</c>, coding shard j is the coding shred at position j.
/// </summary>
/// <remarks>
/// A recovered data shred is its shard zero-padded to 1,228 bytes. Its signature lies inside the shard, so it is the leader's
/// original signature over payload[64..1228] and can be verified like a received one. Only data shreds are recovered (agave does
/// not rebuild legacy coding shreds either).
/// </remarks>
internal static class LegacyErasure
{
    /// <summary>The legacy erasure shard length: 1,228 − 89 = 1,139 bytes.</summary>
    public const int ShardLength = ShredConstants.CodePayloadSize - ShredConstants.CodeHeadersSize;

    /// <summary>Legacy data shred variant byte.</summary>
    public const byte DataVariant = 0xA5;

    /// <summary>Legacy coding shred variant byte.</summary>
    public const byte CodeVariant = 0x5A;

    /// <summary>
    /// Writes the parity of legacy data shreds into the shard region (bytes 89..1228) of legacy coding shred payloads; their
    /// headers are the caller's.
    /// </summary>
    /// <param name="codec">An RS(data.Length, code.Length) codec.</param>
    /// <param name="data">The data shred payloads, 1,228 bytes each (zero-padded).</param>
    /// <param name="code">The coding shred payloads, 1,228 bytes each.</param>
    public static void EncodeParity(ReedSolomon codec, ReadOnlySpan<ReadOnlyMemory<byte>> data, ReadOnlySpan<Memory<byte>> code)
    {
        ArgumentNullException.ThrowIfNull(codec);
        if (data.Length != codec.DataShards || code.Length != codec.ParityShards)
        {
            throw new ArgumentException("Shard count mismatch.");
        }

        var dataShards = new ReadOnlyMemory<byte>[data.Length];
        for (int i = 0; i < data.Length; i++)
        {
            CheckPayload(data[i].Length);
            dataShards[i] = data[i][..ShardLength];
        }

        var parity = new Memory<byte>[code.Length];
        for (int j = 0; j < code.Length; j++)
        {
            CheckPayload(code[j].Length);
            parity[j] = code[j].Slice(ShredConstants.CodeHeadersSize, ShardLength);
        }

        codec.Encode(dataShards, parity, ShardLength);
    }

    /// <summary>
    /// Recovers the missing data shreds of one legacy FEC set in place and checks that each recovered payload is a legacy data
    /// shred of this set (variant, slot, version, fec_set_index, index and size).
    /// </summary>
    /// <param name="codec">An RS(num_data, num_coding) codec, num_data/num_coding from the coding headers.</param>
    /// <param name="slot">The set's slot.</param>
    /// <param name="version">The shred version.</param>
    /// <param name="fecSetIndex">The set's fec_set_index (index of its first data shred).</param>
    /// <param name="data">num_data buffers of at least 1,228 bytes: present ones hold the data shred (zero-padded), missing ones receive it.</param>
    /// <param name="dataPresent">Which data shreds were received.</param>
    /// <param name="code">num_coding coding shred payloads (1,228 bytes) by position; entries not present are ignored (may be empty).</param>
    /// <param name="codePresent">Which coding shreds were received.</param>
    /// <returns>
    /// True when every data shred is now present and valid; false when fewer than num_data shreds were received or a recovered
    /// payload is not a data shred of this set (corrupt or inconsistent coding shreds; the buffers of missing shreds are then
    /// unspecified).
    /// </returns>
    public static bool TryRecoverData(
        ReedSolomon codec,
        ulong slot,
        ushort version,
        uint fecSetIndex,
        ReadOnlySpan<Memory<byte>> data,
        ReadOnlySpan<bool> dataPresent,
        ReadOnlySpan<ReadOnlyMemory<byte>> code,
        ReadOnlySpan<bool> codePresent)
    {
        ArgumentNullException.ThrowIfNull(codec);
        int k = codec.DataShards;
        int m = codec.ParityShards;
        if (data.Length != k || dataPresent.Length != k || code.Length != m || codePresent.Length != m)
        {
            throw new ArgumentException("Shard count mismatch.");
        }

        var shards = new Memory<byte>[k + m];
        var present = new bool[k + m];
        int have = 0;
        bool missing = false;
        for (int i = 0; i < k; i++)
        {
            CheckPayload(data[i].Length);
            shards[i] = data[i][..ShardLength];
            present[i] = dataPresent[i];
            have += dataPresent[i] ? 1 : 0;
            missing |= !dataPresent[i];
        }

        if (!missing)
        {
            return true;
        }

        byte[]? scratch = null;
        for (int j = 0; j < m; j++)
        {
            if (codePresent[j])
            {
                CheckPayload(code[j].Length);

                // Inputs only: TryReconstruct never writes a present shard.
                shards[k + j] = System.Runtime.InteropServices.MemoryMarshal.AsMemory(code[j].Slice(ShredConstants.CodeHeadersSize, ShardLength));
                present[k + j] = true;
                have++;
            }
            else
            {
                shards[k + j] = scratch ??= new byte[ShardLength];
            }
        }

        if (have < k || !codec.TryReconstruct(shards, present, ShardLength, recoverParity: false))
        {
            return false;
        }

        for (int i = 0; i < k; i++)
        {
            if (dataPresent[i])
            {
                continue;
            }

            var payload = data[i].Span[..ShredConstants.CodePayloadSize];
            payload[ShardLength..].Clear();
            if (!IsDataShredOf(payload, slot, version, fecSetIndex, fecSetIndex + (uint)i))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether a 1,228-byte payload is a sane legacy data shred with the given identity.</summary>
    private static bool IsDataShredOf(ReadOnlySpan<byte> payload, ulong slot, ushort version, uint fecSetIndex, uint index)
    {
        ushort size = BinaryPrimitives.ReadUInt16LittleEndian(payload[86..]);
        return payload[64] == DataVariant
            && BinaryPrimitives.ReadUInt64LittleEndian(payload[65..]) == slot
            && BinaryPrimitives.ReadUInt32LittleEndian(payload[73..]) == index
            && BinaryPrimitives.ReadUInt16LittleEndian(payload[77..]) == version
            && BinaryPrimitives.ReadUInt32LittleEndian(payload[79..]) == fecSetIndex
            && size >= ShredConstants.DataHeadersSize
            && size <= ShredConstants.DataHeadersSize + ShredConstants.LegacyDataCapacity;
    }

    private static void CheckPayload(int length)
    {
        if (length < ShredConstants.CodePayloadSize)
        {
            throw new ArgumentException("A legacy shred buffer is shorter than 1,228 bytes.");
        }
    }
}
