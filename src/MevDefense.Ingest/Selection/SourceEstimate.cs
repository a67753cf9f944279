namespace MevDefense.Ingest.Selection;

/// <summary>The current Beta(α, β) evidence of one source.</summary>
/// <param name="SourceId">The source id.</param>
/// <param name="Name">The source name.</param>
/// <param name="Kind">Feed or RPC route.</param>
/// <param name="Alpha">α: (decayed) wins plus the prior.</param>
/// <param name="Beta">β: (decayed) losses plus the prior.</param>
public readonly record struct SourceEstimate(int SourceId, string Name, SourceKind Kind, double Alpha, double Beta)
{
    /// <summary>Gets the posterior mean α / (α + β).</summary>
    public double Mean => Alpha / (Alpha + Beta);
}
