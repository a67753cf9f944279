using System.Diagnostics;

namespace MevDefense.Ingest.Ring;

/// <summary>
/// Drains one or more <see cref="DatagramRing"/>s (one per receive loop) into an <see cref="IDatagramSink"/> from a single
/// dedicated thread, in batches: a sink that implements <see cref="IDatagramBatchSink"/> receives each drained batch in one
/// call, any other sink one datagram at a time.
/// </summary>
/// <remarks>This is the only consumer of the rings it drains. When every ring is empty it spins briefly, then parks until
/// a producer calls <see cref="Notify"/> or a millisecond passes.</remarks>
public sealed class RingConsumer : IDisposable
{
    private readonly DatagramRing[] _rings;
    private readonly IDatagramSink _sink;
    private readonly IDatagramBatchSink? _batchSink;
    private readonly int _batchSize;
    private readonly ManualResetEventSlim _signal = new(false, spinCount: 0);
    private int _waiting;
    private int _disposed;

    /// <summary>Creates a consumer.</summary>
    /// <param name="rings">The rings to drain.</param>
    /// <param name="sink">Receives every datagram.</param>
    /// <param name="batchSize">The maximum number of datagrams taken from one ring at a time.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="rings"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is less than 1.</exception>
    public RingConsumer(IReadOnlyList<DatagramRing> rings, IDatagramSink sink, int batchSize = DatagramRing.DefaultBatchSize)
    {
        ArgumentNullException.ThrowIfNull(rings);
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        if (rings.Count == 0)
        {
            throw new ArgumentException("At least one ring is required.", nameof(rings));
        }

        _rings = [.. rings];
        _sink = sink;
        _batchSink = sink as IDatagramBatchSink;
        _batchSize = batchSize;
    }

    /// <summary>Gets the number of datagrams handed to the sink.</summary>
    public long Delivered { get; private set; }

    /// <summary>Wakes the consumer if it is parked; producers call this after publishing datagrams.</summary>
    public void Notify()
    {
        // Full fence: the producer's publish (a store) must be visible before it reads _waiting (a load). x86 may otherwise
        // perform the load first; with the consumer doing the mirror image (store _waiting, load the ring), both could read the
        // old values and the consumer would sleep up to its 1 ms timeout with datagrams in the ring.
        Interlocked.MemoryBarrier();
        if (Volatile.Read(ref _waiting) != 0)
        {
            _signal.Set();
        }
    }

    /// <summary>Drains every ring once (up to one batch per ring).</summary>
    /// <returns>The number of datagrams delivered.</returns>
    public int DrainOnce()
    {
        var total = 0;
        foreach (var ring in _rings)
        {
            total += _batchSink is null ? ring.Drain(_sink, _batchSize) : ring.Drain(_batchSink, _batchSize);
        }

        Delivered += total;
        return total;
    }

    /// <summary>Runs the drain loop on the calling thread until <paramref name="cancellationToken"/> is cancelled, then drains what is left.</summary>
    /// <param name="cancellationToken">Stops the loop.</param>
    public void Run(CancellationToken cancellationToken)
    {
        var spin = new SpinWait();
        while (!cancellationToken.IsCancellationRequested)
        {
            if (DrainOnce() > 0)
            {
                spin.Reset();
                continue;
            }

            if (!spin.NextSpinWillYield)
            {
                spin.SpinOnce(sleep1Threshold: -1);
                continue;
            }

            _signal.Reset();
            Interlocked.Exchange(ref _waiting, 1); // full fence before AllEmpty reads the rings (see Notify)
            if (AllEmpty())
            {
                try
                {
                    _signal.Wait(1, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                }
            }

            Volatile.Write(ref _waiting, 0);
            spin.Reset();
        }

        while (DrainOnce() > 0)
        {
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _signal.Dispose();
        }
    }

    private bool AllEmpty()
    {
        foreach (var ring in _rings)
        {
            if (!ring.IsEmpty)
            {
                return false;
            }
        }

        Debug.Assert(_rings.Length > 0);
        return true;
    }
}
