namespace MevDefense.Detection.Lookup;

/// <summary>
/// Resolves address lookup tables (v0 transactions). <see cref="TryGetAddresses"/> answers from memory only and is
/// called on the decoding hot path; <see cref="GetAddressesAsync"/> may fetch (for example over JSON-RPC) and fills
/// that memory. Implementations are thread-safe.
/// </summary>
public interface IAddressLookupTableProvider
{
    /// <summary>Returns a table's addresses when they are already known, without blocking.</summary>
    /// <param name="table">The lookup table account.</param>
    /// <param name="addresses">The addresses in table order.</param>
    /// <returns><see langword="true"/> when the table is known.</returns>
    bool TryGetAddresses(in Pubkey table, out ReadOnlyMemory<Pubkey> addresses);

    /// <summary>Returns a table's addresses, fetching them when needed.</summary>
    /// <param name="table">The lookup table account.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The addresses, or <see langword="null"/> when the table does not exist or cannot be read.</returns>
    ValueTask<ReadOnlyMemory<Pubkey>?> GetAddressesAsync(Pubkey table, CancellationToken cancellationToken = default);
}
