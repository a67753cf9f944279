using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace MevDefense.LoadTest;

/// <summary>
/// Per-decision stage timestamps for the latency runs, to explain the tail: for each of the worst decisions, where its time went
/// (waiting in the ring, the consumer busy with earlier datagrams, shred pipeline to entry batch, detection, the ledger's
/// synchronous part, the durable append). Preallocated arrays; recording is a few stores on the threads that already run.
/// </summary>
internal sealed class LatencyTrace
{
    private const int MaxDrains = 1 << 17;
    private const int MaxDecisions = 1 << 14;
    private readonly long[] _drainEnter = new long[MaxDrains];
    private readonly long[] _drainExit = new long[MaxDrains];
    private readonly long[] _drainMinTs = new long[MaxDrains];
    private readonly long[] _drainMaxTs = new long[MaxDrains];
    private readonly int[] _drainCount = new int[MaxDrains];
    private readonly long[] _received = new long[MaxDecisions];
    private readonly long[] _batchEnter = new long[MaxDecisions];
    private readonly long[] _emitted = new long[MaxDecisions];
    private readonly long[] _handedOff = new long[MaxDecisions];
    private readonly long[] _durable = new long[MaxDecisions];
    private int _drains;
    private int _decisions;
    private long _currentBatchEnter;

    public void DrainEnter(in MevDefense.Ingest.Ring.DatagramBatch batch, long now)
    {
        int i = _drains;
        if (i >= MaxDrains)
        {
            return;
        }

        long min = long.MaxValue, max = long.MinValue;
        foreach (long ts in batch.ReceiveTimestamps)
        {
            min = Math.Min(min, ts);
            max = Math.Max(max, ts);
        }

        _drainEnter[i] = now;
        _drainMinTs[i] = min;
        _drainMaxTs[i] = max;
        _drainCount[i] = batch.Count;
    }

    public void DrainExit(long now)
    {
        if (_drains < MaxDrains)
        {
            _drainExit[_drains] = now;
            Volatile.Write(ref _drains, _drains + 1);
        }
    }

    public void BatchEnter(long now) => _currentBatchEnter = now;

    public int Decision(long received, long emitted)
    {
        int i = _decisions++;
        if (i >= MaxDecisions)
        {
            return -1;
        }

        _received[i] = received;
        _batchEnter[i] = _currentBatchEnter;
        _emitted[i] = emitted;
        return i;
    }

    public void HandedOff(int i, long now)
    {
        if (i >= 0)
        {
            _handedOff[i] = now;
        }
    }

    public void Durable(int i, long now)
    {
        if (i >= 0)
        {
            Volatile.Write(ref _durable[i], now);
        }
    }

    /// <summary>Describes the <paramref name="worst"/> slowest decisions, one line each (times in microseconds).</summary>
    public string Describe(int worst)
    {
        double us = 1e6 / Stopwatch.Frequency;
        int n = Math.Min(_decisions, MaxDecisions);
        int drains = Math.Min(Volatile.Read(ref _drains), MaxDrains);
        var order = Enumerable.Range(0, n).Where(i => _durable[i] != 0).OrderByDescending(i => _durable[i] - _received[i]).Take(worst);
        var sb = new StringBuilder();
        sb.AppendLine("    worst decisions (us): total = ring wait (received -> its drain starts; consumer busy/idle before) + drain -> entry batch + detect + ledger sync + durable");
        foreach (int i in order)
        {
            long r = _received[i];
            // The drain that delivered the last shred: the first whose receive-timestamp range covers it.
            int d = -1;
            for (int k = 0; k < drains; k++)
            {
                if (_drainMinTs[k] <= r && r <= _drainMaxTs[k])
                {
                    d = k;
                    break;
                }
            }

            string ring = "?";
            if (d >= 0)
            {
                long wait = _drainEnter[d] - r;
                // What the consumer did between the receive and that drain: time inside earlier drains vs outside (idle/parked/preempted).
                long busy = 0;
                for (int k = d - 1; k >= 0 && _drainExit[k] > r; k--)
                {
                    busy += _drainExit[k] - Math.Max(_drainEnter[k], r);
                }

                long prevExit = d > 0 ? _drainExit[d - 1] : 0;
                ring = string.Create(CultureInfo.InvariantCulture, $"{wait * us,7:F0} (busy {busy * us:F0}, gap since previous drain ended {(d > 0 ? (_drainEnter[d] - prevExit) * us : 0):F0}, drain #{d} of {_drainCount[d]} took {(_drainExit[d] - _drainEnter[d]) * us:F0})");
            }

            long toBatch = d >= 0 ? _batchEnter[i] - _drainEnter[d] : 0;
            sb.AppendLine(CultureInfo.InvariantCulture, $"    {(_durable[i] - r) * us,7:F0} = ring {ring} + {toBatch * us:F0} + {(_emitted[i] - _batchEnter[i]) * us:F0} + {(_handedOff[i] - _emitted[i]) * us:F0} + {(_durable[i] - _handedOff[i]) * us:F0}; at {(r - _drainEnter[0]) * us / 1000:F0} ms");
        }

        return sb.ToString();
    }
}

/// <summary>Per-thread scheduler statistics of this process (<c>/proc/self/task/*/schedstat</c>: on-CPU time, run-queue wait, slices).</summary>
internal static class ThreadSchedStats
{
    public static Dictionary<int, (string Name, long RunNs, long WaitNs, long Slices)> Snapshot()
    {
        var result = new Dictionary<int, (string, long, long, long)>();
        if (!Directory.Exists("/proc/self/task"))
        {
            return result;
        }

        foreach (string dir in Directory.GetDirectories("/proc/self/task"))
        {
            try
            {
                int tid = int.Parse(Path.GetFileName(dir), CultureInfo.InvariantCulture);
                string name = File.ReadAllText(Path.Combine(dir, "comm")).Trim();
                string[] parts = File.ReadAllText(Path.Combine(dir, "schedstat")).Split(' ', StringSplitOptions.RemoveEmptyEntries);
                result[tid] = (name, long.Parse(parts[0], CultureInfo.InvariantCulture), long.Parse(parts[1], CultureInfo.InvariantCulture), long.Parse(parts[2], CultureInfo.InvariantCulture));
            }
            catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException or IndexOutOfRangeException)
            {
            }
        }

        return result;
    }

    /// <summary>Gets the machine's total CPU steal time so far (jiffies of <c>/proc/stat</c>, converted at 100 Hz), or -1.</summary>
    public static double StealMilliseconds()
    {
        try
        {
            string[] cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return long.Parse(cpu[8], CultureInfo.InvariantCulture) * 10.0;
        }
        catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException or IndexOutOfRangeException or InvalidOperationException)
        {
            return -1;
        }
    }

    public static string Describe(Dictionary<int, (string Name, long RunNs, long WaitNs, long Slices)> before, Dictionary<int, (string Name, long RunNs, long WaitNs, long Slices)> after)
    {
        var sb = new StringBuilder();
        foreach (var (tid, a) in after.OrderByDescending(kv => kv.Value.RunNs - (before.TryGetValue(kv.Key, out var b0) ? b0.RunNs : 0)).Take(12))
        {
            before.TryGetValue(tid, out var b);
            long run = a.RunNs - b.RunNs, wait = a.WaitNs - b.WaitNs, slices = a.Slices - b.Slices;
            if (run < 1_000_000)
            {
                continue;
            }

            sb.AppendLine(CultureInfo.InvariantCulture, $"    thread {tid} {a.Name}: on CPU {run / 1e6:F0} ms, run-queue wait {wait / 1e6:F1} ms over {slices} slices ({(slices > 0 ? wait / 1e3 / slices : 0):F1} us per slice)");
        }

        return sb.ToString();
    }
}
