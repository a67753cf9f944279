using System.Buffers.Binary;
using System.Globalization;
using MevDefense.Ingest.Merkle;
using MevDefense.Ingest.Pipeline;

namespace MevDefense.LoadTest;

/// <summary>
/// Memory the <see cref="ShredPipeline"/> retains per in-flight slot: slots are fed with their last FEC set incomplete (one data
/// shred and every coding shred withheld, so it can neither complete nor recover), or with every FEC set incomplete.
/// </summary>
internal static class InFlightMemory
{
    public static List<Sample> Measure(Workload workload)
    {
        var bySlot = workload.Shreds.GroupBy(Slot).Select(g => g.ToList()).ToList();
        var samples = new List<Sample>();
        int small = Math.Max(1, Math.Min(8, bySlot.Count / 4)), large = Math.Min(bySlot.Count, Math.Min(24, small * 3));
        foreach (bool everySet in new[] { false, true })
        {
            foreach (int n in new[] { small, large })
            {
                samples.Add(Hold(workload, bySlot.Take(n).ToList(), everySet));
            }
        }

        return samples;
    }

    public static string Slope(List<Sample> s)
    {
        var parts = new List<string>();
        for (int i = 0; i + 1 < s.Count; i += 2)
        {
            double bytes = s[i + 1].Bytes - s[i].Bytes;
            int slots = s[i + 1].Slots - s[i].Slots, sets = s[i + 1].FecSets - s[i].FecSets;
            if (slots > 0)
            {
                parts.Add(string.Create(CultureInfo.InvariantCulture, $"{s[i].Shape}: {bytes / slots / 1024.0:F0} KiB per slot ({bytes / Math.Max(1, sets) / 1024.0:F1} KiB per in-flight FEC set)"));
            }
        }

        return string.Join("; ", parts);
    }

    private static Sample Hold(Workload workload, List<List<byte[]>> slots, bool everySet)
    {
        var feed = new List<byte[]>();
        foreach (var shreds in slots)
        {
            uint lastSet = shreds.Max(FecSetIndex);
            var withheld = new HashSet<uint>();
            foreach (var s in shreds)
            {
                uint set = FecSetIndex(s);
                if (!everySet && set != lastSet)
                {
                    feed.Add(s);
                    continue;
                }

                // Incomplete set: no coding shreds, and the first data shred of the set withheld.
                if (IsCode(s) || withheld.Add(set))
                {
                    continue;
                }

                feed.Add(s);
            }
        }

        using var pipeline = new ShredPipeline(new ShredPipelineOptions { LeaderSchedule = new StaticLeaderScheduleProvider(workload.Leader.PublicKey), SlotWindow = 64, MaxInFlightFecSets = 1 << 16 });
        long before = GC.GetTotalMemory(forceFullCollection: true);
        foreach (var s in feed)
        {
            pipeline.Process(s, 1, 0);
        }

        long after = GC.GetTotalMemory(forceFullCollection: true);
        var sample = new Sample(everySet ? "every FEC set incomplete" : "last FEC set incomplete", $"{slots.Count} slots, {(everySet ? "every FEC set" : "last FEC set")} incomplete ({feed.Count:N0} shreds fed)", pipeline.InFlightSlots, pipeline.InFlightFecSets, after - before);
        GC.KeepAlive(pipeline);
        return sample;
    }

    private static ulong Slot(byte[] shred) => BinaryPrimitives.ReadUInt64LittleEndian(shred.AsSpan(65));

    private static uint FecSetIndex(byte[] shred) => BinaryPrimitives.ReadUInt32LittleEndian(shred.AsSpan(79));

    // Merkle variants: 0x4_/0x6_/0x7_ coding, 0x8_/0x9_/0xB_ data.
    private static bool IsCode(byte[] shred) => (shred[64] & 0x80) == 0;

    internal sealed record Sample(string Shape, string What, int Slots, int FecSets, long Bytes);
}
