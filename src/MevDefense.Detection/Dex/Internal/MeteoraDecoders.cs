using static MevDefense.Detection.Dex.Internal.DecoderHelpers;

namespace MevDefense.Detection.Dex.Internal;

/// <summary>Meteora DLMM: swap, swap2, swap_exact_out(2), swap_with_price_impact(2).</summary>
internal sealed class MeteoraDlmmDecoder : ISwapDecoder
{
    public DexProgram Dex => DexProgram.MeteoraDlmm;

    public Pubkey ProgramId => DexProgramIds.MeteoraDlmm;

    public SwapDecodeStatus Decode(ReadOnlySpan<Pubkey> accounts, ReadOnlySpan<byte> data, Span<SwapIntent> destination, out int written)
    {
        if (!Anchor.TryRead(data, out var disc))
        {
            return Malformed(out written);
        }

        var r = new BorshReader(data[8..]);
        SwapAmountKind kind;
        ulong amount, limit = 0;
        string name;
        if (disc == Anchor.Swap || disc == Anchor.Swap2)
        {
            kind = SwapAmountKind.ExactIn;
            name = disc == Anchor.Swap ? "swap" : "swap2";
            if (!r.TryU64(out amount) || !r.TryU64(out limit))
            {
                return Malformed(out written);
            }
        }
        else if (disc == Anchor.SwapExactOut || disc == Anchor.SwapExactOut2)
        {
            kind = SwapAmountKind.ExactOut;
            name = disc == Anchor.SwapExactOut ? "swap_exact_out" : "swap_exact_out2";
            if (!r.TryU64(out limit) || !r.TryU64(out amount))
            {
                return Malformed(out written);
            }
        }
        else if (disc == Anchor.SwapWithPriceImpact || disc == Anchor.SwapWithPriceImpact2)
        {
            kind = SwapAmountKind.ExactIn;
            name = disc == Anchor.SwapWithPriceImpact ? "swap_with_price_impact" : "swap_with_price_impact2";
            if (!r.TryU64(out amount) || !r.SkipOption(4) || !r.TryU16(out _))
            {
                return Malformed(out written);
            }
        }
        else
        {
            return NotSwap(out written);
        }

        if (accounts.Length < 11)
        {
            return Malformed(out written);
        }

        // 0 lb_pair, 4 user_token_in, 5 user_token_out, 6/7 token_x/y mints (which one is the input needs token-account state), 10 user.
        return One(
            new SwapIntent
            {
                Dex = Dex,
                Program = ProgramId,
                Pool = accounts[0],
                User = accounts[10],
                SourceTokenAccount = accounts[4],
                DestinationTokenAccount = accounts[5],
                AmountKind = kind,
                Amount = amount,
                Limit = limit,
                Instruction = name,
            },
            destination,
            out written);
    }

    /// <summary>Reads the price-impact arguments (active id and max price impact bps) of swap_with_price_impact(2).</summary>
    internal static bool TryReadPriceImpactArgs(ReadOnlySpan<byte> data, out ulong amountIn, out int? activeId, out ushort maxPriceImpactBps)
    {
        amountIn = 0;
        activeId = null;
        maxPriceImpactBps = 0;
        var r = new BorshReader(data.Length >= 8 ? data[8..] : default);
        if (data.Length < 8 || !r.TryU64(out amountIn) || !r.TryOptionTag(out var some))
        {
            return false;
        }

        if (some)
        {
            if (!r.TryU32(out var id))
            {
                return false;
            }

            activeId = unchecked((int)id);
        }

        return r.TryU16(out maxPriceImpactBps);
    }
}

/// <summary>Meteora dynamic AMM v1: swap (in_amount, minimum_out_amount).</summary>
internal sealed class MeteoraDammV1Decoder() : AnchorExactInSwapDecoder(minAccounts: 13, pool: 0, user: 12, source: 1, destination: 2)
{
    public override DexProgram Dex => DexProgram.MeteoraDammV1;

    public override Pubkey ProgramId => DexProgramIds.MeteoraDammV1;
}

/// <summary>Meteora DAMM v2 (cp-amm): swap (amount_in, minimum_amount_out) and swap2 (amount0, amount1, swap_mode).</summary>
internal sealed class MeteoraDammV2Decoder : ISwapDecoder
{
    public DexProgram Dex => DexProgram.MeteoraDammV2;

    public Pubkey ProgramId => DexProgramIds.MeteoraDammV2;

    public SwapDecodeStatus Decode(ReadOnlySpan<Pubkey> accounts, ReadOnlySpan<byte> data, Span<SwapIntent> destination, out int written)
    {
        if (!Anchor.TryRead(data, out var disc))
        {
            return Malformed(out written);
        }

        var r = new BorshReader(data[8..]);
        ulong amount, limit;
        var kind = SwapAmountKind.ExactIn;
        string name;
        if (disc == Anchor.Swap)
        {
            name = "swap";
            if (!r.TryU64(out amount) || !r.TryU64(out limit))
            {
                return Malformed(out written);
            }
        }
        else if (disc == Anchor.Swap2)
        {
            name = "swap2";
            if (!r.TryU64(out amount) || !r.TryU64(out limit) || !r.TryU8(out var mode) || mode > 2)
            {
                return Malformed(out written);
            }

            // 0 ExactIn, 1 PartialFill (exact-in semantics, may fill less), 2 ExactOut (amount0 = out, amount1 = max in).
            kind = mode == 2 ? SwapAmountKind.ExactOut : SwapAmountKind.ExactIn;
        }
        else
        {
            return NotSwap(out written);
        }

        if (accounts.Length < 9)
        {
            return Malformed(out written);
        }

        return One(
            new SwapIntent
            {
                Dex = Dex,
                Program = ProgramId,
                Pool = accounts[1],
                User = accounts[8],
                SourceTokenAccount = accounts[2],
                DestinationTokenAccount = accounts[3],
                AmountKind = kind,
                Amount = amount,
                Limit = limit,
                Instruction = name,
            },
            destination,
            out written);
    }
}
