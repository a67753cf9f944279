namespace MevDefense.Detection.Dex;

/// <summary>A concentrated-liquidity position change (Whirlpool, Raydium CLMM, Meteora DLMM): the raw material of JIT detection.</summary>
public readonly record struct LiquidityIntent
{
    /// <summary>Gets the program family.</summary>
    public DexProgram Dex { get; init; }

    /// <summary>Gets the pool whose liquidity changes.</summary>
    public Pubkey Pool { get; init; }

    /// <summary>Gets the position account (or position NFT account), or <see cref="Pubkey.Zero"/>.</summary>
    public Pubkey Position { get; init; }

    /// <summary>Gets the position owner or authority named by the instruction.</summary>
    public Pubkey Owner { get; init; }

    /// <summary>Gets whether liquidity is added (<see langword="true"/>) or removed.</summary>
    public bool IsAdd { get; init; }
}
