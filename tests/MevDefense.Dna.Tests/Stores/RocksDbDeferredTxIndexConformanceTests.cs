namespace MevDefense.Dna.Tests.Stores;

/// <summary>The suite on a format-3 store that writes its waiting transaction index entries to RocksDB every 7 entries (the default
/// waits for 49,152), so lookups cross entries in the family, entries in memory, and runs written between a lookup's two reads.</summary>
public sealed class RocksDbDeferredTxIndexConformanceTests : RocksDbDnaStoreConformanceTests
{
    /// <inheritdoc/>
    protected override int TxIndexDeferEntries => 7;
}
