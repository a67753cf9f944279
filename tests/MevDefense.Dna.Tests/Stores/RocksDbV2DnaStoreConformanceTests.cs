namespace MevDefense.Dna.Tests.Stores;

/// <summary>The same suite on a store in the format of the fourth session's builds (version 2: Merkle pages, one slot index entry
/// per record), which this build must keep opening, verifying and appending to.</summary>
public sealed class RocksDbV2DnaStoreConformanceTests : RocksDbDnaStoreConformanceTests
{
    /// <inheritdoc/>
    protected override int FormatVersion => 2;
}
