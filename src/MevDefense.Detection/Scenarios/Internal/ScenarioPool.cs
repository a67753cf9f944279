using MevDefense.Detection.Dex;

namespace MevDefense.Detection.Scenarios.Internal;

/// <summary>A simulated pool: its accounts, mints (A is the lower key) and constant-product reserves.</summary>
internal sealed class ScenarioPool
{
    public required DexProgram Dex { get; init; }

    public required Pubkey Address { get; init; }

    public required Pubkey MintA { get; init; }

    public required Pubkey MintB { get; init; }

    public required Pubkey VaultA { get; init; }

    public required Pubkey VaultB { get; init; }

    /// <summary>Other accounts the instruction layouts need (authority, config, tick arrays, oracle, ...).</summary>
    public required Pubkey[] Extra { get; init; }

    public ulong ReserveA { get; set; }

    public ulong ReserveB { get; set; }

    public int FeeBps { get; init; } = 25;

    /// <summary>Raydium v4 pools use the 17- or 18-account form.</summary>
    public bool EighteenAccounts { get; init; }

    /// <summary>Whirlpool pools: use swap_v2 instead of swap.</summary>
    public bool UseV2 { get; init; }

    public Pubkey MintIn(bool aToB) => aToB ? MintA : MintB;

    public Pubkey MintOut(bool aToB) => aToB ? MintB : MintA;

    /// <summary>Constant-product output for an input, after the fee.</summary>
    public ulong Quote(bool aToB, ulong amountIn)
    {
        var (rin, rout) = aToB ? (ReserveA, ReserveB) : (ReserveB, ReserveA);
        var inAfterFee = (UInt128)amountIn * (uint)(10_000 - FeeBps) / 10_000;
        return (ulong)(inAfterFee * rout / (rin + inAfterFee));
    }

    /// <summary>Applies a swap to the reserves and returns the output.</summary>
    public ulong Apply(bool aToB, ulong amountIn)
    {
        var o = Quote(aToB, amountIn);
        if (aToB)
        {
            ReserveA += amountIn;
            ReserveB -= o;
        }
        else
        {
            ReserveB += amountIn;
            ReserveA -= o;
        }

        return o;
    }
}
