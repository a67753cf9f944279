namespace MevDefense.Detection.Dex.Internal;

/// <summary>Recognises liquidity add/remove instructions of the concentrated-liquidity programs (account positions per program IDL).</summary>
internal static class LiquidityDecoder
{
    public static bool TryDecode(in Pubkey programId, ReadOnlySpan<Pubkey> accounts, ReadOnlySpan<byte> data, out LiquidityIntent intent)
    {
        intent = default;
        if (!Anchor.TryRead(data, out var disc))
        {
            return false;
        }

        if (programId == DexProgramIds.OrcaWhirlpool)
        {
            // v1: 0 whirlpool, 2 position_authority, 3 position; v2: 0 whirlpool, 4 position_authority, 5 position.
            bool add = disc == Anchor.IncreaseLiquidity || disc == Anchor.IncreaseLiquidityV2;
            bool remove = disc == Anchor.DecreaseLiquidity || disc == Anchor.DecreaseLiquidityV2;
            bool v2 = disc == Anchor.IncreaseLiquidityV2 || disc == Anchor.DecreaseLiquidityV2;
            if (!(add || remove) || accounts.Length < (v2 ? 6 : 4))
            {
                return false;
            }

            intent = new LiquidityIntent
            {
                Dex = DexProgram.OrcaWhirlpool,
                Pool = accounts[0],
                Owner = accounts[v2 ? 4 : 2],
                Position = accounts[v2 ? 5 : 3],
                IsAdd = add,
            };
            return true;
        }

        if (programId == DexProgramIds.RaydiumClmm)
        {
            // increase(_v2): 0 nft_owner, 2 pool_state, 4 personal_position; decrease(_v2): 0 nft_owner, 2 personal_position, 3 pool_state.
            bool add = disc == Anchor.IncreaseLiquidity || disc == Anchor.IncreaseLiquidityV2;
            bool remove = disc == Anchor.DecreaseLiquidity || disc == Anchor.DecreaseLiquidityV2;
            if (!(add || remove) || accounts.Length < 5)
            {
                return false;
            }

            intent = new LiquidityIntent
            {
                Dex = DexProgram.RaydiumClmm,
                Pool = add ? accounts[2] : accounts[3],
                Owner = accounts[0],
                Position = add ? accounts[4] : accounts[2],
                IsAdd = add,
            };
            return true;
        }

        if (programId == DexProgramIds.MeteoraDlmm)
        {
            // add_liquidity* / remove_liquidity*: 0 position, 1 lb_pair, 11 sender.
            bool add = disc == Anchor.AddLiquidity || disc == Anchor.AddLiquidity2 || disc == Anchor.AddLiquidityByStrategy
                || disc == Anchor.AddLiquidityByStrategy2 || disc == Anchor.AddLiquidityByWeight;
            bool remove = disc == Anchor.RemoveLiquidity || disc == Anchor.RemoveLiquidity2 || disc == Anchor.RemoveLiquidityByRange
                || disc == Anchor.RemoveLiquidityByRange2 || disc == Anchor.RemoveAllLiquidity;
            if (!(add || remove) || accounts.Length < 12)
            {
                return false;
            }

            intent = new LiquidityIntent
            {
                Dex = DexProgram.MeteoraDlmm,
                Pool = accounts[1],
                Owner = accounts[11],
                Position = accounts[0],
                IsAdd = add,
            };
            return true;
        }

        return false;
    }
}
