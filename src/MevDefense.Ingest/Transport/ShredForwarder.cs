using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using MevDefense.Ingest.Internal.Net;
using MevDefense.Ingest.Ring;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MevDefense.Ingest.Transport;

/// <summary>
/// Re-sends (verified) shreds verbatim to local consumers, with an optional DSCP mark and optional SO_TXTIME transmit-time
/// scheduling (<c>sendmsg</c> with an <c>SCM_TXTIME</c> control message on Linux; immediate sends elsewhere).
/// </summary>
/// <remarks>Not thread-safe: call it from one thread (the processing loop). A failed send is counted, never thrown.</remarks>
public sealed unsafe class ShredForwarder : IDatagramSink, IDisposable
{
    private readonly Destination[] _destinations;
    private readonly Socket? _v4;
    private readonly Socket? _v6;
    private readonly long _offsetNs;
    private readonly IngestTransportMetrics? _metrics;
    private long _sent;
    private long _failed;
    private int _disposed;

    /// <summary>Creates a forwarder and its sockets.</summary>
    /// <param name="options">The options.</param>
    /// <param name="logger">The logger, or <see langword="null"/>.</param>
    /// <param name="meterFactory">The meter factory, or <see langword="null"/> for no metrics.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">No destination is configured.</exception>
    public ShredForwarder(ShredForwarderOptions options, ILogger<ShredForwarder>? logger = null, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Destinations.Count == 0)
        {
            throw new ArgumentException("At least one destination is required.", nameof(options));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(options.TxTimeOffsetNanoseconds);
        var log = (ILogger?)logger ?? NullLogger.Instance;
        _metrics = meterFactory is null ? null : new IngestTransportMetrics(meterFactory);
        _offsetNs = options.TxTimeOffsetNanoseconds;
        if (options.Destinations.Any(static d => d.AddressFamily == AddressFamily.InterNetwork))
        {
            _v4 = CreateSocket(AddressFamily.InterNetwork, options.Dscp);
        }

        if (options.Destinations.Any(static d => d.AddressFamily == AddressFamily.InterNetworkV6))
        {
            _v6 = CreateSocket(AddressFamily.InterNetworkV6, options.Dscp);
        }

        _destinations = [.. options.Destinations.Select(static d => new Destination(d))];
        if (options.UseTxTime)
        {
            var reason = TryEnableTxTime();
            UsesTxTime = reason is null;
            if (reason is not null)
            {
                TransportLog.TxTimeUnavailable(log, reason);
            }
        }

        TransportLog.ForwarderStarted(
            log,
            string.Join(", ", options.Destinations),
            options.Dscp?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unset",
            UsesTxTime ? $"+{_offsetNs} ns" : "off");
    }

    /// <summary>Gets whether packets carry an SO_TXTIME transmit time.</summary>
    public bool UsesTxTime { get; }

    /// <summary>Gets the number of packets sent (one per destination per datagram).</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Gets the number of packets that failed to send.</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Gets the DSCP value the IPv4 (or else IPv6) socket marks packets with.</summary>
    public int SocketDscp => SocketTuning.GetDscp(_v4 ?? _v6!);

    /// <summary>Sends one datagram to every destination.</summary>
    /// <param name="datagram">The bytes to send verbatim.</param>
    /// <returns>The number of destinations it was sent to.</returns>
    public int Forward(ReadOnlySpan<byte> datagram)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var ok = 0;
        var txTime = UsesTxTime ? MonotonicNow() + _offsetNs : 0;
        foreach (var d in _destinations)
        {
            var socket = d.EndPoint.AddressFamily == AddressFamily.InterNetwork ? _v4! : _v6!;
            bool sent;
            try
            {
                sent = UsesTxTime ? SendWithTxTime(socket, d, datagram, (ulong)txTime) : socket.SendTo(datagram, SocketFlags.None, d.EndPoint) == datagram.Length;
            }
            catch (SocketException)
            {
                sent = false;
            }

            if (sent)
            {
                ok++;
            }
        }

        var failed = _destinations.Length - ok;
        Interlocked.Add(ref _sent, ok);
        if (failed > 0)
        {
            Interlocked.Add(ref _failed, failed);
        }

        _metrics?.Forwarded(ok, failed);
        return ok;
    }

    /// <inheritdoc/>
    void IDatagramSink.OnDatagram(ReadOnlySpan<byte> datagram, long receiveTimestamp, int sourceId) => Forward(datagram);

    /// <inheritdoc/>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _v4?.Dispose();
        _v6?.Dispose();
    }

    private static Socket CreateSocket(AddressFamily family, int? dscp)
    {
        var socket = new Socket(family, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            if (dscp is int v)
            {
                SocketTuning.TrySetDscp(socket, v);
            }

            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static long MonotonicNow()
    {
        LinuxNative.TimeSpec ts;
        LinuxNative.clock_gettime(LinuxNative.CLOCK_MONOTONIC, &ts);
        return (ts.Seconds * 1_000_000_000L) + ts.Nanoseconds;
    }

    private string? TryEnableTxTime()
    {
        if (!LinuxNative.IsSupported)
        {
            return "SO_TXTIME needs 64-bit Linux";
        }

        var config = new LinuxNative.SockTxTime { ClockId = LinuxNative.CLOCK_MONOTONIC, Flags = 0 };
        var bytes = new ReadOnlySpan<byte>(&config, sizeof(LinuxNative.SockTxTime));
        foreach (var s in new[] { _v4, _v6 })
        {
            if (s is null)
            {
                continue;
            }

            try
            {
                s.SetRawSocketOption(LinuxNative.SOL_SOCKET, LinuxNative.SO_TXTIME, bytes);
            }
            catch (SocketException e)
            {
                return $"setsockopt(SO_TXTIME) failed: {e.SocketErrorCode}";
            }
        }

        return null;
    }

    private static bool SendWithTxTime(Socket socket, Destination d, ReadOnlySpan<byte> datagram, ulong txTime)
    {
        var controlLength = LinuxNative.CmsgSpace(sizeof(ulong));
        var control = stackalloc byte[controlLength];
        new Span<byte>(control, controlLength).Clear();
        var cmsg = (LinuxNative.CmsgHdr*)control;
        cmsg->Length = (nuint)LinuxNative.CmsgLen(sizeof(ulong));
        cmsg->Level = LinuxNative.SOL_SOCKET;
        cmsg->Type = LinuxNative.SCM_TXTIME;
        *(ulong*)(control + LinuxNative.CmsgAlign(sizeof(LinuxNative.CmsgHdr))) = txTime;

        var name = stackalloc byte[sizeof(LinuxNative.SockAddrIn6)];
        var nameLength = d.WriteSockAddr(name);
        fixed (byte* data = datagram)
        {
            var iov = new LinuxNative.IoVec { Base = data, Length = (nuint)datagram.Length };
            var msg = new LinuxNative.MsgHdr
            {
                Name = name,
                NameLength = (uint)nameLength,
                Iov = &iov,
                IovLength = 1,
                Control = control,
                ControlLength = (nuint)controlLength,
            };
            var added = false;
            try
            {
                socket.SafeHandle.DangerousAddRef(ref added);
                var sent = LinuxNative.sendmsg(SocketTuning.Descriptor(socket), &msg, 0);
                if (sent < 0)
                {
                    throw new SocketException(Marshal.GetLastPInvokeError());
                }

                return sent == datagram.Length;
            }
            finally
            {
                if (added)
                {
                    socket.SafeHandle.DangerousRelease();
                }
            }
        }
    }

    private sealed class Destination(IPEndPoint endPoint)
    {
        private readonly byte[] _address = endPoint.Address.GetAddressBytes();

        public IPEndPoint EndPoint { get; } = endPoint;

        public int WriteSockAddr(byte* buffer)
        {
            var port = (ushort)System.Buffers.Binary.BinaryPrimitives.ReverseEndianness((ushort)EndPoint.Port);
            if (EndPoint.AddressFamily == AddressFamily.InterNetwork)
            {
                var sa = (LinuxNative.SockAddrIn*)buffer;
                *sa = default;
                sa->Family = 2; // AF_INET
                sa->PortBigEndian = port;
                sa->AddressBigEndian = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(_address); // bytes already in network order
                return sizeof(LinuxNative.SockAddrIn);
            }

            var sa6 = (LinuxNative.SockAddrIn6*)buffer;
            *sa6 = default;
            sa6->Family = 10; // AF_INET6
            sa6->PortBigEndian = port;
            for (var i = 0; i < 16; i++)
            {
                sa6->Address[i] = _address[i];
            }

            sa6->ScopeId = (uint)EndPoint.Address.ScopeId;
            return sizeof(LinuxNative.SockAddrIn6);
        }
    }
}
