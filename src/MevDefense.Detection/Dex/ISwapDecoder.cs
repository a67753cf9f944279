namespace MevDefense.Detection.Dex;

/// <summary>
/// Decodes the swap instructions of one program into <see cref="SwapIntent"/>s. Implementations are stateless,
/// thread-safe and allocation-free; they read only the given spans and never throw for bad input.
/// </summary>
public interface ISwapDecoder
{
    /// <summary>Gets the program family.</summary>
    DexProgram Dex { get; }

    /// <summary>Gets the program id the decoder handles.</summary>
    Pubkey ProgramId { get; }

    /// <summary>Decodes one instruction of <see cref="ProgramId"/>.</summary>
    /// <param name="accounts">The instruction's account keys, in instruction order, already resolved (static keys and lookup tables).</param>
    /// <param name="data">The instruction data.</param>
    /// <param name="destination">Receives the swaps (one per hop); two-hop and routed swaps need more than one slot.</param>
    /// <param name="written">The number of swaps written.</param>
    /// <returns>The outcome; only <see cref="SwapDecodeStatus.Decoded"/> writes to <paramref name="destination"/>.</returns>
    SwapDecodeStatus Decode(ReadOnlySpan<Pubkey> accounts, ReadOnlySpan<byte> data, Span<SwapIntent> destination, out int written);
}
