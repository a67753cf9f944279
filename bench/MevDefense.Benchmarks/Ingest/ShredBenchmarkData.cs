using MevDefense.Ingest.Replay;

namespace MevDefense.Benchmarks.Ingest;

/// <summary>Loads ../shared/fixtures/shreds/demo-shreds.pcap (512 real current-format shreds, 8 FEC sets).</summary>
internal static class ShredBenchmarkData
{
    public const string DemoLeader = "4rBaC4tZ4bd7fDGQpWpesBSmgqYmMzkASuZsZkbHCrBK";

    public static List<byte[]> LoadDemo()
    {
        using var reader = new ShredReplayReader(File.OpenRead(FindFixture("shreds/demo-shreds.pcap")), ShredFileFormat.Pcap);
        var list = new List<byte[]>();
        while (reader.TryRead(out var r))
        {
            list.Add(r.Datagram.ToArray());
        }

        return list;
    }

    private static string FindFixture(string relative)
    {
        if (Environment.GetEnvironmentVariable("MEVDEFENSE_SHARED") is { Length: > 0 } env)
        {
            return Path.Combine(env, "fixtures", relative);
        }

        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "shared", "fixtures", relative);
                if (File.Exists(candidate))
                {
                    return candidate;
                }

                if (File.Exists(Path.Combine(dir.FullName, "MevDefense.sln")))
                {
                    candidate = Path.Combine(dir.FullName, "..", "shared", "fixtures", relative);
                    if (File.Exists(candidate))
                    {
                        return candidate;
                    }
                }
            }
        }

        throw new FileNotFoundException("Shred fixtures not found: set MEVDEFENSE_SHARED to the shared/ folder.", relative);
    }
}
