using static MevDefense.Detection.Dex.Internal.DecoderHelpers;

namespace MevDefense.Detection.Dex.Internal;

/// <summary>Raydium AMM v4: native 1-byte tags 9/11 (17 or 18 accounts) and 16/17 (8-account v2 forms).</summary>
internal sealed class RaydiumAmmV4Decoder : ISwapDecoder
{
    public DexProgram Dex => DexProgram.RaydiumAmmV4;

    public Pubkey ProgramId => DexProgramIds.RaydiumAmmV4;

    public SwapDecodeStatus Decode(ReadOnlySpan<Pubkey> accounts, ReadOnlySpan<byte> data, Span<SwapIntent> destination, out int written)
    {
        if (data.IsEmpty)
        {
            return Malformed(out written);
        }

        var tag = data[0];
        bool exactOut;
        string name;
        switch (tag)
        {
            case 9: exactOut = false; name = "swap_base_in"; break;
            case 11: exactOut = true; name = "swap_base_out"; break;
            case 16: exactOut = false; name = "swap_base_in_v2"; break;
            case 17: exactOut = true; name = "swap_base_out_v2"; break;
            default: return NotSwap(out written);
        }

        var r = new BorshReader(data[1..]);
        if (!r.TryU64(out var a) || !r.TryU64(out var b))
        {
            return Malformed(out written);
        }

        int src, dst, owner;
        if (tag >= 16)
        {
            if (accounts.Length < 8)
            {
                return Malformed(out written);
            }

            (src, dst, owner) = (5, 6, 7);
        }
        else
        {
            if (accounts.Length is not (17 or 18))
            {
                return Malformed(out written);
            }

            var n = accounts.Length;
            (src, dst, owner) = (n - 3, n - 2, n - 1);
        }

        return One(
            new SwapIntent
            {
                Dex = DexProgram.RaydiumAmmV4,
                Program = ProgramId,
                Pool = accounts[1],
                User = accounts[owner],
                SourceTokenAccount = accounts[src],
                DestinationTokenAccount = accounts[dst],
                AmountKind = exactOut ? SwapAmountKind.ExactOut : SwapAmountKind.ExactIn,
                Amount = exactOut ? b : a,
                Limit = exactOut ? a : b,
                Instruction = name,
            },
            destination,
            out written);
    }
}

/// <summary>Raydium CPMM: swap_base_input / swap_base_output; mints at accounts 10/11 give the direction.</summary>
internal sealed class RaydiumCpmmDecoder : ISwapDecoder
{
    public DexProgram Dex => DexProgram.RaydiumCpmm;

    public Pubkey ProgramId => DexProgramIds.RaydiumCpmm;

    public SwapDecodeStatus Decode(ReadOnlySpan<Pubkey> accounts, ReadOnlySpan<byte> data, Span<SwapIntent> destination, out int written)
    {
        if (!Anchor.TryRead(data, out var disc))
        {
            return Malformed(out written);
        }

        bool exactOut;
        if (disc == Anchor.SwapBaseInput)
        {
            exactOut = false;
        }
        else if (disc == Anchor.SwapBaseOutput)
        {
            exactOut = true;
        }
        else
        {
            return NotSwap(out written);
        }

        var r = new BorshReader(data[8..]);
        if (!r.TryU64(out var a) || !r.TryU64(out var b) || accounts.Length < 12)
        {
            return Malformed(out written);
        }

        return One(
            new SwapIntent
            {
                Dex = Dex,
                Program = ProgramId,
                Pool = accounts[3],
                User = accounts[0],
                SourceTokenAccount = accounts[4],
                DestinationTokenAccount = accounts[5],
                SourceMint = accounts[10],
                DestinationMint = accounts[11],
                Direction = FromMints(accounts[10], accounts[11]),
                AmountKind = exactOut ? SwapAmountKind.ExactOut : SwapAmountKind.ExactIn,
                Amount = exactOut ? b : a,
                Limit = exactOut ? a : b,
                Instruction = exactOut ? "swap_base_output" : "swap_base_input",
            },
            destination,
            out written);
    }
}

/// <summary>Raydium CLMM: swap, swap_v2 (vault mints at 11/12) and swap_router_base_in (first hop only).</summary>
internal sealed class RaydiumClmmDecoder : ISwapDecoder
{
    public DexProgram Dex => DexProgram.RaydiumClmm;

    public Pubkey ProgramId => DexProgramIds.RaydiumClmm;

    public SwapDecodeStatus Decode(ReadOnlySpan<Pubkey> accounts, ReadOnlySpan<byte> data, Span<SwapIntent> destination, out int written)
    {
        if (!Anchor.TryRead(data, out var disc))
        {
            return Malformed(out written);
        }

        var r = new BorshReader(data[8..]);
        if (disc == Anchor.SwapRouterBaseIn)
        {
            if (!r.TryU64(out var amountIn) || !r.TryU64(out var minOut) || accounts.Length < 6)
            {
                return Malformed(out written);
            }

            // Remaining accounts per hop start with amm_config, pool_state, output_token_account, ...: only the first
            // hop's pool is at a fixed position.
            return One(
                new SwapIntent
                {
                    Dex = Dex,
                    Program = ProgramId,
                    Pool = At(accounts, 7),
                    User = accounts[0],
                    SourceTokenAccount = accounts[1],
                    SourceMint = accounts[2],
                    AmountKind = SwapAmountKind.ExactIn,
                    Amount = amountIn,
                    Limit = minOut,
                    Instruction = "swap_router_base_in",
                },
                destination,
                out written);
        }

        bool v2 = disc == Anchor.SwapV2;
        if (!v2 && disc != Anchor.Swap)
        {
            return NotSwap(out written);
        }

        if (!r.TryU64(out var amount) || !r.TryU64(out var threshold) || !r.TryU128(out var sqrt) || !r.TryBool(out var baseInput)
            || accounts.Length < (v2 ? 13 : 10))
        {
            return Malformed(out written);
        }

        var srcMint = v2 ? accounts[11] : default;
        var dstMint = v2 ? accounts[12] : default;
        return One(
            new SwapIntent
            {
                Dex = Dex,
                Program = ProgramId,
                Pool = accounts[2],
                User = accounts[0],
                SourceTokenAccount = accounts[3],
                DestinationTokenAccount = accounts[4],
                SourceMint = srcMint,
                DestinationMint = dstMint,
                Direction = FromMints(srcMint, dstMint),
                AmountKind = baseInput ? SwapAmountKind.ExactIn : SwapAmountKind.ExactOut,
                Amount = amount,
                Limit = threshold,
                PriceLimit = sqrt,
                Instruction = v2 ? "swap_v2" : "swap",
            },
            destination,
            out written);
    }
}
