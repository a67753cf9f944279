namespace MevDefense.Detection.Model;

/// <summary>The per-transaction roles the model scores; the numeric value is the column in its probability output.</summary>
public enum TransactionRole
{
    /// <summary>Not part of a detected MEV pattern.</summary>
    None = 0,

    /// <summary>The front-run of a sandwich.</summary>
    Front = 1,

    /// <summary>A victim inside a sandwich.</summary>
    Victim = 2,

    /// <summary>The back-run of a sandwich.</summary>
    Back = 3,

    /// <summary>An atomic arbitrage transaction.</summary>
    Arbitrage = 4,
}
