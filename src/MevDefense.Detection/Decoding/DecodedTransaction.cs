using MevDefense.Detection.Dex;

namespace MevDefense.Detection.Decoding;

/// <summary>
/// Everything detection needs from one transaction: identity and position, signers, decoded swaps and liquidity
/// changes, transfers and tips, compute-budget settings and markers. Instances are reusable buffers: a
/// <see cref="TransactionDecoder"/> overwrites them, so a window of transactions can be decoded without allocating.
/// </summary>
public sealed class DecodedTransaction
{
    private Pubkey[] _signers = new Pubkey[1];
    private SwapIntent[] _swaps = new SwapIntent[1];
    private LiquidityIntent[] _liquidity = new LiquidityIntent[1];
    private TransferRecord[] _transfers = new TransferRecord[1];
    private TokenAccountInfo[] _tokenAccounts = new TokenAccountInfo[1];
    private int _signerCount;
    private int _swapCount;
    private int _liquidityCount;
    private int _transferCount;
    private int _tokenAccountCount;

    /// <summary>Gets or sets the first signature (the transaction id).</summary>
    public Signature Signature { get; set; }

    /// <summary>Gets or sets the slot the transaction landed in (or was observed for).</summary>
    public ulong Slot { get; set; }

    /// <summary>Gets or sets the position in the slot (block order).</summary>
    public int Index { get; set; }

    /// <summary>Gets the fee payer (first signer), or <see cref="Pubkey.Zero"/>.</summary>
    public Pubkey FeePayer => _signerCount > 0 ? _signers[0] : default;

    /// <summary>Gets the signers in message order.</summary>
    public ReadOnlySpan<Pubkey> Signers => _signers.AsSpan(0, _signerCount);

    /// <summary>Gets the decoded swaps (one per hop) in instruction order.</summary>
    public ReadOnlySpan<SwapIntent> Swaps => _swaps.AsSpan(0, _swapCount);

    /// <summary>Gets the concentrated-liquidity position changes.</summary>
    public ReadOnlySpan<LiquidityIntent> LiquidityChanges => _liquidity.AsSpan(0, _liquidityCount);

    /// <summary>Gets the top-level SOL and token transfers (tips included).</summary>
    public ReadOnlySpan<TransferRecord> Transfers => _transfers.AsSpan(0, _transferCount);

    /// <summary>Gets the token accounts whose owner and mint the transaction reveals.</summary>
    public ReadOnlySpan<TokenAccountInfo> TokenAccounts => _tokenAccounts.AsSpan(0, _tokenAccountCount);

    /// <summary>Gets or sets the number of signatures.</summary>
    public int SignatureCount { get; set; }

    /// <summary>Gets or sets the number of top-level instructions.</summary>
    public int InstructionCount { get; set; }

    /// <summary>Gets or sets the compute-unit limit requested (0 when not set).</summary>
    public uint ComputeUnitLimit { get; set; }

    /// <summary>Gets or sets the compute-unit price in micro-lamports (0 when not set).</summary>
    public ulong ComputeUnitPrice { get; set; }

    /// <summary>Gets or sets the lamports sent to Jito tip accounts.</summary>
    public ulong TipLamports { get; set; }

    /// <summary>Gets or sets whether the transaction carries a <c>jitodontfront</c> marker account.</summary>
    public bool DontFront { get; set; }

    /// <summary>Gets or sets whether the transaction is a vote.</summary>
    public bool IsVote { get; set; }

    /// <summary>Gets or sets the number of instructions whose program or accounts sit in lookup tables that could not be resolved.</summary>
    public int UnresolvedInstructionCount { get; set; }

    /// <summary>Gets or sets the number of DEX swap instructions that could not be decoded because lookup-table accounts were unresolved.</summary>
    public int UnresolvedSwapCount { get; set; }

    /// <summary>Gets or sets the number of swap instructions of known programs that were malformed.</summary>
    public int MalformedSwapCount { get; set; }

    /// <summary>Gets whether the transaction holds at least one swap with a known pool.</summary>
    public bool HasSwap => _swapCount > 0;

    /// <summary>Resets every field so the instance can be reused.</summary>
    public void Clear()
    {
        Signature = default;
        Slot = 0;
        Index = 0;
        _signerCount = _swapCount = _liquidityCount = _transferCount = _tokenAccountCount = 0;
        SignatureCount = InstructionCount = 0;
        ComputeUnitLimit = 0;
        ComputeUnitPrice = 0;
        TipLamports = 0;
        DontFront = IsVote = false;
        UnresolvedInstructionCount = UnresolvedSwapCount = MalformedSwapCount = 0;
    }

    /// <summary>Appends a signer.</summary>
    /// <param name="signer">The signer.</param>
    public void AddSigner(in Pubkey signer) => Add(ref _signers, ref _signerCount, signer);

    /// <summary>Appends a swap.</summary>
    /// <param name="swap">The swap.</param>
    public void AddSwap(in SwapIntent swap) => Add(ref _swaps, ref _swapCount, swap);

    /// <summary>Appends a liquidity change.</summary>
    /// <param name="change">The change.</param>
    public void AddLiquidityChange(in LiquidityIntent change) => Add(ref _liquidity, ref _liquidityCount, change);

    /// <summary>Appends a transfer.</summary>
    /// <param name="transfer">The transfer.</param>
    public void AddTransfer(in TransferRecord transfer) => Add(ref _transfers, ref _transferCount, transfer);

    /// <summary>Appends a revealed token account.</summary>
    /// <param name="account">The token account.</param>
    public void AddTokenAccount(in TokenAccountInfo account) => Add(ref _tokenAccounts, ref _tokenAccountCount, account);

    /// <summary>Returns whether <paramref name="key"/> signed the transaction.</summary>
    /// <param name="key">The account.</param>
    /// <returns><see langword="true"/> for a signer.</returns>
    public bool IsSigner(in Pubkey key)
    {
        foreach (ref readonly var s in Signers)
        {
            if (s == key)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Copies every field of <paramref name="source"/> into this instance.</summary>
    /// <param name="source">The transaction to copy.</param>
    public void CopyFrom(DecodedTransaction source)
    {
        ArgumentNullException.ThrowIfNull(source);
        Clear();
        Signature = source.Signature;
        Slot = source.Slot;
        Index = source.Index;
        foreach (ref readonly var s in source.Signers)
        {
            AddSigner(s);
        }

        foreach (ref readonly var s in source.Swaps)
        {
            AddSwap(s);
        }

        foreach (ref readonly var l in source.LiquidityChanges)
        {
            AddLiquidityChange(l);
        }

        foreach (ref readonly var t in source.Transfers)
        {
            AddTransfer(t);
        }

        foreach (ref readonly var t in source.TokenAccounts)
        {
            AddTokenAccount(t);
        }

        SignatureCount = source.SignatureCount;
        InstructionCount = source.InstructionCount;
        ComputeUnitLimit = source.ComputeUnitLimit;
        ComputeUnitPrice = source.ComputeUnitPrice;
        TipLamports = source.TipLamports;
        DontFront = source.DontFront;
        IsVote = source.IsVote;
        UnresolvedInstructionCount = source.UnresolvedInstructionCount;
        UnresolvedSwapCount = source.UnresolvedSwapCount;
        MalformedSwapCount = source.MalformedSwapCount;
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Signature} slot {Slot}#{Index} swaps {_swapCount}";

    private static void Add<T>(ref T[] array, ref int count, in T item)
    {
        if (count == array.Length)
        {
            Array.Resize(ref array, array.Length * 2);
        }

        array[count++] = item;
    }
}
