using System.Net.WebSockets;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace MevDefense.AspNetCore.Internal;

/// <summary>
/// One WebSocket stream client: a bounded queue of shared, pre-serialized messages and a send loop. A full queue marks the
/// client slow: queued messages are dropped, a close frame with <see cref="SlowCloseDescription"/> is sent once the socket
/// accepts it, and the connection is aborted when the close does not complete within the configured timeout.
/// </summary>
internal sealed class StreamConnection
{
    public const string SlowCloseDescription = "send queue full: client too slow";

    private readonly WebSocket _socket;
    private readonly Channel<byte[]> _queue;
    private readonly CancellationTokenSource _abort;
    private readonly TimeSpan _closeTimeout;
    private int _slow;

    public StreamConnection(long id, WebSocket socket, int capacity, TimeSpan closeTimeout, TimeProvider time)
    {
        Id = id;
        _socket = socket;
        Capacity = capacity;
        _closeTimeout = closeTimeout;
        _abort = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
        _queue = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            SingleWriter = false,
            AllowSynchronousContinuations = false,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public long Id { get; }

    public int Capacity { get; }

    public bool IsSlow => Volatile.Read(ref _slow) != 0;

    /// <summary>Queues a message without waiting. Returns <see langword="false"/> when the queue is full; the caller then calls <see cref="MarkSlow"/>.</summary>
    public bool TryEnqueue(byte[] message) => _queue.Writer.TryWrite(message);

    /// <summary>Marks the client slow (once): stops accepting messages and arms the abort timer. Returns <see langword="true"/> the first time.</summary>
    public bool MarkSlow()
    {
        if (Interlocked.Exchange(ref _slow, 1) != 0)
        {
            return false;
        }

        _queue.Writer.TryComplete();
        Arm();
        return true;
    }

    /// <summary>Runs the send and receive loops until the client goes away, the host stops or the client is found slow.</summary>
    public async Task RunAsync(ILogger logger, CancellationToken stopping)
    {
        using CancellationTokenRegistration stop = stopping.Register(static s => ((StreamConnection)s!).Stop(), this);
        Task receive = ReceiveLoopAsync();
        try
        {
            await SendLoopAsync().ConfigureAwait(false);
            if (IsSlow)
            {
                await CloseAsync(WebSocketCloseStatus.PolicyViolation, SlowCloseDescription).ConfigureAwait(false);
            }
            else if (_socket.State == WebSocketState.CloseReceived)
            {
                await CloseAsync(WebSocketCloseStatus.NormalClosure, string.Empty).ConfigureAwait(false);
            }
            else if (stopping.IsCancellationRequested)
            {
                await CloseAsync(WebSocketCloseStatus.EndpointUnavailable, "server stopping").ConfigureAwait(false);
            }

            // Give the client the close timeout to answer the close frame, then abort.
            Arm();
            await receive.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            if (!IsSlow && !stopping.IsCancellationRequested && _socket.State == WebSocketState.Open)
            {
                AspNetCoreLog.StreamSendFailed(logger, Id, ex);
            }
        }
        finally
        {
            _queue.Writer.TryComplete();
            if (_socket.State is not (WebSocketState.Closed or WebSocketState.Aborted))
            {
                _socket.Abort();
            }

            try
            {
                await receive.ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
            {
            }

            _abort.Dispose();
        }
    }

    private void Arm()
    {
        try
        {
            _abort.CancelAfter(_closeTimeout);
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private void Stop()
    {
        _queue.Writer.TryComplete();
        Arm();
    }

    private async Task SendLoopAsync()
    {
        ChannelReader<byte[]> reader = _queue.Reader;
        while (await reader.WaitToReadAsync(_abort.Token).ConfigureAwait(false))
        {
            while (!IsSlow && reader.TryRead(out byte[]? message))
            {
                await _socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, _abort.Token).ConfigureAwait(false);
            }

            if (IsSlow)
            {
                return;
            }
        }
    }

    private async Task CloseAsync(WebSocketCloseStatus status, string description)
    {
        if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            Arm();
            await _socket.CloseOutputAsync(status, description, _abort.Token).ConfigureAwait(false);
        }
    }

    private async Task ReceiveLoopAsync()
    {
        // Clients only send control frames (and maybe pings); anything else is read and ignored through a tiny buffer.
        byte[] buffer = new byte[64];
        while (_socket.State is WebSocketState.Open or WebSocketState.CloseSent)
        {
            ValueWebSocketReceiveResult r = await _socket.ReceiveAsync(buffer.AsMemory(), _abort.Token).ConfigureAwait(false);
            if (r.MessageType == WebSocketMessageType.Close)
            {
                _queue.Writer.TryComplete(); // the send loop ends and answers the close
                return;
            }
        }
    }
}
