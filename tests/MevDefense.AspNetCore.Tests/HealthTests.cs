using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace MevDefense.AspNetCore.Tests;

public sealed class HealthTests
{
    [Fact]
    public async Task Health_AllComponentsUp_HealthyWithEachComponent()
    {
        await using TestApp app = await TestApp.StartAsync();
        var (status, body, _) = await app.GetAsync("/defensive/health");
        Assert.Equal(200, status);
        Assert.Equal("healthy", body.GetProperty("status").GetString());
        JsonElement c = body.GetProperty("components");
        Assert.Equal("healthy", c.GetProperty("ledger").GetProperty("status").GetString());
        Assert.Equal("healthy", c.GetProperty("detection-model").GetProperty("status").GetString());
        Assert.Equal("healthy", c.GetProperty("anchor-rpc").GetProperty("status").GetString()); // no RPC configured: anchoring off
        Assert.Equal(0, c.GetProperty("ledger").GetProperty("data").GetProperty("records").GetInt32());
        Assert.Equal("healthy", c.GetProperty("ingest").GetProperty("status").GetString()); // not configured in this host
    }

    [Fact]
    public async Task Health_IngestConfiguredWithoutFeedSource_DegradedThenHealthyWhenOneRegisters()
    {
        await using TestApp app = await TestApp.StartAsync(more: static b => b.Services.AddSingleton(new Ingest.Selection.SourceSelector(new Ingest.Selection.SourceSelectorOptions())));
        var (status, body, _) = await app.GetAsync("/defensive/health");
        Assert.Equal(200, status);
        Assert.Equal("degraded", body.GetProperty("components").GetProperty("ingest").GetProperty("status").GetString());
        app.Services.GetRequiredService<Ingest.Selection.SourceSelector>().Register(0, "udp:0.0.0.0:20000");
        var (_, b2, _) = await app.GetAsync("/defensive/health");
        Assert.Equal("healthy", b2.GetProperty("components").GetProperty("ingest").GetProperty("status").GetString());
        Assert.Equal("healthy", b2.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Health_LedgerStops_TransitionsToUnhealthy503()
    {
        await using TestApp app = await TestApp.StartAsync();
        Assert.Equal(200, (await app.GetAsync("/defensive/health")).Status);
        await app.Ledger.DisposeAsync();
        var (status, body, _) = await app.GetAsync("/defensive/health");
        Assert.Equal(503, status);
        Assert.Equal("unhealthy", body.GetProperty("status").GetString());
        Assert.Equal("unhealthy", body.GetProperty("components").GetProperty("ledger").GetProperty("status").GetString());
        await app.PostJsonAsync("/defensive/dna/event", "{\"event_type\":\"X\"}", 503);
    }

    [Fact]
    public async Task Health_NoLedgerRegistered_Degraded200()
    {
        await using TestApp app = await TestApp.StartAsync(ledger: false);
        var (status, body, _) = await app.GetAsync("/defensive/health");
        Assert.Equal(200, status);
        Assert.Equal("degraded", body.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Health_AnchorRpc_HealthyThenUnreachable()
    {
        using var rpc = new FakeRpcServer();
        await using TestApp app = await TestApp.StartAsync(more: _ => { }, configuration: new() { ["MevDefense:SolanaRpc"] = rpc.Url });
        var (status, body, _) = await app.GetAsync("/defensive/health");
        Assert.Equal("healthy", body.GetProperty("components").GetProperty("anchor-rpc").GetProperty("status").GetString());
        Assert.Equal(200, status);
        Assert.True(rpc.Requests > 0);

        rpc.Dispose(); // the port stops answering
        var (s2, b2, _) = await app.GetAsync("/defensive/health");
        Assert.Equal(503, s2);
        Assert.Equal("unhealthy", b2.GetProperty("components").GetProperty("anchor-rpc").GetProperty("status").GetString());
    }

    /// <summary>A one-method JSON-RPC server on 127.0.0.1 answering getHealth with "ok".</summary>
    private sealed class FakeRpcServer : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private int _requests;

        public FakeRpcServer()
        {
            _listener.Start();
            _ = ServeAsync();
        }

        public string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/";

        public int Requests => Volatile.Read(ref _requests);

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
        }

        private async Task ServeAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await _listener.AcceptTcpClientAsync(_stop.Token);
                }
                catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
                {
                    return;
                }

                using (client)
                {
                    NetworkStream stream = client.GetStream();
                    var buffer = new byte[8192];
                    int read = 0;
                    string text;
                    do
                    {
                        read += await stream.ReadAsync(buffer.AsMemory(read));
                        text = Encoding.ASCII.GetString(buffer, 0, read);
                    }
                    while (!(text.Contains("\r\n\r\n", StringComparison.Ordinal) && text.Contains("getHealth", StringComparison.Ordinal)));
                    Interlocked.Increment(ref _requests);
                    byte[] body = Encoding.UTF8.GetBytes("{\"jsonrpc\":\"2.0\",\"result\":\"ok\",\"id\":1}");
                    byte[] head = Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n");
                    await stream.WriteAsync(head);
                    await stream.WriteAsync(body);
                }
            }
        }
    }
}
