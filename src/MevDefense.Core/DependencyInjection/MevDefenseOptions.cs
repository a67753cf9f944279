namespace MevDefense;

/// <summary>Options shared by every MevDefense feature (section <c>MevDefense</c>).</summary>
public sealed class MevDefenseOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "MevDefense";

    /// <summary>Gets or sets the Solana JSON-RPC endpoint (also read from the <c>SOLANA_RPC</c> environment variable).</summary>
    /// <value>The default value is <see langword="null"/>: no RPC is used.</value>
    public Uri? SolanaRpc { get; set; }
}
