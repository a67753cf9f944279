using MevDefense.Detection.Decoding;
using MevDefense.Detection.Rules.Internal;
using MevDefense.Detection.State;
using MevDefense.Wire;

namespace MevDefense.Detection.Streaming;

/// <summary>
/// Runs detection continuously over transactions as they arrive in block order: entry batches from the shred pipeline or
/// Jito ShredStream, or transaction lists from JSON-RPC <c>getBlock</c>. Keeps one window per leader run (up to four
/// consecutive slots of one leader, so cross-slot sandwiches are seen), brings detection up to date as the window grows
/// and forwards every new detection, once, to the sinks with the receive timestamp of the input that completed it.
/// </summary>
/// <remarks>
/// <para>Not thread-safe: feed it from one consumer (the pipeline's processing thread or a channel reader).</para>
/// <para>Cost: with the built-in rule detectors and no model in play (<see cref="DetectionMode.Rules"/>, or
/// <see cref="DetectionMode.Combined"/> without a scorer) detection is incremental. The per-pool index grows with the
/// window; each call indexes only the new transactions, resumes the sandwich rule only on the pools they touched (fronts
/// still searching for a back-run examine only the new legs of their pool), resumes open JIT adds, and judges arbitrage
/// and back-runs for the new transactions only. The cost of a call is therefore proportional to the new transactions and
/// the swaps sharing their pools within the sandwich distance, not to the window, and the total per leader run is about
/// one detection pass over the final window (the previous full re-detection per batch cost batches × window size). When a
/// new transaction reveals a token-account mint (or a pool's mints) that earlier swaps' directions or cycle checks had
/// looked up, those swaps are re-resolved and only the pools whose evidence changed are re-examined, from the first
/// front-run candidate that could have read a changed swap (counted in <see cref="Revisions"/>). After every call the detections held for the window are exactly those of
/// <see cref="DetectionPipeline.Detect(DetectionWindow)"/> over it, and the forwarded detections (and their timestamps) are
/// exactly those the full re-detection per batch forwarded. A detection forwarded before such a revelation is not
/// forwarded again, so a batch run over the finished window can report that pattern with another confidence (an
/// <see cref="AccountState"/> provider that knows token-account mints avoids most such cases).</para>
/// <para>With a model (<see cref="DetectionMode.Model"/> or <see cref="DetectionMode.Combined"/> with an
/// <see cref="ITransactionScorer"/>), or with detectors of your own, each call re-detects over the whole leader-run window
/// (linear in its size), so the total work per leader run grows with (batches × window size); bound it with
/// <see cref="MaxWindowTransactions"/>.</para>
/// </remarks>
public sealed class StreamingDetector
{
    private readonly DetectionPipeline _pipeline;
    private readonly TransactionDecoder _decoder;
    private readonly IDetectionEventSink[] _sinks;
    private readonly DetectionWindow _window = new();
    private readonly HashSet<(DetectionKind, Signature, Signature, Signature)> _emitted = [];
    private readonly IncrementalRuleRunner? _incremental;
    private readonly List<DetectionEvent> _found = [];
    private ulong _group = ulong.MaxValue;
    private ulong _lastSlot;
    private int _slotIndex;
    private bool _changed; // the window (transactions, leaders, account state) changed since the last detection run

    /// <summary>Creates a streaming detector.</summary>
    /// <param name="pipeline">The detection pipeline (rules, model or both).</param>
    /// <param name="decoder">Decodes wire transactions (swap decoders and lookup tables).</param>
    /// <param name="sinks">Receive each new detection (ledger, WebSocket stream, callbacks).</param>
    /// <exception cref="ArgumentNullException"><paramref name="pipeline"/> or <paramref name="decoder"/> is <see langword="null"/>.</exception>
    public StreamingDetector(DetectionPipeline pipeline, TransactionDecoder decoder, IEnumerable<IDetectionEventSink>? sinks = null)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(decoder);
        _pipeline = pipeline;
        _decoder = decoder;
        _sinks = sinks?.ToArray() ?? [];
        _incremental = pipeline.CreateIncrementalRunner();
    }

    /// <summary>Gets or sets the most transactions one leader-run window holds; later ones in the run are decoded but not windowed.</summary>
    /// <value>The default value is 8,192.</value>
    public int MaxWindowTransactions { get; set; } = 8192;

    /// <summary>Gets or sets the account-state provider used for victim-loss estimates.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public IAccountStateProvider? AccountState
    {
        get => _window.AccountState;
        set
        {
            _window.AccountState = value;
            _changed = true;
        }
    }

    /// <summary>Gets the number of transactions seen.</summary>
    public long Transactions { get; private set; }

    /// <summary>Gets the number of transactions that could not be decoded.</summary>
    public long DecodeErrors { get; private set; }

    /// <summary>Gets the number of entry batches that were malformed (their readable prefix is still used).</summary>
    public long MalformedBatches { get; private set; }

    /// <summary>Gets the number of detections forwarded.</summary>
    public long Detections { get; private set; }

    /// <summary>Gets the number of transactions dropped because the window was full.</summary>
    public long WindowOverflow { get; private set; }

    /// <summary>Gets the number of calls in which a new transaction revealed a mint that earlier swaps' directions or cycle
    /// checks had looked up, so the pools concerned were partly re-examined (0 when detection is not incremental).</summary>
    public long Revisions => _incremental?.Revisions ?? 0;

    /// <summary>Gets or sets whether every call re-detects over the whole window even when it could run incrementally (the
    /// previous behaviour; benchmarks and equivalence tests compare against it).</summary>
    internal bool FullRedetect { get; set; }

    /// <summary>Gets whether the last call detected incrementally (built-in rules, no model in play).</summary>
    internal bool Incremental { get; private set; }

    /// <summary>Gets the incremental rule runner, or <see langword="null"/> when the pipeline has detectors of its own.</summary>
    internal IncrementalRuleRunner? IncrementalRunner => _incremental;

    /// <summary>Gets the current leader-run window.</summary>
    internal DetectionWindow Window => _window;

    /// <summary>Processes one entry batch (bincode <c>Vec&lt;Entry&gt;</c>) of <paramref name="slot"/>.</summary>
    /// <param name="slot">The slot.</param>
    /// <param name="entries">The serialized entries.</param>
    /// <param name="receiveTimestamp">The <see cref="System.Diagnostics.Stopwatch"/> timestamp at which the last input of the batch was received.</param>
    /// <param name="leader">The slot leader, when known.</param>
    /// <param name="cancellationToken">Cancels forwarding to the sinks.</param>
    /// <returns>The new detections.</returns>
    public async ValueTask<IReadOnlyList<DetectionEvent>> OnEntryBatchAsync(ulong slot, ReadOnlyMemory<byte> entries, long receiveTimestamp, Pubkey? leader = null, CancellationToken cancellationToken = default)
    {
        BeginSlot(slot, leader);
        AddEntries(slot, entries.Span);
        return await DetectAsync(receiveTimestamp, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Processes transactions of <paramref name="slot"/> in block order (JSON-RPC <c>getBlock</c>, API input).</summary>
    /// <param name="slot">The slot.</param>
    /// <param name="transactions">The wire transactions, each optionally with the addresses its lookup tables loaded.</param>
    /// <param name="receiveTimestamp">The <see cref="System.Diagnostics.Stopwatch"/> timestamp at which they were received.</param>
    /// <param name="leader">The slot leader, when known.</param>
    /// <param name="cancellationToken">Cancels forwarding to the sinks.</param>
    /// <returns>The new detections.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="transactions"/> is <see langword="null"/>.</exception>
    public async ValueTask<IReadOnlyList<DetectionEvent>> OnTransactionsAsync(ulong slot, IReadOnlyList<BlockTransaction> transactions, long receiveTimestamp, Pubkey? leader = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transactions);
        BeginSlot(slot, leader);
        foreach (var bt in transactions)
        {
            bool loaded = bt.LoadedWritable is { Length: > 0 } || bt.LoadedReadonly is { Length: > 0 };
            AddTransaction(slot, bt.Wire, loaded ? bt.LoadedWritable : null, loaded ? bt.LoadedReadonly : null);
        }

        return await DetectAsync(receiveTimestamp, cancellationToken).ConfigureAwait(false);
    }

    private void BeginSlot(ulong slot, Pubkey? leader)
    {
        // A new leader run starts on a new aligned group of four slots, a gap, or a slot going backwards.
        ulong group = slot / 4;
        if (group != _group || slot < _lastSlot || slot > _lastSlot + 1)
        {
            _window.Clear();
            _emitted.Clear();
            _group = group;
            _slotIndex = 0;
        }
        else if (slot != _lastSlot)
        {
            _slotIndex = 0;
        }

        _lastSlot = slot;
        if (leader is { } l)
        {
            _window.SetLeader(slot, l);
            _changed = true;
        }
    }

    private void AddEntries(ulong slot, ReadOnlySpan<byte> entries)
    {
        if (!EntryBatchReader.TryCreate(entries, out var reader, out _))
        {
            MalformedBatches++;
            return;
        }

        if (reader.IsBlockMarker)
        {
            return;
        }

        while (reader.TryReadEntry(out _))
        {
            while (reader.TryReadTransaction(out var tx))
            {
                AddTransaction(slot, tx);
            }
        }

        if (reader.Error is not null)
        {
            MalformedBatches++;
        }
    }

    /// <summary>Adds a transaction the entry reader has already validated (decoded from its view, not re-read).</summary>
    private void AddTransaction(ulong slot, scoped in TransactionView tx)
    {
        if (TryReserve(out int index) is { } target)
        {
            Decoded(_decoder.TryDecodeView(tx, slot, index, target, targetCleared: true)); // AddNew hands out a cleared entry
        }
    }

    private void AddTransaction(ulong slot, ReadOnlySpan<byte> wire, Pubkey[]? loadedWritable, Pubkey[]? loadedReadonly)
    {
        if (TryReserve(out int index) is { } target)
        {
            Decoded(loadedWritable is not null && loadedReadonly is not null
                ? _decoder.TryDecode(wire, slot, index, target, loadedWritable, loadedReadonly)
                : _decoder.TryDecode(wire, slot, index, target));
        }
    }

    /// <summary>Counts a transaction, gives it its index in the slot and a window entry to decode into; <see langword="null"/>
    /// (counted as overflow) when the window is full.</summary>
    private DecodedTransaction? TryReserve(out int index)
    {
        Transactions++;
        index = _slotIndex++;
        if (_window.Count >= MaxWindowTransactions)
        {
            WindowOverflow++;
            return null;
        }

        return _window.AddNew();
    }

    /// <summary>Keeps the entry just decoded into, or takes it back and counts the error.</summary>
    private void Decoded(bool ok)
    {
        if (!ok)
        {
            DecodeErrors++;
            _window.RemoveLast();
        }
        else
        {
            _changed = true;
        }
    }

    private async ValueTask<IReadOnlyList<DetectionEvent>> DetectAsync(long receiveTimestamp, CancellationToken cancellationToken)
    {
        // Detection is a function of the window; when nothing changed since the last run (tick-only or block-marker batches,
        // undecodable transactions, a full window) every result of a re-run has already been forwarded, so skip it.
        if (_window.Count == 0 || !_changed)
        {
            return [];
        }

        _changed = false;

        List<DetectionEvent>? fresh = null;
        Incremental = _incremental is not null && !FullRedetect && _pipeline.RulesOnly;
        IReadOnlyList<DetectionEvent> found;
        if (Incremental)
        {
            var start = System.Diagnostics.Stopwatch.GetTimestamp();
            _found.Clear();
            _incremental!.Run(_window, _found);
            _pipeline.RecordWindow(_window.Count, _incremental.UnresolvedSwaps, System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalSeconds);
            found = _found;
        }
        else
        {
            _incremental?.Invalidate();
            found = _pipeline.Detect(_window, countDetections: false);
        }

        foreach (var d in found)
        {
            var key = (d.Kind, d.Front ?? default, d.Back ?? default, d.Victims.Count > 0 ? d.Victims[0] : d.Transactions.Count > 0 ? d.Transactions[0] : default);
            if (!_emitted.Add(key))
            {
                continue;
            }

            (fresh ??= []).Add(d.InputReceivedTimestamp == 0 ? d with { InputReceivedTimestamp = receiveTimestamp } : d);
        }

        if (fresh is null)
        {
            return [];
        }

        Detections += fresh.Count;
        foreach (var d in fresh)
        {
            _pipeline.CountDetection(d.Kind);
            foreach (var sink in _sinks)
            {
                await sink.OnDetectionAsync(d, cancellationToken).ConfigureAwait(false);
            }
        }

        return fresh;
    }
}
