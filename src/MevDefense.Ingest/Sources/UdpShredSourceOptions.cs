using System.ComponentModel.DataAnnotations;
using System.Net;
using MevDefense.Ingest.Ring;

namespace MevDefense.Ingest.Sources;

/// <summary>Options of a <see cref="UdpShredSource"/>.</summary>
public sealed class UdpShredSourceOptions
{
    /// <summary>Gets or sets the source name used in logs and metric tags.</summary>
    /// <value>The default value is <c>udp</c>.</value>
    [Required]
    public string Name { get; set; } = "udp";

    /// <summary>Gets or sets the id stamped on each datagram.</summary>
    /// <value>The default value is 0.</value>
    [Range(0, int.MaxValue)]
    public int SourceId { get; set; }

    /// <summary>Gets or sets the local address to bind.</summary>
    /// <value>The default value is <see cref="IPAddress.Any"/>.</value>
    public IPAddress ListenAddress { get; set; } = IPAddress.Any;

    /// <summary>Gets or sets the UDP port; 0 picks a free port (see <see cref="UdpShredSource.LocalEndPoint"/>).</summary>
    /// <value>The default value is 20000 (the ShredStream proxy's default).</value>
    [Range(0, 65535)]
    public int Port { get; set; } = 20_000;

    /// <summary>Gets or sets the number of receive loops (sockets sharing the port with SO_REUSEPORT, one thread and ring each).</summary>
    /// <value>The default value is 2 (at most the processor count).</value>
    [Range(1, 64)]
    public int ReceiveLoops { get; set; } = Math.Min(2, Environment.ProcessorCount);

    /// <summary>Gets or sets SO_RCVBUF in bytes (the kernel may cap it at <c>net.core.rmem_max</c>); 0 keeps the system default.</summary>
    /// <value>The default value is 8 MiB.</value>
    [Range(0, int.MaxValue)]
    public int ReceiveBufferBytes { get; set; } = 8 << 20;

    /// <summary>Gets or sets whether <see cref="ReceiveBufferBytes"/> is set with Linux <c>SO_RCVBUFFORCE</c>, which may exceed
    /// <c>net.core.rmem_max</c> (the kernel still doubles the value for its bookkeeping, and caps it at 2 GiB).</summary>
    /// <remarks>Needs <c>CAP_NET_ADMIN</c> (root, or the capability granted to the process). Where the kernel refuses it, or on
    /// other platforms, the source logs <c>ReceiveBufferForceRefused</c> and falls back to plain <c>SO_RCVBUF</c> (capped at
    /// <c>net.core.rmem_max</c>). Use it on shred receivers that must absorb bursts without raising the system-wide maximum.</remarks>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool ForceReceiveBuffer { get; set; }

    /// <summary>Gets or sets the DSCP value (0-63) marked on the sockets, or <see langword="null"/> to leave it unset.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    [Range(0, 63)]
    public int? Dscp { get; set; }

    /// <summary>Gets or sets the total ring capacity, split evenly over the receive loops (each ring a power of two).</summary>
    /// <value>The default value is 65,536.</value>
    [Range(2, 1 << 20)]
    public int RingCapacity { get; set; } = DatagramRing.DefaultCapacity;

    /// <summary>Gets or sets what the rings drop when full.</summary>
    /// <value>The default value is <see cref="IngestFullMode.DropOldest"/>.</value>
    public IngestFullMode FullMode { get; set; } = IngestFullMode.DropOldest;

    /// <summary>Gets or sets the number of datagrams received per system call and processed per batch.</summary>
    /// <value>The default value is 64.</value>
    [Range(1, 1024)]
    public int ReceiveBatchSize { get; set; } = 64;

    /// <summary>Gets or sets whether Linux <c>recvmmsg</c> is used; when off (or not on 64-bit Linux) the portable <c>Socket.Receive</c> path is used.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool UseRecvMmsg { get; set; } = true;
}
