namespace MevDefense.Ingest.Shreds;

/// <summary>The family of a shred, decoded from its variant byte (offset 0x40).</summary>
public enum ShredKind : byte
{
    /// <summary>Legacy data shred (variant 0xA5), signed per shred; historical.</summary>
    LegacyData = 1,

    /// <summary>Legacy coding shred (variant 0x5A); historical.</summary>
    LegacyCode = 2,

    /// <summary>Merkle data shred (variants 0x8N, 0x9N, 0xBN).</summary>
    MerkleData = 3,

    /// <summary>Merkle coding shred (variants 0x4N, 0x6N, 0x7N).</summary>
    MerkleCode = 4,
}
