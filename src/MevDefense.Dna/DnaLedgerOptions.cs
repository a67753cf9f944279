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

    /// <summary>Gets or sets the Solana fee payer key file of the anchoring service: a solana-keygen JSON array of 64 bytes, or a raw
    /// 32-byte seed or 64-byte secret key. Anchoring runs (as a hosted service) only when this is set.</summary>
    /// <value>The default value is <see langword="null"/> (no anchoring).</value>
    public string? AnchorPayerKeyFile { get; set; }

    /// <summary>Gets or sets the Solana JSON-RPC endpoint of the anchoring service; when <see langword="null"/> the <c>SOLANA_RPC</c>
    /// environment variable is used.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public Uri? AnchorRpcEndpoint { get; set; }

    /// <summary>Gets or sets the commitment an anchor must reach before its receipt is stored.</summary>
    /// <value>The default value is <c>finalized</c>.</value>
    [Required]
    [RegularExpression("^(processed|confirmed|finalized)$")]
    public string AnchorCommitment { get; set; } = "finalized";

    /// <summary>Gets or sets how often the anchoring service compares the ledger size with the last anchor.</summary>
    /// <value>The default value is 1 second.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan AnchorCheckInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the longest pause between retries after failed anchors (the pause doubles from <see cref="AnchorCheckInterval"/> up to this).</summary>
    /// <value>The default value is 5 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan AnchorMaxRetryDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets or sets the memory, in bytes, for the Merkle node hashes a reopened ledger reads back from a store that persists
    /// the tree (RocksDB, PostgreSQL). The tree's levels are kept in memory once read from the lowest level whose stored nodes
    /// (about 2 × records ÷ 2^level hashes of 32 bytes) fit the budget; proofs read the levels below it from the store (RocksDB:
    /// one Merkle-page read per proof). About 64 bytes × records keeps the whole tree (640 MB at 10^7 records): proofs then never
    /// read the store once the nodes they need were loaded, as for the records appended since the ledger opened, which are always
    /// kept in memory.</summary>
    /// <value>The default value is 64 MiB (<see cref="DnaLedgerDefaults.MerkleCacheBytes"/>): levels ≥ 4 at 10^7 records.</value>
    [Range(typeof(long), "0", "9223372036854775807")]
    public long MerkleCacheBytes { get; set; } = DnaLedgerDefaults.MerkleCacheBytes;

    /// <summary>Gets or sets a value indicating whether <c>OpenAsync</c> re-checks every record's parent link and chain hash (O(n))
    /// even when the store persists the Merkle tree (<see cref="IDnaMerkleNodeStore"/>: RocksDB, PostgreSQL). By default such a
    /// store opens in O(log n): the last record, the tree's right border and the latest checkpoint root are checked, and the full
    /// audit is <c>DnaVerifier</c>'s job. Stores without stored nodes are always re-checked in full.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool VerifyChainOnOpen { get; set; }

    /// <summary>Gets or sets a value indicating whether <c>OpenAsync</c> also verifies every record's Ed25519 signature (slower) in addition to the hash chain.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool VerifySignaturesOnOpen { get; set; }
}
