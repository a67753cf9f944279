namespace MevDefense.Detection.Decoding;

/// <summary>A token account whose owner and mint a transaction reveals (associated-token-account create instructions).</summary>
public readonly record struct TokenAccountInfo
{
    /// <summary>Gets the token account.</summary>
    public Pubkey Account { get; init; }

    /// <summary>Gets the wallet that owns it.</summary>
    public Pubkey Owner { get; init; }

    /// <summary>Gets its mint.</summary>
    public Pubkey Mint { get; init; }
}
