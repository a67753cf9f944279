using System.Buffers.Binary;
using MevDefense.Detection.Dex;
using MevDefense.Detection.Dex.Internal;

namespace MevDefense.Detection.Scenarios.Internal;

/// <summary>Builds instruction bytes and account lists in the exact layouts the decoders read (per the programs' IDLs).</summary>
internal static class ScenarioInstructions
{
    public static ScenarioInstruction ComputeUnitLimit(uint units)
    {
        var d = new byte[5];
        d[0] = 2;
        BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(1), units);
        return new(DexProgramIds.ComputeBudget, [], d);
    }

    public static ScenarioInstruction ComputeUnitPrice(ulong microLamports)
    {
        var d = new byte[9];
        d[0] = 3;
        BinaryPrimitives.WriteUInt64LittleEndian(d.AsSpan(1), microLamports);
        return new(DexProgramIds.ComputeBudget, [], d);
    }

    public static ScenarioInstruction SolTransfer(Pubkey from, Pubkey to, ulong lamports)
    {
        var d = new byte[12];
        BinaryPrimitives.WriteUInt32LittleEndian(d, 2);
        BinaryPrimitives.WriteUInt64LittleEndian(d.AsSpan(4), lamports);
        return new(DexProgramIds.SystemProgram, [Meta.S(from), Meta.W(to)], d);
    }

    public static ScenarioInstruction TokenTransfer(Pubkey source, Pubkey destination, Pubkey owner, ulong amount)
    {
        var d = new byte[9];
        d[0] = 3;
        BinaryPrimitives.WriteUInt64LittleEndian(d.AsSpan(1), amount);
        return new(DexProgramIds.TokenProgram, [Meta.W(source), Meta.W(destination), Meta.S(owner)], d);
    }

    public static ScenarioInstruction CreateAtaIdempotent(Pubkey payer, Pubkey ata, Pubkey owner, Pubkey mint)
        => new(DexProgramIds.AssociatedTokenProgram,
            [Meta.S(payer), Meta.W(ata), Meta.R(owner), Meta.R(mint), Meta.R(DexProgramIds.SystemProgram), Meta.R(DexProgramIds.TokenProgram)],
            [1]);

    public static ScenarioInstruction Vote(Pubkey voteAccount, Pubkey authority, ulong slot, ReadOnlySpan<byte> hash)
    {
        // A compact TowerSync-like payload: tag 14, the voted slot and bank hash. Detection only needs the program id.
        var d = new byte[4 + 8 + 32];
        BinaryPrimitives.WriteUInt32LittleEndian(d, 14);
        BinaryPrimitives.WriteUInt64LittleEndian(d.AsSpan(4), slot);
        hash.CopyTo(d.AsSpan(12));
        return new(DexProgramIds.VoteProgram, [Meta.W(voteAccount), Meta.S(authority)], d);
    }

    public static ScenarioInstruction Memo(string text) => new(DexProgramIds.MemoProgram, [], System.Text.Encoding.UTF8.GetBytes(text));

    private static byte[] AnchorArgs(ulong disc, int argBytes, out Span<byte> args)
    {
        var d = new byte[8 + argBytes];
        Anchor.Write(disc, d);
        args = d.AsSpan(8);
        return d;
    }

    /// <summary>A direct exact-in swap on <paramref name="pool"/> (every DEX the generator uses).</summary>
    public static ScenarioInstruction Swap(ScenarioPool pool, Pubkey user, Pubkey source, Pubkey destination, bool aToB, ulong amountIn, ulong minOut)
    {
        var x = pool.Extra;
        switch (pool.Dex)
        {
            case DexProgram.RaydiumAmmV4:
            {
                var d = new byte[17];
                d[0] = 9;
                BinaryPrimitives.WriteUInt64LittleEndian(d.AsSpan(1), amountIn);
                BinaryPrimitives.WriteUInt64LittleEndian(d.AsSpan(9), minOut);
                var list = new List<Meta>
                {
                    Meta.R(DexProgramIds.TokenProgram), Meta.W(pool.Address), Meta.R(x[0]), Meta.W(x[1]),
                };
                if (pool.EighteenAccounts)
                {
                    list.Add(Meta.W(x[2]));
                }

                list.AddRange([Meta.W(pool.VaultA), Meta.W(pool.VaultB), Meta.R(x[3]), Meta.W(x[4]), Meta.W(x[5]), Meta.W(x[6]), Meta.W(x[7]), Meta.W(x[8]), Meta.W(x[9]), Meta.R(x[10]),
                    Meta.W(source), Meta.W(destination), Meta.S(user)]);
                return new(DexProgramIds.RaydiumAmmV4, [.. list], d);
            }

            case DexProgram.RaydiumCpmm:
            {
                var d = AnchorArgs(Anchor.SwapBaseInput, 16, out var a);
                BinaryPrimitives.WriteUInt64LittleEndian(a, amountIn);
                BinaryPrimitives.WriteUInt64LittleEndian(a[8..], minOut);
                var (vin, vout) = aToB ? (pool.VaultA, pool.VaultB) : (pool.VaultB, pool.VaultA);
                return new(DexProgramIds.RaydiumCpmm,
                [
                    Meta.S(user), Meta.R(x[0]), Meta.R(x[1]), Meta.W(pool.Address), Meta.W(source), Meta.W(destination), Meta.W(vin), Meta.W(vout),
                    Meta.R(DexProgramIds.TokenProgram), Meta.R(DexProgramIds.TokenProgram), Meta.R(pool.MintIn(aToB)), Meta.R(pool.MintOut(aToB)), Meta.W(x[2]),
                ], d);
            }

            case DexProgram.RaydiumClmm:
            {
                var d = AnchorArgs(Anchor.SwapV2, 33, out var a);
                BinaryPrimitives.WriteUInt64LittleEndian(a, amountIn);
                BinaryPrimitives.WriteUInt64LittleEndian(a[8..], minOut);
                a[32] = 1; // is_base_input
                var (vin, vout) = aToB ? (pool.VaultA, pool.VaultB) : (pool.VaultB, pool.VaultA);
                return new(DexProgramIds.RaydiumClmm,
                [
                    Meta.S(user), Meta.R(x[0]), Meta.W(pool.Address), Meta.W(source), Meta.W(destination), Meta.W(vin), Meta.W(vout), Meta.W(x[1]),
                    Meta.R(DexProgramIds.TokenProgram), Meta.R(DexProgramIds.Token2022Program), Meta.R(DexProgramIds.MemoProgram),
                    Meta.R(pool.MintIn(aToB)), Meta.R(pool.MintOut(aToB)), Meta.W(x[2]),
                ], d);
            }

            case DexProgram.OrcaWhirlpool:
            {
                var d = AnchorArgs(pool.UseV2 ? Anchor.SwapV2 : Anchor.Swap, pool.UseV2 ? 35 : 34, out var a);
                BinaryPrimitives.WriteUInt64LittleEndian(a, amountIn);
                BinaryPrimitives.WriteUInt64LittleEndian(a[8..], minOut);
                BinaryPrimitives.WriteUInt128LittleEndian(a[16..], aToB ? 4295048016 : UInt128.Parse("79226673515401279992447579055", System.Globalization.CultureInfo.InvariantCulture));
                a[32] = 1;
                a[33] = aToB ? (byte)1 : (byte)0;
                var (ownerA, ownerB) = aToB ? (source, destination) : (destination, source);
                if (pool.UseV2)
                {
                    return new(DexProgramIds.OrcaWhirlpool,
                    [
                        Meta.R(DexProgramIds.TokenProgram), Meta.R(DexProgramIds.TokenProgram), Meta.R(DexProgramIds.MemoProgram), Meta.S(user), Meta.W(pool.Address),
                        Meta.R(pool.MintA), Meta.R(pool.MintB), Meta.W(ownerA), Meta.W(pool.VaultA), Meta.W(ownerB), Meta.W(pool.VaultB),
                        Meta.W(x[0]), Meta.W(x[1]), Meta.W(x[2]), Meta.R(x[3]),
                    ], d);
                }

                return new(DexProgramIds.OrcaWhirlpool,
                [
                    Meta.R(DexProgramIds.TokenProgram), Meta.S(user), Meta.W(pool.Address), Meta.W(ownerA), Meta.W(pool.VaultA), Meta.W(ownerB), Meta.W(pool.VaultB),
                    Meta.W(x[0]), Meta.W(x[1]), Meta.W(x[2]), Meta.R(x[3]),
                ], d);
            }

            case DexProgram.MeteoraDlmm:
            {
                var d = AnchorArgs(Anchor.Swap, 16, out var a);
                BinaryPrimitives.WriteUInt64LittleEndian(a, amountIn);
                BinaryPrimitives.WriteUInt64LittleEndian(a[8..], minOut);
                return new(DexProgramIds.MeteoraDlmm,
                [
                    Meta.W(pool.Address), Meta.R(DexProgramIds.MeteoraDlmm), Meta.W(pool.VaultA), Meta.W(pool.VaultB), Meta.W(source), Meta.W(destination),
                    Meta.R(pool.MintA), Meta.R(pool.MintB), Meta.W(x[0]), Meta.R(DexProgramIds.MeteoraDlmm), Meta.S(user), Meta.R(DexProgramIds.TokenProgram),
                    Meta.R(DexProgramIds.TokenProgram), Meta.R(x[1]), Meta.R(DexProgramIds.MeteoraDlmm), Meta.W(x[2]),
                ], d);
            }

            case DexProgram.MeteoraDammV2:
            {
                var d = AnchorArgs(Anchor.Swap, 16, out var a);
                BinaryPrimitives.WriteUInt64LittleEndian(a, amountIn);
                BinaryPrimitives.WriteUInt64LittleEndian(a[8..], minOut);
                return new(DexProgramIds.MeteoraDammV2,
                [
                    Meta.R(x[0]), Meta.W(pool.Address), Meta.W(source), Meta.W(destination), Meta.W(pool.VaultA), Meta.W(pool.VaultB), Meta.R(pool.MintA), Meta.R(pool.MintB),
                    Meta.S(user), Meta.R(DexProgramIds.TokenProgram), Meta.R(DexProgramIds.TokenProgram), Meta.R(DexProgramIds.MeteoraDammV2), Meta.R(x[1]), Meta.R(DexProgramIds.MeteoraDammV2),
                ], d);
            }

            case DexProgram.PumpSwap:
            {
                // Base = MintA or MintB as the pool defines; the generator uses base = the non-WSOL mint (x[0] flags which).
                var baseIsA = x[0] == pool.MintA;
                var baseMint = baseIsA ? pool.MintA : pool.MintB;
                var quoteMint = baseIsA ? pool.MintB : pool.MintA;
                var sellsBase = aToB == baseIsA;
                var d = AnchorArgs(sellsBase ? Anchor.Sell : Anchor.BuyExactQuoteIn, 16, out var a);
                BinaryPrimitives.WriteUInt64LittleEndian(a, amountIn);
                BinaryPrimitives.WriteUInt64LittleEndian(a[8..], minOut);
                var (userBase, userQuote) = sellsBase ? (source, destination) : (destination, source);
                var (poolBase, poolQuote) = baseIsA ? (pool.VaultA, pool.VaultB) : (pool.VaultB, pool.VaultA);
                return new(DexProgramIds.PumpSwap,
                [
                    Meta.R(pool.Address), Meta.S(user), Meta.R(x[1]), Meta.R(baseMint), Meta.R(quoteMint), Meta.W(userBase), Meta.W(userQuote), Meta.W(poolBase), Meta.W(poolQuote),
                    Meta.R(x[2]), Meta.W(x[3]), Meta.R(DexProgramIds.TokenProgram), Meta.R(DexProgramIds.TokenProgram), Meta.R(DexProgramIds.SystemProgram),
                    Meta.R(DexProgramIds.AssociatedTokenProgram), Meta.R(x[4]), Meta.R(DexProgramIds.PumpSwap),
                ], d);
            }

            case DexProgram.PumpFun:
            {
                // MintA/MintB: one is WSOL (native SOL leg), the other the token (x[0]).
                var token = x[0];
                var buy = pool.MintIn(aToB) == DexProgramIds.WrappedSolMint;
                var d = AnchorArgs(buy ? Anchor.BuyExactSolIn : Anchor.Sell, 16, out var a);
                BinaryPrimitives.WriteUInt64LittleEndian(a, amountIn);
                BinaryPrimitives.WriteUInt64LittleEndian(a[8..], minOut);
                var tokenAccount = buy ? destination : source;
                return new(DexProgramIds.PumpFun,
                [
                    Meta.R(x[1]), Meta.W(x[2]), Meta.R(token), Meta.W(pool.Address), Meta.W(pool.VaultA == token ? pool.VaultB : pool.VaultA), Meta.W(tokenAccount), Meta.S(user),
                    Meta.R(DexProgramIds.SystemProgram), Meta.R(DexProgramIds.TokenProgram), Meta.W(x[3]), Meta.R(x[4]), Meta.R(DexProgramIds.PumpFun),
                ], d);
            }

            case DexProgram.LifinityV2:
            {
                var d = AnchorArgs(Anchor.Swap, 16, out var a);
                BinaryPrimitives.WriteUInt64LittleEndian(a, amountIn);
                BinaryPrimitives.WriteUInt64LittleEndian(a[8..], minOut);
                var (vin, vout) = aToB ? (pool.VaultA, pool.VaultB) : (pool.VaultB, pool.VaultA);
                return new(DexProgramIds.LifinityV2,
                [
                    Meta.R(x[0]), Meta.W(pool.Address), Meta.S(user), Meta.W(source), Meta.W(destination), Meta.W(vin), Meta.W(vout), Meta.W(x[1]), Meta.W(x[2]),
                    Meta.R(DexProgramIds.TokenProgram), Meta.R(x[3]), Meta.R(x[4]), Meta.R(x[5]),
                ], d);
            }

            default:
                throw new InvalidOperationException($"The generator does not build swaps for {pool.Dex}.");
        }
    }

    /// <summary>A Jupiter v6 <c>route</c> with one Whirlpool swap_v2 hop (the layout of the real sample route).</summary>
    public static ScenarioInstruction JupiterWhirlpoolRoute(ScenarioPool pool, Pubkey user, Pubkey source, Pubkey destination, bool aToB, ulong amountIn, ulong quotedOut, ushort slippageBps, Pubkey eventAuthority)
    {
        var d = new byte[8 + 4 + 1 + 1 + 1 + 3 + 8 + 8 + 2 + 1];
        Anchor.Write(Anchor.Route, d);
        var s = d.AsSpan(8);
        BinaryPrimitives.WriteUInt32LittleEndian(s, 1);
        s[4] = 47; // WhirlpoolSwapV2
        s[5] = aToB ? (byte)1 : (byte)0;
        s[6] = 0; // remaining_accounts_info: None
        s[7] = 100; // percent
        s[8] = 0;
        s[9] = 1;
        BinaryPrimitives.WriteUInt64LittleEndian(s[10..], amountIn);
        BinaryPrimitives.WriteUInt64LittleEndian(s[18..], quotedOut);
        BinaryPrimitives.WriteUInt16LittleEndian(s[26..], slippageBps);
        s[28] = 0;
        var x = pool.Extra;
        var (ownerA, ownerB) = aToB ? (source, destination) : (destination, source);
        var jup = DexProgramIds.JupiterV6;
        return new(jup,
        [
            Meta.R(DexProgramIds.TokenProgram), Meta.S(user), Meta.W(source), Meta.W(destination), Meta.R(jup), Meta.R(pool.MintOut(aToB)), Meta.R(jup), Meta.R(eventAuthority), Meta.R(jup),
            Meta.R(DexProgramIds.OrcaWhirlpool), Meta.R(DexProgramIds.TokenProgram), Meta.R(DexProgramIds.TokenProgram), Meta.R(DexProgramIds.MemoProgram), Meta.R(user),
            Meta.W(pool.Address), Meta.R(pool.MintA), Meta.R(pool.MintB), Meta.W(ownerA), Meta.W(pool.VaultA), Meta.W(ownerB), Meta.W(pool.VaultB),
            Meta.W(x[0]), Meta.W(x[1]), Meta.W(x[2]), Meta.R(x[3]),
        ], d);
    }

    /// <summary>Whirlpool increase/decrease liquidity (v1 layout).</summary>
    public static ScenarioInstruction WhirlpoolLiquidity(ScenarioPool pool, Pubkey owner, Pubkey position, Pubkey positionToken, Pubkey ownerA, Pubkey ownerB, bool add, UInt128 liquidity, ulong tokenA, ulong tokenB)
    {
        var d = AnchorArgs(add ? Anchor.IncreaseLiquidity : Anchor.DecreaseLiquidity, 32, out var a);
        BinaryPrimitives.WriteUInt128LittleEndian(a, liquidity);
        BinaryPrimitives.WriteUInt64LittleEndian(a[16..], tokenA);
        BinaryPrimitives.WriteUInt64LittleEndian(a[24..], tokenB);
        var x = pool.Extra;
        return new(DexProgramIds.OrcaWhirlpool,
        [
            Meta.W(pool.Address), Meta.R(DexProgramIds.TokenProgram), Meta.S(owner), Meta.W(position), Meta.R(positionToken), Meta.W(ownerA), Meta.W(ownerB),
            Meta.W(pool.VaultA), Meta.W(pool.VaultB), Meta.W(x[0]), Meta.W(x[1]),
        ], d);
    }

    /// <summary>Meteora DLMM add_liquidity_by_strategy / remove_liquidity_by_range (accounts 0 position, 1 lb_pair, 11 sender).</summary>
    public static ScenarioInstruction DlmmLiquidity(ScenarioPool pool, Pubkey owner, Pubkey position, Pubkey userX, Pubkey userY, bool add, ulong amountX, ulong amountY)
    {
        var d = AnchorArgs(add ? Anchor.AddLiquidityByStrategy : Anchor.RemoveLiquidityByRange, 16, out var a);
        BinaryPrimitives.WriteUInt64LittleEndian(a, amountX);
        BinaryPrimitives.WriteUInt64LittleEndian(a[8..], amountY);
        var x = pool.Extra;
        return new(DexProgramIds.MeteoraDlmm,
        [
            Meta.W(position), Meta.W(pool.Address), Meta.R(DexProgramIds.MeteoraDlmm), Meta.W(userX), Meta.W(userY), Meta.W(pool.VaultA), Meta.W(pool.VaultB),
            Meta.R(pool.MintA), Meta.R(pool.MintB), Meta.W(x[2]), Meta.W(x[3]), Meta.S(owner), Meta.R(DexProgramIds.TokenProgram), Meta.R(DexProgramIds.TokenProgram),
            Meta.R(x[1]), Meta.R(DexProgramIds.MeteoraDlmm),
        ], d);
    }
}
