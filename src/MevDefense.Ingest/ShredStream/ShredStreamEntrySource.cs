using System.Diagnostics;
using System.Diagnostics.Metrics;
using Grpc.Core;
using Grpc.Net.Client;
using MevDefense.Ingest.ShredStream.Protocol;
using MevDefense.Ingest.Sources;
using MevDefense.Ingest.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MevDefense.Ingest.ShredStream;

/// <summary>
/// Subscribes to a Jito ShredStream proxy's <c>SubscribeEntries</c> gRPC stream and hands each deshredded entry batch to an
/// <see cref="IEntryBatchSink"/>; reconnects with exponential backoff when the stream fails or ends.
/// </summary>
public sealed class ShredStreamEntrySource : IShredSource
{
    private readonly ShredStreamSourceOptions _options;
    private readonly IEntryBatchSink _sink;
    private readonly ILogger _logger;
    private readonly IngestTransportMetrics? _metrics;
    private readonly TimeProvider _time;
    private readonly HttpMessageHandler? _handler;
    private CancellationTokenSource? _cts;
    private Task? _loop;
    private long _messages;
    private long _connects;
    private int _disposed;

    /// <summary>Creates the source; call <see cref="StartAsync"/> to connect.</summary>
    /// <param name="options">The options.</param>
    /// <param name="sink">Receives the entry batches (on the stream's reader task).</param>
    /// <param name="logger">The logger, or <see langword="null"/>.</param>
    /// <param name="meterFactory">The meter factory, or <see langword="null"/> for no metrics.</param>
    /// <param name="timeProvider">The time provider for backoff delays, or <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <param name="httpHandler">The HTTP handler for the channel, or <see langword="null"/> for the default.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/>, its endpoint, or <paramref name="sink"/> is <see langword="null"/>.</exception>
    public ShredStreamEntrySource(
        ShredStreamSourceOptions options,
        IEntryBatchSink sink,
        ILogger<ShredStreamEntrySource>? logger = null,
        IMeterFactory? meterFactory = null,
        TimeProvider? timeProvider = null,
        HttpMessageHandler? httpHandler = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.Endpoint, "options.Endpoint");
        ArgumentNullException.ThrowIfNull(sink);
        _options = options;
        _sink = sink;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _metrics = meterFactory is null ? null : new IngestTransportMetrics(meterFactory);
        _time = timeProvider ?? TimeProvider.System;
        _handler = httpHandler;
    }

    /// <inheritdoc/>
    public string Name => _options.Name;

    /// <inheritdoc/>
    public int SourceId => _options.SourceId;

    /// <summary>Gets the number of entry batches received.</summary>
    public long Messages => Interlocked.Read(ref _messages);

    /// <summary>Gets the number of stream (re)connect attempts.</summary>
    public long ConnectAttempts => Interlocked.Read(ref _connects);

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">The source was already started.</exception>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        cancellationToken.ThrowIfCancellationRequested();
        if (_loop is not null)
        {
            throw new InvalidOperationException("The source was already started.");
        }

        _cts = new CancellationTokenSource();
        _loop = RunAsync(_cts.Token);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (_cts is null || _loop is null)
        {
            return;
        }

        await _cts.CancelAsync().ConfigureAwait(false);
        await _loop.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await StopAsync().ConfigureAwait(false);
        _cts?.Dispose();
    }

    /// <summary>The reconnect delay after <paramref name="attempt"/> consecutive failures (1-based): initial × 2^(attempt-1), capped.</summary>
    internal static TimeSpan BackoffDelay(int attempt, TimeSpan initial, TimeSpan max)
    {
        var factor = Math.Pow(2, Math.Min(attempt - 1, 30));
        var ticks = Math.Min(initial.Ticks * factor, max.Ticks);
        return TimeSpan.FromTicks((long)ticks);
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        await Task.Yield();
        var endpoint = _options.Endpoint!.ToString();
        var failures = 0;
        var channelOptions = new GrpcChannelOptions
        {
            MaxReceiveMessageSize = _options.MaxReceiveMessageBytes,
            HttpHandler = _handler,
            DisposeHttpClient = _handler is null,
        };
        using var channel = GrpcChannel.ForAddress(_options.Endpoint!, channelOptions);
        var client = new ShredstreamProxy.ShredstreamProxyClient(channel);
        var headers = new Metadata();
        foreach (var (k, v) in _options.Headers)
        {
            headers.Add(k, v);
        }

        while (!cancellationToken.IsCancellationRequested)
        {
            string reason;
            Interlocked.Increment(ref _connects);
            try
            {
                using var call = client.SubscribeEntries(new SubscribeEntriesRequest(), headers, cancellationToken: cancellationToken);
                var announced = false;
                while (await call.ResponseStream.MoveNext(cancellationToken).ConfigureAwait(false))
                {
                    if (!announced)
                    {
                        TransportLog.ShredStreamConnected(_logger, endpoint);
                        announced = true;
                        failures = 0;
                    }

                    var entry = call.ResponseStream.Current;
                    var ts = Stopwatch.GetTimestamp();
                    Interlocked.Increment(ref _messages);
                    _metrics?.ShredStreamMessage(entry.Entries.Length);
                    try
                    {
                        _sink.OnEntryBatch(entry.Slot, entry.Entries.Memory, ts, _options.SourceId);
                    }
#pragma warning disable CA1031 // one bad batch must not end the subscription
                    catch (Exception e)
#pragma warning restore CA1031
                    {
                        TransportLog.EntrySinkFailed(_logger, e, entry.Slot);
                    }
                }

                reason = "stream ended";
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (RpcException e)
            {
                reason = e.StatusCode.ToString();
            }
            catch (Exception e) when (e is HttpRequestException or IOException or InvalidOperationException)
            {
                reason = e.GetType().Name;
            }

            failures++;
            var delay = BackoffDelay(failures, _options.InitialReconnectDelay, _options.MaxReconnectDelay);
            TransportLog.ShredStreamDisconnected(_logger, endpoint, reason, (long)delay.TotalMilliseconds, failures);
            _metrics?.Reconnect();
            try
            {
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
