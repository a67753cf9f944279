using System.Text;
using MevDefense.Dna.Internal;

namespace MevDefense.Dna.Anchoring;

/// <summary>
/// Checks stored anchor receipts against Solana (<see cref="IDnaAnchorVerifier"/> for <see cref="DnaVerifier"/>): the transaction
/// exists and succeeded, landed in the receipt's slot, and carries, in an SPL Memo instruction signed by the fee payer, exactly the
/// memo of the checkpoint (<see cref="SolanaAnchor.FormatMemo"/>). The instruction data is parsed; program logs are not trusted.
/// </summary>
public sealed class SolanaAnchorVerifier : IDnaAnchorVerifier, IDisposable
{
    private readonly SolanaRpcClient _rpc;
    private readonly HttpClient? _ownedHttp;
    private readonly Pubkey? _expectedPayer;
    private readonly string _commitment;

    /// <summary>Initializes a verifier.</summary>
    /// <param name="options">The options (endpoint and commitment).</param>
    /// <param name="expectedPayer">The anchoring key that must have signed the memo, or <see langword="null"/> to accept any signer.</param>
    /// <param name="httpClient">The HTTP client (not owned), or <see langword="null"/> to create one.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">No RPC endpoint is configured.</exception>
    public SolanaAnchorVerifier(SolanaAnchorOptions options, Pubkey? expectedPayer = null, HttpClient? httpClient = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _ownedHttp = httpClient is null ? new HttpClient { Timeout = TimeSpan.FromSeconds(30) } : null;
        _rpc = new SolanaRpcClient(httpClient ?? _ownedHttp!, options.ResolveEndpoint());
        _expectedPayer = expectedPayer;
        _commitment = options.Commitment == "processed" ? "confirmed" : options.Commitment;
    }

    /// <inheritdoc/>
    public async ValueTask<string?> VerifyAsync(DnaAnchorReceipt receipt, DnaCheckpoint checkpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        ArgumentNullException.ThrowIfNull(checkpoint);
        string expected = SolanaAnchor.FormatMemo(checkpoint);
        if (receipt.Memo != expected)
        {
            return "the stored memo does not match the checkpoint";
        }

        SolanaTransactionInfo? tx;
        try
        {
            tx = await _rpc.GetTransactionAsync(receipt.TransactionSignature, _commitment, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or FormatException or SolanaRpcException)
        {
            return "the RPC node could not be asked: " + ex.Message;
        }

        if (tx is null)
        {
            return $"transaction not found at commitment {_commitment}";
        }

        if (tx.Error is not null)
        {
            return "the transaction failed on chain: " + tx.Error;
        }

        if (tx.Slot != receipt.Slot)
        {
            return $"the transaction landed in slot {tx.Slot}, the receipt says {receipt.Slot}";
        }

        if (tx.AccountKeys.Count == 0 || tx.NumRequiredSignatures < 1 || (_expectedPayer is { } payer && tx.AccountKeys[0] != payer))
        {
            return "the transaction is not signed by the anchoring key";
        }

        byte[] memo = Encoding.UTF8.GetBytes(expected);
        foreach (SolanaInstructionInfo ix in tx.Instructions)
        {
            if (ix.ProgramIdIndex >= 0 && ix.ProgramIdIndex < tx.AccountKeys.Count && tx.AccountKeys[ix.ProgramIdIndex] == SolanaAnchor.MemoProgramId
                && ix.Data.AsSpan().SequenceEqual(memo) && ix.Accounts.Contains(0))
            {
                return null;
            }
        }

        return "the transaction has no memo instruction with the checkpoint's memo signed by the fee payer";
    }

    /// <inheritdoc/>
    public void Dispose() => _ownedHttp?.Dispose();
}
