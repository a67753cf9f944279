using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using System.Numerics;
using MevDefense.Ingest.Internal.Net;
using MevDefense.Ingest.Ring;
using MevDefense.Ingest.Scheduling;
using MevDefense.Ingest.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MevDefense.Ingest.Sources;

/// <summary>
/// Receives shred datagrams on a UDP port with several receive loops (SO_REUSEPORT sockets, batch <c>recvmmsg</c> on Linux),
/// queues them in one lock-free <see cref="DatagramRing"/> per loop and hands them, in batches, to an
/// <see cref="IDatagramSink"/> on one consumer thread.
/// </summary>
/// <remarks>Datagrams longer than 1,232 bytes or empty are counted and discarded; everything else (including non-shred
/// datagrams such as Jito <c>TraceShred</c> protobufs) reaches the sink, whose parser counts rejections. A sink that implements
/// <see cref="IDatagramBatchSink"/> receives each drained ring batch (up to 256 datagrams) in one call, which lets a
/// <see cref="Pipeline.ShredPipeline"/> hash the batch's Merkle leaves together (<see cref="Pipeline.ShredPipeline.ProcessBatch"/>).</remarks>
public sealed class UdpShredSource : IShredSource
{
    private readonly UdpShredSourceOptions _options;
    private readonly IDatagramSink _sink;
    private readonly ILogger _logger;
    private readonly IngestTransportMetrics? _metrics;
    private readonly AffinityScheduler _scheduler;
    private readonly List<Socket> _sockets = [];
    private readonly List<UdpReceiveLoop> _loops = [];
    private readonly List<Thread> _threads = [];
    private CancellationTokenSource? _receiveCts;
    private CancellationTokenSource? _consumeCts;
    private RingConsumer? _consumer;
    private Thread? _consumerThread;
    private int _state; // 0 new, 1 started, 2 stopped
    private int _disposed;

    /// <summary>Creates a UDP source; call <see cref="StartAsync"/> to bind and receive.</summary>
    /// <param name="options">The options.</param>
    /// <param name="sink">Receives every accepted datagram on the consumer thread.</param>
    /// <param name="logger">The logger, or <see langword="null"/>.</param>
    /// <param name="meterFactory">The meter factory for metrics, or <see langword="null"/> for none.</param>
    /// <param name="scheduler">Starts (and optionally pins) the threads, or <see langword="null"/> for unpinned named threads.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> or <paramref name="sink"/> is <see langword="null"/>.</exception>
    public UdpShredSource(
        UdpShredSourceOptions options,
        IDatagramSink sink,
        ILogger<UdpShredSource>? logger = null,
        IMeterFactory? meterFactory = null,
        AffinityScheduler? scheduler = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ReceiveLoops, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.RingCapacity, 2);
        _options = options;
        _sink = sink;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _metrics = meterFactory is null ? null : new IngestTransportMetrics(meterFactory);
        _scheduler = scheduler ?? new AffinityScheduler(new AffinitySchedulerOptions());
    }

    /// <inheritdoc/>
    public string Name => _options.Name;

    /// <inheritdoc/>
    public int SourceId => _options.SourceId;

    /// <summary>Gets the bound local endpoint (with the actual port when <see cref="UdpShredSourceOptions.Port"/> is 0).</summary>
    /// <exception cref="InvalidOperationException">The source has not started.</exception>
    public IPEndPoint LocalEndPoint => _sockets.Count > 0
        ? (IPEndPoint)_sockets[0].LocalEndPoint!
        : throw new InvalidOperationException("The source has not started.");

    /// <summary>Gets whether the receive loops use Linux <c>recvmmsg</c>.</summary>
    public bool UsesRecvMmsg => _loops.Count > 0 && _loops[0].UsesRecvMmsg;

    /// <summary>Gets the effective SO_RCVBUF of the first socket (the kernel may double or cap the requested size).</summary>
    public int EffectiveReceiveBufferBytes => _sockets.Count > 0 ? _sockets[0].ReceiveBufferSize : 0;

    /// <summary>Gets the rings (one per receive loop).</summary>
    public IReadOnlyList<DatagramRing> Rings => [.. _loops.Select(static l => l.Ring)];

    /// <summary>Gets a snapshot of the counters.</summary>
    public UdpSourceStatistics Statistics
    {
        get
        {
            long received = 0, oversized = 0, empty = 0, newest = 0, oldest = 0, calls = 0;
            foreach (var l in _loops)
            {
                received += l.Received;
                oversized += l.Oversized;
                empty += l.Empty;
                newest += l.Ring.DroppedNewest;
                oldest += l.Ring.DroppedOldest;
                calls += l.Calls;
            }

            return new(received, _consumer?.Delivered ?? 0, oversized, empty, newest, oldest, calls);
        }
    }

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">The source was already started.</exception>
    /// <exception cref="SocketException">A socket could not be bound.</exception>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        cancellationToken.ThrowIfCancellationRequested();
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw new InvalidOperationException("The source was already started.");
        }

        var loops = _options.ReceiveLoops;
        var perRing = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(2, _options.RingCapacity / loops));
        try
        {
            BindSockets();
        }
        catch
        {
            Volatile.Write(ref _state, 0);
            throw;
        }

        CreateLoops(perRing);
        var consumer = _consumer!;

        _receiveCts = new CancellationTokenSource();
        _consumeCts = new CancellationTokenSource();
        var consumeToken = _consumeCts.Token;
        _consumerThread = _scheduler.Start($"{_options.Name}-consumer", () =>
        {
            try
            {
                consumer.Run(consumeToken);
            }
#pragma warning disable CA1031 // a failing sink must not crash the process: it is logged and the loop ends
            catch (Exception e)
#pragma warning restore CA1031
            {
                TransportLog.SinkFailed(_logger, e, _options.Name);
            }
        });

        var receiveToken = _receiveCts.Token;
        for (var i = 0; i < loops; i++)
        {
            var loop = _loops[i];
            var index = i;
            _threads.Add(_scheduler.Start($"{_options.Name}-rx-{i}", () =>
            {
                try
                {
                    loop.Run(receiveToken);
                }
#pragma warning disable CA1031 // a failing loop is logged and stops; the others continue
                catch (Exception e)
#pragma warning restore CA1031
                {
                    TransportLog.ReceiveLoopFailed(_logger, e, _options.Name, index);
                }
            }));
        }

        TransportLog.UdpSourceStarted(_logger, _options.Name, LocalEndPoint.ToString(), loops, UsesRecvMmsg ? "recvmmsg" : "portable", EffectiveReceiveBufferBytes);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.CompareExchange(ref _state, 2, 1) != 1)
        {
            return;
        }

        await _receiveCts!.CancelAsync().ConfigureAwait(false);
        await JoinAsync(_threads, cancellationToken).ConfigureAwait(false);
        await _consumeCts!.CancelAsync().ConfigureAwait(false);
        await JoinAsync([_consumerThread!], cancellationToken).ConfigureAwait(false);
        foreach (var s in _sockets)
        {
            s.Dispose();
        }

        var stats = Statistics;
        var ringDrops = stats.DroppedNewest + stats.DroppedOldest;
        if (ringDrops > 0)
        {
            TransportLog.RingDrops(_logger, _options.Name, ringDrops, _loops[0].Ring.Capacity);
        }

        TransportLog.UdpSourceStopped(_logger, _options.Name, stats.Received, ringDrops + stats.Oversized + stats.Empty);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await StopAsync().ConfigureAwait(false);
        foreach (var s in _sockets)
        {
            s.Dispose();
        }

        foreach (var l in _loops)
        {
            l.Dispose();
        }

        _consumer?.Dispose();
        _receiveCts?.Dispose();
        _consumeCts?.Dispose();
    }

    /// <summary>Binds the sockets without starting the receive loops (idempotent until <see cref="StartAsync"/>); lets the
    /// drain benchmark queue datagrams in the kernel before the loops run. <see cref="StartAsync"/> uses the bound sockets.</summary>
    /// <exception cref="SocketException">A socket could not be bound (none is left open).</exception>
    internal void BindSockets()
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (_sockets.Count > 0)
        {
            return;
        }

        var loops = _options.ReceiveLoops;
        try
        {
            var port = _options.Port;
            for (var i = 0; i < loops; i++)
            {
                var socket = CreateSocket(port, reusePort: loops > 1);
                _sockets.Add(socket);
                port = ((IPEndPoint)socket.LocalEndPoint!).Port;
            }
        }
        catch
        {
            foreach (var s in _sockets)
            {
                s.Dispose();
            }

            _sockets.Clear();
            throw;
        }
    }

    /// <summary>Binds the sockets and creates the rings, receive loops and consumer without starting any thread (idempotent
    /// until <see cref="StartAsync"/>, which uses them); lets the drain benchmark fault in the rings and queue datagrams in the
    /// kernel before the loops run.</summary>
    internal void Prepare()
    {
        BindSockets();
        CreateLoops((int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(2, _options.RingCapacity / _options.ReceiveLoops)));
    }

    private void CreateLoops(int perRing)
    {
        if (_consumer is not null)
        {
            return;
        }

        var loops = _options.ReceiveLoops;
        var rings = new DatagramRing[loops];
        for (var i = 0; i < loops; i++)
        {
            rings[i] = new DatagramRing(perRing, _options.FullMode);
        }

        var consumer = new RingConsumer(rings, _sink, DatagramRing.DefaultBatchSize);
        for (var i = 0; i < loops; i++)
        {
            _loops.Add(new UdpReceiveLoop(_sockets[i], rings[i], _options.SourceId, _options.ReceiveBatchSize, _options.UseRecvMmsg, consumer.Notify, _metrics));
        }

        _consumer = consumer;
    }

    /// <summary>Gets the bound sockets (one per receive loop; empty before binding).</summary>
    internal IReadOnlyList<Socket> Sockets => _sockets;

    private static async Task JoinAsync(IEnumerable<Thread> threads, CancellationToken cancellationToken)
    {
        foreach (var t in threads)
        {
            while (!t.Join(0))
            {
                await Task.Delay(5, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Sets SO_RCVBUFFORCE (Linux, CAP_NET_ADMIN): like SO_RCVBUF but not capped at <c>net.core.rmem_max</c>.</summary>
    private static bool TrySetReceiveBufferForce(Socket socket, int bytes, out string reason)
    {
        const int SolSocket = 1;
        const int SoRcvBufForce = 33;
        if (!OperatingSystem.IsLinux())
        {
            reason = "not Linux";
            return false;
        }

        Span<byte> value = stackalloc byte[4];
        BitConverter.TryWriteBytes(value, bytes);
        try
        {
            socket.SetRawSocketOption(SolSocket, SoRcvBufForce, value);
            reason = string.Empty;
            return true;
        }
        catch (SocketException e)
        {
            reason = $"{e.SocketErrorCode}, errno {e.NativeErrorCode}: needs CAP_NET_ADMIN";
            return false;
        }
    }

    private Socket CreateSocket(int port, bool reusePort)
    {
        var address = _options.ListenAddress;
        var socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            if (reusePort)
            {
                SocketTuning.TrySetReusePort(socket);
            }

            if (_options.ReceiveBufferBytes > 0)
            {
                var forced = false;
                if (_options.ForceReceiveBuffer)
                {
                    forced = TrySetReceiveBufferForce(socket, _options.ReceiveBufferBytes, out var reason);
                    if (!forced)
                    {
                        TransportLog.ReceiveBufferForceRefused(_logger, _options.Name, _options.ReceiveBufferBytes, reason);
                    }
                }

                if (!forced)
                {
                    socket.ReceiveBufferSize = _options.ReceiveBufferBytes;
                }
            }

            if (_options.Dscp is int dscp)
            {
                SocketTuning.TrySetDscp(socket, dscp);
            }

            socket.Bind(new IPEndPoint(address, port));
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
