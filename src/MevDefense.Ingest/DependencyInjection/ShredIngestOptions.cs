using System.ComponentModel.DataAnnotations;
using MevDefense.Ingest.Ring;

namespace MevDefense.Ingest;

/// <summary>Options of the shred ingest host (section <c>MevDefense:Ingest</c>), registered by <c>AddShredIngest</c>.</summary>
/// <remarks>Environment variables <c>DSCP_VALUE</c>, <c>SO_TXTIME_OFFSET_NS</c>, <c>EXPLORATION_RATE</c> and <c>DECAY_FACTOR</c>
/// override the configuration section; code passed to <c>AddShredIngest(o =&gt; …)</c> overrides both.</remarks>
public sealed class ShredIngestOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "MevDefense:Ingest";

    /// <summary>Gets or sets whether the UDP shred source is started.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool UdpEnabled { get; set; } = true;

    /// <summary>Gets or sets the local address the UDP source binds.</summary>
    /// <value>The default value is <c>0.0.0.0</c>.</value>
    [Required]
    public string? ListenAddress { get; set; } = "0.0.0.0";

    /// <summary>Gets or sets the UDP port (0 picks a free port).</summary>
    /// <value>The default value is 20000.</value>
    [Range(0, 65535)]
    public int Port { get; set; } = 20_000;

    /// <summary>Gets or sets the number of UDP receive loops (SO_REUSEPORT sockets, one thread and ring each).</summary>
    /// <value>The default value is 2 (at most the processor count).</value>
    [Range(1, 64)]
    public int ReceiveLoops { get; set; } = Math.Min(2, Environment.ProcessorCount);

    /// <summary>Gets or sets SO_RCVBUF in bytes (0 keeps the system default).</summary>
    /// <value>The default value is 8 MiB.</value>
    [Range(0, int.MaxValue)]
    public int ReceiveBufferBytes { get; set; } = 8 << 20;

    /// <summary>Gets or sets whether <see cref="ReceiveBufferBytes"/> is applied with Linux <c>SO_RCVBUFFORCE</c>, which may exceed
    /// <c>net.core.rmem_max</c> (see <see cref="Sources.UdpShredSourceOptions.ForceReceiveBuffer"/>; needs <c>CAP_NET_ADMIN</c>,
    /// otherwise the source logs a warning and falls back to <c>SO_RCVBUF</c>).</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool ForceReceiveBuffer { get; set; }

    /// <summary>Gets or sets the number of datagrams per <c>recvmmsg</c> call.</summary>
    /// <value>The default value is 64.</value>
    [Range(1, 1024)]
    public int ReceiveBatchSize { get; set; } = 64;

    /// <summary>Gets or sets whether Linux <c>recvmmsg</c> is used (otherwise the portable receive path).</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool UseRecvMmsg { get; set; } = true;

    /// <summary>Gets or sets the total ring capacity (a power of two), split over the receive loops.</summary>
    /// <value>The default value is 65,536.</value>
    [Range(2, 1 << 20)]
    public int RingCapacity { get; set; } = DatagramRing.DefaultCapacity;

    /// <summary>Gets or sets what the rings drop when full.</summary>
    /// <value>The default value is <see cref="IngestFullMode.DropOldest"/>.</value>
    public IngestFullMode FullMode { get; set; } = IngestFullMode.DropOldest;

    /// <summary>Gets or sets the DSCP value (0-63) for the ingest sockets and the forwarder (env <c>DSCP_VALUE</c>).</summary>
    /// <value>The default value is <see langword="null"/> (unset).</value>
    [Range(0, 63)]
    public int? Dscp { get; set; }

    /// <summary>Gets or sets the Jito ShredStream proxy gRPC endpoint; when set, <c>SubscribeEntries</c> is started and its batches go to the registered <see cref="ShredStream.IEntryBatchSink"/>.</summary>
    /// <value>The default value is <see langword="null"/> (off).</value>
    public Uri? ShredStreamEndpoint { get; set; }

    /// <summary>Gets the <c>ip:port</c> destinations verified shreds are re-sent to (empty = no forwarder).</summary>
    /// <value>The default value is empty.</value>
    public IList<string> ForwardDestinations { get; } = [];

    /// <summary>
    /// Gets or sets whether the UDP pipeline verifies coding shreds only when it needs them
    /// (<see cref="Pipeline.ShredPipelineOptions.LazyCodingShredVerification"/>: held unverified, hashed only for Reed–Solomon recovery,
    /// released unhashed when their FEC set completes from data shreds; never forwarded unverified).
    /// </summary>
    /// <value>The default value is <see langword="null"/>: on when no <see cref="ForwardDestinations"/> are configured (nothing needs the
    /// coding shreds then); with forward destinations the pipeline options' own setting applies (off unless configured), so that the
    /// forwarder re-sends coding shreds too. True or false overrides both.</value>
    public bool? LazyCodingShredVerification { get; set; }

    /// <summary>Gets or sets whether forwarded packets are scheduled with SO_TXTIME.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool ForwardUseTxTime { get; set; }

    /// <summary>Gets or sets the SO_TXTIME offset in nanoseconds (env <c>SO_TXTIME_OFFSET_NS</c>).</summary>
    /// <value>The default value is 250,000 (250 µs).</value>
    [Range(0, 1_000_000_000)]
    public long TxTimeOffsetNanoseconds { get; set; } = Transport.ShredForwarderOptions.DefaultTxTimeOffsetNanoseconds;

    /// <summary>Gets or sets whether the ingest threads are pinned to CPUs.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool PinThreads { get; set; }

    /// <summary>Gets or sets the NIC whose NUMA node's CPUs the pinned threads use.</summary>
    /// <value>The default value is <see langword="null"/> (all CPUs).</value>
    public string? NetworkInterface { get; set; }

    /// <summary>Gets or sets the source selector's exploration rate (env <c>EXPLORATION_RATE</c>).</summary>
    /// <value>The default value is 0.1.</value>
    [Range(0.0, 1.0)]
    public double ExplorationRate { get; set; } = 0.1;

    /// <summary>Gets or sets the source selector's decay factor (env <c>DECAY_FACTOR</c>).</summary>
    /// <value>The default value is 0.99.</value>
    [Range(0.5, 1.0)]
    public double DecayFactor { get; set; } = 0.99;

    /// <summary>Gets the JSON-RPC endpoints used to backfill slots FEC cannot complete, ranked by the source selector.</summary>
    /// <value>The default value is empty.</value>
    public IList<Uri> BackfillRpcEndpoints { get; } = [];

    /// <summary>
    /// Gets or sets the JSON-RPC endpoint the leader schedule is followed from. When set and the host registered no
    /// <see cref="Merkle.ILeaderScheduleProvider"/>, an <see cref="Selection.RpcLeaderScheduleProvider"/> (per-epoch cache, next epoch
    /// prefetched, background refresh with backoff) verifies the pipeline's leader signatures and is started with the host.
    /// </summary>
    /// <value>The default value is <see langword="null"/> (no RPC leader schedule).</value>
    public Uri? LeaderScheduleRpcEndpoint { get; set; }

    /// <summary>Gets or sets how often the RPC leader schedule provider polls the node's epoch position.</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan LeaderScheduleRefreshInterval { get; set; } = TimeSpan.FromSeconds(30);
}
