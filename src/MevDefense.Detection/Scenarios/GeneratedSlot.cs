namespace MevDefense.Detection.Scenarios;

/// <summary>One generated slot: its leader and its transactions in block order.</summary>
/// <param name="Slot">The slot number.</param>
/// <param name="Leader">The slot leader (consecutive groups of four slots share one).</param>
/// <param name="Transactions">The transactions in block order.</param>
public sealed record GeneratedSlot(ulong Slot, Pubkey Leader, IReadOnlyList<GeneratedTransaction> Transactions);
