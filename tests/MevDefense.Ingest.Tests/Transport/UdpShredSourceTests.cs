using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using MevDefense.Ingest.Ring;
using MevDefense.Ingest.Sources;
using MevDefense.TestUtils;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Testing;
using System.Diagnostics.Metrics;

namespace MevDefense.Ingest.Tests.Transport;

public sealed class UdpShredSourceTests
{
    internal sealed class CollectingSink : IDatagramSink
    {
        public ConcurrentQueue<(byte[] Data, long Ts, int Source)> Items { get; } = new();

        public void OnDatagram(ReadOnlySpan<byte> datagram, long receiveTimestamp, int sourceId) =>
            Items.Enqueue((datagram.ToArray(), receiveTimestamp, sourceId));
    }

    /// <summary>Sends datagrams in groups and waits (bounded) until each group arrived, so a small kernel receive buffer cannot overflow.</summary>
    internal static async Task SendPacedAsync(Socket sender, IPEndPoint target, IReadOnlyList<byte[]> datagrams, Func<long> arrived, long alreadyArrived = 0)
    {
        for (var i = 0; i < datagrams.Count; i++)
        {
            sender.SendTo(datagrams[i], target);
            if (i % 32 == 31 || i == datagrams.Count - 1)
            {
                await WaitUntilAsync(() => arrived() >= alreadyArrived + i + 1);
            }
        }
    }

    internal static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 2000 && !condition(); i++)
        {
            await Task.Delay(5);
        }

        Assert.True(condition(), "the expected datagrams did not arrive");
    }

    [FixtureTheory]
    [InlineData(true, 2)]
    [InlineData(false, 2)]
    [InlineData(true, 1)]
    public async Task Loopback_DemoShreds_AllArriveInSinkWithSourceAndTimestamps(bool recvMmsg, int loops)
    {
        var shreds = PcapShreds.Load();
        Assert.Equal(512, shreds.Count);
        var sink = new CollectingSink();
        await using var source = new UdpShredSource(
            new UdpShredSourceOptions { ListenAddress = IPAddress.Loopback, Port = 0, ReceiveLoops = loops, UseRecvMmsg = recvMmsg, SourceId = 9, RingCapacity = 1024 },
            sink);
        await source.StartAsync();
        Assert.Equal(recvMmsg && OperatingSystem.IsLinux(), source.UsesRecvMmsg);
        using var sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        await SendPacedAsync(sender, source.LocalEndPoint, shreds, () => sink.Items.Count);
        await source.StopAsync();

        var received = sink.Items.ToArray();
        Assert.Equal(shreds.Count, received.Length);
        Assert.All(received, r => Assert.Equal(9, r.Source));
        Assert.All(received, r => Assert.True(r.Ts > 0));
        var expected = shreds.Select(Convert.ToHexString).Order(StringComparer.Ordinal);
        Assert.Equal(expected, received.Select(r => Convert.ToHexString(r.Data)).Order(StringComparer.Ordinal));
        var stats = source.Statistics;
        Assert.Equal(shreds.Count, stats.Received);
        Assert.Equal(shreds.Count, stats.Delivered);
        Assert.Equal(0, stats.Oversized + stats.Empty + stats.DroppedNewest + stats.DroppedOldest);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Loopback_MalformedTruncatedOversized_CountedAndSurvived(bool recvMmsg)
    {
        var sink = new CollectingSink();
        var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meterFactory = services.GetRequiredService<IMeterFactory>();
        using var dropped = new MetricCollector<long>(meterFactory, MevDefenseMeters.Ingest, "defensive.ingest.datagrams.dropped");
        using var receivedMetric = new MetricCollector<long>(meterFactory, MevDefenseMeters.Ingest, "defensive.ingest.datagrams.received");
        await using var source = new UdpShredSource(
            new UdpShredSourceOptions { ListenAddress = IPAddress.Loopback, Port = 0, ReceiveLoops = 1, UseRecvMmsg = recvMmsg, RingCapacity = 64 },
            sink, meterFactory: meterFactory);
        await source.StartAsync();
        using var sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        var target = source.LocalEndPoint;
        var garbage = new byte[] { 0x0a, 0x03, 0x61, 0x6d, 0x73 }; // a TraceShred-like protobuf: not a shred, still delivered
        var truncated = new byte[40];
        new Random(1).NextBytes(truncated);
        sender.SendTo(new byte[DatagramRing.SlotSize + 1], target);
        sender.SendTo(new byte[9000], target);
        sender.SendTo([], target);
        sender.SendTo(garbage, target);
        sender.SendTo(truncated, target);
        var full = new byte[DatagramRing.SlotSize];
        full[0] = 0xff;
        sender.SendTo(full, target);
        await WaitUntilAsync(() => sink.Items.Count == 3 && source.Statistics.Oversized == 2 && source.Statistics.Empty == 1);

        // The loop survived: a later datagram still arrives.
        sender.SendTo(garbage, target);
        await WaitUntilAsync(() => sink.Items.Count == 4);
        await source.StopAsync();

        var items = sink.Items.Select(i => i.Data).ToArray();
        Assert.Equal(garbage, items[0]);
        Assert.Equal(truncated, items[1]);
        Assert.Equal(full, items[2]);
        Assert.Equal(2, source.Statistics.Oversized);
        Assert.Equal(1, source.Statistics.Empty);
        Assert.Equal(2, dropped.GetMeasurementSnapshot().Where(m => (string?)m.Tags["reason"] == "oversized").Sum(m => m.Value));
        Assert.Equal(1, dropped.GetMeasurementSnapshot().Where(m => (string?)m.Tags["reason"] == "empty").Sum(m => m.Value));
        Assert.Equal(4, receivedMetric.GetMeasurementSnapshot().Sum(m => m.Value));
    }

    [Fact]
    public async Task Options_ReceiveBufferAndDscp_AppliedToSocket()
    {
        await using var source = new UdpShredSource(
            new UdpShredSourceOptions { ListenAddress = IPAddress.Loopback, Port = 0, ReceiveLoops = 2, ReceiveBufferBytes = 1 << 20, Dscp = 46, RingCapacity = 64 },
            new CollectingSink());
        await source.StartAsync();
        Assert.True(source.EffectiveReceiveBufferBytes > 0);
        Assert.Equal(2, source.Rings.Count);
        Assert.All(source.Rings, r => Assert.Equal(32, r.Capacity));
        await Assert.ThrowsAsync<InvalidOperationException>(() => source.StartAsync());
    }

    [ReceiveBufferForceFact]
    public async Task Options_ForceReceiveBuffer_ExceedsRmemMax()
    {
        // Above net.core.rmem_max (4 MiB here; the attribute skips where it is 256 MiB or more); the kernel doubles what it stores.
        var rmemMax = int.Parse(File.ReadAllText("/proc/sys/net/core/rmem_max").Trim(), System.Globalization.CultureInfo.InvariantCulture);
        var requested = Math.Max(64 << 20, 2 * rmemMax);
        await using var forced = new UdpShredSource(
            new UdpShredSourceOptions { ListenAddress = IPAddress.Loopback, Port = 0, ReceiveLoops = 2, ReceiveBufferBytes = requested, ForceReceiveBuffer = true, RingCapacity = 64 },
            new CollectingSink());
        forced.BindSockets();
        Assert.Equal(2, forced.Sockets.Count);
        Assert.All(forced.Sockets, s => Assert.Equal(2 * requested, s.ReceiveBufferSize));
        Assert.Equal(2 * requested, forced.EffectiveReceiveBufferBytes);

        // Without the option the same request stays capped at rmem_max (doubled).
        await using var capped = new UdpShredSource(
            new UdpShredSourceOptions { ListenAddress = IPAddress.Loopback, Port = 0, ReceiveLoops = 1, ReceiveBufferBytes = requested, RingCapacity = 64 },
            new CollectingSink());
        capped.BindSockets();
        Assert.Equal(2 * rmemMax, capped.EffectiveReceiveBufferBytes);
    }

    [LinuxFact]
    public async Task Options_ForceReceiveBuffer_Refused_FallsBackToRcvBufAndLogs()
    {
        // The socket options are set on the binding thread; without CAP_NET_ADMIN in its effective set the kernel refuses
        // SO_RCVBUFFORCE (EPERM), as it does for any unprivileged process.
        const int Requested = 64 << 20;
        var rmemMax = int.Parse(File.ReadAllText("/proc/sys/net/core/rmem_max").Trim(), System.Globalization.CultureInfo.InvariantCulture);
        var logger = new FakeLogger<UdpShredSource>();
        await using var source = new UdpShredSource(
            new UdpShredSourceOptions { ListenAddress = IPAddress.Loopback, Port = 0, ReceiveLoops = 2, ReceiveBufferBytes = Requested, ForceReceiveBuffer = true, RingCapacity = 64 },
            new CollectingSink(),
            logger);
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                ThreadCapabilities.DropEffective(ThreadCapabilities.CapNetAdmin);
                source.BindSockets();
            }
            catch (Exception e)
            {
                error = e;
            }
        });
        thread.Start();
        thread.Join();
        Assert.Null(error);
        Assert.Equal(2, source.Sockets.Count);
        Assert.All(source.Sockets, s => Assert.Equal(2 * Math.Min(Requested, rmemMax), s.ReceiveBufferSize));
        var refused = logger.Collector.GetSnapshot().Where(r => r.Id.Name == "ReceiveBufferForceRefused").ToArray();
        Assert.Equal(2, refused.Length); // one per socket
        Assert.All(refused, r => Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, r.Level));
        Assert.Contains("CAP_NET_ADMIN", refused[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BindSockets_QueuesInKernelUntilStart_ThenDelivers()
    {
        var sink = new CollectingSink();
        await using var source = new UdpShredSource(
            new UdpShredSourceOptions { ListenAddress = IPAddress.Loopback, Port = 0, ReceiveLoops = 1, RingCapacity = 64 },
            sink);
        source.BindSockets();
        source.BindSockets(); // idempotent
        using var sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        sender.Connect(source.LocalEndPoint);
        for (var i = 0; i < 5; i++)
        {
            sender.Send(new byte[] { (byte)i, 1, 2 });
        }

        // Loopback delivery is synchronous with send: all five sit in the socket queue, and nothing reached the sink.
        Assert.Equal(3, source.Sockets[0].Available);
        Assert.Empty(sink.Items);
        await source.StartAsync();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (sink.Items.Count < 5 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(5);
        }

        Assert.Equal([0, 1, 2, 3, 4], sink.Items.Select(i => (int)i.Data[0]));
        Assert.Equal(5, source.Statistics.Received);
    }

    [Fact]
    public void Ctor_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>("options", () => new UdpShredSource(null!, new CollectingSink()));
        Assert.Throws<ArgumentNullException>("sink", () => new UdpShredSource(new UdpShredSourceOptions(), null!));
    }
}
