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

    /// <summary>The default key file name inside the store directory.</summary>
    public const string KeyFileName = "signing.key";

    /// <summary>The RocksDB directory inside <see cref="DnaLedgerOptions.StorePath"/>.</summary>
    public const string RocksDbDirectoryName = "rocksdb";

    /// <summary>Gets the default anchoring interval.</summary>
    public static TimeSpan AnchorInterval { get; } = TimeSpan.FromMinutes(10);
}
