using System.Net;
using System.Net.Sockets;
using MevDefense.Ingest.Transport;

namespace MevDefense.Ingest.Tests.Transport;

public sealed class ShredForwarderTests
{
    private static List<byte[]> ReceiveAll(Socket socket, int count)
    {
        var result = new List<byte[]>();
        var buffer = new byte[2048];
        socket.ReceiveTimeout = 10_000;
        while (result.Count < count)
        {
            var n = socket.Receive(buffer);
            result.Add(buffer.AsSpan(0, n).ToArray());
        }

        return result;
    }

    private static Socket Listener(AddressFamily family = AddressFamily.InterNetwork)
    {
        var s = new Socket(family, SocketType.Dgram, ProtocolType.Udp) { ReceiveBufferSize = 1 << 20 };
        s.Bind(new IPEndPoint(family == AddressFamily.InterNetwork ? IPAddress.Loopback : IPAddress.IPv6Loopback, 0));
        return s;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Forward_ToTwoLoopbackConsumers_EachReceivesEveryDatagramVerbatim(bool txTime)
    {
        using var a = Listener();
        using var b = Listener();
        var options = new ShredForwarderOptions { Dscp = 46, UseTxTime = txTime };
        options.Destinations.Add((IPEndPoint)a.LocalEndPoint!);
        options.Destinations.Add((IPEndPoint)b.LocalEndPoint!);
        using var forwarder = new ShredForwarder(options);
        Assert.Equal(txTime && OperatingSystem.IsLinux(), forwarder.UsesTxTime);
        Assert.Equal(46, forwarder.SocketDscp);

        var rnd = new Random(11);
        var sent = Enumerable.Range(0, 100).Select(i =>
        {
            var d = new byte[1 + rnd.Next(1232)];
            rnd.NextBytes(d);
            return d;
        }).ToList();
        foreach (var d in sent)
        {
            Assert.Equal(2, forwarder.Forward(d));
        }

        Assert.Equal(sent, ReceiveAll(a, sent.Count));
        Assert.Equal(sent, ReceiveAll(b, sent.Count));
        Assert.Equal(200, forwarder.Sent);
        Assert.Equal(0, forwarder.Failed);
    }

    [LinuxFact]
    public void Forward_Ipv6LoopbackWithTxTime_Delivers()
    {
        using var a = Listener(AddressFamily.InterNetworkV6);
        var options = new ShredForwarderOptions { UseTxTime = true, TxTimeOffsetNanoseconds = 0 };
        options.Destinations.Add((IPEndPoint)a.LocalEndPoint!);
        using var forwarder = new ShredForwarder(options);
        Assert.True(forwarder.UsesTxTime);
        forwarder.Forward([1, 2, 3]);
        Assert.Equal([1, 2, 3], ReceiveAll(a, 1)[0]);
    }

    [Fact]
    public void Ctor_NoDestination_Throws() =>
        Assert.Throws<ArgumentException>("options", () => new ShredForwarder(new ShredForwarderOptions()));
}
