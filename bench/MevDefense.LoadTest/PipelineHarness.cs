using System.Diagnostics;
using MevDefense.Detection;
using MevDefense.Detection.Decoding;
using MevDefense.Detection.Dex;
using MevDefense.Detection.Streaming;
using MevDefense.Dna;
using MevDefense.Ingest.Merkle;
using MevDefense.Ingest.Pipeline;
using MevDefense.Ingest.Ring;

namespace MevDefense.LoadTest;

/// <summary>
/// The real pipeline, wired the way a host wires it: datagram -> ShredPipeline (parse, dedup, Merkle proof, leader signature once
/// per FEC set, Reed-Solomon, deshred) -> StreamingDetector (decode, rules) -> DnaLedger (sign, chain, durable group-committed append).
/// Decision latency = durable-append completion minus the receive timestamp of the last shred the decision needed.
/// </summary>
internal sealed class PipelineHarness : IShredPipelineObserver, IDatagramBatchSink, IDetectionEventSink, IDisposable
{
    private readonly ShredPipeline _pipeline;
    private readonly StreamingDetector _detector;
    private readonly DnaLedger _ledger;
    private readonly LatencyHistogram _latency = new();
    private readonly LatencyHistogram _toDetection = new();
    private readonly LatencyHistogram _toDurable = new();
    private readonly List<Task> _pending = [];
    private readonly object _gate = new();
    private byte[] _payload = new byte[64 * 1024];
    private long _batches;
    private long _batchErrors;

    public PipelineHarness(Workload workload, DnaLedger ledger, bool verifySignatures = true)
    {
        _ledger = ledger;
        _pipeline = new ShredPipeline(CreatePipelineOptions(workload, verifySignatures), this);
        var detection = new DetectionPipeline(new DetectionOptions { Mode = DetectionMode.Rules, CacheCapacity = 0 });
        _detector = new StreamingDetector(detection, new TransactionDecoder(SwapDecoderRegistry.CreateDefault(), workload.Data.LookupTables), [this])
        {
            AccountState = workload.Data.AccountState,
        };
    }

    /// <summary>Gets the <see cref="Stopwatch"/> ticks spent in the streaming detector (decode, rules, hand-off to the ledger) on the
    /// processing thread; the rest of a pass is the shred pipeline and the harness's payload copy.</summary>
    public long DetectionTicks { get; private set; }

    /// <summary>Gets the <see cref="Stopwatch"/> ticks of <see cref="DetectionTicks"/> spent in the ledger's synchronous part of an
    /// append (sealing, signing and handing the batch to the store run on the caller's thread until the first await).</summary>
    public long LedgerTicks { get; private set; }

    public ShredPipeline Pipeline => _pipeline;

    /// <summary>The shred pipeline's options in every layout the harness measures: the workload's leader, and lazy coding-shred
    /// verification, which is what AddShredIngest chooses when no forwarder needs coding shreds.</summary>
    public static ShredPipelineOptions CreatePipelineOptions(Workload workload, bool verifySignatures = true) => new()
    {
        LeaderSchedule = new StaticLeaderScheduleProvider(workload.Leader.PublicKey),
        VerifySignatures = verifySignatures,
        LazyCodingShredVerification = true,
    };

    public StreamingDetector Detector => _detector;

    public long Batches => _batches;

    public long BatchErrors => _batchErrors;

    public LatencyHistogram Latency => _latency;

    /// <summary>Gets the first part of each decision latency: last shred received to detection emitted (ring, verify, FEC, deshred, detect).</summary>
    public LatencyHistogram ToDetection => _toDetection;

    /// <summary>Gets the second part of each decision latency: detection emitted to durable ledger append acknowledged (sign, chain, fsync).</summary>
    public LatencyHistogram ToDurable => _toDurable;

    /// <summary>Gets the first detections seen (up to 256), for publishing real messages in the WebSocket measurement.</summary>
    public List<DetectionEvent> SampleEvents { get; } = [];

    public void Process(ReadOnlySpan<byte> shred) => _pipeline.Process(shred, Stopwatch.GetTimestamp(), 0);

    /// <summary>Processes a batch the way a ring drain hands it to the pipeline (multi-buffer Merkle hashing per batch).</summary>
    public void ProcessBatch(in DatagramBatch batch) => _pipeline.ProcessBatch(batch, default);

    public void OnDatagram(ReadOnlySpan<byte> datagram, long receiveTimestamp, int sourceId) => _pipeline.Process(datagram, receiveTimestamp, sourceId);

    public void OnDatagrams(in DatagramBatch batch)
    {
        Trace?.DrainEnter(batch, Stopwatch.GetTimestamp());
        _pipeline.ProcessBatch(batch, default);
        Trace?.DrainExit(Stopwatch.GetTimestamp());
    }

    /// <summary>Gets or sets the per-decision stage recorder (latency runs only).</summary>
    public LatencyTrace? Trace { get; set; }

    public void OnEntryBatch(in EntryBatch batch)
    {
        _batches++;
        // The payload span is only valid during this call; detection below completes synchronously and keeps no reference to
        // its input (transactions are decoded into the window), so one reusable buffer replaces a fresh array per batch.
        if (_payload.Length < batch.Payload.Length)
        {
            _payload = new byte[Math.Max(batch.Payload.Length, _payload.Length * 2)];
        }

        batch.Payload.CopyTo(_payload);
        long t0 = Stopwatch.GetTimestamp();
        Trace?.BatchEnter(t0);
        var task = _detector.OnEntryBatchAsync(batch.Slot, _payload.AsMemory(0, batch.Payload.Length), batch.LastReceiveTimestamp);
        DetectionTicks += Stopwatch.GetTimestamp() - t0;
        if (!task.IsCompletedSuccessfully)
        {
            // Sinks below complete synchronously; anything else is a harness bug worth seeing.
            _batchErrors++;
            task.AsTask().GetAwaiter().GetResult();
        }
    }

    public void OnFecSet(in FecSetResult result)
    {
    }

    public void OnEquivocation(in ShredEquivocation equivocation)
    {
    }

    /// <summary>Starts the durable append and returns at once; the latency is recorded when the append is acknowledged.</summary>
    public ValueTask OnDetectionAsync(DetectionEvent detection, CancellationToken cancellationToken = default)
    {
        long received = detection.InputReceivedTimestamp;
        long emitted = Stopwatch.GetTimestamp();
        if (SampleEvents.Count < 256)
        {
            SampleEvents.Add(detection);
        }

        int traced = Trace?.Decision(received, emitted) ?? -1;
        long handOff = Stopwatch.GetTimestamp();
        var append = _ledger.OnDetectionAsync(detection, cancellationToken).AsTask();
        long handedOff = Stopwatch.GetTimestamp();
        LedgerTicks += handedOff - handOff;
        Trace?.HandedOff(traced, handedOff);
        var done = append.ContinueWith(
            t =>
            {
                long now = Stopwatch.GetTimestamp();
                if (t.IsCompletedSuccessfully)
                {
                    Trace?.Durable(traced, now);
                    lock (_gate)
                    {
                        _latency.Record((long)((now - received) * (1e9 / Stopwatch.Frequency)));
                        _toDetection.Record((long)((emitted - received) * (1e9 / Stopwatch.Frequency)));
                        _toDurable.Record((long)((now - emitted) * (1e9 / Stopwatch.Frequency)));
                    }
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        lock (_gate)
        {
            _pending.Add(done);
        }

        return ValueTask.CompletedTask;
    }

    public async Task DrainAsync()
    {
        _pipeline.Flush();
        Task[] pending;
        lock (_gate)
        {
            pending = [.. _pending];
        }

        await Task.WhenAll(pending).ConfigureAwait(false);
    }

    public void Dispose() => _pipeline.Dispose();
}
