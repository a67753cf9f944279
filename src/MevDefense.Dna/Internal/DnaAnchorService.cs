using System.Diagnostics.Metrics;
using MevDefense.Crypto;
using MevDefense.Dna.Anchoring;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MevDefense.Dna.Internal;

/// <summary>
/// Anchors the ledger's latest checkpoint on Solana every <see cref="DnaLedgerOptions.AnchorEveryRecords"/> records or
/// <see cref="DnaLedgerOptions.AnchorInterval"/>, whichever comes first (registered by <c>AddDnaLedger</c>; it does nothing unless
/// <see cref="DnaLedgerOptions.AnchorPayerKeyFile"/> is set, since options are bound after registration). Runs beside the writer: appends never wait for it (it only takes
/// the ledger's write lock for the one checkpoint signature). Failures are logged, counted and retried with exponential backoff.
/// </summary>
internal sealed class DnaAnchorService : BackgroundService
{
    private readonly DnaLedger _ledger;
    private readonly IDnaStore _store;
    private readonly DnaLedgerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<DnaAnchorService> _logger;
    private readonly ILogger<SolanaAnchor>? _anchorLogger;
    private readonly Counter<long>? _anchors;
    private ulong _anchoredSize;

    public DnaAnchorService(
        DnaLedger ledger,
        IDnaStore store,
        IOptions<DnaLedgerOptions> options,
        TimeProvider? timeProvider,
        ILogger<DnaAnchorService> logger,
        ILogger<SolanaAnchor>? anchorLogger = null,
        IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        _ledger = ledger;
        _store = store;
        _options = options.Value;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger;
        _anchorLogger = anchorLogger;
        _anchors = meterFactory?.Create(new MeterOptions(MevDefenseMeters.Dna))
            .CreateCounter<long>("defensive.dna.anchors", "{anchor}", "Solana anchoring attempts of Decision DNA checkpoints, by outcome.");
    }

    /// <summary>Gets the largest checkpoint size anchored so far (for tests and diagnostics).</summary>
    public ulong AnchoredSize => Volatile.Read(ref _anchoredSize);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_options.AnchorPayerKeyFile is null)
        {
            return; // anchoring is not configured
        }

        Ed25519Keypair payer;
        SolanaAnchorOptions anchorOptions;
        try
        {
            payer = PayerKeyFile.Load(_options.AnchorPayerKeyFile!);
            anchorOptions = new SolanaAnchorOptions { RpcEndpoint = _options.AnchorRpcEndpoint, Commitment = _options.AnchorCommitment };
            anchorOptions.RpcEndpoint = anchorOptions.ResolveEndpoint();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or InvalidOperationException)
        {
            _anchors?.Add(1, new KeyValuePair<string, object?>("outcome", "error"));
            DnaLog.AnchorServiceFailed(_logger, ex);
            return;
        }

        using (payer)
        using (var anchor = new SolanaAnchor(_store, payer, anchorOptions, null, _time, _anchorLogger))
        {
            DnaLog.AnchorServiceStarted(_logger, _options.AnchorEveryRecords, _options.AnchorInterval, payer.PublicKey.ToString(), anchorOptions.RpcEndpoint.ToString());
            try
            {
                await RunAsync(anchor, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                // Host shutdown.
            }
        }

        DnaLog.AnchorServiceStopped(_logger, AnchoredSize);
    }

    private async Task RunAsync(SolanaAnchor anchor, CancellationToken stoppingToken)
    {
        ulong anchored = 0;
        await foreach (DnaAnchorReceipt r in _store.ReadAnchorReceiptsAsync(stoppingToken).ConfigureAwait(false))
        {
            anchored = Math.Max(anchored, r.CheckpointSize);
        }

        Volatile.Write(ref _anchoredSize, anchored);
        DateTimeOffset lastAnchor = _time.GetUtcNow();
        int failures = 0;
        TimeSpan delay = _options.AnchorCheckInterval;
        while (true)
        {
            await Task.Delay(delay, _time, stoppingToken).ConfigureAwait(false);
            delay = _options.AnchorCheckInterval;
            ulong count = _ledger.IsWritable ? _ledger.Count : 0;
            if (count <= anchored)
            {
                continue;
            }

            bool byCount = _options.AnchorEveryRecords > 0 && count - anchored >= (ulong)_options.AnchorEveryRecords;
            bool byTime = _options.AnchorInterval > TimeSpan.Zero && _time.GetUtcNow() - lastAnchor >= _options.AnchorInterval;
            if (!byCount && !byTime)
            {
                continue;
            }

            try
            {
                DnaCheckpoint checkpoint = await _ledger.CheckpointAsync(stoppingToken).ConfigureAwait(false);
                DnaAnchorReceipt receipt = await anchor.AnchorAsync(checkpoint, stoppingToken).ConfigureAwait(false);
                anchored = Math.Max(anchored, receipt.CheckpointSize);
                Volatile.Write(ref _anchoredSize, anchored);
                lastAnchor = _time.GetUtcNow();
                failures = 0;
                _anchors?.Add(1, new KeyValuePair<string, object?>("outcome", "ok"));
            }
            catch (Exception ex) when (!(ex is OperationCanceledException && stoppingToken.IsCancellationRequested))
            {
                failures++;
                _anchors?.Add(1, new KeyValuePair<string, object?>("outcome", "error"));
                delay = Backoff(failures);
                DnaLog.AnchorFailed(_logger, count, failures, delay, ex);
            }
        }
    }

    private TimeSpan Backoff(int failures)
    {
        double factor = Math.Pow(2, Math.Min(failures, 30));
        double ticks = Math.Min(_options.AnchorCheckInterval.Ticks * factor, _options.AnchorMaxRetryDelay.Ticks);
        return TimeSpan.FromTicks((long)Math.Max(ticks, _options.AnchorCheckInterval.Ticks));
    }
}
