using static MevDefense.Detection.Dex.Internal.DecoderHelpers;

namespace MevDefense.Detection.Dex.Internal;

/// <summary>Orca Whirlpool: swap, swap_v2, two_hop_swap, two_hop_swap_v2 (the a_to_b flags give the direction).</summary>
internal sealed class WhirlpoolDecoder : ISwapDecoder
{
    public DexProgram Dex => DexProgram.OrcaWhirlpool;

    public Pubkey ProgramId => DexProgramIds.OrcaWhirlpool;

    public SwapDecodeStatus Decode(ReadOnlySpan<Pubkey> accounts, ReadOnlySpan<byte> data, Span<SwapIntent> destination, out int written)
    {
        if (!Anchor.TryRead(data, out var disc))
        {
            return Malformed(out written);
        }

        var r = new BorshReader(data[8..]);
        if (disc == Anchor.Swap || disc == Anchor.SwapV2)
        {
            var v2 = disc == Anchor.SwapV2;
            if (!r.TryU64(out var amount) || !r.TryU64(out var threshold) || !r.TryU128(out var sqrt)
                || !r.TryBool(out var isInput) || !r.TryBool(out var aToB) || accounts.Length < (v2 ? 15 : 11))
            {
                return Malformed(out written);
            }

            // swap: 1 authority, 2 whirlpool, 3 owner_a, 5 owner_b; swap_v2: 3 authority, 4 whirlpool, 5/6 mints, 7 owner_a, 9 owner_b.
            var (auth, pool, ownerA, ownerB) = v2 ? (3, 4, 7, 9) : (1, 2, 3, 5);
            var mintA = v2 ? accounts[5] : default;
            var mintB = v2 ? accounts[6] : default;
            return One(
                new SwapIntent
                {
                    Dex = Dex,
                    Program = ProgramId,
                    Pool = accounts[pool],
                    User = accounts[auth],
                    SourceTokenAccount = aToB ? accounts[ownerA] : accounts[ownerB],
                    DestinationTokenAccount = aToB ? accounts[ownerB] : accounts[ownerA],
                    SourceMint = aToB ? mintA : mintB,
                    DestinationMint = aToB ? mintB : mintA,
                    Direction = FromFlag(aToB),
                    AmountKind = isInput ? SwapAmountKind.ExactIn : SwapAmountKind.ExactOut,
                    Amount = amount,
                    Limit = threshold,
                    PriceLimit = sqrt,
                    Instruction = v2 ? "swap_v2" : "swap",
                },
                destination,
                out written);
        }

        if (disc == Anchor.TwoHopSwap || disc == Anchor.TwoHopSwapV2)
        {
            var v2 = disc == Anchor.TwoHopSwapV2;
            if (!r.TryU64(out var amount) || !r.TryU64(out var threshold) || !r.TryBool(out var isInput)
                || !r.TryBool(out var aToBOne) || !r.TryBool(out var aToBTwo) || !r.TryU128(out var sqrtOne) || !r.TryU128(out var sqrtTwo)
                || accounts.Length < (v2 ? 23 : 20))
            {
                return Malformed(out written);
            }

            if (destination.Length < 2)
            {
                written = 0;
                return SwapDecodeStatus.DestinationTooSmall;
            }

            var kind = isInput ? SwapAmountKind.ExactIn : SwapAmountKind.ExactOut;
            var name = v2 ? "two_hop_swap_v2" : "two_hop_swap";
            Pubkey user, pool1, pool2, src1, dst1, src2, dst2, mintIn = default, mintMid = default, mintOut = default;
            if (v2)
            {
                // 0/1 whirlpools, 2 mint_input, 3 mint_intermediate, 4 mint_output, 8 owner_input, 13 owner_output, 14 authority.
                (pool1, pool2, mintIn, mintMid, mintOut) = (accounts[0], accounts[1], accounts[2], accounts[3], accounts[4]);
                (src1, dst1, src2, dst2, user) = (accounts[8], default, default, accounts[13], accounts[14]);
            }
            else
            {
                // 1 authority, 2/3 whirlpools, 4 one_a, 6 one_b, 8 two_a, 10 two_b.
                (user, pool1, pool2) = (accounts[1], accounts[2], accounts[3]);
                src1 = aToBOne ? accounts[4] : accounts[6];
                dst1 = aToBOne ? accounts[6] : accounts[4];
                src2 = aToBTwo ? accounts[8] : accounts[10];
                dst2 = aToBTwo ? accounts[10] : accounts[8];
            }

            destination[0] = new SwapIntent
            {
                Dex = Dex,
                Program = ProgramId,
                Pool = pool1,
                User = user,
                SourceTokenAccount = src1,
                DestinationTokenAccount = dst1,
                SourceMint = mintIn,
                DestinationMint = mintMid,
                Direction = FromFlag(aToBOne),
                AmountKind = kind,
                Amount = isInput ? amount : 0,
                Limit = isInput ? 0 : threshold,
                PriceLimit = sqrtOne,
                HopIndex = 0,
                Instruction = name,
            };
            destination[1] = new SwapIntent
            {
                Dex = Dex,
                Program = ProgramId,
                Pool = pool2,
                User = user,
                SourceTokenAccount = src2,
                DestinationTokenAccount = dst2,
                SourceMint = mintMid,
                DestinationMint = mintOut,
                Direction = FromFlag(aToBTwo),
                AmountKind = kind,
                Amount = isInput ? 0 : amount,
                Limit = isInput ? threshold : 0,
                PriceLimit = sqrtTwo,
                HopIndex = 1,
                Instruction = name,
            };
            written = 2;
            return SwapDecodeStatus.Decoded;
        }

        return NotSwap(out written);
    }
}
