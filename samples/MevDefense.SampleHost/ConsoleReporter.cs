using System.Globalization;
using MevDefense.Dna;

namespace MevDefense.SampleHost;

/// <summary>Prints detections and a progress line to the console.</summary>
internal sealed class ConsoleReporter(bool quiet)
{
    private readonly Lock _lock = new();
    private int _expectedSlots;
    private int _slotsDone;

    public void Expect(int slots) => _expectedSlots = slots;

    public void Line(string text)
    {
        lock (_lock)
        {
            Console.WriteLine(text);
        }
    }

    public void Detection(DetectionEvent d, DecisionRecord record, double latencyMs)
    {
        if (quiet)
        {
            return;
        }

        string victims = d.Victims.Count > 0 ? $" victims {d.Victims.Count}" : string.Empty;
        Line(string.Create(CultureInfo.InvariantCulture,
            $"  [slot {d.Slot}] {d.Kind,-12} conf {d.Confidence:0.000} attacker {Short(d.Attacker?.ToString())} pool {Short(d.Pool?.ToString())}{victims}  -> record #{record.Sequence} {record.Id}  ({latencyMs:0.00} ms)"));
    }

    public void SlotDone(ulong slot, int transactions, int detections)
    {
        int done = Interlocked.Increment(ref _slotsDone);
        if (_expectedSlots > 0 && (done % 8 == 0 || done == _expectedSlots))
        {
            int width = 30;
            int filled = (int)Math.Round(width * (double)done / _expectedSlots);
            Line(string.Create(CultureInfo.InvariantCulture,
                $"replay [{new string('#', Math.Min(width, filled))}{new string('.', Math.Max(0, width - filled))}] {done}/{_expectedSlots} slots (last {slot}: {transactions} tx, {detections} detections)"));
        }
    }

    private static string Short(string? s) => s is null ? "-" : s.Length > 12 ? s[..5] + ".." + s[^5..] : s;
}
