using System.Buffers.Binary;
using MevDefense.TestUtils;

namespace MevDefense.Ingest.Tests.Transport;

/// <summary>Reads the UDP payloads (frame offset 42: Ethernet + IPv4 + UDP headers) of ../shared/fixtures/shreds/demo-shreds.pcap.</summary>
internal static class PcapShreds
{
    public static List<byte[]> Load(string fixture = "shreds/demo-shreds.pcap")
    {
        var data = SharedFixtures.ReadBytes(fixture);
        Assert.Equal(0xa1b2c3d4u, BinaryPrimitives.ReadUInt32LittleEndian(data));
        var result = new List<byte[]>();
        var offset = 24;
        while (offset + 16 <= data.Length)
        {
            var included = (int)BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(offset + 8));
            var frame = data.AsSpan(offset + 16, included);
            result.Add(frame[42..].ToArray());
            offset += 16 + included;
        }

        return result;
    }
}
