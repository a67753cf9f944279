using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using MevDefense.Ingest.Internal.Net;
using MevDefense.Ingest.Ring;

namespace MevDefense.Ingest.Transport;

/// <summary>
/// One receive loop: a socket, its own <see cref="DatagramRing"/> (this loop is the ring's only producer), and batch receive
/// with <c>recvmmsg</c> straight into the ring's pinned slots on 64-bit Linux, or <see cref="Socket.Receive(Span{byte})"/> elsewhere.
/// </summary>
internal sealed unsafe class UdpReceiveLoop : IDisposable
{
    private const int PollMicroseconds = 50_000;
    private const int MaxUdpPayload = 65_536;

    private readonly Socket _socket;
    private readonly DatagramRing _ring;
    private readonly int _sourceId;
    private readonly int _batch;
    private readonly bool _useRecvMmsg;
    private readonly Action? _notify;
    private readonly IngestTransportMetrics? _metrics;
    private LinuxNative.MMsgHdr* _msgs;
    private LinuxNative.IoVec* _iovs;
    private byte[]? _overflow;
    private byte[]? _scratch;
    private long _received;
    private long _oversized;
    private long _empty;
    private long _calls;
    private long _reportedOversized;
    private long _reportedEmpty;
    private long _reportedNewest;
    private long _reportedOldest;
    private int _disposed;

    public UdpReceiveLoop(Socket socket, DatagramRing ring, int sourceId, int batch, bool useRecvMmsg, Action? notify, IngestTransportMetrics? metrics)
    {
        _socket = socket;
        _ring = ring;
        _sourceId = sourceId;
        _batch = batch;
        _notify = notify;
        _metrics = metrics;
        _useRecvMmsg = useRecvMmsg && LinuxNative.IsSupported;
        if (_useRecvMmsg)
        {
            _msgs = (LinuxNative.MMsgHdr*)NativeMemory.AllocZeroed((nuint)batch, (nuint)sizeof(LinuxNative.MMsgHdr));
            _iovs = (LinuxNative.IoVec*)NativeMemory.AllocZeroed((nuint)batch, (nuint)sizeof(LinuxNative.IoVec));
            _overflow = GC.AllocateUninitializedArray<byte>(batch * DatagramRing.SlotSize, pinned: true);
        }
        else
        {
            _scratch = new byte[MaxUdpPayload];
        }
    }

    public bool UsesRecvMmsg => _useRecvMmsg;

    public DatagramRing Ring => _ring;

    public long Received => Volatile.Read(ref _received);

    public long Oversized => Volatile.Read(ref _oversized);

    public long Empty => Volatile.Read(ref _empty);

    public long Calls => Volatile.Read(ref _calls);

    public void Run(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var got = _useRecvMmsg ? ReceiveBatchNative() : ReceiveBatchPortable();
            if (got < 0)
            {
                return; // socket closed
            }

            if (got == 0)
            {
                try
                {
                    _socket.Poll(PollMicroseconds, SelectMode.SelectRead);
                }
                catch (ObjectDisposedException)
                {
                    return;
                }

                continue;
            }

            _notify?.Invoke();
            ReportDrops();
        }
    }

    /// <returns>Datagrams received (accepted or not), 0 when none were pending, -1 when the socket is closed.</returns>
    private int ReceiveBatchNative()
    {
        var direct = _ring.FreeForWrite(_batch);
        var count = direct > 0 ? direct : _batch;
        for (var i = 0; i < count; i++)
        {
            _iovs[i].Base = direct > 0 ? _ring.SlotPointer(i) : (byte*)Marshal.UnsafeAddrOfPinnedArrayElement(_overflow!, i * DatagramRing.SlotSize);
            _iovs[i].Length = DatagramRing.SlotSize;
            ref var h = ref _msgs[i].Header;
            h.Name = null;
            h.NameLength = 0;
            h.Iov = &_iovs[i];
            h.IovLength = 1;
            h.Control = null;
            h.ControlLength = 0;
            h.Flags = 0;
            _msgs[i].Length = 0;
        }

        int n;
        bool added = false;
        try
        {
            _socket.SafeHandle.DangerousAddRef(ref added);
            n = LinuxNative.recvmmsg(SocketTuning.Descriptor(_socket), _msgs, (uint)count, LinuxNative.MSG_DONTWAIT, null);
        }
        catch (ObjectDisposedException)
        {
            return -1;
        }
        finally
        {
            if (added)
            {
                _socket.SafeHandle.DangerousRelease();
            }
        }

        if (n <= 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (n == 0 || errno == LinuxNative.EAGAIN || errno == LinuxNative.EINTR)
            {
                return 0;
            }

            throw new SocketException(errno);
        }

        var ts = Stopwatch.GetTimestamp();
        Volatile.Write(ref _calls, _calls + 1);
        var accepted = 0;
        for (var i = 0; i < n; i++)
        {
            var len = (int)_msgs[i].Length;
            if ((_msgs[i].Header.Flags & LinuxNative.MSG_TRUNC) != 0 || len > DatagramRing.SlotSize)
            {
                Volatile.Write(ref _oversized, _oversized + 1);
                continue;
            }

            if (len == 0)
            {
                Volatile.Write(ref _empty, _empty + 1);
                continue;
            }

            if (direct > 0)
            {
                if (accepted != i)
                {
                    // An earlier datagram of this batch was discarded: close the gap so published slots stay contiguous.
                    new ReadOnlySpan<byte>(_iovs[i].Base, len).CopyTo(new Span<byte>(_iovs[accepted].Base, len));
                }

                _ring.SetWritten(accepted, len, ts, _sourceId);
                accepted++;
            }
            else if (_ring.TryEnqueue(new ReadOnlySpan<byte>(_iovs[i].Base, len), ts, _sourceId))
            {
                accepted++;
            }
        }

        if (direct > 0)
        {
            _ring.Publish(accepted);
        }

        Volatile.Write(ref _received, _received + accepted);
        _metrics?.Received(accepted);
        return n;
    }

    private int ReceiveBatchPortable()
    {
        var n = 0;
        var accepted = 0;
        try
        {
            while (n < _batch && _socket.Poll(0, SelectMode.SelectRead))
            {
                var len = _socket.Receive(_scratch!, SocketFlags.None);
                n++;
                if (len > DatagramRing.SlotSize)
                {
                    Volatile.Write(ref _oversized, _oversized + 1);
                }
                else if (len == 0)
                {
                    Volatile.Write(ref _empty, _empty + 1);
                }
                else if (_ring.TryEnqueue(_scratch.AsSpan(0, len), Stopwatch.GetTimestamp(), _sourceId))
                {
                    accepted++;
                }
            }
        }
        catch (ObjectDisposedException)
        {
            return -1;
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.MessageSize)
        {
            Volatile.Write(ref _oversized, _oversized + 1);
            n++;
        }

        if (n > 0)
        {
            Volatile.Write(ref _calls, _calls + 1);
            Volatile.Write(ref _received, _received + accepted);
            _metrics?.Received(accepted);
        }

        return n;
    }

    private void ReportDrops()
    {
        if (_metrics is null)
        {
            return;
        }

        var newest = _ring.DroppedNewest;
        var oldest = _ring.DroppedOldest;
        var oversized = _oversized;
        var empty = _empty;
        _metrics.Dropped(oversized - _reportedOversized, empty - _reportedEmpty, newest - _reportedNewest, oldest - _reportedOldest);
        _reportedOversized = oversized;
        _reportedEmpty = empty;
        _reportedNewest = newest;
        _reportedOldest = oldest;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        NativeMemory.Free(_msgs);
        NativeMemory.Free(_iovs);
        _msgs = null;
        _iovs = null;
        _overflow = null;
    }
}
