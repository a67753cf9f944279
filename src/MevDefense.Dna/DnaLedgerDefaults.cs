namespace MevDefense.Dna;

/// <summary>Default values of <see cref="DnaLedgerOptions"/>.</summary>
public static class DnaLedgerDefaults
{
    /// <summary>The default origin.</summary>
    public const string Origin = "mevdefense.local/dna";

    /// <summary>The default group-commit batch limit.</summary>
    public const int MaxBatchSize = 256;

    /// <summary>The default automatic checkpoint interval in records.</summary>
    public const int CheckpointEveryRecords = 1024;

    /// <summary>The default memory budget, in bytes, for Merkle node hashes read back from a store (64 MiB).</summary>
    public const long MerkleCacheBytes = 64L << 20;

    /// <summary>The default key file name inside the store directory.</summary>
    public const string KeyFileName = "signing.key";

    /// <summary>The RocksDB directory inside <see cref="DnaLedgerOptions.StorePath"/>.</summary>
    public const string RocksDbDirectoryName = "rocksdb";

    /// <summary>Gets the default anchoring interval.</summary>
    public static TimeSpan AnchorInterval { get; } = TimeSpan.FromMinutes(10);
}
