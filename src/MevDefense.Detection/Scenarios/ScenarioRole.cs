namespace MevDefense.Detection.Scenarios;

/// <summary>
/// The per-transaction role label of a generated transaction. The numeric values equal the model's role columns
/// (<c>MevDefense.Detection.Model.TransactionRole</c>): 0 none, 1 front, 2 victim, 3 back, 4 arbitrage. JIT liquidity
/// transactions are labelled <see cref="None"/> here and described by their <see cref="ScenarioLabel"/>; back-run
/// transactions are atomic arbitrages and labelled <see cref="Arbitrage"/>.
/// </summary>
public enum ScenarioRole : byte
{
    /// <summary>Not part of an MEV pattern.</summary>
    None = 0,

    /// <summary>The front-run of a sandwich.</summary>
    Front = 1,

    /// <summary>A victim inside a sandwich.</summary>
    Victim = 2,

    /// <summary>The back-run of a sandwich.</summary>
    Back = 3,

    /// <summary>An atomic arbitrage (including back-runs).</summary>
    Arbitrage = 4,
}
