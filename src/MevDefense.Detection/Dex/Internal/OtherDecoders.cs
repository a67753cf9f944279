using static MevDefense.Detection.Dex.Internal.DecoderHelpers;

namespace MevDefense.Detection.Dex.Internal;

/// <summary>Lifinity v2: swap (amount_in, minimum_amount_out); 1 amm, 2 user authority, 3/4 user source/destination.</summary>
internal sealed class LifinityV2Decoder() : AnchorExactInSwapDecoder(minAccounts: 7, pool: 1, user: 2, source: 3, destination: 4)
{
    public override DexProgram Dex => DexProgram.LifinityV2;

    public override Pubkey ProgramId => DexProgramIds.LifinityV2;
}

/// <summary>FluxBeam (SPL token-swap layout): tag 1 Swap {amount_in, minimum_amount_out}; mints at 9/10.</summary>
internal sealed class FluxBeamDecoder : ISwapDecoder
{
    public DexProgram Dex => DexProgram.FluxBeam;

    public Pubkey ProgramId => DexProgramIds.FluxBeam;

    public SwapDecodeStatus Decode(ReadOnlySpan<Pubkey> accounts, ReadOnlySpan<byte> data, Span<SwapIntent> destination, out int written)
    {
        if (data.IsEmpty)
        {
            return Malformed(out written);
        }

        if (data[0] != 1)
        {
            return NotSwap(out written);
        }

        var r = new BorshReader(data[1..]);
        if (!r.TryU64(out var amount) || !r.TryU64(out var min) || accounts.Length < 11)
        {
            return Malformed(out written);
        }

        // 0 swap, 2 user authority, 3 source, 6 destination, 9 source mint, 10 destination mint.
        return One(
            new SwapIntent
            {
                Dex = Dex,
                Program = ProgramId,
                Pool = accounts[0],
                User = accounts[2],
                SourceTokenAccount = accounts[3],
                DestinationTokenAccount = accounts[6],
                SourceMint = accounts[9],
                DestinationMint = accounts[10],
                Direction = FromMints(accounts[9], accounts[10]),
                AmountKind = SwapAmountKind.ExactIn,
                Amount = amount,
                Limit = min,
                Instruction = "swap",
            },
            destination,
            out written);
    }
}

/// <summary>Phoenix v1: tag 0 Swap / 1 SwapWithFreeFunds with an OrderPacket; amounts are in lots.</summary>
internal sealed class PhoenixDecoder : ISwapDecoder
{
    public DexProgram Dex => DexProgram.Phoenix;

    public Pubkey ProgramId => DexProgramIds.Phoenix;

    public SwapDecodeStatus Decode(ReadOnlySpan<Pubkey> accounts, ReadOnlySpan<byte> data, Span<SwapIntent> destination, out int written)
    {
        if (data.IsEmpty)
        {
            return Malformed(out written);
        }

        if (data[0] > 1)
        {
            return NotSwap(out written);
        }

        var r = new BorshReader(data[1..]);
        if (!r.TryU8(out var packet) || !r.TryU8(out var side) || side > 1)
        {
            return Malformed(out written);
        }

        ulong price = 0, baseLots, quoteLots = 0, minBase = 0, minQuote = 0;
        switch (packet)
        {
            case 0: // PostOnly
            case 1: // Limit
                if (!r.TryU64(out price) || !r.TryU64(out baseLots))
                {
                    return Malformed(out written);
                }

                break;
            case 2: // ImmediateOrCancel
                if (!r.TryOptionTag(out var hasPrice) || (hasPrice && !r.TryU64(out price)) || !r.TryU64(out baseLots)
                    || !r.TryU64(out quoteLots) || !r.TryU64(out minBase) || !r.TryU64(out minQuote))
                {
                    return Malformed(out written);
                }

                break;
            default:
                return Malformed(out written);
        }

        if (accounts.Length < 6)
        {
            return Malformed(out written);
        }

        // 2 market, 3 trader, 4 base account, 5 quote account. Bid (0) buys base with quote (B -> A); Ask (1) sells base.
        var bid = side == 0;
        return One(
            new SwapIntent
            {
                Dex = Dex,
                Program = ProgramId,
                Pool = accounts[2],
                User = accounts[3],
                SourceTokenAccount = bid ? accounts[5] : accounts[4],
                DestinationTokenAccount = bid ? accounts[4] : accounts[5],
                Direction = bid ? SwapDirection.BToA : SwapDirection.AToB,
                AmountKind = SwapAmountKind.ExactIn,
                Amount = bid ? (quoteLots != 0 ? quoteLots : baseLots) : baseLots,
                Limit = bid ? minBase : minQuote,
                PriceLimit = price,
                Instruction = data[0] == 0 ? "swap" : "swap_with_free_funds",
            },
            destination,
            out written);
    }
}

/// <summary>OpenBook v2: place_take_order {side, price_lots, max_base_lots, max_quote_lots_including_fees, order_type, limit}.</summary>
internal sealed class OpenBookV2Decoder : ISwapDecoder
{
    public DexProgram Dex => DexProgram.OpenBookV2;

    public Pubkey ProgramId => DexProgramIds.OpenBookV2;

    public SwapDecodeStatus Decode(ReadOnlySpan<Pubkey> accounts, ReadOnlySpan<byte> data, Span<SwapIntent> destination, out int written)
    {
        if (!Anchor.TryRead(data, out var disc))
        {
            return Malformed(out written);
        }

        if (disc != Anchor.PlaceTakeOrder)
        {
            return NotSwap(out written);
        }

        var r = new BorshReader(data[8..]);
        if (!r.TryU8(out var side) || side > 1 || !r.TryU64(out var price) || !r.TryU64(out var maxBase) || !r.TryU64(out var maxQuote)
            || accounts.Length < 11)
        {
            return Malformed(out written);
        }

        // 0 signer, 2 market, 9 user base, 10 user quote.
        var bid = side == 0;
        return One(
            new SwapIntent
            {
                Dex = Dex,
                Program = ProgramId,
                Pool = accounts[2],
                User = accounts[0],
                SourceTokenAccount = bid ? accounts[10] : accounts[9],
                DestinationTokenAccount = bid ? accounts[9] : accounts[10],
                Direction = bid ? SwapDirection.BToA : SwapDirection.AToB,
                AmountKind = SwapAmountKind.ExactIn,
                Amount = bid ? maxQuote : maxBase,
                Limit = 0,
                PriceLimit = price,
                Instruction = "place_take_order",
            },
            destination,
            out written);
    }
}
