using System.ComponentModel.DataAnnotations;

namespace MevDefense.Dna.Stores;

/// <summary>Options of <see cref="RocksDbDnaStore"/>.</summary>
public sealed class RocksDbDnaStoreOptions
{
    /// <summary>Gets or sets the database directory (created when missing).</summary>
    /// <value>The default value is <see langword="null"/> (required).</value>
    [Required]
    public string? Path { get; set; }

    /// <summary>Gets or sets the largest number of records the writer puts into one synced write batch (group commit).</summary>
    /// <value>The default value is 4096.</value>
    [Range(1, 1 << 20)]
    public int MaxBatchRecords { get; set; } = 4096;

    /// <summary>Gets or sets the capacity of the bounded write queue (pending append, checkpoint and receipt requests); callers wait when it is full.</summary>
    /// <value>The default value is 1024.</value>
    [Range(1, 1 << 20)]
    public int QueueCapacity { get; set; } = 1024;

    /// <summary>Gets or sets a value indicating whether every write batch is synced (<c>fdatasync</c> of the WAL) before it is acknowledged.
    /// Turning this off voids the durability contract of <see cref="IDnaStore"/>; it exists only to measure the cost of syncing.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool Sync { get; set; } = true;

    /// <summary>Gets or sets the on-disk format a NEW store is created with (tests and benchmarks only): 3 (the default) is 2 with
    /// one slot index entry per slot and batch; 2 keeps the Merkle nodes of levels 0..3 in 16-leaf pages; 1 is the format of the
    /// first builds (one entry per node). An existing store keeps the format it was created with.</summary>
    internal int CreateFormatVersion { get; set; } = RocksDbDnaStore.CurrentFormatVersion;
}
