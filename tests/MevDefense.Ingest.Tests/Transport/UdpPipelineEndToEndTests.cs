using System.Net;
using System.Net.Sockets;
using MevDefense.Ingest.Merkle;
using MevDefense.Ingest.Pipeline;
using MevDefense.Ingest.Selection;
using MevDefense.Ingest.Sources;
using MevDefense.Ingest.Transport;
using MevDefense.TestUtils;

namespace MevDefense.Ingest.Tests.Transport;

public sealed class UdpPipelineEndToEndTests
{
    private const string DemoLeader = "4rBaC4tZ4bd7fDGQpWpesBSmgqYmMzkASuZsZkbHCrBK";

    private sealed class Observer : IShredPipelineObserver
    {
        public List<(ulong Slot, bool? SignatureValid)> FecSets { get; } = [];

        public int Batches { get; private set; }

        public int Transactions { get; private set; }

        public void OnEntryBatch(in EntryBatch batch)
        {
            Batches++;
            Transactions += batch.TransactionCount;
        }

        public void OnFecSet(in FecSetResult result) => FecSets.Add((result.Slot, result.SignatureValid));

        public void OnEquivocation(in ShredEquivocation equivocation)
        {
        }
    }

    /// <summary>Two senders deliver the demo pcap twice through two receive loops: the pipeline verifies all 8 FEC sets, drops the
    /// copies as duplicates, and the forwarder re-sends exactly the first copy of each shred.</summary>
    [FixtureFact]
    public async Task Loopback_DemoPcapTwice_VerifiedOnceDeduplicatedAndForwarded()
    {
        var shreds = PcapShreds.Load();
        using var consumer = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveBufferSize = 4 << 20 };
        consumer.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var forwardOptions = new ShredForwarderOptions();
        forwardOptions.Destinations.Add((IPEndPoint)consumer.LocalEndPoint!);
        using var forwarder = new ShredForwarder(forwardOptions);
        var observer = new Observer();
        using var pipeline = new ShredPipeline(
            new ShredPipelineOptions { LeaderSchedule = new StaticLeaderScheduleProvider(Pubkey.Parse(DemoLeader)) }, observer);
        var selector = new SourceSelector(new SourceSelectorOptions(), new Random(1));
        selector.Register(3, "udp");
        var sink = new ShredPipelineSink(pipeline, forwarder, selector);

        // Drain the forwarder's consumer while sending, so a small kernel receive buffer cannot overflow.
        var forwarded = new HashSet<string>(StringComparer.Ordinal);
        var receiving = Task.Factory.StartNew(
            () =>
            {
                var buffer = new byte[2048];
                consumer.ReceiveTimeout = 20_000;
                for (var i = 0; i < shreds.Count; i++)
                {
                    forwarded.Add(Convert.ToHexString(buffer, 0, consumer.Receive(buffer)));
                }
            },
            TaskCreationOptions.LongRunning);

        await using (var source = new UdpShredSource(
            new UdpShredSourceOptions { ListenAddress = IPAddress.Loopback, Port = 0, ReceiveLoops = 2, SourceId = 3, RingCapacity = 2048 }, sink))
        {
            await source.StartAsync();
            using var a = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            using var b = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            await UdpShredSourceTests.SendPacedAsync(a, source.LocalEndPoint, shreds, () => source.Statistics.Delivered);
            await UdpShredSourceTests.SendPacedAsync(b, source.LocalEndPoint, shreds, () => source.Statistics.Delivered, shreds.Count);
            await source.StopAsync();
        }

        pipeline.Flush();
        Assert.Equal(shreds.Count, sink.Accepted);
        Assert.Equal(shreds.Count, sink.Duplicates);
        Assert.Equal(0, sink.Rejected);
        Assert.Equal(8, observer.FecSets.Count);
        Assert.All(observer.FecSets, f => Assert.True(f.SignatureValid));
        Assert.True(observer.Batches > 0);
        Assert.Equal(shreds.Count, forwarder.Sent);

        await receiving;
        Assert.True(forwarded.SetEquals(shreds.Select(Convert.ToHexString)));
        var estimate = Assert.Single(selector.Snapshot());
        Assert.Equal(3, estimate.SourceId);
    }
}
