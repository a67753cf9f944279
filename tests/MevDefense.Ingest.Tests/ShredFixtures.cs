using MevDefense.Ingest.Replay;
using MevDefense.TestUtils;

namespace MevDefense.Ingest.Tests;

/// <summary>Loads shred fixtures (../shared/fixtures/shreds) as datagram lists.</summary>
internal static class ShredFixtures
{
    public const string DemoLeader = "4rBaC4tZ4bd7fDGQpWpesBSmgqYmMzkASuZsZkbHCrBK";

    public static List<byte[]> Read(string relative, ShredFileFormat? format = null)
    {
        using var reader = ShredReplayReader.Open(SharedFixtures.Fixture("shreds/" + relative), format);
        var list = new List<byte[]>();
        while (reader.TryRead(out var r))
        {
            list.Add(r.Datagram.ToArray());
        }

        return list;
    }

    public static List<byte[]> Demo() => Read("demo-shreds.pcap");

    public static byte[] DemoBin() => SharedFixtures.ReadBytes("shreds/demo-shreds.bin");

    public static byte[] DemoKey() => SharedFixtures.ReadBytes("shreds/demo-shreds.key");
}
