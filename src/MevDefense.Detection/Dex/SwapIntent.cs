namespace MevDefense.Detection.Dex;

/// <summary>
/// What one swap instruction (or one hop of a routed swap) asks for, read from the instruction alone: the program,
/// the pool, the user and token accounts, the direction where knowable, and the amounts as the user bounded them.
/// Realised amounts need execution metadata and are not part of an intent.
/// </summary>
/// <remarks>A value type with no references except the constant <see cref="Instruction"/> name, so decoding into a
/// <see cref="Span{T}"/> allocates nothing.</remarks>
public readonly record struct SwapIntent
{
    /// <summary>Gets the program family.</summary>
    public DexProgram Dex { get; init; }

    /// <summary>Gets the program that executes the swap (the DEX program, also for hops of a routed swap).</summary>
    public Pubkey Program { get; init; }

    /// <summary>Gets the aggregator that routed this hop (for example Jupiter v6), or <see cref="Pubkey.Zero"/> for a direct swap.</summary>
    public Pubkey Router { get; init; }

    /// <summary>Gets the account that identifies the market (AMM, pool state, whirlpool, LB pair, bonding curve, order-book market).</summary>
    /// <value><see cref="Pubkey.Zero"/> when the instruction names no single pool (a route whose hops could not be located).</value>
    public Pubkey Pool { get; init; }

    /// <summary>Gets the user (the signing owner or transfer authority of the user's token accounts).</summary>
    public Pubkey User { get; init; }

    /// <summary>Gets the user's token account that pays the input, or <see cref="Pubkey.Zero"/> when not in the instruction.</summary>
    public Pubkey SourceTokenAccount { get; init; }

    /// <summary>Gets the user's token account that receives the output, or <see cref="Pubkey.Zero"/> when not in the instruction.</summary>
    public Pubkey DestinationTokenAccount { get; init; }

    /// <summary>Gets the input mint when the instruction names it, else <see cref="Pubkey.Zero"/> (native SOL is the wrapped-SOL mint).</summary>
    public Pubkey SourceMint { get; init; }

    /// <summary>Gets the output mint when the instruction names it, else <see cref="Pubkey.Zero"/>.</summary>
    public Pubkey DestinationMint { get; init; }

    /// <summary>Gets the direction relative to the pool, or <see cref="SwapDirection.Unknown"/>.</summary>
    public SwapDirection Direction { get; init; }

    /// <summary>Gets how <see cref="Amount"/> and <see cref="Limit"/> are specified.</summary>
    public SwapAmountKind AmountKind { get; init; }

    /// <summary>Gets the exact input (<see cref="SwapAmountKind.ExactIn"/>) or exact output (<see cref="SwapAmountKind.ExactOut"/>), in raw token units.</summary>
    public ulong Amount { get; init; }

    /// <summary>Gets the minimum output (<see cref="SwapAmountKind.ExactIn"/>) or maximum input (<see cref="SwapAmountKind.ExactOut"/>); 0 means no slippage bound.</summary>
    public ulong Limit { get; init; }

    /// <summary>Gets the price limit when the instruction has one (sqrt price X64 for CLMM/Whirlpool, price in ticks or lots for order books), else 0.</summary>
    public UInt128 PriceLimit { get; init; }

    /// <summary>Gets the hop index inside a multi-hop instruction (0 for single swaps).</summary>
    public byte HopIndex { get; init; }

    /// <summary>Gets the instruction name as the program's IDL spells it (for example <c>swap_v2</c>).</summary>
    public string? Instruction { get; init; }

    /// <summary>Gets the input amount: the exact input, or the maximum input for exact-out swaps.</summary>
    public ulong AmountInBound => AmountKind == SwapAmountKind.ExactIn ? Amount : Limit;

    /// <summary>Gets the output amount: the minimum output for exact-in swaps, or the exact output.</summary>
    public ulong AmountOutBound => AmountKind == SwapAmountKind.ExactIn ? Limit : Amount;

    /// <summary>Gets whether the intent names a pool.</summary>
    public bool HasPool => !Pool.IsZero;
}
