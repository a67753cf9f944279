namespace MevDefense.Dna;

/// <summary>Proof that a checkpoint root was published on Solana in an SPL Memo transaction.</summary>
/// <param name="CheckpointSize">The size of the anchored checkpoint.</param>
/// <param name="RootHash">The anchored Merkle root.</param>
/// <param name="TransactionSignature">The memo transaction's signature (its id).</param>
/// <param name="Slot">The slot the transaction landed in.</param>
/// <param name="Memo">The memo text as sent.</param>
/// <param name="BlockTime">The block time reported by the RPC node, when known.</param>
public sealed record DnaAnchorReceipt(ulong CheckpointSize, Hash RootHash, Signature TransactionSignature, ulong Slot, string Memo, DateTimeOffset? BlockTime);
