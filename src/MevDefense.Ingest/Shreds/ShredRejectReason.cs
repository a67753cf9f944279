namespace MevDefense.Ingest.Shreds;

/// <summary>Why a datagram or shred was rejected. Rejections are counted by reason, never thrown from the pipeline.</summary>
public enum ShredRejectReason : byte
{
    /// <summary>Not rejected.</summary>
    None = 0,

    /// <summary>The datagram is shorter than the shred its variant announces (or than the common header).</summary>
    TooShort,

    /// <summary>The datagram is longer than a UDP shred packet (1,232 bytes).</summary>
    Oversized,

    /// <summary>The variant byte is not a known shred variant (e.g. a Jito TraceShred protobuf or other noise).</summary>
    UnknownVariant,

    /// <summary>The Merkle proof size leaves no room for data, or is not the one current mainnet uses (strict mode).</summary>
    InvalidProofSize,

    /// <summary>The shred index is at or above 32,768 per slot.</summary>
    InvalidIndex,

    /// <summary>The index is not within the FEC set announced by <c>fec_set_index</c>.</summary>
    InvalidFecSetIndex,

    /// <summary>The data header's parent offset is inconsistent with the slot.</summary>
    InvalidParentOffset,

    /// <summary>The data header's <c>size</c> field is outside [88, 88 + capacity].</summary>
    InvalidSize,

    /// <summary>The data header's flags set LAST_SHRED_IN_SLOT without DATA_COMPLETE, or DATA_COMPLETE in an unexpected place (strict mode).</summary>
    InvalidFlags,

    /// <summary>The coding header (counts, position) is invalid.</summary>
    InvalidCodingHeader,

    /// <summary>The shred version differs from the expected shred version.</summary>
    VersionMismatch,

    /// <summary>The shred uses a historical format (legacy, unchained, variable FEC) while current-format-only mode is on.</summary>
    HistoricalFormat,

    /// <summary>The slot is older than the retained window or too far ahead of the newest slot.</summary>
    SlotOutOfWindow,

    /// <summary>The shred disagrees with others of its FEC set (variant, version, counts, parent, chained root).</summary>
    InconsistentWithFecSet,

    /// <summary>The Merkle proof does not lead to the FEC set's root.</summary>
    InvalidMerkleProof,

    /// <summary>The leader's Ed25519 signature over the Merkle root (or legacy payload) does not verify.</summary>
    InvalidSignature,

    /// <summary>Signature verification is on and the leader of the slot is unknown.</summary>
    UnknownLeader,

    /// <summary>A second, conflicting version of a FEC set (different signature) from the leader: equivocation.</summary>
    Equivocation,

    /// <summary>The shred format is parsed but not processed further (legacy coding shreds).</summary>
    Unsupported,
}
