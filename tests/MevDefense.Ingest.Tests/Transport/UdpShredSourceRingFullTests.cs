using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using MevDefense.Ingest.Ring;
using MevDefense.Ingest.Sources;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace MevDefense.Ingest.Tests.Transport;

public sealed class UdpShredSourceRingFullTests
{
    /// <summary>Blocks the consumer thread on its first datagram until released.</summary>
    private sealed class GatedSink : IDatagramSink, IDisposable
    {
        private readonly ManualResetEventSlim _gate = new(false);
        private long _count;

        public long Count => Interlocked.Read(ref _count);

        public void Release() => _gate.Set();

        public void OnDatagram(ReadOnlySpan<byte> datagram, long receiveTimestamp, int sourceId)
        {
            _gate.Wait(TimeSpan.FromSeconds(30));
            Interlocked.Increment(ref _count);
        }

        public void Dispose() => _gate.Dispose();
    }

    [Theory]
    [InlineData(true, IngestFullMode.DropNewest)]
    [InlineData(false, IngestFullMode.DropNewest)]
    [InlineData(true, IngestFullMode.DropOldest)]
    public async Task ConsumerStalled_RingFills_OverflowCountedNothingLostSilently(bool recvMmsg, IngestFullMode mode)
    {
        const int Sent = 40;
        using var sink = new GatedSink();
        using var sp = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = sp.GetRequiredService<IMeterFactory>();
        using var dropped = new MetricCollector<long>(meters, MevDefenseMeters.Ingest, "defensive.ingest.datagrams.dropped");
        await using var source = new UdpShredSource(
            new UdpShredSourceOptions { ListenAddress = IPAddress.Loopback, Port = 0, ReceiveLoops = 1, RingCapacity = 8, FullMode = mode, UseRecvMmsg = recvMmsg },
            sink, meterFactory: meters);
        await source.StartAsync();
        using var sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        for (var i = 0; i < Sent; i++)
        {
            sender.SendTo(new byte[] { (byte)i, 1, 2, 3 }, source.LocalEndPoint);
        }

        // Every datagram is either in the ring or counted as dropped before the consumer moves again.
        await UdpShredSourceTests.WaitUntilAsync(() => source.Statistics.Received + source.Statistics.DroppedNewest == Sent);
        sink.Release();
        await UdpShredSourceTests.WaitUntilAsync(() => sink.Count == source.Statistics.Received - source.Statistics.DroppedOldest);
        await source.StopAsync();

        var s = source.Statistics;
        Assert.Equal(Sent, sink.Count + s.DroppedNewest + s.DroppedOldest);
        if (mode == IngestFullMode.DropNewest)
        {
            // The stalled consumer holds its claimed batch, so exactly the ring's 8 entries were accepted.
            Assert.Equal(8, s.Received);
            Assert.Equal(Sent - 8, s.DroppedNewest);
            Assert.Equal(0, s.DroppedOldest);
        }

        var counted = dropped.GetMeasurementSnapshot().Where(m => ((string?)m.Tags["reason"])!.StartsWith("ring_full", StringComparison.Ordinal)).Sum(m => m.Value);
        Assert.Equal(s.DroppedNewest + s.DroppedOldest, counted);
    }
}
