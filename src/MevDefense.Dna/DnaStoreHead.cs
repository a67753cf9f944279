namespace MevDefense.Dna;

/// <summary>The end of a stored chain.</summary>
/// <param name="Count">The number of records (the next sequence to append).</param>
/// <param name="LastChainHash">The chain hash of the last record; all zero when <paramref name="Count"/> is 0.</param>
public readonly record struct DnaStoreHead(ulong Count, Hash LastChainHash)
{
    /// <summary>Gets the head of an empty store.</summary>
    public static DnaStoreHead Empty => default;
}
