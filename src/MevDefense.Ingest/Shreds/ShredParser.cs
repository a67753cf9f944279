using System.Buffers;
using System.Buffers.Binary;

namespace MevDefense.Ingest.Shreds;

/// <summary>
/// Zero-copy shred parser. Reads the headers of any shred variant (legacy, Merkle unchained, chained, resigned;
/// data and coding) at fixed offsets and applies the per-shred sanity rules of SHREDS.md 1.11. Trailing bytes
/// (repair nonces) are ignored; non-shred datagrams are rejected with a reason, never with an exception.
/// </summary>
public static class ShredParser
{
    /// <summary>
    /// Parses one shred in the style of <see cref="OperationStatus"/> readers.
    /// </summary>
    /// <param name="source">A datagram or a buffer that starts with a shred.</param>
    /// <param name="header">The decoded header when the result is <see cref="OperationStatus.Done"/>.</param>
    /// <param name="consumed">The shred length (bytes after it are not part of the shred).</param>
    /// <returns><see cref="OperationStatus.Done"/>, <see cref="OperationStatus.NeedMoreData"/> when the source is too short for
    /// the announced variant, or <see cref="OperationStatus.InvalidData"/>.</returns>
    public static OperationStatus TryReadShred(ReadOnlySpan<byte> source, out ShredHeader header, out int consumed)
    {
        if (TryRead(source, ShredParseRules.Default, out header, out var reason))
        {
            consumed = header.PayloadLength;
            return OperationStatus.Done;
        }

        consumed = 0;
        return reason == ShredRejectReason.TooShort ? OperationStatus.NeedMoreData : OperationStatus.InvalidData;
    }

    /// <summary>Parses and validates one shred with the default (permissive, historical formats allowed) rules.</summary>
    /// <param name="source">The datagram.</param>
    /// <param name="header">The decoded header on success.</param>
    /// <param name="reason">Why the datagram was rejected, or <see cref="ShredRejectReason.None"/>.</param>
    /// <returns>True when the datagram holds a valid shred.</returns>
    public static bool TryRead(ReadOnlySpan<byte> source, out ShredHeader header, out ShredRejectReason reason)
        => TryRead(source, ShredParseRules.Default, out header, out reason);

    /// <summary>Parses and validates one shred.</summary>
    /// <param name="source">The datagram.</param>
    /// <param name="rules">The validation rules.</param>
    /// <param name="header">The decoded header on success.</param>
    /// <param name="reason">Why the datagram was rejected, or <see cref="ShredRejectReason.None"/>.</param>
    /// <returns>True when the datagram holds a valid shred.</returns>
    public static bool TryRead(ReadOnlySpan<byte> source, in ShredParseRules rules, out ShredHeader header, out ShredRejectReason reason)
    {
        header = default;
        if (source.Length > ShredConstants.PacketDataSize)
        {
            reason = ShredRejectReason.Oversized;
            return false;
        }

        if (source.Length < ShredConstants.DataHeadersSize)
        {
            reason = source.Length > 0x40 && !IsKnownVariant(source[0x40]) ? ShredRejectReason.UnknownVariant : ShredRejectReason.TooShort;
            return false;
        }

        byte variant = source[0x40];
        ShredKind kind;
        int proofSize = variant & 0x0F;
        int payload;
        int capacity;
        switch (variant & 0xF0)
        {
            case 0x40 or 0x60 or 0x70:
                kind = ShredKind.MerkleCode;
                payload = ShredConstants.CodePayloadSize;
                capacity = payload - ShredConstants.CodeHeadersSize - MerkleTail(variant, proofSize);
                break;
            case 0x80 or 0x90 or 0xB0:
                kind = ShredKind.MerkleData;
                payload = ShredConstants.MerkleDataPayloadSize;
                capacity = payload - ShredConstants.DataHeadersSize - MerkleTail(variant, proofSize);
                break;
            default:
                if (variant == 0xA5)
                {
                    kind = ShredKind.LegacyData;
                    payload = 0; // legacy data shreds may be stored trimmed to `size`; set below
                    capacity = ShredConstants.LegacyDataCapacity;
                    proofSize = 0;
                    break;
                }

                if (variant == 0x5A)
                {
                    kind = ShredKind.LegacyCode;
                    payload = ShredConstants.CodePayloadSize;
                    capacity = payload - ShredConstants.CodeHeadersSize;
                    proofSize = 0;
                    break;
                }

                reason = ShredRejectReason.UnknownVariant;
                return false;
        }

        if (capacity <= 0)
        {
            reason = ShredRejectReason.InvalidProofSize;
            return false;
        }

        ulong slot = BinaryPrimitives.ReadUInt64LittleEndian(source[0x41..]);
        uint index = BinaryPrimitives.ReadUInt32LittleEndian(source[0x49..]);
        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(source[0x4D..]);
        uint fecSetIndex = BinaryPrimitives.ReadUInt32LittleEndian(source[0x4F..]);
        ushort parentOffset = 0, size = 0, numData = 0, numCoding = 0, position = 0;
        byte flags = 0;
        bool isData = kind is ShredKind.MerkleData or ShredKind.LegacyData;

        if (isData)
        {
            parentOffset = BinaryPrimitives.ReadUInt16LittleEndian(source[0x53..]);
            flags = source[0x55];
            size = BinaryPrimitives.ReadUInt16LittleEndian(source[0x56..]);
            if (kind == ShredKind.LegacyData)
            {
                payload = Math.Max((int)size, ShredConstants.DataHeadersSize);
                if (source.Length >= ShredConstants.CodePayloadSize)
                {
                    payload = ShredConstants.CodePayloadSize;
                }
            }
        }
        else if (source.Length >= ShredConstants.CodeHeadersSize)
        {
            numData = BinaryPrimitives.ReadUInt16LittleEndian(source[0x53..]);
            numCoding = BinaryPrimitives.ReadUInt16LittleEndian(source[0x55..]);
            position = BinaryPrimitives.ReadUInt16LittleEndian(source[0x57..]);
        }

        if (source.Length < payload || source.Length < (isData ? ShredConstants.DataHeadersSize : ShredConstants.CodeHeadersSize))
        {
            reason = ShredRejectReason.TooShort;
            return false;
        }

        header = new ShredHeader(kind, variant, slot, index, version, fecSetIndex, parentOffset, flags, size, numData, numCoding, position, payload, capacity);
        reason = Validate(header, rules);
        return reason == ShredRejectReason.None;
    }

    private static int MerkleTail(byte variant, int proofSize)
    {
        int hi = variant & 0xF0;
        bool chained = hi is 0x60 or 0x70 or 0x90 or 0xB0;
        bool resigned = hi is 0x70 or 0xB0;
        return (chained ? ShredConstants.MerkleRootSize : 0) + (ShredConstants.MerkleProofEntrySize * proofSize) + (resigned ? Signature.Size : 0);
    }

    private static bool IsKnownVariant(byte v) => v is 0xA5 or 0x5A || (v & 0xF0) is 0x40 or 0x60 or 0x70 or 0x80 or 0x90 or 0xB0;

    private static ShredRejectReason Validate(in ShredHeader h, in ShredParseRules rules)
    {
        if (rules.ExpectedVersion is { } expected && h.Version != expected)
        {
            return ShredRejectReason.VersionMismatch;
        }

        if (rules.CurrentFormatOnly && (!h.IsMerkle || !h.IsChained || h.ProofSize != ShredConstants.FixedProofSize))
        {
            return ShredRejectReason.HistoricalFormat;
        }

        if (h.Index >= ShredConstants.MaxShredsPerSlot)
        {
            return ShredRejectReason.InvalidIndex;
        }

        if (h.IsMerkle && h.ProofSize == 0)
        {
            return ShredRejectReason.InvalidProofSize;
        }

        if (h.IsData)
        {
            if (h.Index < h.FecSetIndex)
            {
                return ShredRejectReason.InvalidFecSetIndex;
            }

            uint inSet = h.Index - h.FecSetIndex;
            if (h.IsMerkle && inSet >= 1u << h.ProofSize)
            {
                return ShredRejectReason.InvalidFecSetIndex;
            }

            if (rules.CurrentFormatOnly && (h.FecSetIndex % ShredConstants.FixedFecSetShreds != 0 || inSet >= ShredConstants.FixedFecSetShreds))
            {
                return ShredRejectReason.InvalidFecSetIndex;
            }

            if (h.Slot == 0 ? h.ParentOffset != 0 : h.ParentOffset == 0 || h.ParentOffset > h.Slot)
            {
                return ShredRejectReason.InvalidParentOffset;
            }

            if (h.Size < ShredConstants.DataHeadersSize || h.Size > ShredConstants.DataHeadersSize + h.Capacity)
            {
                return ShredRejectReason.InvalidSize;
            }

            if ((h.Flags & 0xC0) == 0x80)
            {
                return ShredRejectReason.InvalidFlags;
            }

            if (rules.CurrentFormatOnly && h.IsDataComplete && inSet != ShredConstants.FixedFecSetShreds - 1)
            {
                return ShredRejectReason.InvalidFlags;
            }
        }
        else
        {
            if (h.NumDataShreds == 0 || h.NumCodingShreds == 0 || h.Position >= h.NumCodingShreds || h.Position > h.Index
                || h.NumDataShreds + h.NumCodingShreds > 256)
            {
                return ShredRejectReason.InvalidCodingHeader;
            }

            if ((ulong)h.FecSetIndex + h.NumDataShreds > ShredConstants.MaxShredsPerSlot
                || (ulong)(h.Index - h.Position) + h.NumCodingShreds > ShredConstants.MaxShredsPerSlot)
            {
                return ShredRejectReason.InvalidCodingHeader;
            }

            if (h.IsMerkle && h.NumDataShreds + h.NumCodingShreds > 1 << h.ProofSize)
            {
                return ShredRejectReason.InvalidProofSize;
            }

            if (rules.CurrentFormatOnly && (h.NumDataShreds != ShredConstants.FixedFecSetShreds || h.NumCodingShreds != ShredConstants.FixedFecSetShreds
                || h.FecSetIndex % ShredConstants.FixedFecSetShreds != 0))
            {
                return ShredRejectReason.InvalidCodingHeader;
            }
        }

        return ShredRejectReason.None;
    }
}
