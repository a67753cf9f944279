namespace MevDefense.Dna.Internal;

/// <summary>Finds optional store capabilities behind the DI wrapper.</summary>
internal static class DnaStoreCapabilities
{
    /// <summary>Gets the store's <see cref="IDnaMerkleNodeStore"/>, looking through <see cref="DeferredDnaStore"/> (which must be opened already).</summary>
    /// <param name="store">The store.</param>
    /// <returns>The node store, or <see langword="null"/>.</returns>
    public static IDnaMerkleNodeStore? AsNodeStore(IDnaStore store) =>
        store as IDnaMerkleNodeStore ?? (store as DeferredDnaStore)?.OpenedStore as IDnaMerkleNodeStore;
}
