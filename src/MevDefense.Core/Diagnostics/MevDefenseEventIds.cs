namespace MevDefense;

/// <summary>
/// Logging event ids. Ranges: Core 1–999, Ingest 1000–1999, Dna 2000–2999, Detection 3000–3999, AspNetCore 4000–4999.
/// Ids are never reused; a retired id stays here as a comment.
/// </summary>
public static class MevDefenseEventIds
{
    /// <summary>The host started MevDefense.</summary>
    public const int Started = 1;

    /// <summary>The host stopped MevDefense.</summary>
    public const int Stopped = 2;

    /// <summary>The first id of the ingest range.</summary>
    public const int IngestBase = 1000;

    /// <summary>The first id of the Decision DNA range.</summary>
    public const int DnaBase = 2000;

    /// <summary>The first id of the detection range.</summary>
    public const int DetectionBase = 3000;

    /// <summary>The first id of the ASP.NET Core range.</summary>
    public const int AspNetCoreBase = 4000;
}
