namespace MevDefense.Detection.Features;

/// <summary>
/// The decoded facts about one transaction that the model's feature extractor consumes: identities, the first
/// decoded swap, compute-budget settings, tips and transfers. Fill it from a decoded transaction
/// (see <c>TransactionFeatureInputs</c>) or by hand; every field is optional and defaults to "absent".
/// </summary>
public struct TransactionFeatureInput
{
    /// <summary>Gets or sets the fee payer (first signer).</summary>
    /// <value>The default value is <see cref="Pubkey.Zero"/> (unknown).</value>
    public Pubkey Signer { get; set; }

    /// <summary>Gets or sets the pool (or market) of the first swap.</summary>
    /// <value>The default value is <see cref="Pubkey.Zero"/> (no swap).</value>
    public Pubkey Pool { get; set; }

    /// <summary>Gets or sets the pool of the last swap when the transaction swaps more than once.</summary>
    /// <value>The default value is <see cref="Pubkey.Zero"/>.</value>
    public Pubkey LastPool { get; set; }

    /// <summary>Gets or sets the token account the first swap pays from.</summary>
    /// <value>The default value is <see cref="Pubkey.Zero"/>.</value>
    public Pubkey SourceTokenAccount { get; set; }

    /// <summary>Gets or sets the token account the last swap pays into.</summary>
    /// <value>The default value is <see cref="Pubkey.Zero"/>.</value>
    public Pubkey DestinationTokenAccount { get; set; }

    /// <summary>Gets or sets the destination of a plain SOL transfer in the transaction (a funding link between wallets).</summary>
    /// <value>The default value is <see cref="Pubkey.Zero"/>.</value>
    public Pubkey TransferDestination { get; set; }

    /// <summary>Gets or sets the number of decoded swaps.</summary>
    /// <value>The default value is 0.</value>
    public int SwapCount { get; set; }

    /// <summary>Gets or sets the number of distinct pools swapped on.</summary>
    /// <value>The default value is 0.</value>
    public int DistinctPools { get; set; }

    /// <summary>Gets or sets the direction of the first swap relative to its pool: +1 (token A to B), -1 (B to A), 0 unknown.</summary>
    /// <value>The default value is 0.</value>
    public int Direction { get; set; }

    /// <summary>Gets or sets the input amount of the first swap (raw token units), or the maximum input for exact-out swaps.</summary>
    /// <value>The default value is 0.</value>
    public ulong AmountIn { get; set; }

    /// <summary>Gets or sets the minimum output (or the exact output for exact-out swaps).</summary>
    /// <value>The default value is 0.</value>
    public ulong MinimumOut { get; set; }

    /// <summary>Gets or sets whether the first swap is an exact-output swap.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool ExactOut { get; set; }

    /// <summary>Gets or sets whether the swaps form a cycle (the last output returns to the first input: atomic arbitrage shape).</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool Cyclic { get; set; }

    /// <summary>Gets or sets the dex program family of the first swap (a small integer; 0 = none or unknown).</summary>
    /// <value>The default value is 0.</value>
    public int ProgramKind { get; set; }

    /// <summary>Gets or sets the compute-unit price in micro-lamports per CU.</summary>
    /// <value>The default value is 0.</value>
    public ulong ComputeUnitPrice { get; set; }

    /// <summary>Gets or sets the compute-unit limit (0 when not set).</summary>
    /// <value>The default value is 0.</value>
    public uint ComputeUnitLimit { get; set; }

    /// <summary>Gets or sets the lamports transferred to Jito tip accounts.</summary>
    /// <value>The default value is 0.</value>
    public ulong TipLamports { get; set; }

    /// <summary>Gets or sets whether the transaction carries the <c>jitodontfront</c> marker account.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool DontFront { get; set; }

    /// <summary>Gets or sets whether the transaction is a vote.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool IsVote { get; set; }

    /// <summary>Gets or sets the lamports of plain SOL transfers in the transaction.</summary>
    /// <value>The default value is 0.</value>
    public ulong TransferLamports { get; set; }

    /// <summary>Gets or sets the number of signatures.</summary>
    /// <value>The default value is 0.</value>
    public int SignatureCount { get; set; }

    /// <summary>Gets or sets the number of top-level instructions.</summary>
    /// <value>The default value is 0.</value>
    public int InstructionCount { get; set; }

    /// <summary>Gets or sets whether some swap accounts sit behind unresolved address lookup tables.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool HasUnresolvedAccounts { get; set; }
}
