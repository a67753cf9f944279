using System.Collections.Concurrent;
using System.Diagnostics;
using MevDefense.AspNetCore;
using MevDefense.Detection;
using MevDefense.Detection.Decoding;
using MevDefense.Detection.Dex;
using MevDefense.Detection.Lookup;
using MevDefense.Detection.State;
using MevDefense.Dna;
using MevDefense.Ingest.Pipeline;
using MevDefense.Ingest.ShredStream;
using MevDefense.Wire;
using EntryBatch = MevDefense.Ingest.Pipeline.EntryBatch;

namespace MevDefense.SampleHost;

/// <summary>
/// Glue between ingest and detection: collects the transactions of every entry batch per slot (from the shred pipeline or a
/// ShredStream feed), and when a slot ends runs the detection pipeline over it, records each detection in the Decision DNA
/// ledger and publishes it (with its record id and decision latency) to the WebSocket stream. Completed slots wait in a
/// bounded queue; when it is full the slot is dropped and counted.
/// </summary>
internal sealed class SlotDetector : IShredPipelineObserver, IEntryBatchSink
{
    private const int MaxQueuedSlots = 256;
    private readonly ConcurrentDictionary<ulong, PendingSlot> _open = new();
    private readonly ConcurrentQueue<PendingSlot> _done = new();
    private readonly SemaphoreSlim _signal = new(0);
    private readonly DetectionPipeline _pipeline;
    private readonly DnaLedger _ledger;
    private readonly DefensiveStreamHub _hub;
    private readonly ConsoleReporter _reporter;
    private readonly DetectionWindow _window = new();
    private TransactionDecoder _decoder;
    private long _droppedSlots;
    private long _slots;
    private long _transactions;
    private long _undecodable;
    private long _detections;
    private readonly ConcurrentDictionary<string, long> _byKind = new();
    private int _queued;

    public SlotDetector(DetectionPipeline pipeline, DnaLedger ledger, DefensiveStreamHub hub, ConsoleReporter reporter)
    {
        _pipeline = pipeline;
        _ledger = ledger;
        _hub = hub;
        _reporter = reporter;
        _decoder = new TransactionDecoder();
    }

    public IAccountStateProvider? AccountState { get; set; }

    public long Slots => Interlocked.Read(ref _slots);

    public long Transactions => Interlocked.Read(ref _transactions);

    public long Detections => Interlocked.Read(ref _detections);

    public long DroppedSlots => Interlocked.Read(ref _droppedSlots);

    public long Undecodable => Interlocked.Read(ref _undecodable);

    public IReadOnlyDictionary<string, long> ByKind => _byKind;

    public int Pending => Volatile.Read(ref _queued) + _open.Count;

    public void UseLookupTables(IAddressLookupTableProvider? provider) => _decoder = new TransactionDecoder(SwapDecoderRegistry.CreateDefault(), provider);

    // ---- ingest side (called on the ingest thread) ----

    public void OnEntryBatch(in EntryBatch batch)
    {
        Add(batch.Slot, batch.Payload, batch.LastReceiveTimestamp);
        if (batch.IsLastInSlot)
        {
            Complete(batch.Slot);
        }
    }

    public void OnEntryBatch(ulong slot, ReadOnlyMemory<byte> entries, long receiveTimestamp, int sourceId)
    {
        // ShredStream batches carry no end-of-slot flag: a slot is complete once a later slot starts.
        foreach (ulong open in _open.Keys)
        {
            if (open < slot)
            {
                Complete(open);
            }
        }

        Add(slot, entries.Span, receiveTimestamp);
    }

    public void OnFecSet(in FecSetResult result)
    {
    }

    public void OnEquivocation(in ShredEquivocation equivocation)
    {
    }

    /// <summary>Completes every slot still open (end of a replay).</summary>
    public void CompleteAll()
    {
        foreach (ulong slot in _open.Keys.Order())
        {
            Complete(slot);
        }
    }

    private void Add(ulong slot, ReadOnlySpan<byte> payload, long receivedAt)
    {
        PendingSlot pending = _open.GetOrAdd(slot, static s => new PendingSlot(s));
        if (!EntryBatchReader.TryCreate(payload, out EntryBatchReader reader, out _))
        {
            return;
        }

        lock (pending)
        {
            while (reader.TryReadEntry(out _))
            {
                while (reader.TryReadTransaction(out TransactionView tx))
                {
                    pending.Transactions.Add(tx.Wire.ToArray());
                }
            }

            pending.LastReceived = Math.Max(pending.LastReceived, receivedAt);
        }
    }

    private void Complete(ulong slot)
    {
        if (!_open.TryRemove(slot, out PendingSlot? pending))
        {
            return;
        }

        if (Interlocked.Increment(ref _queued) > MaxQueuedSlots)
        {
            Interlocked.Decrement(ref _queued);
            Interlocked.Increment(ref _droppedSlots);
            return;
        }

        _done.Enqueue(pending);
        _signal.Release();
    }

    /// <summary>Runs decoding and detection once over some transactions without recording anything, so that the first real
    /// slot's decision latency does not include ONNX Runtime's and the JIT's first-call costs.</summary>
    public void WarmUp(IEnumerable<byte[]> transactions, ulong slot)
    {
        _window.Clear();
        int i = 0;
        foreach (byte[] wire in transactions)
        {
            if (!_decoder.TryDecode(wire, slot, i++, _window.AddNew()))
            {
                _window.RemoveLast();
            }
        }

        _ = _pipeline.Detect(_window);
        _window.Clear();
    }

    // ---- detection side (one consumer loop) ----

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await _signal.WaitAsync(cancellationToken).ConfigureAwait(false);
            if (!_done.TryDequeue(out PendingSlot? slot))
            {
                continue;
            }

            try
            {
                await DetectSlotAsync(slot, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                Interlocked.Decrement(ref _queued);
            }
        }
    }

    private async Task DetectSlotAsync(PendingSlot slot, CancellationToken cancellationToken)
    {
        _window.Clear();
        _window.AccountState = AccountState;
        for (int i = 0; i < slot.Transactions.Count; i++)
        {
            if (!_decoder.TryDecode(slot.Transactions[i], slot.Slot, i, _window.AddNew()))
            {
                _window.RemoveLast();
                Interlocked.Increment(ref _undecodable);
            }
        }

        Interlocked.Add(ref _transactions, slot.Transactions.Count);
        IReadOnlyList<DetectionEvent> detections = _pipeline.Detect(_window);
        foreach (DetectionEvent raw in detections)
        {
            DetectionEvent d = raw with { InputReceivedTimestamp = slot.LastReceived };
            DecisionRecord record = await _ledger.AppendAsync(DecisionDraft.FromDetection(d), cancellationToken).ConfigureAwait(false);
            double latencyMs = Stopwatch.GetElapsedTime(slot.LastReceived).TotalMilliseconds;
            _hub.PublishDetection(d, record);
            _hub.PublishRecord(record);
            Interlocked.Increment(ref _detections);
            _byKind.AddOrUpdate(d.Kind.ToString(), 1, static (_, n) => n + 1);
            _reporter.Detection(d, record, latencyMs);
        }

        Interlocked.Increment(ref _slots);
        _reporter.SlotDone(slot.Slot, slot.Transactions.Count, detections.Count);
    }

    private sealed class PendingSlot(ulong slot)
    {
        public ulong Slot { get; } = slot;

        public List<byte[]> Transactions { get; } = [];

        public long LastReceived { get; set; }
    }
}
