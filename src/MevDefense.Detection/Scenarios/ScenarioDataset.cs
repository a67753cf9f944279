using MevDefense.Detection.Lookup;
using MevDefense.Detection.State;

namespace MevDefense.Detection.Scenarios;

/// <summary>The output of <see cref="ScenarioGenerator"/>: slots of signed transactions with per-transaction roles, per-pattern
/// labels, the lookup tables the v0 transactions use and the pool/token-account state an RPC node would serve.</summary>
public sealed class ScenarioDataset
{
    /// <summary>Gets the seed that produced the dataset.</summary>
    public required int Seed { get; init; }

    /// <summary>Gets the slots in order.</summary>
    public required IReadOnlyList<GeneratedSlot> Slots { get; init; }

    /// <summary>Gets the pattern labels (positives and hard negatives).</summary>
    public required IReadOnlyList<ScenarioLabel> Labels { get; init; }

    /// <summary>Gets the address lookup tables referenced by v0 transactions.</summary>
    public required StaticAddressLookupTableProvider LookupTables { get; init; }

    /// <summary>Gets pool reserves per slot and token-account mints and owners.</summary>
    public required InMemoryAccountStateProvider AccountState { get; init; }

    /// <summary>Gets the total number of transactions.</summary>
    public int TransactionCount => Slots.Sum(s => s.Transactions.Count);
}
