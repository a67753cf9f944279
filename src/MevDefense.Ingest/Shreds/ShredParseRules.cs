namespace MevDefense.Ingest.Shreds;

/// <summary>Per-shred validation rules applied by <see cref="ShredParser"/>.</summary>
public readonly record struct ShredParseRules
{
    /// <summary>Gets the permissive rules: every historical format accepted, any shred version.</summary>
    public static ShredParseRules Default => default;

    /// <summary>Gets the rules of today's mainnet: chained Merkle shreds only, proof size 6, fixed 32:32 FEC sets.</summary>
    public static ShredParseRules CurrentFormat => new() { CurrentFormatOnly = true };

    /// <summary>Gets the expected shred version, or null to accept any.</summary>
    /// <value>The default value is null.</value>
    public ushort? ExpectedVersion { get; init; }

    /// <summary>Gets a value indicating whether only current-format shreds (chained Merkle, proof size 6, 32:32 FEC sets,
    /// DATA_COMPLETE only on the last data shred of a set) are accepted.</summary>
    /// <value>The default value is false.</value>
    public bool CurrentFormatOnly { get; init; }
}
