using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Google.Protobuf;
using Grpc.Core;
using MevDefense.Ingest.ShredStream;
using MevDefense.Ingest.ShredStream.Protocol;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace MevDefense.Ingest.Tests.Transport;

public sealed class ShredStreamEntrySourceTests
{
    internal sealed class FlakyProxy : ShredstreamProxy.ShredstreamProxyBase
    {
        private int _calls;

        public IReadOnlyList<Entry> Batches { get; init; } = [];

        public int Calls => Volatile.Read(ref _calls);

        public override async Task SubscribeEntries(SubscribeEntriesRequest request, IServerStreamWriter<Entry> responseStream, ServerCallContext context)
        {
            var call = Interlocked.Increment(ref _calls);
            if (call == 1)
            {
                throw new RpcException(new Status(StatusCode.Unavailable, "warming up"));
            }

            foreach (var b in Batches)
            {
                await responseStream.WriteAsync(b);
            }

            if (call == 2)
            {
                return; // the stream ends: the client must reconnect
            }

            await Task.Delay(Timeout.Infinite, context.CancellationToken).ContinueWith(static _ => { });
        }
    }

    internal sealed class Sink : IEntryBatchSink
    {
        public ConcurrentQueue<(ulong Slot, byte[] Entries, int Source)> Items { get; } = new();

        public void OnEntryBatch(ulong slot, ReadOnlyMemory<byte> entries, long receiveTimestamp, int sourceId) =>
            Items.Enqueue((slot, entries.ToArray(), sourceId));
    }

    [Fact]
    public async Task SubscribeEntries_FailureAndStreamEnd_ReconnectsAndDeliversEveryBatch()
    {
        var rnd = new Random(3);
        var batches = Enumerable.Range(0, 3).Select(i =>
        {
            var bytes = new byte[100 + (i * 50)];
            rnd.NextBytes(bytes);
            return new Entry { Slot = 400_000_000UL + (ulong)i, Entries = ByteString.CopyFrom(bytes) };
        }).ToArray();
        var proxy = new FlakyProxy { Batches = batches };
        await using var server = await InTestGrpcServer.StartAsync(s => s.AddSingleton(proxy), app => app.MapGrpcService<FlakyProxy>());
        var meterFactory = new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>();
        using var messages = new MetricCollector<long>(meterFactory, MevDefenseMeters.Ingest, "defensive.shredstream.messages");
        using var reconnects = new MetricCollector<long>(meterFactory, MevDefenseMeters.Ingest, "defensive.ingest.shredstream.reconnects");
        var sink = new Sink();
        await using var source = new ShredStreamEntrySource(
            new ShredStreamSourceOptions { Endpoint = server.Address, SourceId = 4, InitialReconnectDelay = TimeSpan.FromMilliseconds(10) },
            sink, meterFactory: meterFactory);
        await source.StartAsync();
        await UdpShredSourceTests.WaitUntilAsync(() => sink.Items.Count >= 6);
        await source.StopAsync();

        var items = sink.Items.ToArray();
        Assert.Equal(6, items.Length);
        for (var i = 0; i < 6; i++)
        {
            Assert.Equal(batches[i % 3].Slot, items[i].Slot);
            Assert.Equal(batches[i % 3].Entries.ToByteArray(), items[i].Entries);
            Assert.Equal(4, items[i].Source);
        }

        Assert.Equal(3, proxy.Calls);
        Assert.Equal(3, source.ConnectAttempts);
        Assert.Equal(6, source.Messages);
        Assert.Equal(6, messages.GetMeasurementSnapshot().Sum(m => m.Value));
        Assert.Equal(2, reconnects.GetMeasurementSnapshot().Sum(m => m.Value));
    }

    [Fact]
    public async Task Stop_WhileServerUnreachable_EndsPromptlyWithoutThrowing()
    {
        // Port 9 (discard) on 127.0.0.1 has no gRPC server: every attempt fails and the loop backs off until stopped.
        await using var source = new ShredStreamEntrySource(
            new ShredStreamSourceOptions { Endpoint = new Uri("http://127.0.0.1:9"), InitialReconnectDelay = TimeSpan.FromMilliseconds(5) },
            new Sink());
        await source.StartAsync();
        await UdpShredSourceTests.WaitUntilAsync(() => source.ConnectAttempts >= 2);
        await source.StopAsync();
    }

    [Theory]
    [InlineData(1, 250)]
    [InlineData(2, 500)]
    [InlineData(5, 4000)]
    [InlineData(10, 30000)]
    [InlineData(100, 30000)]
    public void BackoffDelay_DoublesAndCaps(int attempt, int expectedMs) =>
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), ShredStreamEntrySource.BackoffDelay(attempt, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(30)));

    internal sealed class HeartbeatServer : Shredstream.ShredstreamBase
    {
        public ConcurrentQueue<Heartbeat> Received { get; } = new();

        public override Task<HeartbeatResponse> SendHeartbeat(Heartbeat request, ServerCallContext context)
        {
            Received.Enqueue(request);
            return Task.FromResult(new HeartbeatResponse { TtlMs = 30 });
        }
    }

    [Fact]
    public async Task Heartbeat_SendsSocketAndRegions_AndFollowsTtl()
    {
        var hb = new HeartbeatServer();
        await using var server = await InTestGrpcServer.StartAsync(s => s.AddSingleton(hb), app => app.MapGrpcService<HeartbeatServer>());
        var options = new ShredStreamHeartbeatOptions { Endpoint = server.Address, PublicIp = "203.0.113.7", Port = 20000, InitialInterval = TimeSpan.FromMilliseconds(5) };
        options.Regions.Add("amsterdam");
        options.Regions.Add("frankfurt");
        await using var client = new ShredStreamHeartbeatClient(options);
        Assert.Equal(TimeSpan.FromMilliseconds(10), await client.SendAsync());
        await client.StartAsync();
        await UdpShredSourceTests.WaitUntilAsync(() => client.Acknowledged >= 3);
        await client.StopAsync();
        var first = hb.Received.First();
        Assert.Equal("203.0.113.7", first.Socket.Ip);
        Assert.Equal(20000, first.Socket.Port);
        Assert.Equal(["amsterdam", "frankfurt"], first.Regions);
        Assert.True(client.Acknowledged >= 3);
    }
}
