using System.ComponentModel.DataAnnotations;

namespace MevDefense.Dna.Anchoring;

/// <summary>Options of <see cref="SolanaAnchor"/> and <see cref="SolanaAnchorVerifier"/>.</summary>
public sealed class SolanaAnchorOptions
{
    /// <summary>The environment variable read when <see cref="RpcEndpoint"/> is not set.</summary>
    public const string RpcEnvironmentVariable = "SOLANA_RPC";

    /// <summary>Gets or sets the Solana JSON-RPC endpoint. When <see langword="null"/>, the <c>SOLANA_RPC</c> environment variable is used.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public Uri? RpcEndpoint { get; set; }

    /// <summary>Gets or sets the commitment an anchor must reach before its receipt is stored (<c>processed</c>, <c>confirmed</c> or <c>finalized</c>).</summary>
    /// <value>The default value is <c>finalized</c>.</value>
    [Required]
    [RegularExpression("^(processed|confirmed|finalized)$")]
    public string Commitment { get; set; } = "finalized";

    /// <summary>Gets or sets how many times a memo transaction is signed with a fresh blockhash before anchoring gives up.</summary>
    /// <value>The default value is 5.</value>
    [Range(1, 100)]
    public int MaxSignAttempts { get; set; } = 5;

    /// <summary>Gets or sets the pause between signature-status polls (the signed transaction is re-broadcast at the same pace until its blockhash expires).</summary>
    /// <value>The default value is 500 milliseconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Gets or sets the number of RPC failures (network errors, HTTP errors, malformed answers) tolerated per sign attempt.</summary>
    /// <value>The default value is 10.</value>
    [Range(0, 1000)]
    public int MaxTransientErrors { get; set; } = 10;

    /// <summary>Gets or sets after how many new records the latest checkpoint is anchored by <see cref="SolanaAnchor.RunAsync"/> (0 = by time only).</summary>
    /// <value>The default value is 0.</value>
    [Range(0, int.MaxValue)]
    public int AnchorEveryRecords { get; set; }

    /// <summary>Gets or sets the longest time <see cref="SolanaAnchor.RunAsync"/> lets a newer checkpoint go unanchored (<see cref="TimeSpan.Zero"/> = by count only).</summary>
    /// <value>The default value is 10 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan AnchorInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Gets or sets how often <see cref="SolanaAnchor.RunAsync"/> looks at the store for a new checkpoint.</summary>
    /// <value>The default value is 5 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Resolves the endpoint from <see cref="RpcEndpoint"/> or <c>SOLANA_RPC</c>.</summary>
    /// <returns>The endpoint.</returns>
    /// <exception cref="InvalidOperationException">Neither is set, or <c>SOLANA_RPC</c> is not an absolute http(s) URL.</exception>
    public Uri ResolveEndpoint()
    {
        if (RpcEndpoint is not null)
        {
            return RpcEndpoint;
        }

        string? env = Environment.GetEnvironmentVariable(RpcEnvironmentVariable);
        return env is { Length: > 0 } && Uri.TryCreate(env, UriKind.Absolute, out Uri? uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri
            : throw new InvalidOperationException($"No Solana RPC endpoint: set {nameof(SolanaAnchorOptions)}.{nameof(RpcEndpoint)} or the {RpcEnvironmentVariable} environment variable to an http(s) URL.");
    }
}
