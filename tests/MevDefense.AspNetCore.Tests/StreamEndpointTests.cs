using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace MevDefense.AspNetCore.Tests;

public sealed class StreamEndpointTests
{
    private static async Task<JsonElement> ReceiveJsonAsync(WebSocket socket)
    {
        var buffer = new byte[64 * 1024];
        int length = 0;
        WebSocketReceiveResult r;
        do
        {
            r = await socket.ReceiveAsync(new ArraySegment<byte>(buffer, length, buffer.Length - length), CancellationToken.None);
            length += r.Count;
        }
        while (!r.EndOfMessage);
        Assert.Equal(WebSocketMessageType.Text, r.MessageType);
        return JsonDocument.Parse(Encoding.UTF8.GetString(buffer, 0, length)).RootElement.Clone();
    }

    [Fact]
    public async Task Stream_ReceivesLedgerEventsAndDetections()
    {
        await using TestApp app = await TestApp.StartAsync();
        using WebSocket socket = await app.CreateWebSocketClient().ConnectAsync(app.StreamUri, CancellationToken.None);
        while (app.Hub.Connections == 0)
        {
            await Task.Yield();
        }

        JsonElement posted = await app.PostJsonAsync("/defensive/dna/event", "{\"event_type\":\"Custom\",\"block_number\":9}", 201);
        JsonElement ledger = await ReceiveJsonAsync(socket);
        Assert.Equal("ledger", ledger.GetProperty("type").GetString());
        Assert.Equal(posted.GetProperty("id").GetString(), ledger.GetProperty("id").GetString());
        Assert.Equal("Custom", ledger.GetProperty("eventType").GetString());

        var (json, _) = ScenarioData.SolanaSlotWithSandwich();
        JsonElement detect = await app.PostJsonAsync("/defensive/detect", json, 200);
        JsonElement first = await ReceiveJsonAsync(socket);
        Assert.Equal("detection", first.GetProperty("type").GetString());
        Assert.Equal(detect.GetProperty("detections")[0].GetProperty("recordId").GetString(), first.GetProperty("recordId").GetString());
        Assert.True(first.GetProperty("latencyMs").GetDouble() >= 0);
        Assert.Equal("ledger", (await ReceiveJsonAsync(socket)).GetProperty("type").GetString());

        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
        while (app.Hub.Connections != 0)
        {
            await Task.Yield();
        }
    }

    [Fact]
    public async Task Stream_PlainHttpRequest_400Problem()
    {
        await using TestApp app = await TestApp.StartAsync();
        var (status, body, contentType) = await app.GetAsync("/defensive/stream");
        Assert.Equal(400, status);
        Assert.Equal("application/problem+json", contentType);
        Assert.Equal(400, body.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task Stream_ClientLimitReached_503()
    {
        await using TestApp app = await TestApp.StartAsync(o => o.MaxStreamClients = 1);
        using WebSocket first = await app.CreateWebSocketClient().ConnectAsync(app.StreamUri, CancellationToken.None);
        while (app.Hub.Connections == 0)
        {
            await Task.Yield();
        }

        await Assert.ThrowsAnyAsync<Exception>(() => app.CreateWebSocketClient().ConnectAsync(app.StreamUri, CancellationToken.None));
        Assert.Equal(1, app.Hub.Connections);
    }
}
