using static MevDefense.Detection.Dex.Internal.DecoderHelpers;

namespace MevDefense.Detection.Dex.Internal;

/// <summary>
/// An Anchor <c>swap(amount_in: u64, minimum_amount_out: u64)</c> instruction whose pool, user and token accounts sit at fixed
/// positions. Decoders of that shape only name the program and the positions.
/// </summary>
internal abstract class AnchorExactInSwapDecoder(int minAccounts, int pool, int user, int source, int destination) : ISwapDecoder
{
    public abstract DexProgram Dex { get; }

    public abstract Pubkey ProgramId { get; }

    public SwapDecodeStatus Decode(ReadOnlySpan<Pubkey> accounts, ReadOnlySpan<byte> data, Span<SwapIntent> swaps, out int written)
    {
        if (!Anchor.TryRead(data, out var disc))
        {
            return Malformed(out written);
        }

        if (disc != Anchor.Swap)
        {
            return NotSwap(out written);
        }

        var r = new BorshReader(data[8..]);
        if (!r.TryU64(out var amount) || !r.TryU64(out var min) || accounts.Length < minAccounts)
        {
            return Malformed(out written);
        }

        return One(
            new SwapIntent
            {
                Dex = Dex,
                Program = ProgramId,
                Pool = accounts[pool],
                User = accounts[user],
                SourceTokenAccount = accounts[source],
                DestinationTokenAccount = accounts[destination],
                AmountKind = SwapAmountKind.ExactIn,
                Amount = amount,
                Limit = min,
                Instruction = "swap",
            },
            swaps,
            out written);
    }
}
