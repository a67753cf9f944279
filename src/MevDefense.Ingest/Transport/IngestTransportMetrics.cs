using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace MevDefense.Ingest.Transport;

/// <summary>Transport instruments (UDP receive, rings, ShredStream gRPC, forwarder) on the <c>MevDefense.Ingest</c> meter.</summary>
/// <remarks>The shred pipeline's own instruments live in <c>ShredPipelineMetrics</c>; <c>defensive.shredstream.messages</c> is created
/// with the identical name, unit and description there and here, so the meter hands out one instrument.</remarks>
internal sealed class IngestTransportMetrics
{
    private static readonly KeyValuePair<string, object?> ReasonOversized = new("reason", "oversized");
    private static readonly KeyValuePair<string, object?> ReasonEmpty = new("reason", "empty");
    private static readonly KeyValuePair<string, object?> ReasonRingFullNewest = new("reason", "ring_full_newest");
    private static readonly KeyValuePair<string, object?> ReasonRingFullOldest = new("reason", "ring_full_oldest");
    private static readonly KeyValuePair<string, object?> FeedGrpc = new("feed", "shredstream_grpc");

    private readonly Counter<long> _received;
    private readonly Counter<long> _dropped;
    private readonly Counter<long> _messages;
    private readonly Counter<long> _grpcBytes;
    private readonly Counter<long> _reconnects;
    private readonly Counter<long> _forwarded;
    private readonly Counter<long> _forwardFailed;

    public IngestTransportMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(new MeterOptions(MevDefenseMeters.Ingest));
        _received = meter.CreateCounter<long>("defensive.ingest.datagrams.received", "{datagram}", "UDP datagrams accepted into the ingest rings.");
        _dropped = meter.CreateCounter<long>("defensive.ingest.datagrams.dropped", "{datagram}", "UDP datagrams dropped before processing, by reason (oversized, empty, ring_full_newest, ring_full_oldest).");
        _messages = meter.CreateCounter<long>("defensive.shredstream.messages", "{message}", "Shred datagrams processed by the shred pipeline.");
        _grpcBytes = meter.CreateCounter<long>("defensive.ingest.shredstream.bytes", "By", "Entry bytes received from Jito ShredStream SubscribeEntries.");
        _reconnects = meter.CreateCounter<long>("defensive.ingest.shredstream.reconnects", "{reconnect}", "ShredStream gRPC stream (re)connect attempts after a failure.");
        _forwarded = meter.CreateCounter<long>("defensive.ingest.forwarded", "{datagram}", "Datagrams re-sent to local consumers by the forwarder.");
        _forwardFailed = meter.CreateCounter<long>("defensive.ingest.forward.failed", "{datagram}", "Datagrams the forwarder failed to send.");
    }

    public void Received(long count)
    {
        if (count > 0 && _received.Enabled)
        {
            _received.Add(count);
        }
    }

    public void Dropped(long oversized, long empty, long ringNewest, long ringOldest)
    {
        if (_dropped.Enabled && (oversized | empty | ringNewest | ringOldest) != 0)
        {
            DroppedCore(oversized, empty, ringNewest, ringOldest);
        }
    }

    public void ShredStreamMessage(int bytes)
    {
        _messages.Add(1, FeedGrpc);
        _grpcBytes.Add(bytes);
    }

    public void Reconnect() => _reconnects.Add(1);

    public void Forwarded(long sent, long failed)
    {
        if (sent > 0)
        {
            _forwarded.Add(sent);
        }

        if (failed > 0)
        {
            _forwardFailed.Add(failed);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void DroppedCore(long oversized, long empty, long ringNewest, long ringOldest)
    {
        if (oversized != 0)
        {
            _dropped.Add(oversized, ReasonOversized);
        }

        if (empty != 0)
        {
            _dropped.Add(empty, ReasonEmpty);
        }

        if (ringNewest != 0)
        {
            _dropped.Add(ringNewest, ReasonRingFullNewest);
        }

        if (ringOldest != 0)
        {
            _dropped.Add(ringOldest, ReasonRingFullOldest);
        }
    }
}
