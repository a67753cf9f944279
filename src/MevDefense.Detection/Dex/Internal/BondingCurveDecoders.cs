using static MevDefense.Detection.Dex.Internal.DecoderHelpers;

namespace MevDefense.Detection.Dex.Internal;

/// <summary>Pump.fun bonding curve: buy (tokens out, max SOL), buy_exact_sol_in, sell (tokens in, min SOL).
/// Accounts are read positionally only up to the user (index 6): later accounts changed between IDL versions.</summary>
internal sealed class PumpFunDecoder : ISwapDecoder
{
    public DexProgram Dex => DexProgram.PumpFun;

    public Pubkey ProgramId => DexProgramIds.PumpFun;

    public SwapDecodeStatus Decode(ReadOnlySpan<Pubkey> accounts, ReadOnlySpan<byte> data, Span<SwapIntent> destination, out int written)
    {
        if (!Anchor.TryRead(data, out var disc))
        {
            return Malformed(out written);
        }

        int kind = disc == Anchor.Buy ? 0 : disc == Anchor.BuyExactSolIn ? 1 : disc == Anchor.Sell ? 2 : -1;
        if (kind < 0)
        {
            return NotSwap(out written);
        }

        var r = new BorshReader(data[8..]);
        if (!r.TryU64(out var a) || !r.TryU64(out var b) || accounts.Length < 7)
        {
            return Malformed(out written);
        }

        var mint = accounts[2];
        var sol = DexProgramIds.WrappedSolMint;
        var buy = kind != 2;
        return One(
            new SwapIntent
            {
                Dex = Dex,
                Program = ProgramId,
                Pool = accounts[3],
                User = accounts[6],

                // SOL moves from or to the user's wallet itself; tokens use the user's associated account (5).
                SourceTokenAccount = buy ? accounts[6] : accounts[5],
                DestinationTokenAccount = buy ? accounts[5] : accounts[6],
                SourceMint = buy ? sol : mint,
                DestinationMint = buy ? mint : sol,
                Direction = buy ? FromMints(sol, mint) : FromMints(mint, sol),
                AmountKind = kind == 0 ? SwapAmountKind.ExactOut : SwapAmountKind.ExactIn,
                Amount = a,
                Limit = b,
                Instruction = kind == 0 ? "buy" : kind == 1 ? "buy_exact_sol_in" : "sell",
            },
            destination,
            out written);
    }
}

/// <summary>PumpSwap AMM: buy (base out, max quote in), buy_exact_quote_in, sell (base in, min quote out).</summary>
internal sealed class PumpSwapDecoder : ISwapDecoder
{
    public DexProgram Dex => DexProgram.PumpSwap;

    public Pubkey ProgramId => DexProgramIds.PumpSwap;

    public SwapDecodeStatus Decode(ReadOnlySpan<Pubkey> accounts, ReadOnlySpan<byte> data, Span<SwapIntent> destination, out int written)
    {
        if (!Anchor.TryRead(data, out var disc))
        {
            return Malformed(out written);
        }

        int kind = disc == Anchor.Buy ? 0 : disc == Anchor.BuyExactQuoteIn ? 1 : disc == Anchor.Sell ? 2 : -1;
        if (kind < 0)
        {
            return NotSwap(out written);
        }

        var r = new BorshReader(data[8..]);
        if (!r.TryU64(out var a) || !r.TryU64(out var b) || accounts.Length < 9)
        {
            return Malformed(out written);
        }

        // 0 pool, 1 user, 3 base_mint, 4 quote_mint, 5 user_base_ta, 6 user_quote_ta.
        var buy = kind != 2;
        var srcMint = buy ? accounts[4] : accounts[3];
        var dstMint = buy ? accounts[3] : accounts[4];
        return One(
            new SwapIntent
            {
                Dex = Dex,
                Program = ProgramId,
                Pool = accounts[0],
                User = accounts[1],
                SourceTokenAccount = buy ? accounts[6] : accounts[5],
                DestinationTokenAccount = buy ? accounts[5] : accounts[6],
                SourceMint = srcMint,
                DestinationMint = dstMint,
                Direction = FromMints(srcMint, dstMint),
                AmountKind = kind == 0 ? SwapAmountKind.ExactOut : SwapAmountKind.ExactIn,
                Amount = a,
                Limit = b,
                Instruction = kind == 0 ? "buy" : kind == 1 ? "buy_exact_quote_in" : "sell",
            },
            destination,
            out written);
    }
}

/// <summary>Moonshot bonding curve: buy / sell with TradeParams {token_amount, collateral_amount, fixed_side, slippage_bps}.</summary>
internal sealed class MoonshotDecoder : ISwapDecoder
{
    public DexProgram Dex => DexProgram.Moonshot;

    public Pubkey ProgramId => DexProgramIds.Moonshot;

    public SwapDecodeStatus Decode(ReadOnlySpan<Pubkey> accounts, ReadOnlySpan<byte> data, Span<SwapIntent> destination, out int written)
    {
        if (!Anchor.TryRead(data, out var disc))
        {
            return Malformed(out written);
        }

        bool buy;
        if (disc == Anchor.Buy)
        {
            buy = true;
        }
        else if (disc == Anchor.Sell)
        {
            buy = false;
        }
        else
        {
            return NotSwap(out written);
        }

        var r = new BorshReader(data[8..]);
        if (!r.TryU64(out var tokens) || !r.TryU64(out var collateral) || accounts.Length < 7)
        {
            return Malformed(out written);
        }

        // 0 sender, 1 sender_token_account, 2 curve_account, 6 mint.
        var mint = accounts[6];
        var sol = DexProgramIds.WrappedSolMint;
        return One(
            new SwapIntent
            {
                Dex = Dex,
                Program = ProgramId,
                Pool = accounts[2],
                User = accounts[0],
                SourceTokenAccount = buy ? accounts[0] : accounts[1],
                DestinationTokenAccount = buy ? accounts[1] : accounts[0],
                SourceMint = buy ? sol : mint,
                DestinationMint = buy ? mint : sol,
                Direction = buy ? FromMints(sol, mint) : FromMints(mint, sol),
                AmountKind = buy ? SwapAmountKind.ExactOut : SwapAmountKind.ExactIn,
                Amount = tokens,
                Limit = collateral,
                Instruction = buy ? "buy" : "sell",
            },
            destination,
            out written);
    }
}
