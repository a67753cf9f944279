using System.Runtime.InteropServices;

namespace MevDefense.Ingest.Shreds;

/// <summary>
/// The decoded headers of one shred plus the offsets of its body parts, derived from the variant
/// (SHREDS.md 1.3–1.7). Holds no reference to the datagram: slice the original span with the offsets.
/// </summary>
[StructLayout(LayoutKind.Auto)]
public readonly struct ShredHeader
{
    internal ShredHeader(
        ShredKind kind, byte variant, ulong slot, uint index, ushort version, uint fecSetIndex,
        ushort parentOffset, byte flags, ushort size, ushort numData, ushort numCoding, ushort position,
        int payloadLength, int capacity)
    {
        Kind = kind;
        Variant = variant;
        Slot = slot;
        Index = index;
        Version = version;
        FecSetIndex = fecSetIndex;
        ParentOffset = parentOffset;
        Flags = flags;
        Size = size;
        NumDataShreds = numData;
        NumCodingShreds = numCoding;
        Position = position;
        PayloadLength = payloadLength;
        Capacity = capacity;
    }

    /// <summary>Gets the shred family.</summary>
    public ShredKind Kind { get; }

    /// <summary>Gets the raw variant byte.</summary>
    public byte Variant { get; }

    /// <summary>Gets the slot.</summary>
    public ulong Slot { get; }

    /// <summary>Gets the shred index (data and coding shreds count independently).</summary>
    public uint Index { get; }

    /// <summary>Gets the shred version.</summary>
    public ushort Version { get; }

    /// <summary>Gets the index of the first data shred of the FEC set.</summary>
    public uint FecSetIndex { get; }

    /// <summary>Gets the parent offset (data shreds; 0 for coding shreds).</summary>
    public ushort ParentOffset { get; }

    /// <summary>Gets the data flags byte (data shreds; 0 for coding shreds).</summary>
    public byte Flags { get; }

    /// <summary>Gets the data header <c>size</c> field: 88 + entry bytes in this shred (data shreds).</summary>
    public ushort Size { get; }

    /// <summary>Gets the number of data shreds of the FEC set (coding shreds).</summary>
    public ushort NumDataShreds { get; }

    /// <summary>Gets the number of coding shreds of the FEC set (coding shreds).</summary>
    public ushort NumCodingShreds { get; }

    /// <summary>Gets the position of a coding shred within the FEC set's coding shreds.</summary>
    public ushort Position { get; }

    /// <summary>Gets the length of the shred itself; bytes after it in the datagram (repair nonce) are ignored.</summary>
    public int PayloadLength { get; }

    /// <summary>Gets the data capacity (data shreds) or parity bytes (coding shreds) of the shred body.</summary>
    public int Capacity { get; }

    /// <summary>Gets a value indicating whether this is a data shred.</summary>
    public bool IsData => Kind is ShredKind.MerkleData or ShredKind.LegacyData;

    /// <summary>Gets a value indicating whether this is a coding shred.</summary>
    public bool IsCode => Kind is ShredKind.MerkleCode or ShredKind.LegacyCode;

    /// <summary>Gets a value indicating whether this is a Merkle shred.</summary>
    public bool IsMerkle => Kind is ShredKind.MerkleData or ShredKind.MerkleCode;

    /// <summary>Gets the number of Merkle proof entries (0 for legacy shreds).</summary>
    public int ProofSize => IsMerkle ? Variant & 0x0F : 0;

    /// <summary>Gets a value indicating whether the shred carries the chained Merkle root of the previous FEC set.</summary>
    public bool IsChained => IsMerkle && (Variant & 0xF0) is 0x60 or 0x70 or 0x90 or 0xB0;

    /// <summary>Gets a value indicating whether the shred ends with a retransmitter signature.</summary>
    public bool IsResigned => IsMerkle && (Variant & 0xF0) is 0x70 or 0xB0;

    /// <summary>Gets a value indicating whether the DATA_COMPLETE flag is set (end of an entry batch).</summary>
    public bool IsDataComplete => IsData && (Flags & ShredConstants.DataCompleteFlag) != 0;

    /// <summary>Gets a value indicating whether the LAST_SHRED_IN_SLOT flags are set.</summary>
    public bool IsLastInSlot => IsData && (Flags & ShredConstants.LastInSlotFlags) == ShredConstants.LastInSlotFlags;

    /// <summary>Gets the reference tick of a data shred.</summary>
    public int ReferenceTick => Flags & ShredConstants.ReferenceTickMask;

    /// <summary>Gets the offset of the entry data in a data shred (always 88).</summary>
    public int DataOffset => ShredConstants.DataHeadersSize;

    /// <summary>Gets the number of entry bytes in a data shred (<c>Size - 88</c>).</summary>
    public int DataLength => IsData ? Size - ShredConstants.DataHeadersSize : 0;

    /// <summary>Gets the erasure-shard offset: 64 for data shreds, 89 for coding shreds.</summary>
    public int ShardOffset => IsData ? Signature.Size : ShredConstants.CodeHeadersSize;

    /// <summary>Gets the erasure-shard length (the same for the data and coding shreds of a Merkle FEC set).</summary>
    public int ShardLength => IsData ? ShredConstants.DataHeadersSize + Capacity - Signature.Size : Capacity;

    /// <summary>Gets the offset of the chained Merkle root, or -1 when not chained.</summary>
    public int ChainedRootOffset => IsChained ? HeadersSize + Capacity : -1;

    /// <summary>Gets the offset of the Merkle proof (also the end of the Merkle leaf input), or -1 for legacy shreds.</summary>
    public int ProofOffset => IsMerkle ? HeadersSize + Capacity + (IsChained ? ShredConstants.MerkleRootSize : 0) : -1;

    /// <summary>Gets the offset of the retransmitter signature, or -1 when not resigned.</summary>
    public int RetransmitterSignatureOffset => IsResigned ? ProofOffset + (ShredConstants.MerkleProofEntrySize * ProofSize) : -1;

    /// <summary>Gets the length of the bytes that identify a shred for deduplication (everything but the retransmitter signature).</summary>
    public int DedupLength => IsResigned ? RetransmitterSignatureOffset : PayloadLength;

    /// <summary>Gets the size of the common plus type-specific headers (88 or 89).</summary>
    public int HeadersSize => IsData ? ShredConstants.DataHeadersSize : ShredConstants.CodeHeadersSize;
}
