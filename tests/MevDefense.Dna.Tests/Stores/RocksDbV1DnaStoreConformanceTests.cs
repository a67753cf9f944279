namespace MevDefense.Dna.Tests.Stores;

/// <summary>The same suite on a store in the format of the first builds (version 1, one entry per Merkle node), which this build
/// must keep opening, verifying and appending to.</summary>
public sealed class RocksDbV1DnaStoreConformanceTests : RocksDbDnaStoreConformanceTests
{
    /// <inheritdoc/>
    protected override int FormatVersion => 1;
}
