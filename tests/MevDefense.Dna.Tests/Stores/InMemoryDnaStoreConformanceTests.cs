using MevDefense.Dna.Stores;

namespace MevDefense.Dna.Tests.Stores;

public sealed class InMemoryDnaStoreConformanceTests : DnaStoreConformanceTests
{
    protected override bool IsPersistent => false;

    protected override Task<IDnaStore> CreateStoreAsync() => Task.FromResult<IDnaStore>(new InMemoryDnaStore());

    protected override Task<IDnaStore> ReopenAsync(IDnaStore store) => throw new NotSupportedException("The in-memory store does not persist.");
}
