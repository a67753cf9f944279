using System.Net.Sockets;

namespace MevDefense.Ingest.Internal.Net;

/// <summary>Sends one payload many times on a connected UDP socket with <c>sendmmsg</c> (load generators, benchmarks).</summary>
internal static unsafe class BatchSender
{
    public const int MaxBatch = 64;

    /// <summary>Sends <paramref name="count"/> (≤ <see cref="MaxBatch"/>) copies; returns how many the kernel accepted, or -1 off Linux.</summary>
    public static int SendRepeated(Socket connected, ReadOnlySpan<byte> payload, int count)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, MaxBatch);
        if (!LinuxNative.IsSupported)
        {
            return -1;
        }

        var msgs = stackalloc LinuxNative.MMsgHdr[MaxBatch];
        fixed (byte* data = payload)
        {
            var iov = new LinuxNative.IoVec { Base = data, Length = (nuint)payload.Length };
            for (var i = 0; i < count; i++)
            {
                msgs[i] = default;
                msgs[i].Header.Iov = &iov;
                msgs[i].Header.IovLength = 1;
            }

            var added = false;
            try
            {
                connected.SafeHandle.DangerousAddRef(ref added);
                return Math.Max(0, LinuxNative.sendmmsg(SocketTuning.Descriptor(connected), msgs, (uint)count, 0));
            }
            finally
            {
                if (added)
                {
                    connected.SafeHandle.DangerousRelease();
                }
            }
        }
    }
}
