namespace MevDefense.Ingest.Selection;

/// <summary>A block fetched with <c>getBlock</c>, used to backfill a slot the shred path could not complete.</summary>
/// <param name="Slot">The slot.</param>
/// <param name="ParentSlot">The parent slot.</param>
/// <param name="Blockhash">The block hash (base58).</param>
/// <param name="PreviousBlockhash">The parent's block hash (base58).</param>
/// <param name="BlockTime">The estimated production time (Unix seconds), when known.</param>
/// <param name="BlockHeight">The block height, when known.</param>
/// <param name="Transactions">The transactions in block order.</param>
public sealed record RpcBlock(
    ulong Slot, ulong ParentSlot, string Blockhash, string PreviousBlockhash, long? BlockTime, ulong? BlockHeight, IReadOnlyList<RpcBlockTransaction> Transactions);
