using System.Threading.Channels;
using MevDefense.Detection;
using MevDefense.Detection.Decoding;
using MevDefense.Detection.Dex;
using MevDefense.Detection.Lookup;
using MevDefense.Detection.Streaming;
using MevDefense.Ingest.Pipeline;
using MevDefense.Ingest.ShredStream;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using EntryBatch = MevDefense.Ingest.Pipeline.EntryBatch;

namespace MevDefense.AspNetCore.Bridging;

/// <summary>
/// Joins ingest to detection inside a host: entry batches from the shred pipeline (<see cref="IShredPipelineObserver"/>) and from
/// Jito ShredStream (<see cref="IEntryBatchSink"/>) are copied into a bounded queue on the ingest thread, and one background
/// consumer runs a <see cref="StreamingDetector"/> over them, forwarding each new detection to every registered
/// <see cref="IDetectionEventSink"/> (the Decision DNA ledger, the WebSocket stream, user callbacks).
/// </summary>
/// <remarks>The ingest thread never waits for detection or the ledger: when the queue is full the batch is dropped and counted.
/// Detection does not wait for the sinks either: each detection is handed to every sink in order, and up to
/// <see cref="MaxInFlightPerSink"/> deliveries per sink may still be completing (so the ledger group-commits the detections
/// of a burst into one synced batch instead of one fsync after another). Stopping the bridge waits for those deliveries.</remarks>
public sealed partial class IngestDetectionBridge : BackgroundService, IShredPipelineObserver, IEntryBatchSink
{
    /// <summary>The number of entry batches the queue holds.</summary>
    public const int QueueCapacity = 1024;

    /// <summary>The number of deliveries to one sink that may still be running while detection goes on (e.g. ledger appends
    /// waiting for their group commit); the next detection for that sink waits when they all are.</summary>
    public const int MaxInFlightPerSink = 256;

    private readonly Channel<(ulong Slot, byte[] Entries, long Received)> _queue =
        Channel.CreateBounded<(ulong, byte[], long)>(new BoundedChannelOptions(QueueCapacity)
        {
            SingleReader = true,
            AllowSynchronousContinuations = false,
            FullMode = BoundedChannelFullMode.Wait, // with TryWrite: a full queue refuses the batch, which is counted
        });

    private readonly StreamingDetector _detector;
    private readonly GuardedSink[] _sinks;
    private readonly ILogger _logger;
    private long _dropped;
    private long _sinkFailures;

    /// <summary>Creates the bridge.</summary>
    /// <param name="pipeline">The detection pipeline (from <c>AddDetection()</c>).</param>
    /// <param name="registry">The swap decoders.</param>
    /// <param name="sinks">Receive each detection once.</param>
    /// <param name="lookupTables">Resolves address lookup tables, when registered.</param>
    /// <param name="logger">The logger.</param>
    public IngestDetectionBridge(DetectionPipeline pipeline, SwapDecoderRegistry registry, IEnumerable<IDetectionEventSink> sinks, IAddressLookupTableProvider? lookupTables = null, ILogger<IngestDetectionBridge>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(sinks);
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _sinks = [.. sinks.Select(s => new GuardedSink(s, this))];
        _detector = new StreamingDetector(pipeline, new TransactionDecoder(registry, lookupTables), _sinks);
    }

    /// <summary>Gets the streaming detector (counters: transactions, decode errors, detections).</summary>
    public StreamingDetector Detector => _detector;

    /// <summary>Gets the number of entry batches dropped because the queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Gets the number of times a sink threw.</summary>
    public long SinkFailures => Interlocked.Read(ref _sinkFailures);

    /// <inheritdoc/>
    public void OnEntryBatch(in EntryBatch batch) => Enqueue(batch.Slot, batch.Payload.ToArray(), batch.LastReceiveTimestamp);

    /// <inheritdoc/>
    public void OnEntryBatch(ulong slot, ReadOnlyMemory<byte> entries, long receiveTimestamp, int sourceId) => Enqueue(slot, entries.ToArray(), receiveTimestamp);

    /// <inheritdoc/>
    public void OnFecSet(in FecSetResult result)
    {
    }

    /// <inheritdoc/>
    public void OnEquivocation(in ShredEquivocation equivocation)
    {
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var (slot, entries, received) in _queue.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                await _detector.OnEntryBatchAsync(slot, entries, received, null, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            // Deliveries still running (durable appends waiting for their sync) finish before the bridge reports stopped.
            foreach (GuardedSink sink in _sinks)
            {
                await sink.DrainAsync().ConfigureAwait(false);
            }
        }
    }

    private void Enqueue(ulong slot, byte[] entries, long received)
    {
        if (!_queue.Writer.TryWrite((slot, entries, received)))
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    private void Failed(Exception ex)
    {
        Interlocked.Increment(ref _sinkFailures);
        SinkFailed(_logger, ex);
    }

    [LoggerMessage(EventId = MevDefenseEventIds.AspNetCoreBase + 50, Level = LogLevel.Error, EventName = "BridgeSinkFailed",
        Message = "A detection sink failed; the detection was not delivered to it.")]
    private static partial void SinkFailed(ILogger logger, Exception exception);

    /// <summary>
    /// Delivers detections to one sink without making detection wait for it: each call is started in detection order (so a
    /// sink that queues synchronously, like the ledger's group commit or the WebSocket fan-out, sees them in order), and its
    /// task is awaited in the background. Only when <see cref="MaxInFlightPerSink"/> deliveries to the sink are still running
    /// does the next one wait, which bounds memory and pushes back on detection (and, through the full queue, on ingest).
    /// </summary>
    private sealed class GuardedSink(IDetectionEventSink inner, IngestDetectionBridge owner) : IDetectionEventSink
    {
        private readonly SemaphoreSlim _slots = new(MaxInFlightPerSink, MaxInFlightPerSink);

        public async ValueTask OnDetectionAsync(DetectionEvent detection, CancellationToken cancellationToken = default)
        {
            if (!_slots.Wait(0))
            {
                await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            }

            ValueTask delivery;
            try
            {
                delivery = inner.OnDetectionAsync(detection, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _slots.Release();
                owner.Failed(ex);
                return;
            }
            catch
            {
                _slots.Release();
                throw;
            }

            if (delivery.IsCompleted)
            {
                Complete(delivery);
                return;
            }

            _ = CompleteLaterAsync(delivery);
        }

        /// <summary>Waits until every delivery started so far has finished (used when the bridge stops).</summary>
        public async Task DrainAsync()
        {
            for (int i = 0; i < MaxInFlightPerSink; i++)
            {
                await _slots.WaitAsync().ConfigureAwait(false);
            }

            _slots.Release(MaxInFlightPerSink);
        }

        private async Task CompleteLaterAsync(ValueTask delivery)
        {
            try
            {
                await delivery.ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                owner.Failed(ex);
            }
            catch (OperationCanceledException)
            {
                // The host is stopping: the sink gave up on this detection; nothing to count.
            }
            finally
            {
                _slots.Release();
            }
        }

        private void Complete(ValueTask delivery)
        {
            try
            {
                delivery.GetAwaiter().GetResult();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                owner.Failed(ex);
            }
            catch (OperationCanceledException)
            {
            }
            finally
            {
                _slots.Release();
            }
        }
    }
}
