namespace MevDefense.Dna;

/// <summary>Checks anchor receipts against the chain they were published on (implemented by the Solana anchoring client).</summary>
public interface IDnaAnchorVerifier
{
    /// <summary>Checks that the receipt's transaction exists, succeeded, and carries the memo for the checkpoint.</summary>
    /// <param name="receipt">The stored receipt.</param>
    /// <param name="checkpoint">The stored checkpoint of the same size, already verified by the caller.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="null"/> when the anchor checks out; otherwise a human-readable reason.</returns>
    ValueTask<string?> VerifyAsync(DnaAnchorReceipt receipt, DnaCheckpoint checkpoint, CancellationToken cancellationToken = default);
}
