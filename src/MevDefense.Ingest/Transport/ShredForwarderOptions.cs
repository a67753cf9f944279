using System.ComponentModel.DataAnnotations;
using System.Net;

namespace MevDefense.Ingest.Transport;

/// <summary>Options of a <see cref="ShredForwarder"/> (like the ShredStream proxy's <c>--dest-ip-ports</c>).</summary>
public sealed class ShredForwarderOptions
{
    /// <summary>The default SO_TXTIME offset: 250 µs.</summary>
    public const long DefaultTxTimeOffsetNanoseconds = 250_000;

    /// <summary>Gets the local consumers every datagram is re-sent to (e.g. a validator's TVU port).</summary>
    /// <value>The default value is empty.</value>
    public IList<IPEndPoint> Destinations { get; } = [];

    /// <summary>Gets or sets the DSCP value (0-63) marked on forwarded packets, or <see langword="null"/> to leave it unset.</summary>
    /// <value>The default value is <see langword="null"/> (the <c>DSCP_VALUE</c> environment variable applies through DI).</value>
    [Range(0, 63)]
    public int? Dscp { get; set; }

    /// <summary>Gets or sets whether packets are scheduled with SO_TXTIME (Linux; effective with the <c>fq</c> qdisc). Elsewhere it falls back to immediate sends and logs it.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool UseTxTime { get; set; }

    /// <summary>Gets or sets how far in the future (CLOCK_MONOTONIC) each packet's transmit time is set, in nanoseconds.</summary>
    /// <value>The default value is 250,000 (250 µs; the <c>SO_TXTIME_OFFSET_NS</c> environment variable applies through DI).</value>
    [Range(0, 1_000_000_000)]
    public long TxTimeOffsetNanoseconds { get; set; } = DefaultTxTimeOffsetNanoseconds;
}
