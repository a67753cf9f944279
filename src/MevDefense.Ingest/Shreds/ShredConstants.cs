namespace MevDefense.Ingest.Shreds;

/// <summary>Shred wire constants (agave <c>ledger/src/shred*.rs</c>, Firedancer <c>fd_shred.h</c>).</summary>
public static class ShredConstants
{
    /// <summary>Largest UDP payload of a shred packet (IPv6 minimum MTU minus headers).</summary>
    public const int PacketDataSize = 1232;

    /// <summary>Size of the common header (signature, variant, slot, index, version, fec_set_index).</summary>
    public const int CommonHeaderSize = 83;

    /// <summary>Size of common + data headers.</summary>
    public const int DataHeadersSize = 88;

    /// <summary>Size of common + coding headers.</summary>
    public const int CodeHeadersSize = 89;

    /// <summary>Payload size of a Merkle data shred.</summary>
    public const int MerkleDataPayloadSize = 1203;

    /// <summary>Payload size of a Merkle coding shred and of legacy shreds.</summary>
    public const int CodePayloadSize = 1228;

    /// <summary>Usable data bytes of a legacy data shred.</summary>
    public const int LegacyDataCapacity = 1051;

    /// <summary>Maximum data (and coding) shreds per slot.</summary>
    public const int MaxShredsPerSlot = 32768;

    /// <summary>Size of one Merkle proof entry (truncated SHA-256).</summary>
    public const int MerkleProofEntrySize = 20;

    /// <summary>Size of a Merkle root.</summary>
    public const int MerkleRootSize = 32;

    /// <summary>Data and coding shreds per FEC set on current mainnet (SIMD-0317).</summary>
    public const int FixedFecSetShreds = 32;

    /// <summary>Merkle proof size of current mainnet FEC sets (64 leaves).</summary>
    public const int FixedProofSize = 6;

    /// <summary>Flags bit: the shred ends an entry batch.</summary>
    public const byte DataCompleteFlag = 0x40;

    /// <summary>Flags bits: last shred in the slot (implies <see cref="DataCompleteFlag"/>).</summary>
    public const byte LastInSlotFlags = 0xC0;

    /// <summary>Flags mask of the reference tick.</summary>
    public const byte ReferenceTickMask = 0x3F;
}
