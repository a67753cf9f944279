using MevDefense.Dna.Stores;

namespace MevDefense.Dna.Tests.Stores;

/// <summary>The conformance suite on a store in the current format (version 3: Merkle pages, one slot index entry per slot and batch).</summary>
public class RocksDbDnaStoreConformanceTests : DnaStoreConformanceTests
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "mevdefense-rocks-" + Guid.NewGuid().ToString("N"));
    private readonly Dictionary<IDnaStore, string> _paths = [];

    /// <summary>Gets the format new stores are created with (an existing store keeps its own on reopen).</summary>
    protected virtual int FormatVersion => RocksDbDnaStore.CurrentFormatVersion;

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    protected override async Task<IDnaStore> CreateStoreAsync()
    {
        string path = Path.Combine(_root, _paths.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        RocksDbDnaStore store = await RocksDbDnaStore.OpenAsync(new RocksDbDnaStoreOptions { Path = path, CreateFormatVersion = FormatVersion });
        Assert.Equal(FormatVersion, store.FormatVersion);
        _paths[store] = path;
        return store;
    }

    protected override async Task<IDnaStore> ReopenAsync(IDnaStore store)
    {
        string path = _paths[store];
        await store.DisposeAsync();
        RocksDbDnaStore again = await RocksDbDnaStore.OpenAsync(path);
        Assert.Equal(FormatVersion, again.FormatVersion);
        _paths[again] = path;
        return again;
    }
}
