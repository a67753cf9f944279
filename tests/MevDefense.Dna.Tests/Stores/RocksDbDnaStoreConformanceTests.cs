using MevDefense.Dna.Stores;

namespace MevDefense.Dna.Tests.Stores;

public sealed class RocksDbDnaStoreConformanceTests : DnaStoreConformanceTests
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "mevdefense-rocks-" + Guid.NewGuid().ToString("N"));
    private readonly Dictionary<IDnaStore, string> _paths = [];

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    protected override async Task<IDnaStore> CreateStoreAsync()
    {
        string path = Path.Combine(_root, _paths.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        RocksDbDnaStore store = await RocksDbDnaStore.OpenAsync(path);
        _paths[store] = path;
        return store;
    }

    protected override async Task<IDnaStore> ReopenAsync(IDnaStore store)
    {
        string path = _paths[store];
        await store.DisposeAsync();
        RocksDbDnaStore again = await RocksDbDnaStore.OpenAsync(path);
        _paths[again] = path;
        return again;
    }
}
