using System.Net.WebSockets;
using System.Text.Json;
using MevDefense.AspNetCore.Internal;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace MevDefense.AspNetCore.Tests;

public sealed class DefensiveStreamHubTests
{
    private static DetectionEvent Detection(ulong slot) => new()
    {
        Kind = DetectionKind.Sandwich,
        Slot = slot,
        Confidence = 0.9,
        Detector = "test",
        Pool = new Pubkey(Enumerable.Repeat((byte)7, 32).ToArray()),
    };

    [Fact]
    public async Task SlowClient_QueueFull_DisconnectedWithReasonAndCounted_FastClientKeepsReceiving()
    {
        using var meters = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var factory = meters.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        using var slowCounter = new MetricCollector<long>(factory, MevDefenseMeters.AspNetCore, "defensive.stream.slow_disconnects");
        var time = new FakeTimeProvider();
        const int Capacity = 4;
        var hub = new DefensiveStreamHub(new MevDefenseAspNetCoreOptions { StreamQueueCapacity = Capacity }, time, null, new AspNetCoreMetrics(factory));
        var fast = new FakeWebSocket(gated: false);
        var slow = new FakeWebSocket(gated: true);
        using var stop = new CancellationTokenSource();
        Task fastRun = hub.RunAsync(fast, stop.Token);
        Task slowRun = hub.RunAsync(slow, stop.Token);
        Assert.Equal(2, hub.Connections);

        // Publish one message at a time and wait until the fast client has it, so the fast queue never holds more than one.
        // The slow client takes message 0 into a send that blocks; then its queue fills with Capacity messages, and the
        // next publish finds it full.
        int published = 0;
        while (hub.SlowClientsDisconnected == 0)
        {
            Assert.True(published < Capacity + 2, "the slow client was not disconnected once its bounded queue was full");
            hub.PublishDetection(Detection((ulong)published), null);
            published++;
            string message = await fast.Received.ReadAsync();
            Assert.Equal(published - 1, JsonDocument.Parse(message).RootElement.GetProperty("slot").GetInt32());
            while (slow.SendsStarted == 0)
            {
                await Task.Yield();
            }
        }

        Assert.Equal(Capacity + 2, published);
        Assert.Equal(1, hub.SlowClientsDisconnected);
        Assert.Equal(1, slowCounter.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.Equal(1, slow.SendsStarted);

        // The fast client keeps receiving while the slow one is still stuck in its send.
        for (int i = 0; i < 3 * Capacity; i++)
        {
            hub.PublishDetection(Detection(1000 + (ulong)i), null);
            Assert.Contains("\"slot\":" + (1000 + i), await fast.Received.ReadAsync(), StringComparison.Ordinal);
        }

        // When the slow client's socket finally accepts data, it gets the close frame with the reason, not the backlog.
        slow.ReleaseSends();
        await slowRun;
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, slow.SentCloseStatus);
        Assert.Equal(StreamConnection.SlowCloseDescription, slow.SentCloseDescription);
        Assert.Equal(1, slow.SendsStarted);
        Assert.Equal(1, hub.Connections);
        Assert.Equal(1, hub.SlowClientsDisconnected);

        stop.Cancel();
        await fastRun;
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, fast.SentCloseStatus);
        Assert.Equal(0, hub.Connections);
    }

    [Fact]
    public async Task SlowClient_NeverAcceptsData_AbortedAfterCloseTimeout()
    {
        var time = new FakeTimeProvider();
        var hub = new DefensiveStreamHub(new MevDefenseAspNetCoreOptions { StreamQueueCapacity = 1, SlowClientCloseTimeout = TimeSpan.FromSeconds(5) }, time);
        var slow = new FakeWebSocket(gated: true);
        Task run = hub.RunAsync(slow, CancellationToken.None);

        // First make the send loop block inside the gated send, so the client is slow while a send is in flight
        // (if it were found slow before its first send, it would close at once and there would be nothing to time out).
        hub.PublishDetection(Detection(1), null);
        while (slow.SendsStarted == 0)
        {
            await Task.Delay(1);
        }

        while (hub.SlowClientsDisconnected == 0)
        {
            hub.PublishDetection(Detection(1), null);
            await Task.Yield();
        }

        Assert.False(run.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(5));
        await run;
        Assert.Equal(WebSocketState.Aborted, slow.State);
        Assert.Equal(0, hub.Connections);
    }

    [Fact]
    public async Task Publish_NoClients_DoesNotSerializeOrThrow()
    {
        var hub = new DefensiveStreamHub(new MevDefenseAspNetCoreOptions());
        await hub.OnDetectionAsync(Detection(1));
        Assert.Equal(1, hub.MessagesPublished);
        Assert.Equal(0, hub.Connections);
    }

    [Fact]
    public async Task MemoryPerConnection_IdleClients_Under64KB()
    {
        const int N = 500;
        var hub = new DefensiveStreamHub(new MevDefenseAspNetCoreOptions());
        using var stop = new CancellationTokenSource();
        var sockets = new FakeWebSocket[N];
        var runs = new Task[N];
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        long before = GC.GetTotalMemory(forceFullCollection: true);
        for (int i = 0; i < N; i++)
        {
            sockets[i] = new FakeWebSocket(gated: false);
            runs[i] = hub.RunAsync(sockets[i], stop.Token);
        }

        hub.PublishDetection(Detection(1), null); // one shared message queued/sent everywhere
        foreach (FakeWebSocket s in sockets)
        {
            await s.Received.ReadAsync();
        }

        long after = GC.GetTotalMemory(forceFullCollection: true);
        double perConnection = (after - before) / (double)N;
        Assert.Equal(N, hub.Connections);
        Assert.True(perConnection < 64 * 1024, $"{perConnection:0} bytes per connection");
        Console.WriteLine($"hub memory per idle stream connection (incl. fake socket): {perConnection:0} bytes");
        stop.Cancel();
        await Task.WhenAll(runs);
        Assert.Equal(0, hub.Connections);
    }
}
