using System.ComponentModel.DataAnnotations;

namespace MevDefense.Dna;

/// <summary>Options of the Decision DNA ledger (configuration section <c>MevDefense:Dna</c>).</summary>
public sealed class DnaLedgerOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "MevDefense:Dna";

    /// <summary>Gets or sets the store kind.</summary>
    /// <value>The default value is <see cref="DnaStoreKind.RocksDb"/>.</value>
    public DnaStoreKind StoreKind { get; set; } = DnaStoreKind.RocksDb;

    /// <summary>Gets or sets the ledger directory (required for <see cref="DnaStoreKind.RocksDb"/>): the RocksDB store lives in its
    /// <c>rocksdb</c> subdirectory and the signing key in <c>signing.key</c>.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? StorePath { get; set; }

    /// <summary>Gets or sets the PostgreSQL connection string (required for <see cref="DnaStoreKind.PostgreSql"/>). The chain id in the
    /// shared database is <see cref="Origin"/>, so every host needs its own origin.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? ConnectionString { get; set; }

    /// <summary>Gets or sets the Ed25519 key file (raw 32-byte seed or PKCS#8 DER/PEM); generated with mode 0600 when missing.
    /// When <see langword="null"/>, <c>signing.key</c> inside <see cref="StorePath"/> is used.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? KeyFile { get; set; }

    /// <summary>Gets or sets the log origin: the first line of every checkpoint and the note key name (no spaces, no '+').</summary>
    /// <value>The default value is <c>mevdefense.local/dna</c>.</value>
    [Required]
    [RegularExpression(@"^[^\s+]{1,256}$")]
    public string Origin { get; set; } = DnaLedgerDefaults.Origin;

    /// <summary>Gets or sets the largest number of records committed in one store batch (group commit).</summary>
    /// <value>The default value is 256.</value>
    [Range(1, 65536)]
    public int MaxBatchSize { get; set; } = DnaLedgerDefaults.MaxBatchSize;

    /// <summary>Gets or sets after how many new records a checkpoint is signed automatically (0 = only on demand).</summary>
    /// <value>The default value is 1024.</value>
    [Range(0, int.MaxValue)]
    public int CheckpointEveryRecords { get; set; } = DnaLedgerDefaults.CheckpointEveryRecords;

    /// <summary>Gets or sets how often the latest checkpoint is anchored on Solana (<see cref="TimeSpan.Zero"/> = never).</summary>
    /// <value>The default value is 10 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan AnchorInterval { get; set; } = DnaLedgerDefaults.AnchorInterval;

    /// <summary>Gets or sets after how many new records a checkpoint is anchored even before <see cref="AnchorInterval"/> (0 = off).</summary>
    /// <value>The default value is 0.</value>
    [Range(0, int.MaxValue)]
    public int AnchorEveryRecords { get; set; }

    /// <summary>Gets or sets a value indicating whether <c>OpenAsync</c> also verifies every record's Ed25519 signature (slower) in addition to the hash chain.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool VerifySignaturesOnOpen { get; set; }
}
