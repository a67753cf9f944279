using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using MevDefense.Ingest.Replay;
using MevDefense.TestUtils;
using Microsoft.Extensions.Time.Testing;

namespace MevDefense.Ingest.Tests.Replay;

public class ShredReplayReaderTests
{
    [FixtureFact]
    public void Pcap_Demo_Yields512DatagramsWithTimestamps()
    {
        using var reader = ShredReplayReader.Open(SharedFixtures.Fixture("shreds/demo-shreds.pcap"));
        Assert.Equal(ShredFileFormat.Pcap, reader.Format);
        int n = 0;
        while (reader.TryRead(out var r))
        {
            Assert.True(r.Datagram.Length is 1203 or 1228);
            Assert.True(r.TimestampMicroseconds >= 0);
            n++;
        }

        Assert.Equal(512, n);
        Assert.Equal(0, reader.SkippedFrames);
    }

    [FixtureFact]
    public void AllFormats_SameDatagrams_RoundTrip()
    {
        var shreds = ShredFixtures.Demo().Take(40).ToList();
        Assert.Equal(shreds, ReadAll(WriteLengthPrefixed(shreds), ShredFileFormat.LengthPrefixed));
        Assert.Equal(shreds, ReadAll(WriteAr(shreds), ShredFileFormat.Ar));
        var json = Encoding.UTF8.GetBytes("[" + string.Join(",", shreds.Select(s => "[" + string.Join(",", s) + "]")) + "]");
        Assert.Equal(shreds, ReadAll(json, ShredFileFormat.Json));
        Assert.Equal(shreds, ReadAll(Gzip(json), ShredFileFormat.Json));
        Assert.Equal(shreds, ReadAll(WritePcap(shreds, linkType: 113), ShredFileFormat.Pcap));
        Assert.Equal(shreds, ReadAll(WritePcap(shreds, linkType: 1), ShredFileFormat.Pcap));
    }

    [FixtureFact]
    public void Ar_SigAndLocalnetFixtures_Read()
    {
        Assert.Equal(68, ShredFixtures.Read("sig/merkle_proof_test_shreds_34_data_34_code.bin").Count);
        Assert.Equal(4, ShredFixtures.Read("localnet/localnet-slot0-shreds.ar").Count);
        Assert.Equal(8, ShredFixtures.Read("localnet/localnet-slot50-shreds.ar").Count);
    }

    [Fact]
    public void Pcap_NonUdpAndFragmentedFrames_AreSkippedAndCounted()
    {
        var udp = new byte[100];
        var pcap = WritePcap([udp], linkType: 1);
        var ms = new MemoryStream();
        ms.Write(pcap);
        // Append an ARP frame and a fragmented IPv4/UDP frame.
        AppendRecord(ms, [.. new byte[12], 0x08, 0x06, .. new byte[28]]);
        var frag = Frame(new byte[50], 1);
        frag[14 + 6] = 0x20; // more fragments
        AppendRecord(ms, frag);
        using var reader = new ShredReplayReader(new MemoryStream(ms.ToArray()), ShredFileFormat.Pcap);
        Assert.True(reader.TryRead(out var r));
        Assert.Equal(100, r.Datagram.Length);
        Assert.False(reader.TryRead(out _));
        Assert.Equal(2, reader.SkippedFrames);
    }

    [Theory]
    [InlineData(ShredFileFormat.Pcap, new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24 })]
    [InlineData(ShredFileFormat.Ar, new byte[] { (byte)'!', (byte)'<', (byte)'a', (byte)'r' })]
    [InlineData(ShredFileFormat.LengthPrefixed, new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 1 })]
    [InlineData(ShredFileFormat.LengthPrefixed, new byte[] { 10, 0, 0, 0, 0, 0, 0, 0, 1, 2 })]
    [InlineData(ShredFileFormat.Json, new byte[] { (byte)'{', (byte)'}' })]
    [InlineData(ShredFileFormat.Json, new byte[] { (byte)'[', (byte)'[', (byte)'3', (byte)'0', (byte)'0', (byte)']', (byte)']' })]
    public void MalformedFiles_ThrowFormatException(ShredFileFormat format, byte[] content)
    {
        Assert.Throws<FormatException>(() =>
        {
            using var reader = new ShredReplayReader(new MemoryStream(content), format);
            while (reader.TryRead(out _))
            {
            }
        });
    }

    [Fact]
    public void Pcap_TruncatedRecord_ThrowsFormatException()
    {
        var pcap = WritePcap([new byte[200]], linkType: 1);
        Assert.Throws<FormatException>(() => ReadAll(pcap[..^10], ShredFileFormat.Pcap));
    }

    [Fact]
    public void DetectFormat_ByExtension()
    {
        Assert.Equal(ShredFileFormat.Pcap, ShredReplayReader.DetectFormat("a/b.PCAP"));
        Assert.Equal(ShredFileFormat.Ar, ShredReplayReader.DetectFormat("x.ar"));
        Assert.Equal(ShredFileFormat.Json, ShredReplayReader.DetectFormat("x.json.gz"));
        Assert.Equal(ShredFileFormat.LengthPrefixed, ShredReplayReader.DetectFormat("x.bin"));
    }

    [Fact]
    public async Task ReplayPaced_FollowsCaptureTimestamps()
    {
        var pcap = WritePcap([new byte[10], new byte[11], new byte[12]], linkType: 1, timestampsMicros: [1_000_000, 2_000_000, 4_000_000]);
        var time = new FakeTimeProvider();
        using var reader = new ShredReplayReader(new MemoryStream(pcap), ShredFileFormat.Pcap);
        var seen = new List<int>();
        var task = ShredReplayer.ReplayPacedAsync(reader, (d, _) => { lock (seen) { seen.Add(d.Length); } }, time);
        await WaitFor(() => Count(seen) == 1);
        time.Advance(TimeSpan.FromMilliseconds(999));
        await Task.Delay(20);
        Assert.Equal(1, Count(seen));
        time.Advance(TimeSpan.FromMilliseconds(1));
        await WaitFor(() => Count(seen) == 2);
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(3, await task);
        Assert.Equal([10, 11, 12], seen);
    }

    [Fact]
    public void Replay_FullSpeed_DeliversAll()
    {
        var data = WriteLengthPrefixed([new byte[5], new byte[6]]);
        using var reader = new ShredReplayReader(new MemoryStream(data), ShredFileFormat.LengthPrefixed);
        int total = 0;
        Assert.Equal(2, ShredReplayer.Replay(reader, (d, ts) => { total += d.Length; Assert.Equal(-1, ts); }));
        Assert.Equal(11, total);
    }

    private static int Count(List<int> l)
    {
        lock (l)
        {
            return l.Count;
        }
    }

    private static async Task WaitFor(Func<bool> condition)
    {
        for (int i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition());
    }

    private static List<byte[]> ReadAll(byte[] content, ShredFileFormat format)
    {
        using var reader = new ShredReplayReader(new MemoryStream(content), format);
        var list = new List<byte[]>();
        while (reader.TryRead(out var r))
        {
            list.Add(r.Datagram.ToArray());
        }

        return list;
    }

    private static byte[] WriteLengthPrefixed(IEnumerable<byte[]> shreds)
    {
        var ms = new MemoryStream();
        Span<byte> len = stackalloc byte[8];
        foreach (var s in shreds)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(len, (ulong)s.Length);
            ms.Write(len);
            ms.Write(s);
        }

        return ms.ToArray();
    }

    private static byte[] WriteAr(IEnumerable<byte[]> shreds)
    {
        var ms = new MemoryStream();
        ms.Write("!<arch>\n"u8);
        int i = 0;
        foreach (var s in shreds)
        {
            var header = $"{("s" + i++ + "/"),-16}{"0",-12}{"0",-6}{"0",-6}{"644",-8}{s.Length,-10}`\n";
            ms.Write(Encoding.ASCII.GetBytes(header));
            ms.Write(s);
            if ((s.Length & 1) == 1)
            {
                ms.WriteByte((byte)'\n');
            }
        }

        return ms.ToArray();
    }

    private static byte[] Gzip(byte[] data)
    {
        var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true))
        {
            gz.Write(data);
        }

        return ms.ToArray();
    }

    private static byte[] WritePcap(IEnumerable<byte[]> datagrams, uint linkType, long[]? timestampsMicros = null)
    {
        var ms = new MemoryStream();
        Span<byte> gh = stackalloc byte[24];
        BinaryPrimitives.WriteUInt32LittleEndian(gh, 0xA1B2C3D4);
        BinaryPrimitives.WriteUInt16LittleEndian(gh[4..], 2);
        BinaryPrimitives.WriteUInt16LittleEndian(gh[6..], 4);
        BinaryPrimitives.WriteUInt32LittleEndian(gh[16..], 65535);
        BinaryPrimitives.WriteUInt32LittleEndian(gh[20..], linkType);
        ms.Write(gh);
        int i = 0;
        foreach (var d in datagrams)
        {
            AppendRecord(ms, Frame(d, linkType), timestampsMicros?[i++] ?? 0);
        }

        return ms.ToArray();
    }

    private static byte[] Frame(byte[] payload, uint linkType)
    {
        int l2 = linkType == 113 ? 16 : 14;
        var f = new byte[l2 + 20 + 8 + payload.Length];
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(l2 - 2), 0x0800);
        f[l2] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(l2 + 2), (ushort)(20 + 8 + payload.Length));
        f[l2 + 9] = 17;
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(l2 + 20 + 4), (ushort)(8 + payload.Length));
        payload.CopyTo(f, l2 + 28);
        return f;
    }

    private static void AppendRecord(MemoryStream ms, byte[] frame, long micros = 0)
    {
        Span<byte> rh = stackalloc byte[16];
        BinaryPrimitives.WriteUInt32LittleEndian(rh, (uint)(micros / 1_000_000));
        BinaryPrimitives.WriteUInt32LittleEndian(rh[4..], (uint)(micros % 1_000_000));
        BinaryPrimitives.WriteUInt32LittleEndian(rh[8..], (uint)frame.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(rh[12..], (uint)frame.Length);
        ms.Write(rh);
        ms.Write(frame);
    }
}
