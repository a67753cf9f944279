namespace MevDefense.Detection.Decoding;

/// <summary>A top-level SOL (System program) or SPL token transfer inside a transaction.</summary>
public readonly record struct TransferRecord
{
    /// <summary>Gets the source: a wallet for SOL, a token account for SPL transfers.</summary>
    public Pubkey From { get; init; }

    /// <summary>Gets the destination: a wallet for SOL, a token account for SPL transfers.</summary>
    public Pubkey To { get; init; }

    /// <summary>Gets the authority that signed an SPL transfer (the source owner), or the source wallet for SOL.</summary>
    public Pubkey Authority { get; init; }

    /// <summary>Gets the amount in lamports or raw token units.</summary>
    public ulong Amount { get; init; }

    /// <summary>Gets whether this is an SPL token transfer (else SOL).</summary>
    public bool IsToken { get; init; }

    /// <summary>Gets whether the destination is a Jito tip account.</summary>
    public bool IsTip { get; init; }
}
