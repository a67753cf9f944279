using System.Runtime.InteropServices;

namespace MevDefense.Ingest.Internal.Net;

/// <summary>Linux libc entry points and structures used by the transport (x64/arm64 LP64 layouts).</summary>
internal static unsafe partial class LinuxNative
{
    public const int SOL_SOCKET = 1;
    public const int SO_REUSEPORT = 15;
    public const int SO_TXTIME = 61;
    public const int SCM_TXTIME = SO_TXTIME;
    public const int IPPROTO_IP = 0;
    public const int IP_TOS = 1;
    public const int IPPROTO_IPV6 = 41;
    public const int IPV6_TCLASS = 67;
    public const int MSG_DONTWAIT = 0x40;
    public const int MSG_TRUNC = 0x20;
    public const int MSG_WAITFORONE = 0x10000;
    public const int EAGAIN = 11;
    public const int EINTR = 4;
    public const int CLOCK_MONOTONIC = 1;
    public const int CLOCK_TAI = 11;

    /// <summary>True on 64-bit Linux, where the structure layouts below hold.</summary>
    public static bool IsSupported { get; } = OperatingSystem.IsLinux() && IntPtr.Size == 8;

    [LibraryImport("libc", SetLastError = true)]
    public static partial int recvmmsg(int sockfd, MMsgHdr* msgvec, uint vlen, int flags, void* timeout);

    [LibraryImport("libc", SetLastError = true)]
    public static partial nint sendmsg(int sockfd, MsgHdr* msg, int flags);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int sendmmsg(int sockfd, MMsgHdr* msgvec, uint vlen, int flags);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int sched_setaffinity(int pid, nuint cpusetsize, byte* mask);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int sched_getaffinity(int pid, nuint cpusetsize, byte* mask);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int clock_gettime(int clockId, TimeSpec* tp);

    [StructLayout(LayoutKind.Sequential)]
    public struct IoVec
    {
        public void* Base;
        public nuint Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct MsgHdr
    {
        public void* Name;
        public uint NameLength;
        public IoVec* Iov;
        public nuint IovLength;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct MMsgHdr
    {
        public MsgHdr Header;
        public uint Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct CmsgHdr
    {
        public nuint Length;
        public int Level;
        public int Type;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    /// <summary><c>struct sock_txtime { clockid_t clockid; __u32 flags; }</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct SockTxTime
    {
        public int ClockId;
        public uint Flags;
    }

    /// <summary><c>struct sockaddr_in</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct SockAddrIn
    {
        public ushort Family;
        public ushort PortBigEndian;
        public uint AddressBigEndian;
        public ulong Zero;
    }

    /// <summary><c>struct sockaddr_in6</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct SockAddrIn6
    {
        public ushort Family;
        public ushort PortBigEndian;
        public uint FlowInfo;
        public fixed byte Address[16];
        public uint ScopeId;
    }

    public static int CmsgAlign(int length) => (length + 7) & ~7;

    public static int CmsgSpace(int dataLength) => CmsgAlign(sizeof(CmsgHdr)) + CmsgAlign(dataLength);

    public static int CmsgLen(int dataLength) => CmsgAlign(sizeof(CmsgHdr)) + dataLength;
}
