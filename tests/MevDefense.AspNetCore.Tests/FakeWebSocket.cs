using System.Net.WebSockets;
using System.Threading.Channels;

namespace MevDefense.AspNetCore.Tests;

/// <summary>
/// A deterministic in-memory WebSocket for hub tests. A fast socket completes every send at once; a gated socket blocks
/// every send until <see cref="ReleaseSends"/> (or cancellation). Receives wait until the server sends a close frame
/// (then the "client" answers with its own close), or until the socket is aborted.
/// </summary>
internal sealed class FakeWebSocket(bool gated) : WebSocket
{
    private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Channel<string> _received = Channel.CreateUnbounded<string>();
    private WebSocketState _state = WebSocketState.Open;
    private int _sendsStarted;

    public ChannelReader<string> Received => _received.Reader;

    public int SendsStarted => Volatile.Read(ref _sendsStarted);

    public WebSocketCloseStatus? SentCloseStatus { get; private set; }

    public string? SentCloseDescription { get; private set; }

    public Task Finished => _closed.Task;

    public override WebSocketCloseStatus? CloseStatus => SentCloseStatus;

    public override string? CloseStatusDescription => SentCloseDescription;

    public override WebSocketState State => _state;

    public override string? SubProtocol => null;

    public void ReleaseSends() => _gate.TrySetResult();

    public override void Abort()
    {
        _state = WebSocketState.Aborted;
        _closed.TrySetResult();
        _received.Writer.TryComplete();
    }

    public override Task CloseAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken) =>
        CloseOutputAsync(closeStatus, statusDescription, cancellationToken);

    public override Task CloseOutputAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken)
    {
        SentCloseStatus = closeStatus;
        SentCloseDescription = statusDescription;
        _state = WebSocketState.Closed; // the fake client answers the close at once
        _closed.TrySetResult();
        _received.Writer.TryComplete();
        return Task.CompletedTask;
    }

    public override void Dispose()
    {
    }

    public override async Task<WebSocketReceiveResult> ReceiveAsync(ArraySegment<byte> buffer, CancellationToken cancellationToken)
    {
        await _closed.Task.WaitAsync(cancellationToken);
        return new WebSocketReceiveResult(0, WebSocketMessageType.Close, true, WebSocketCloseStatus.NormalClosure, string.Empty);
    }

    public override async Task SendAsync(ArraySegment<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _sendsStarted);
        if (gated)
        {
            await _gate.Task.WaitAsync(cancellationToken);
        }

        _received.Writer.TryWrite(System.Text.Encoding.UTF8.GetString(buffer));
    }
}
