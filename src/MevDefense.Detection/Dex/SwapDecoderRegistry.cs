using System.Diagnostics.CodeAnalysis;
using MevDefense.Detection.Dex.Internal;

namespace MevDefense.Detection.Dex;

/// <summary>
/// Maps program ids to <see cref="ISwapDecoder"/>s. Immutable after construction and thread-safe; build one with
/// <see cref="CreateDefault"/> (every built-in decoder) or pass your own list (later entries replace earlier ones).
/// </summary>
public sealed class SwapDecoderRegistry
{
    private readonly Dictionary<Pubkey, ISwapDecoder> _decoders;
    private readonly Rules.Internal.PubkeyMap<ISwapDecoder> _byProgram = new(); // the per-instruction lookup; read-only after construction

    /// <summary>Initializes a new instance with the given decoders.</summary>
    /// <param name="decoders">The decoders; a later decoder for the same program id replaces an earlier one.</param>
    /// <exception cref="ArgumentNullException"><paramref name="decoders"/> is <see langword="null"/>.</exception>
    public SwapDecoderRegistry(IEnumerable<ISwapDecoder> decoders)
    {
        ArgumentNullException.ThrowIfNull(decoders);
        _decoders = [];
        foreach (var d in decoders)
        {
            ArgumentNullException.ThrowIfNull(d, nameof(decoders));
            _decoders[d.ProgramId] = d;
            _byProgram.Set(d.ProgramId, d);
        }
    }

    /// <summary>Gets the registered decoders.</summary>
    public IReadOnlyCollection<ISwapDecoder> Decoders => _decoders.Values;

    /// <summary>Gets the built-in decoders: Raydium AMM v4/CPMM/CLMM, Orca Whirlpool, Meteora DLMM/DAMM v1/DAMM v2,
    /// Pump.fun, PumpSwap, Moonshot, Jupiter v6, Phoenix, OpenBook v2, Lifinity v2 and FluxBeam.</summary>
    /// <returns>A new list of decoders.</returns>
    public static IReadOnlyList<ISwapDecoder> BuiltInDecoders() =>
    [
        new RaydiumAmmV4Decoder(), new RaydiumCpmmDecoder(), new RaydiumClmmDecoder(), new WhirlpoolDecoder(),
        new MeteoraDlmmDecoder(), new MeteoraDammV1Decoder(), new MeteoraDammV2Decoder(), new PumpFunDecoder(),
        new PumpSwapDecoder(), new MoonshotDecoder(), new JupiterV6Decoder(), new PhoenixDecoder(), new OpenBookV2Decoder(),
        new LifinityV2Decoder(), new FluxBeamDecoder(),
    ];

    /// <summary>Creates a registry with every built-in decoder.</summary>
    /// <returns>The registry.</returns>
    public static SwapDecoderRegistry CreateDefault() => new(BuiltInDecoders());

    /// <summary>Finds the decoder of a program.</summary>
    /// <param name="programId">The program id.</param>
    /// <param name="decoder">The decoder when found.</param>
    /// <returns><see langword="true"/> when a decoder is registered for the program.</returns>
    public bool TryGetDecoder(in Pubkey programId, [NotNullWhen(true)] out ISwapDecoder? decoder) => _decoders.TryGetValue(programId, out decoder);

    /// <summary>Decodes one instruction if its program has a decoder.</summary>
    /// <param name="programId">The instruction's program id.</param>
    /// <param name="accounts">The instruction's resolved account keys.</param>
    /// <param name="data">The instruction data.</param>
    /// <param name="destination">Receives the swaps.</param>
    /// <param name="written">The number of swaps written.</param>
    /// <returns>The outcome; <see cref="SwapDecodeStatus.NotSwap"/> when no decoder handles the program.</returns>
    public SwapDecodeStatus Decode(in Pubkey programId, ReadOnlySpan<Pubkey> accounts, ReadOnlySpan<byte> data, Span<SwapIntent> destination, out int written)
    {
        if (_byProgram.TryGetValue(programId, out var d))
        {
            return d.Decode(accounts, data, destination, out written);
        }

        written = 0;
        return SwapDecodeStatus.NotSwap;
    }
}
