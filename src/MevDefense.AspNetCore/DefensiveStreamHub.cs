using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net.WebSockets;
using MevDefense.AspNetCore.Internal;
using MevDefense.Dna;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MevDefense.AspNetCore;

/// <summary>
/// Fans live detections and ledger events out to the <c>/defensive/stream</c> WebSocket clients as JSON text messages.
/// Each message is serialized once and shared; each client has a bounded send queue
/// (<see cref="MevDefenseAspNetCoreOptions.StreamQueueCapacity"/>). Publishing never waits: a client whose queue is full is
/// disconnected with the close reason <c>send queue full: client too slow</c> and counted in <see cref="SlowClientsDisconnected"/>,
/// so one slow reader never slows the others or the pipeline.
/// </summary>
/// <remarks>Registered as an <see cref="IDetectionEventSink"/> by <c>AddAspNetCore()</c>, so pipeline detections stream automatically.</remarks>
public sealed class DefensiveStreamHub : IDetectionEventSink
{
    private readonly ConcurrentDictionary<long, StreamConnection> _connections = new();
    private readonly MevDefenseAspNetCoreOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly AspNetCoreMetrics? _metrics;
    private long _nextId;
    private long _slow;
    private long _published;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="options">The add-on options (queue capacity, client limit, close timeout).</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="logger">The logger, or <see langword="null"/>.</param>
    /// <param name="meterFactory">The meter factory for <c>MevDefense.AspNetCore</c> metrics, or <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    public DefensiveStreamHub(MevDefenseAspNetCoreOptions options, TimeProvider? timeProvider = null, ILogger<DefensiveStreamHub>? logger = null, IMeterFactory? meterFactory = null)
        : this(options, timeProvider, logger, meterFactory is null ? null : new AspNetCoreMetrics(meterFactory))
    {
    }

    internal DefensiveStreamHub(MevDefenseAspNetCoreOptions options, TimeProvider? timeProvider, ILogger? logger, AspNetCoreMetrics? metrics)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _metrics = metrics;
    }

    /// <summary>Gets the number of connected clients.</summary>
    public int Connections => _connections.Count;

    /// <summary>Gets the number of clients disconnected because their send queue was full.</summary>
    public long SlowClientsDisconnected => Interlocked.Read(ref _slow);

    /// <summary>Gets the number of messages published (each counted once, whatever the number of clients).</summary>
    public long MessagesPublished => Interlocked.Read(ref _published);

    /// <summary>Publishes a detection (implements <see cref="IDetectionEventSink"/>); never blocks.</summary>
    /// <param name="detection">The detection.</param>
    /// <param name="cancellationToken">Not used: publishing never waits.</param>
    /// <returns>A completed task.</returns>
    public ValueTask OnDetectionAsync(DetectionEvent detection, CancellationToken cancellationToken = default)
    {
        PublishDetection(detection, null);
        return ValueTask.CompletedTask;
    }

    /// <summary>Publishes a detection and, when given, the ledger record that holds it; never blocks.</summary>
    /// <param name="detection">The detection.</param>
    /// <param name="record">The record, or <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="detection"/> is <see langword="null"/>.</exception>
    public void PublishDetection(DetectionEvent detection, DecisionRecord? record)
    {
        ArgumentNullException.ThrowIfNull(detection);
        if (_connections.IsEmpty)
        {
            Interlocked.Increment(ref _published);
            return;
        }

        double? latency = detection.InputReceivedTimestamp == 0 ? null : Stopwatch.GetElapsedTime(detection.InputReceivedTimestamp).TotalMilliseconds;
        Publish(StreamMessages.Detection(detection, record, latency));
    }

    /// <summary>Publishes a ledger record event; never blocks.</summary>
    /// <param name="record">The record.</param>
    /// <exception cref="ArgumentNullException"><paramref name="record"/> is <see langword="null"/>.</exception>
    public void PublishRecord(DecisionRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (_connections.IsEmpty)
        {
            Interlocked.Increment(ref _published);
            return;
        }

        Publish(StreamMessages.Record(record));
    }

    /// <summary>Publishes a pre-serialized UTF-8 JSON message to every client; never blocks.</summary>
    /// <param name="utf8Json">The message (shared by every client; must not be mutated afterwards).</param>
    internal void Publish(byte[] utf8Json)
    {
        Interlocked.Increment(ref _published);
        int queued = 0;
        foreach (KeyValuePair<long, StreamConnection> pair in _connections)
        {
            StreamConnection c = pair.Value;
            if (c.TryEnqueue(utf8Json))
            {
                queued++;
            }
            else if (c.MarkSlow())
            {
                Interlocked.Increment(ref _slow);
                _metrics?.StreamSlowDisconnect();
                AspNetCoreLog.StreamClientTooSlow(_logger, c.Id, c.Capacity);
            }
        }

        if (queued > 0)
        {
            _metrics?.StreamMessages(queued);
        }
    }

    /// <summary>Serves one accepted WebSocket until it closes.</summary>
    /// <param name="socket">The accepted socket.</param>
    /// <param name="cancellationToken">Stops the connection (host shutdown).</param>
    /// <returns>A task that completes when the connection is gone; <see langword="false"/> when it was refused (too many clients).</returns>
    internal async Task<bool> RunAsync(WebSocket socket, CancellationToken cancellationToken)
    {
        if (_connections.Count >= _options.MaxStreamClients)
        {
            AspNetCoreLog.StreamClientRefused(_logger, _options.MaxStreamClients);
            return false;
        }

        long id = Interlocked.Increment(ref _nextId);
        var connection = new StreamConnection(id, socket, _options.StreamQueueCapacity, _options.SlowClientCloseTimeout, _time);
        _connections[id] = connection;
        _metrics?.StreamConnected();
        AspNetCoreLog.StreamClientConnected(_logger, id, _connections.Count);
        try
        {
            await connection.RunAsync(_logger, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _connections.TryRemove(id, out _);
            _metrics?.StreamDisconnected();
            AspNetCoreLog.StreamClientDisconnected(_logger, id, _connections.Count);
        }

        return true;
    }
}
