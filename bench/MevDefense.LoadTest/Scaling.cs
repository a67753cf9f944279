using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using MevDefense.Detection;
using MevDefense.Detection.Decoding;
using MevDefense.Detection.Dex;
using MevDefense.Detection.Streaming;
using MevDefense.Ingest.Merkle;
using MevDefense.Ingest.Pipeline;
using MevDefense.Ingest.Ring;
using MevDefense.Ingest.Sources;

namespace MevDefense.LoadTest;

/// <summary>
/// Issue-5 scaling rows and the per-stage profile: <c>... -- scaling [--slots N] [--tx-per-slot N] [--rate N] [--clients 10,1000]
/// [--no-write]</c>. Writes the <c>## Scaling</c> section of bench/RESULTS.md (between <c>&lt;!-- BEGIN scaling --&gt;</c> markers).
/// </summary>
internal static class Scaling
{
    public static async Task<int> RunAsync(string[] args)
    {
        int slots = Program.Int(args, "--slots", 64);
        int txPerSlot = Program.Int(args, "--tx-per-slot", 400);
        int rate = Program.Int(args, "--rate", 20_000);
        int seed = Program.Int(args, "--seed", 20261124);
        int messages = Program.Int(args, "--messages", 256);
        int[] clients = (Program.Str(args, "--clients") ?? "10,1000").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        string? results = Program.Str(args, "--results") ?? Program.FindResults();
        bool write = !args.Contains("--no-write");
        string load = Load();
        Console.WriteLine($"MevDefense scaling — {MachineInfo.Describe()}; load average {load}");
        using var workload = Workload.Create(seed, slots, txPerSlot, transactionsPerEntry: 16, entriesPerBatch: 8);
        Console.WriteLine($"workload: {workload.Transactions:N0} transactions, {workload.Batches:N0} batches, {workload.Shreds.Count:N0} shreds");

        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"Machine: {MachineInfo.Describe()}; load average at start {load}.");
        report.AppendLine(CultureInfo.InvariantCulture, $"Command: `dotnet run -c Release --project bench/MevDefense.LoadTest -- scaling --slots {slots} --tx-per-slot {txPerSlot} --rate {rate} --seed {seed} --messages {messages} --clients {string.Join(',', clients)}`");
        report.AppendLine(CultureInfo.InvariantCulture, $"Workload: {workload.Transactions:N0} signed transactions, {workload.Batches:N0} entry batches, {workload.Shreds.Count:N0} shreds ({slots} slots).");
        report.AppendLine();

        // 1. Where the time goes: each stage alone on the same input.
        Console.WriteLine("stages ...");
        var stages = await StageProfile.MeasureAsync(workload).ConfigureAwait(false);
        report.AppendLine("### Where the time goes (each stage alone, same workload, one thread)");
        report.AppendLine();
        report.AppendLine("| stage | total | per shred | per entry batch | per transaction | allocated |");
        report.AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (var s in stages.Rows)
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"| {s.Stage} | {s.Seconds * 1e3:F1} ms | {Us(s.Seconds, workload.Shreds.Count)} | {Us(s.Seconds, workload.Batches)} | {Us(s.Seconds, workload.Transactions)} | {s.Allocated / 1024.0 / 1024.0:F1} MiB |");
        }

        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"{stages.Detections} detections; ledger rows are per detection, not per shred/batch (column is total / count of shreds, batches, transactions for comparison). Largest leader-run window: {stages.MaxWindow:N0} transactions; a full re-detection per batch (the first version) would have scanned {stages.WindowTransactionsScanned:N0} window transactions in total ({stages.WindowTransactionsScanned / (double)Math.Max(1, workload.Transactions):F1}x the transactions); the incremental detector revised {stages.Revisions:N0} earlier verdicts instead.");
        report.AppendLine();

        // 2. Cores: the same measurements in a child pinned with taskset to 1 and to 2 CPUs.
        report.AppendLine("### 1 vs 2 cores (`taskset -c 0` vs `taskset -c 0,1`, child process, same workload)");
        report.AppendLine();
        report.AppendLine("| cores | full pipeline, direct feed (one processing thread + ledger writer) | UDP decision latency p50 / p99 / p99.9 at " + rate.ToString("N0", CultureInfo.InvariantCulture) + " shreds/s | datagrams processed |");
        report.AppendLine("|---|---:|---:|---:|");
        foreach (var cpus in new[] { "0", "0,1" })
        {
            Console.WriteLine($"cores {cpus} ...");
            string line = await ChildProcess.RunForResultAsync(cpus, ["scaling-cores", "--slots", slots.ToString(CultureInfo.InvariantCulture), "--tx-per-slot", txPerSlot.ToString(CultureInfo.InvariantCulture), "--rate", rate.ToString(CultureInfo.InvariantCulture), "--seed", seed.ToString(CultureInfo.InvariantCulture)], TimeSpan.FromMinutes(10)).ConfigureAwait(false);
            var kv = Parse(line);
            report.AppendLine(CultureInfo.InvariantCulture, $"| {kv["cpus"]} | {double.Parse(kv["shredsPerSecond"], CultureInfo.InvariantCulture) / 1e3:F1} k shreds/s | {kv["p50"]} / {kv["p99"]} / {kv["p999"]} ms | {kv["delivered"]} of {kv["sent"]} |");
        }

        report.AppendLine();

        // 3. Sources: 1 vs 4 UDP sources in one process, every source sending the whole stream (duplicates across sources).
        report.AppendLine(CultureInfo.InvariantCulture, $"### 1 vs 4 sources (one UdpShredSource per source on 127.0.0.1, each fed the full shred stream at {rate:N0} shreds/s by its own sender; one ShredPipeline)");
        report.AppendLine();
        report.AppendLine("| sources | datagrams sent | processed | duplicates removed | accepted shreds | batches | detections | datagrams/s processed | decision latency p50 / p99 |");
        report.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (int n in new[] { 1, 4 })
        {
            Console.WriteLine($"sources {n} ...");
            var r = await RunSourcesAsync(workload, n, rate).ConfigureAwait(false);
            report.AppendLine(CultureInfo.InvariantCulture, $"| {n} | {r.Sent:N0} | {r.Delivered:N0} | {r.Duplicates:N0} | {r.Accepted:N0} | {r.Batches:N0} | {r.Detections:N0} | {r.Delivered / r.Seconds / 1e3:F1} k | {r.Latency.Percentile(50) / 1e6:F3} / {r.Latency.Percentile(99) / 1e6:F3} ms |");
        }

        report.AppendLine();

        // 4. Memory per in-flight slot.
        Console.WriteLine("memory per in-flight slot ...");
        var mem = InFlightMemory.Measure(workload);
        report.AppendLine("### Memory per in-flight slot (ShredPipeline, `GC.GetTotalMemory(true)` deltas)");
        report.AppendLine();
        report.AppendLine("| held | in-flight slots | in-flight FEC sets | retained | per slot | per FEC set |");
        report.AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (var m in mem)
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"| {m.What} | {m.Slots} | {m.FecSets} | {m.Bytes / 1024.0 / 1024.0:F2} MiB | {m.Bytes / 1024.0 / Math.Max(1, m.Slots):F0} KiB | {m.Bytes / 1024.0 / Math.Max(1, m.FecSets):F1} KiB |");
        }

        report.AppendLine();
        report.AppendLine("In-flight FEC sets include the slot's completed sets: their state (dedup, verified roots) is kept until the slot completes or leaves the slot window.");
        report.AppendLine(CultureInfo.InvariantCulture, $"Growth per in-flight slot (slope between the two sizes of the same shape): {InFlightMemory.Slope(mem)}.");
        report.AppendLine();

        // 5. WebSocket clients through a real Kestrel on 127.0.0.1.
        report.AppendLine(CultureInfo.InvariantCulture, $"### WebSocket clients (`/defensive/stream` on Kestrel 127.0.0.1, clients in a separate process, {messages} real detection messages published back to back)");
        report.AppendLine();
        report.AppendLine("| clients | server memory per subscriber (managed, idle) | server working set per subscriber | messages delivered | delivery rate | publish time | slow clients dropped |");
        report.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (int n in clients)
        {
            Console.WriteLine($"websocket clients {n} ...");
            var w = await WebSocketScaling.MeasureAsync(n, messages, stages.Events).ConfigureAwait(false);
            report.AppendLine(CultureInfo.InvariantCulture, $"| {n:N0} | {w.ManagedPerClient / 1024.0:F1} KiB | {(n >= 100 && w.WorkingSetPerClient > 0 ? $"{w.WorkingSetPerClient / 1024.0:F1} KiB" : "(below noise)")} | {w.Received:N0} of {(long)n * messages:N0} | {w.Received / Math.Max(1e-9, w.Seconds) / 1e3:F1} k msgs/s | {w.PublishMicroseconds:F0} us | {w.Slow} |");
        }

        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"Load average at end: {Load()}.");
        Console.WriteLine();
        Console.WriteLine(report.ToString());
        if (write && results is not null)
        {
            Program.WriteSection(results, "scaling", "## Scaling", report.ToString());
            Console.WriteLine($"written to {results}");
        }

        return 0;
    }

    /// <summary>Child mode: direct-feed throughput and UDP latency on the CPUs this process may use.</summary>
    public static async Task<int> RunCoresChildAsync(string[] args)
    {
        int slots = Program.Int(args, "--slots", 64);
        int txPerSlot = Program.Int(args, "--tx-per-slot", 400);
        int rate = Program.Int(args, "--rate", 20_000);
        int seed = Program.Int(args, "--seed", 20261124);
        using var workload = Workload.Create(seed, slots, txPerSlot, transactionsPerEntry: 16, entriesPerBatch: 8);
        var (shredsPerSecond, _, _, _, _) = await Program.RunDirectAsync(workload, 5).ConfigureAwait(false);
        var (latency, delivered, sent, _, _, _) = await Program.RunUdpAsync(workload, rate).ConfigureAwait(false);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT cpus={Environment.ProcessorCount} shredsPerSecond={shredsPerSecond:F0} p50={latency.Percentile(50) / 1e6:F3} p99={latency.Percentile(99) / 1e6:F3} p999={latency.Percentile(99.9) / 1e6:F3} delivered={delivered} sent={sent}"));
        return 0;
    }

    private static async Task<SourcesResult> RunSourcesAsync(Workload workload, int sources, int rate)
    {
        string dir = Path.Combine(Path.GetTempPath(), "mevdefense-loadtest-" + Guid.NewGuid().ToString("n"));
        try
        {
            await using var owned = await Program.OpenLedgerAsync(dir).ConfigureAwait(false);
            var ledger = owned.Ledger;
            using var harness = new PipelineHarness(workload, ledger);
            var sink = new SerializedSink(harness);
            var list = new List<UdpShredSource>();
            try
            {
                for (int i = 0; i < sources; i++)
                {
                    var s = new UdpShredSource(new UdpShredSourceOptions { Name = "src" + i, SourceId = i, ListenAddress = IPAddress.Loopback, Port = 0, ReceiveLoops = 1, ReceiveBufferBytes = 32 << 20 }, sink);
                    list.Add(s);
                    await s.StartAsync().ConfigureAwait(false);
                }

                var shreds = workload.Shreds;
                long start = Stopwatch.GetTimestamp();
                var senders = list.Select(s => new Thread(() => Send(s.LocalEndPoint, shreds, rate, start)) { IsBackground = true }).ToList();
                senders.ForEach(t => t.Start());
                senders.ForEach(t => t.Join());
                long expected = (long)shreds.Count * sources;
                var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 10;
                while (list.Sum(s => s.Statistics.Delivered) < expected && Stopwatch.GetTimestamp() < deadline)
                {
                    await Task.Delay(10).ConfigureAwait(false);
                }

                double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
                long delivered = list.Sum(s => s.Statistics.Delivered);
                foreach (var s in list)
                {
                    await s.StopAsync().ConfigureAwait(false);
                }

                await harness.DrainAsync().ConfigureAwait(false);
                var stats = harness.Pipeline.Stats;
                return new(expected, delivered, stats.Duplicates, stats.Accepted, harness.Batches, harness.Detector.Detections, harness.Latency, seconds);
            }
            finally
            {
                foreach (var s in list)
                {
                    await s.DisposeAsync().ConfigureAwait(false);
                }
            }
        }
        finally
        {
            Program.TryDelete(dir);
        }
    }

    private static void Send(IPEndPoint target, List<byte[]> shreds, int rate, long start)
    {
        using var sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        sender.Connect(target);
        double perTick = rate / (double)Stopwatch.Frequency;
        for (int i = 0; i < shreds.Count; i++)
        {
            while ((Stopwatch.GetTimestamp() - start) * perTick < i)
            {
                Thread.Sleep(1); // ~1 ms bursts; sleeping keeps the sender from taking a core away from the pipeline
            }

            sender.Send(shreds[i]);
        }
    }

    private static Dictionary<string, string> Parse(string line) =>
        line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);

    private static string Us(double seconds, long count) => count == 0 ? "" : string.Create(CultureInfo.InvariantCulture, $"{seconds * 1e6 / count:F2} us");

    internal static string Load()
    {
        try
        {
            return File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
        }
        catch (IOException)
        {
            return "n/a";
        }
    }

    private sealed record SourcesResult(long Sent, long Delivered, long Duplicates, long Accepted, long Batches, long Detections, LatencyHistogram Latency, double Seconds);

    /// <summary>Several sources' consumer threads feed one (single-threaded) ShredPipeline.</summary>
    private sealed class SerializedSink(IDatagramSink inner) : IDatagramSink
    {
        private readonly Lock _gate = new();

        public void OnDatagram(ReadOnlySpan<byte> datagram, long receiveTimestamp, int sourceId)
        {
            lock (_gate)
            {
                inner.OnDatagram(datagram, receiveTimestamp, sourceId);
            }
        }
    }

    /// <summary>Each stage alone on the same workload.</summary>
    internal sealed class StageProfile : IShredPipelineObserver
    {
        private readonly List<(ulong Slot, byte[] Payload, long Ts)> _batches = [];

        public List<(string Stage, double Seconds, long Allocated)> Rows { get; } = [];

        public List<DetectionEvent> Events { get; } = [];

        public long Detections { get; private set; }

        public int MaxWindow { get; private set; }

        public long WindowTransactionsScanned { get; private set; }

        public long Revisions { get; private set; }

        public static async Task<StageProfile> MeasureAsync(Workload workload)
        {
            var p = new StageProfile();

            // Five warm-up passes (JIT tiering reaches steady state; one pass of 64 slots is too short for it), then the measured run.
            for (int pass = 0; pass < 6; pass++)
            {
                p.Rows.Clear();
                p.Events.Clear();
                p._batches.Clear();
                p.Pipeline(workload, verify: false, "ShredPipeline.ProcessBatch (batches of 256), trusted feed (no Merkle/signature checks): parse, dedup, FEC, deshred");
                p._batches.Clear();
                p.Pipeline(workload, verify: true, "ShredPipeline.ProcessBatch (batches of 256), verified (multi-buffer Merkle leaves and proofs, leader Ed25519 once per FEC set)");
                await p.DetectAsync(workload).ConfigureAwait(false);
                await p.LedgerAsync().ConfigureAwait(false);
            }

            return p;
        }

        private void Pipeline(Workload workload, bool verify, string name)
        {
            using var pipeline = new ShredPipeline(new ShredPipelineOptions { LeaderSchedule = new StaticLeaderScheduleProvider(workload.Leader.PublicKey), VerifySignatures = verify, VerifyMerkleProofs = verify, LazyCodingShredVerification = verify }, this);
            var shreds = workload.Shreds;
            var feed = workload.Feed; // ring layout and ring-drain batches, as the UDP receive path delivers them
            long alloc = GC.GetTotalAllocatedBytes(precise: true);
            long start = Stopwatch.GetTimestamp();
            feed.Feed((in DatagramBatch batch) => pipeline.ProcessBatch(batch, default));
            pipeline.Flush();
            Rows.Add((name, Stopwatch.GetElapsedTime(start).TotalSeconds, GC.GetTotalAllocatedBytes(precise: true) - alloc - _batches.Sum(b => (long)b.Payload.Length)));
        }

        private async Task DetectAsync(Workload workload)
        {
            var detection = new DetectionPipeline(new DetectionOptions { Mode = DetectionMode.Rules, CacheCapacity = 0 });
            var detector = new StreamingDetector(detection, new TransactionDecoder(SwapDecoderRegistry.CreateDefault(), workload.Data.LookupTables)) { AccountState = workload.Data.AccountState };
            long alloc = GC.GetTotalAllocatedBytes(precise: true);
            long start = Stopwatch.GetTimestamp();
            foreach (var (slot, payload, ts) in _batches)
            {
                var found = await detector.OnEntryBatchAsync(slot, payload, ts).ConfigureAwait(false);
                Events.AddRange(found);
            }

            double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            Rows.Add(("StreamingDetector (decode + incremental rule detection: only the pools/identities each batch touches)", seconds, GC.GetTotalAllocatedBytes(precise: true) - alloc));
            Detections = detector.Detections;
            Revisions = detector.Revisions;

            // How much window the re-detection scanned: replay the batch boundaries (leader runs = aligned groups of 4 slots).
            long scanned = 0;
            int window = 0, max = 0;
            ulong group = ulong.MaxValue, last = 0;
            var perBatch = CountTransactions();
            for (int i = 0; i < _batches.Count; i++)
            {
                ulong slot = _batches[i].Slot;
                if (slot / 4 != group || slot < last || slot > last + 1)
                {
                    window = 0;
                    group = slot / 4;
                }

                last = slot;
                window += perBatch[i];
                max = Math.Max(max, window);
                scanned += window;
            }

            MaxWindow = max;
            WindowTransactionsScanned = scanned;
        }

        private List<int> CountTransactions()
        {
            var counts = new List<int>(_batches.Count);
            foreach (var (_, payload, _) in _batches)
            {
                int n = 0;
                if (MevDefense.Wire.EntryBatchReader.TryCreate(payload, out var reader, out _) && !reader.IsBlockMarker)
                {
                    while (reader.TryReadEntry(out _))
                    {
                        while (reader.TryReadTransaction(out _))
                        {
                            n++;
                        }
                    }
                }

                counts.Add(n);
            }

            return counts;
        }

        private async Task LedgerAsync()
        {
            string dir = Path.Combine(Path.GetTempPath(), "mevdefense-loadtest-" + Guid.NewGuid().ToString("n"));
            try
            {
                await using var owned = await Program.OpenLedgerAsync(dir).ConfigureAwait(false);
                var ledger = owned.Ledger;
                long alloc = GC.GetTotalAllocatedBytes(precise: true);
                long start = Stopwatch.GetTimestamp();
                foreach (var e in Events)
                {
                    await ledger.OnDetectionAsync(e).ConfigureAwait(false); // one at a time: each waits for its own fsync
                }

                Rows.Add(($"DnaLedger on RocksDB, {Events.Count} detections appended one at a time (sign, chain, durable append each)", Stopwatch.GetElapsedTime(start).TotalSeconds, GC.GetTotalAllocatedBytes(precise: true) - alloc));
                alloc = GC.GetTotalAllocatedBytes(precise: true);
                start = Stopwatch.GetTimestamp();
                await Task.WhenAll(Events.Select(e => ledger.OnDetectionAsync(e).AsTask())).ConfigureAwait(false);
                Rows.Add(($"DnaLedger on RocksDB, the same {Events.Count} detections appended concurrently (group commit)", Stopwatch.GetElapsedTime(start).TotalSeconds, GC.GetTotalAllocatedBytes(precise: true) - alloc));
            }
            finally
            {
                Program.TryDelete(dir);
            }
        }

        public void OnEntryBatch(in EntryBatch batch) => _batches.Add((batch.Slot, batch.Payload.ToArray(), batch.LastReceiveTimestamp));

        public void OnFecSet(in FecSetResult result)
        {
        }

        public void OnEquivocation(in ShredEquivocation equivocation)
        {
        }
    }
}
