using System.Net.Sockets;

namespace MevDefense.Ingest.Internal.Net;

/// <summary>Socket options the transport sets (SO_REUSEPORT, DSCP, buffer sizes) and the raw descriptor.</summary>
internal static class SocketTuning
{
    /// <summary>Sets SO_REUSEPORT (Linux/BSD); returns false where the platform has no such option.</summary>
    public static bool TrySetReusePort(Socket socket)
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        Span<byte> one = [1, 0, 0, 0];
        socket.SetRawSocketOption(LinuxNative.SOL_SOCKET, LinuxNative.SO_REUSEPORT, one);
        return true;
    }

    /// <summary>Marks outgoing packets with a DSCP value (IP_TOS / IPV6_TCLASS = dscp &lt;&lt; 2); false where unsupported.</summary>
    public static bool TrySetDscp(Socket socket, int dscp)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(dscp);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(dscp, 63);
        var tos = dscp << 2;
        if (OperatingSystem.IsLinux())
        {
            Span<byte> value = stackalloc byte[4];
            BitConverter.TryWriteBytes(value, tos);
            if (socket.AddressFamily == AddressFamily.InterNetworkV6)
            {
                socket.SetRawSocketOption(LinuxNative.IPPROTO_IPV6, LinuxNative.IPV6_TCLASS, value);
                if (!socket.DualMode)
                {
                    return true;
                }
            }

            socket.SetRawSocketOption(LinuxNative.IPPROTO_IP, LinuxNative.IP_TOS, value);
            return true;
        }

        if (socket.AddressFamily != AddressFamily.InterNetwork)
        {
            return false;
        }

        socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.TypeOfService, tos);
        return true;
    }

    /// <summary>Reads back the DSCP value of an IPv4 (or Linux IPv6) socket.</summary>
    public static int GetDscp(Socket socket)
    {
        Span<byte> value = stackalloc byte[4];
        if (OperatingSystem.IsLinux())
        {
            var v6 = socket.AddressFamily == AddressFamily.InterNetworkV6 && !socket.DualMode;
            socket.GetRawSocketOption(v6 ? LinuxNative.IPPROTO_IPV6 : LinuxNative.IPPROTO_IP, v6 ? LinuxNative.IPV6_TCLASS : LinuxNative.IP_TOS, value);
            return BitConverter.ToInt32(value) >> 2;
        }

        return (int)socket.GetSocketOption(SocketOptionLevel.IP, SocketOptionName.TypeOfService)! >> 2;
    }

    /// <summary>Returns the file descriptor of a socket (Unix).</summary>
    public static int Descriptor(Socket socket) => (int)socket.SafeHandle.DangerousGetHandle();
}
