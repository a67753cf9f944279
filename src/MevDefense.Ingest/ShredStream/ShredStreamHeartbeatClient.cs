using Grpc.Core;
using Grpc.Net.Client;
using MevDefense.Ingest.ShredStream.Protocol;
using MevDefense.Ingest.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MevDefense.Ingest.ShredStream;

/// <summary>
/// Sends ShredStream heartbeats (<c>SendHeartbeat{socket, regions}</c>) so a block engine keeps sending shreds to this host's UDP port:
/// the first after start, then every <c>ttl_ms / 3</c> as the responses ask.
/// </summary>
public sealed class ShredStreamHeartbeatClient : IAsyncDisposable
{
    private readonly ShredStreamHeartbeatOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly GrpcChannel _channel;
    private readonly Shredstream.ShredstreamClient _client;
    private CancellationTokenSource? _cts;
    private Task? _loop;
    private long _sent;
    private int _disposed;

    /// <summary>Creates the client; call <see cref="StartAsync"/> to begin.</summary>
    /// <param name="options">The options.</param>
    /// <param name="logger">The logger, or <see langword="null"/>.</param>
    /// <param name="timeProvider">The time provider, or <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <param name="httpHandler">The HTTP handler, or <see langword="null"/> for the default.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/>, its endpoint or public IP is <see langword="null"/>.</exception>
    public ShredStreamHeartbeatClient(
        ShredStreamHeartbeatOptions options,
        ILogger<ShredStreamHeartbeatClient>? logger = null,
        TimeProvider? timeProvider = null,
        HttpMessageHandler? httpHandler = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.Endpoint, "options.Endpoint");
        ArgumentNullException.ThrowIfNull(options.PublicIp, "options.PublicIp");
        _options = options;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
        _channel = GrpcChannel.ForAddress(options.Endpoint, new GrpcChannelOptions { HttpHandler = httpHandler, DisposeHttpClient = httpHandler is null });
        _client = new Shredstream.ShredstreamClient(_channel);
    }

    /// <summary>Gets the number of heartbeats acknowledged.</summary>
    public long Acknowledged => Interlocked.Read(ref _sent);

    /// <summary>Gets the last interval the server asked for.</summary>
    public TimeSpan CurrentInterval { get; private set; }

    /// <summary>Sends one heartbeat.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The interval until the next heartbeat (<c>ttl_ms / 3</c>).</returns>
    /// <exception cref="RpcException">The call failed.</exception>
    public async Task<TimeSpan> SendAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var request = new Heartbeat { Socket = new Protocol.Socket { Ip = _options.PublicIp, Port = _options.Port } };
        request.Regions.AddRange(_options.Regions);
        var headers = new Metadata();
        foreach (var (k, v) in _options.Headers)
        {
            headers.Add(k, v);
        }

        var response = await _client.SendHeartbeatAsync(request, headers, cancellationToken: cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref _sent);
        CurrentInterval = response.TtlMs > 0 ? TimeSpan.FromMilliseconds(response.TtlMs / 3.0) : _options.InitialInterval;
        return CurrentInterval;
    }

    /// <summary>Starts the heartbeat loop.</summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>A completed task.</returns>
    /// <exception cref="InvalidOperationException">Already started.</exception>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        cancellationToken.ThrowIfCancellationRequested();
        if (_loop is not null)
        {
            throw new InvalidOperationException("The heartbeat was already started.");
        }

        _cts = new CancellationTokenSource();
        _loop = RunAsync(_cts.Token);
        return Task.CompletedTask;
    }

    /// <summary>Stops the heartbeat loop.</summary>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>A task that completes when the loop ended.</returns>
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
        _channel.Dispose();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        await Task.Yield();
        var interval = _options.InitialInterval;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                interval = await SendAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (RpcException e) when (!cancellationToken.IsCancellationRequested)
            {
                TransportLog.HeartbeatFailed(_logger, _options.Endpoint!.ToString(), e.StatusCode.ToString());
                interval = _options.InitialInterval;
            }
            catch (Exception) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            try
            {
                await Task.Delay(interval, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
