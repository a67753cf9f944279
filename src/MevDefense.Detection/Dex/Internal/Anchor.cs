using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace MevDefense.Detection.Dex.Internal;

/// <summary>Anchor instruction discriminators: the first 8 bytes of <c>sha256("global:" + name)</c>, as a little-endian u64.</summary>
internal static class Anchor
{
    public static readonly ulong Swap = Sighash("swap");
    public static readonly ulong SwapV2 = Sighash("swap_v2");
    public static readonly ulong Swap2 = Sighash("swap2");
    public static readonly ulong TwoHopSwap = Sighash("two_hop_swap");
    public static readonly ulong TwoHopSwapV2 = Sighash("two_hop_swap_v2");
    public static readonly ulong SwapBaseInput = Sighash("swap_base_input");
    public static readonly ulong SwapBaseOutput = Sighash("swap_base_output");
    public static readonly ulong SwapExactOut = Sighash("swap_exact_out");
    public static readonly ulong SwapExactOut2 = Sighash("swap_exact_out2");
    public static readonly ulong SwapWithPriceImpact = Sighash("swap_with_price_impact");
    public static readonly ulong SwapWithPriceImpact2 = Sighash("swap_with_price_impact2");
    public static readonly ulong SwapRouterBaseIn = Sighash("swap_router_base_in");
    public static readonly ulong Buy = Sighash("buy");
    public static readonly ulong Sell = Sighash("sell");
    public static readonly ulong BuyExactSolIn = Sighash("buy_exact_sol_in");
    public static readonly ulong BuyExactQuoteIn = Sighash("buy_exact_quote_in");
    public static readonly ulong Route = Sighash("route");
    public static readonly ulong RouteWithTokenLedger = Sighash("route_with_token_ledger");
    public static readonly ulong SharedAccountsRoute = Sighash("shared_accounts_route");
    public static readonly ulong SharedAccountsRouteWithTokenLedger = Sighash("shared_accounts_route_with_token_ledger");
    public static readonly ulong ExactOutRoute = Sighash("exact_out_route");
    public static readonly ulong SharedAccountsExactOutRoute = Sighash("shared_accounts_exact_out_route");
    public static readonly ulong PlaceTakeOrder = Sighash("place_take_order");

    // Liquidity (JIT detection).
    public static readonly ulong IncreaseLiquidity = Sighash("increase_liquidity");
    public static readonly ulong IncreaseLiquidityV2 = Sighash("increase_liquidity_v2");
    public static readonly ulong DecreaseLiquidity = Sighash("decrease_liquidity");
    public static readonly ulong DecreaseLiquidityV2 = Sighash("decrease_liquidity_v2");
    public static readonly ulong AddLiquidity = Sighash("add_liquidity");
    public static readonly ulong AddLiquidity2 = Sighash("add_liquidity2");
    public static readonly ulong AddLiquidityByStrategy = Sighash("add_liquidity_by_strategy");
    public static readonly ulong AddLiquidityByStrategy2 = Sighash("add_liquidity_by_strategy2");
    public static readonly ulong AddLiquidityByWeight = Sighash("add_liquidity_by_weight");
    public static readonly ulong RemoveLiquidity = Sighash("remove_liquidity");
    public static readonly ulong RemoveLiquidity2 = Sighash("remove_liquidity2");
    public static readonly ulong RemoveLiquidityByRange = Sighash("remove_liquidity_by_range");
    public static readonly ulong RemoveLiquidityByRange2 = Sighash("remove_liquidity_by_range2");
    public static readonly ulong RemoveAllLiquidity = Sighash("remove_all_liquidity");

    /// <summary>Computes an Anchor instruction discriminator.</summary>
    public static ulong Sighash(string name)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes("global:" + name), hash);
        return BinaryPrimitives.ReadUInt64LittleEndian(hash);
    }

    /// <summary>Writes the 8 discriminator bytes of <paramref name="disc"/>.</summary>
    public static void Write(ulong disc, Span<byte> destination) => BinaryPrimitives.WriteUInt64LittleEndian(destination, disc);

    /// <summary>Reads the discriminator, or returns false when the data is shorter than 8 bytes.</summary>
    public static bool TryRead(ReadOnlySpan<byte> data, out ulong disc)
    {
        if (data.Length < 8)
        {
            disc = 0;
            return false;
        }

        disc = BinaryPrimitives.ReadUInt64LittleEndian(data);
        return true;
    }
}
