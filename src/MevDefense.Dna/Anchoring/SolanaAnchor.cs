using System.Globalization;
using System.Text;
using MevDefense.Crypto;
using MevDefense.Dna.Internal;
using MevDefense.Wire;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MevDefense.Dna.Anchoring;

/// <summary>
/// Publishes the ledger's checkpoint roots on Solana: one SPL Memo transaction per anchored checkpoint, with the memo
/// <c>mevdefense:v1:&lt;origin&gt;:&lt;size&gt;:&lt;root hex&gt;</c>, signed by a dedicated fee-payer key. The receipt (transaction
/// signature, slot, block time) is stored with the checkpoint and re-checked by <see cref="SolanaAnchorVerifier"/>.
/// </summary>
/// <remarks>
/// <para>This memo is the only transaction MevDefense ever sends. Use a key that does nothing else and holds only fee lamports
/// (5,000 lamports per anchor).</para>
/// <para>Sending follows the Solana confirmation guide: the signed bytes are re-broadcast (with <c>maxRetries = 0</c>) and their
/// status polled until the commitment is reached or the block height passes the blockhash's <c>lastValidBlockHeight</c>; only then
/// is the memo signed again with a new blockhash, so a checkpoint is not anchored twice by accident. A duplicate send
/// (<c>AlreadyProcessed</c>) is treated as "look at the status". A checkpoint that already has a stored receipt is not sent again.</para>
/// </remarks>
public sealed class SolanaAnchor : IDisposable
{
    /// <summary>The SPL Memo program (v2/v3) that carries the anchors.</summary>
    public static readonly Pubkey MemoProgramId = Pubkey.Parse("MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr");

    /// <summary>The largest serialized transaction Solana accepts (<c>PACKET_DATA_SIZE</c>).</summary>
    public const int MaxTransactionSize = 1232;

    private readonly IDnaStore _store;
    private readonly Ed25519Keypair _payer;
    private readonly SolanaAnchorOptions _options;
    private readonly SolanaRpcClient _rpc;
    private readonly HttpClient? _ownedHttp;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Initializes an anchor.</summary>
    /// <param name="store">The ledger's store (checkpoints are read from it and receipts written to it).</param>
    /// <param name="payer">The fee payer and memo signer (not owned).</param>
    /// <param name="options">The options.</param>
    /// <param name="httpClient">The HTTP client for RPC calls (not owned), or <see langword="null"/> to create one.</param>
    /// <param name="timeProvider">The clock for polling and intervals; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="logger">The logger, or <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException">A required argument is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">No RPC endpoint is configured.</exception>
    public SolanaAnchor(IDnaStore store, Ed25519Keypair payer, SolanaAnchorOptions options, HttpClient? httpClient = null, TimeProvider? timeProvider = null, ILogger<SolanaAnchor>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(payer);
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _payer = payer;
        _options = options;
        _ownedHttp = httpClient is null ? new HttpClient { Timeout = TimeSpan.FromSeconds(30) } : null;
        _rpc = new SolanaRpcClient(httpClient ?? _ownedHttp!, options.ResolveEndpoint());
        _time = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Gets the fee payer's address (the expected memo signer).</summary>
    public Pubkey Payer => _payer.PublicKey;

    /// <summary>Formats the memo of a checkpoint: <c>mevdefense:v1:&lt;origin&gt;:&lt;size&gt;:&lt;root hex, lower case&gt;</c>.</summary>
    /// <param name="checkpoint">The checkpoint.</param>
    /// <returns>The memo text.</returns>
    public static string FormatMemo(DnaCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return string.Create(CultureInfo.InvariantCulture, $"mevdefense:v1:{checkpoint.Origin}:{checkpoint.Size}:{Convert.ToHexStringLower(checkpoint.RootHash.AsSpan())}");
    }

    /// <summary>Builds and signs the memo transaction for a checkpoint (exposed for inspection and tests; <see cref="AnchorAsync"/> sends it).</summary>
    /// <param name="checkpoint">The checkpoint.</param>
    /// <param name="recentBlockhash">The recent blockhash.</param>
    /// <returns>The signed legacy transaction.</returns>
    /// <exception cref="ArgumentException">The memo does not fit in one transaction (origin too long).</exception>
    public Transaction BuildMemoTransaction(DnaCheckpoint checkpoint, Hash recentBlockhash)
    {
        byte[] memo = Encoding.UTF8.GetBytes(FormatMemo(checkpoint));
        Transaction tx = new TransactionBuilder(_payer.PublicKey, recentBlockhash)
            .AddInstruction(new Instruction(MemoProgramId, [AccountMeta.ReadOnly(_payer.PublicKey, isSigner: true)], memo))
            .BuildAndSign([_payer]);
        if (tx.Wire.Length > MaxTransactionSize)
        {
            throw new ArgumentException($"The anchor memo makes a {tx.Wire.Length}-byte transaction (max {MaxTransactionSize}); shorten the origin.", nameof(checkpoint));
        }

        return tx;
    }

    /// <summary>Anchors the latest stored checkpoint, unless it already has a receipt.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The receipt, or <see langword="null"/> when the store has no checkpoint.</returns>
    /// <exception cref="IOException">The anchor could not be confirmed within <see cref="SolanaAnchorOptions.MaxSignAttempts"/> attempts.</exception>
    /// <exception cref="SolanaRpcException">The node rejected the transaction for a reason retrying cannot fix (for example an unfunded payer).</exception>
    public async Task<DnaAnchorReceipt?> AnchorLatestAsync(CancellationToken cancellationToken = default)
    {
        DnaCheckpoint? checkpoint = await _store.GetLatestCheckpointAsync(cancellationToken).ConfigureAwait(false);
        return checkpoint is null ? null : await AnchorAsync(checkpoint, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Anchors a checkpoint and stores the receipt (returns the stored receipt when the checkpoint was anchored before).</summary>
    /// <param name="checkpoint">The checkpoint (normally the latest one in the store).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The receipt.</returns>
    /// <exception cref="IOException">The anchor could not be confirmed within <see cref="SolanaAnchorOptions.MaxSignAttempts"/> attempts.</exception>
    /// <exception cref="SolanaRpcException">The node rejected the transaction for a reason retrying cannot fix (for example an unfunded payer).</exception>
    public async Task<DnaAnchorReceipt> AnchorAsync(DnaCheckpoint checkpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await foreach (DnaAnchorReceipt existing in _store.ReadAnchorReceiptsAsync(cancellationToken).ConfigureAwait(false))
            {
                if (existing.CheckpointSize == checkpoint.Size && existing.RootHash == checkpoint.RootHash)
                {
                    return existing;
                }
            }

            string memo = FormatMemo(checkpoint);
            Exception? last = null;
            for (int attempt = 1; attempt <= _options.MaxSignAttempts; attempt++)
            {
                try
                {
                    if (await TrySendAndConfirmAsync(checkpoint, memo, cancellationToken).ConfigureAwait(false) is { } receipt)
                    {
                        await _store.AddAnchorReceiptAsync(receipt, cancellationToken).ConfigureAwait(false);
                        DnaStoreLog.CheckpointAnchored(_logger, receipt.CheckpointSize, receipt.TransactionSignature.ToString(), receipt.Slot);
                        return receipt;
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or FormatException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
                {
                    last = ex;
                    DnaStoreLog.AnchorAttemptFailed(_logger, checkpoint.Size, attempt, ex);
                }
            }

            throw new IOException($"Could not anchor checkpoint {checkpoint.Size} on Solana after {_options.MaxSignAttempts} signed attempts.", last);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Runs until cancelled: every <see cref="SolanaAnchorOptions.CheckInterval"/>, anchors the latest checkpoint when it is at least
    /// <see cref="SolanaAnchorOptions.AnchorEveryRecords"/> records past the last anchor, or when <see cref="SolanaAnchorOptions.AnchorInterval"/>
    /// has passed since the last anchor and a newer checkpoint exists. Failures are logged and retried on the next check.
    /// </summary>
    /// <param name="cancellationToken">Stops the loop.</param>
    /// <returns>A task that completes when the loop stops.</returns>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        ulong anchoredSize = 0;
        await foreach (DnaAnchorReceipt r in _store.ReadAnchorReceiptsAsync(cancellationToken).ConfigureAwait(false))
        {
            anchoredSize = Math.Max(anchoredSize, r.CheckpointSize);
        }

        DateTimeOffset lastAnchor = _time.GetUtcNow();
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_options.CheckInterval, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            DnaCheckpoint? cp = await _store.GetLatestCheckpointAsync(cancellationToken).ConfigureAwait(false);
            if (cp is null || cp.Size <= anchoredSize)
            {
                continue;
            }

            bool byCount = _options.AnchorEveryRecords > 0 && cp.Size - anchoredSize >= (ulong)_options.AnchorEveryRecords;
            bool byTime = _options.AnchorInterval > TimeSpan.Zero && _time.GetUtcNow() - lastAnchor >= _options.AnchorInterval;
            if (!byCount && !byTime)
            {
                continue;
            }

            try
            {
                DnaAnchorReceipt receipt = await AnchorAsync(cp, cancellationToken).ConfigureAwait(false);
                anchoredSize = receipt.CheckpointSize;
                lastAnchor = _time.GetUtcNow();
            }
            catch (Exception ex) when (ex is IOException or SolanaRpcException or InvalidOperationException)
            {
                DnaStoreLog.AnchorAttemptFailed(_logger, cp.Size, 0, ex);
            }
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _ownedHttp?.Dispose();
        _gate.Dispose();
    }

    /// <summary>One signed attempt: send, re-broadcast and poll until confirmed (receipt) or the blockhash expired (null).</summary>
    private async Task<DnaAnchorReceipt?> TrySendAndConfirmAsync(DnaCheckpoint checkpoint, string memo, CancellationToken cancellationToken)
    {
        SolanaBlockhash blockhash = await _rpc.GetLatestBlockhashAsync(_options.Commitment == "processed" ? "processed" : "confirmed", cancellationToken).ConfigureAwait(false);
        Transaction tx = BuildMemoTransaction(checkpoint, blockhash.Blockhash);
        Signature signature = tx.Signature;
        int transient = 0;
        while (true)
        {
            try
            {
                await _rpc.SendTransactionAsync(tx.Wire, "confirmed", cancellationToken).ConfigureAwait(false);
            }
            catch (SolanaRpcException ex) when (ex.IsAlreadyProcessed)
            {
                // A duplicate of bytes that already landed: the status below tells the rest.
            }
            catch (SolanaRpcException ex) when (ex.IsBlockhashNotFound)
            {
                // The blockhash expired before this send (or the node lags): check once whether an earlier send landed.
                if (await _rpc.GetSignatureStatusAsync(signature, cancellationToken).ConfigureAwait(false) is null)
                {
                    DnaStoreLog.AnchorBlockhashExpired(_logger, signature.ToString(), checkpoint.Size);
                    return null;
                }
            }
            catch (Exception ex) when ((ex is HttpRequestException or FormatException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested)) && transient++ < _options.MaxTransientErrors)
            {
                DnaStoreLog.AnchorAttemptFailed(_logger, checkpoint.Size, transient, ex);
            }

            SolanaSignatureStatus? status = null;
            try
            {
                status = await _rpc.GetSignatureStatusAsync(signature, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when ((ex is HttpRequestException or FormatException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested)) && transient++ < _options.MaxTransientErrors)
            {
                DnaStoreLog.AnchorAttemptFailed(_logger, checkpoint.Size, transient, ex);
            }

            if (status is not null)
            {
                if (status.Error is not null)
                {
                    throw new SolanaRpcException("getSignatureStatuses", 0, $"anchor transaction {signature} failed on chain: {status.Error}", status.Error);
                }

                if (Reached(status.ConfirmationStatus, _options.Commitment))
                {
                    SolanaTransactionInfo? info = await _rpc.GetTransactionAsync(signature, _options.Commitment == "processed" ? "confirmed" : _options.Commitment, cancellationToken).ConfigureAwait(false);
                    return new DnaAnchorReceipt(checkpoint.Size, checkpoint.RootHash, signature, info?.Slot ?? status.Slot, memo, info?.BlockTime);
                }
            }
            else
            {
                ulong height = await _rpc.GetBlockHeightAsync("confirmed", cancellationToken).ConfigureAwait(false);
                if (height > blockhash.LastValidBlockHeight
                    && await _rpc.GetSignatureStatusAsync(signature, cancellationToken).ConfigureAwait(false) is null)
                {
                    DnaStoreLog.AnchorBlockhashExpired(_logger, signature.ToString(), checkpoint.Size);
                    return null;
                }
            }

            await Task.Delay(_options.PollInterval, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    private static bool Reached(string? status, string wanted) => (status, wanted) switch
    {
        ("finalized", _) => true,
        ("confirmed", "confirmed" or "processed") => true,
        ("processed", "processed") => true,
        _ => false,
    };
}
