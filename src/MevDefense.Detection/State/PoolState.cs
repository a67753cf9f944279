using MevDefense.Detection.Dex;

namespace MevDefense.Detection.State;

/// <summary>The state of a constant-product-like pool at a point in time: its mints (A is the lower key) and reserves.</summary>
public readonly record struct PoolState
{
    /// <summary>Gets the program family.</summary>
    public DexProgram Dex { get; init; }

    /// <summary>Gets token A's mint (the lower key).</summary>
    public Pubkey MintA { get; init; }

    /// <summary>Gets token B's mint.</summary>
    public Pubkey MintB { get; init; }

    /// <summary>Gets the reserve of token A in raw units.</summary>
    public ulong ReserveA { get; init; }

    /// <summary>Gets the reserve of token B in raw units.</summary>
    public ulong ReserveB { get; init; }

    /// <summary>Gets the trade fee in basis points.</summary>
    public int FeeBps { get; init; }

    /// <summary>Gets whether the pool prices by constant product (x·y=k), so a swap can be replayed exactly from reserves.</summary>
    public bool IsConstantProduct { get; init; }
}
