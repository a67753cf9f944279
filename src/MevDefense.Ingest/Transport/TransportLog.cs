using Microsoft.Extensions.Logging;

namespace MevDefense.Ingest.Transport;

/// <summary>Log messages of the ingest transport. Event ids 1500-1599 of the ingest range.</summary>
internal static partial class TransportLog
{
    [LoggerMessage(EventId = MevDefenseEventIds.IngestBase + 500, Level = LogLevel.Information, EventName = "UdpSourceStarted",
        Message = "UDP source {Source} listening on {EndPoint} with {Loops} receive loop(s) ({Mode}), SO_RCVBUF {ReceiveBuffer} bytes.")]
    public static partial void UdpSourceStarted(ILogger logger, string source, string endPoint, int loops, string mode, int receiveBuffer);

    [LoggerMessage(EventId = MevDefenseEventIds.IngestBase + 501, Level = LogLevel.Information, EventName = "UdpSourceStopped",
        Message = "UDP source {Source} stopped: {Received} datagrams received, {Dropped} dropped.")]
    public static partial void UdpSourceStopped(ILogger logger, string source, long received, long dropped);

    [LoggerMessage(EventId = MevDefenseEventIds.IngestBase + 502, Level = LogLevel.Error, EventName = "ReceiveLoopFailed",
        Message = "Receive loop {Loop} of source {Source} failed; the loop stopped.")]
    public static partial void ReceiveLoopFailed(ILogger logger, Exception exception, string source, int loop);

    [LoggerMessage(EventId = MevDefenseEventIds.IngestBase + 503, Level = LogLevel.Warning, EventName = "RingDrops",
        Message = "Source {Source} dropped {Dropped} datagrams because its ingest ring was full (capacity {Capacity} per loop).")]
    public static partial void RingDrops(ILogger logger, string source, long dropped, int capacity);

    [LoggerMessage(EventId = MevDefenseEventIds.IngestBase + 504, Level = LogLevel.Error, EventName = "SinkFailed",
        Message = "The datagram sink of source {Source} threw; the consumer loop stopped.")]
    public static partial void SinkFailed(ILogger logger, Exception exception, string source);

    [LoggerMessage(EventId = MevDefenseEventIds.IngestBase + 505, Level = LogLevel.Warning, EventName = "ReceiveBufferForceRefused",
        Message = "Source {Source}: SO_RCVBUFFORCE of {Requested} bytes is unavailable ({Reason}); using SO_RCVBUF, capped at net.core.rmem_max.")]
    public static partial void ReceiveBufferForceRefused(ILogger logger, string source, int requested, string reason);

    [LoggerMessage(EventId = MevDefenseEventIds.IngestBase + 510, Level = LogLevel.Information, EventName = "ShredStreamConnected",
        Message = "ShredStream SubscribeEntries stream open at {Endpoint}.")]
    public static partial void ShredStreamConnected(ILogger logger, string endpoint);

    [LoggerMessage(EventId = MevDefenseEventIds.IngestBase + 511, Level = LogLevel.Warning, EventName = "ShredStreamDisconnected",
        Message = "ShredStream stream at {Endpoint} failed ({Reason}); reconnecting in {DelayMs} ms (attempt {Attempt}).")]
    public static partial void ShredStreamDisconnected(ILogger logger, string endpoint, string reason, long delayMs, int attempt);

    [LoggerMessage(EventId = MevDefenseEventIds.IngestBase + 512, Level = LogLevel.Warning, EventName = "HeartbeatFailed",
        Message = "ShredStream heartbeat to {Endpoint} failed ({Reason}).")]
    public static partial void HeartbeatFailed(ILogger logger, string endpoint, string reason);

    [LoggerMessage(EventId = MevDefenseEventIds.IngestBase + 513, Level = LogLevel.Error, EventName = "EntrySinkFailed",
        Message = "The entry batch sink threw for slot {Slot}; the batch was skipped.")]
    public static partial void EntrySinkFailed(ILogger logger, Exception exception, ulong slot);

    [LoggerMessage(EventId = MevDefenseEventIds.IngestBase + 520, Level = LogLevel.Information, EventName = "ForwarderStarted",
        Message = "Forwarder sending to {Destinations} (DSCP {Dscp}, SO_TXTIME {TxTime}).")]
    public static partial void ForwarderStarted(ILogger logger, string destinations, string dscp, string txTime);

    [LoggerMessage(EventId = MevDefenseEventIds.IngestBase + 521, Level = LogLevel.Warning, EventName = "TxTimeUnavailable",
        Message = "SO_TXTIME scheduling is unavailable ({Reason}); the forwarder sends immediately.")]
    public static partial void TxTimeUnavailable(ILogger logger, string reason);

    [LoggerMessage(EventId = MevDefenseEventIds.IngestBase + 530, Level = LogLevel.Information, EventName = "AffinityUnsupported",
        Message = "CPU affinity is not supported on this platform ({Reason}); threads run unpinned.")]
    public static partial void AffinityUnsupported(ILogger logger, string reason);

    [LoggerMessage(EventId = MevDefenseEventIds.IngestBase + 531, Level = LogLevel.Information, EventName = "ThreadPinned",
        Message = "Thread {Thread} pinned to CPU {Cpu}.")]
    public static partial void ThreadPinned(ILogger logger, string thread, int cpu);

    [LoggerMessage(EventId = MevDefenseEventIds.IngestBase + 532, Level = LogLevel.Warning, EventName = "ThreadPinFailed",
        Message = "Pinning thread {Thread} to CPU {Cpu} failed (errno {Errno}); it runs unpinned.")]
    public static partial void ThreadPinFailed(ILogger logger, string thread, int cpu, int errno);

    [LoggerMessage(EventId = MevDefenseEventIds.IngestBase + 533, Level = LogLevel.Information, EventName = "NumaCpus",
        Message = "NIC {Nic} is on NUMA node {Node}; ingest threads use CPUs {Cpus}.")]
    public static partial void NumaCpus(ILogger logger, string nic, int node, string cpus);

    [LoggerMessage(EventId = MevDefenseEventIds.IngestBase + 540, Level = LogLevel.Warning, EventName = "BackfillFailed",
        Message = "Backfill of slot {Slot} through route {Route} failed ({Reason}).")]
    public static partial void BackfillFailed(ILogger logger, ulong slot, string route, string reason);
}
