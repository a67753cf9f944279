namespace MevDefense;

/// <summary>Names of the meters MevDefense publishes through <see cref="System.Diagnostics.Metrics.IMeterFactory"/>.</summary>
/// <remarks>Subscribe with <c>AddMeter(MevDefenseMeters.All)</c> (OpenTelemetry) or by name.</remarks>
public static class MevDefenseMeters
{
    /// <summary>The shred ingestion meter.</summary>
    public const string Ingest = "MevDefense.Ingest";

    /// <summary>The Decision DNA ledger meter.</summary>
    public const string Dna = "MevDefense.Dna";

    /// <summary>The detection meter.</summary>
    public const string Detection = "MevDefense.Detection";

    /// <summary>The ASP.NET Core add-on meter.</summary>
    public const string AspNetCore = "MevDefense.AspNetCore";

    /// <summary>Gets every MevDefense meter name.</summary>
    public static IReadOnlyList<string> All { get; } = [Ingest, Dna, Detection, AspNetCore];
}
