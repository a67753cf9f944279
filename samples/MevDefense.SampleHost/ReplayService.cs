using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using MevDefense.Crypto;
using MevDefense.Detection.Scenarios;
using MevDefense.Dna;
using MevDefense.Ingest.Merkle;
using MevDefense.Ingest.Pipeline;
using MevDefense.Ingest.Replay;

namespace MevDefense.SampleHost;

/// <summary>
/// Runs the detection loop and, unless a live source was chosen, the bundled replay: generated slots -> shred file ->
/// <see cref="ShredReplayReader"/> -> <see cref="ShredPipeline"/> (Merkle proofs, leader signatures, FEC, deshred) ->
/// <see cref="SlotDetector"/> -> detection -> ledger + stream. Prints a summary when the replay ends.
/// </summary>
internal sealed class ReplayService(SampleOptions options, SlotDetector detector, DnaLedger ledger, ConsoleReporter reporter,
    IHostApplicationLifetime lifetime, IMeterFactory meters, MevDefense.AspNetCore.DefensiveStreamHub hub) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Task loop = detector.RunAsync(stoppingToken);
        if (options.IsLive)
        {
            Task follow = Task.CompletedTask;
            if (options.FollowRpc && options.Rpc is { } rpc)
            {
                // JSON-RPC source: confirmed blocks, one entry batch per block, into the same sink ShredStream uses.
                var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
                var source = new MevDefense.Ingest.Sources.RpcBlockSource(new MevDefense.Ingest.Selection.SolanaRpcClient(http, rpc), detector);
                reporter.Line($"live: following {rpc} (getSlot + getBlock, confirmed)");
                follow = source.RunAsync(stoppingToken).ContinueWith(_ => http.Dispose(), TaskScheduler.Default);
            }

            if (options.UdpPort is { } p)
            {
                reporter.Line($"live: listening for shreds on UDP 0.0.0.0:{p}");
            }

            if (options.ShredStream is { } ss)
            {
                reporter.Line($"live: ShredStream {ss}");
            }

            await Task.WhenAll(loop, follow).ConfigureAwait(false);
            return;
        }

        try
        {
            if (options.WaitForStreamClient)
            {
                reporter.Line($"waiting for a client on ws://127.0.0.1:{options.Port}/defensive/stream (open http://127.0.0.1:{options.Port}/defensive/dashboard)...");
                while (hub.Connections == 0)
                {
                    await Task.Delay(100, stoppingToken).ConfigureAwait(false);
                }
            }

            await ReplayAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }
        catch (Exception ex) when (ex is IOException or FormatException or InvalidOperationException or InvalidDataException or ArgumentException)
        {
            reporter.Line($"replay failed: {ex.GetType().Name}: {ex.Message}");
            Environment.ExitCode = 1;
            lifetime.StopApplication();
            return;
        }

        if (options.ExitAfterReplay)
        {
            lifetime.StopApplication();
            return;
        }

        reporter.Line($"serving http://127.0.0.1:{options.Port}/defensive (dashboard: /defensive/dashboard, metrics: /metrics); Ctrl+C to stop");
        try
        {
            await loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task ReplayAsync(CancellationToken cancellationToken)
    {
        var total = Stopwatch.StartNew();
        using Ed25519Keypair leader = ReplayBuilder.CreateLeader();
        string path = options.ReplayFile ?? Path.Combine(options.DataDirectory, "replay", $"generated-seed{options.Seed}-slots{options.Slots}.shreds");
        ScenarioDataset? dataset = null;
        if (options.ReplayFile is null)
        {
            reporter.Line($"generating {options.Slots} realistic slots (seed {options.Seed}: honest traffic, votes, sandwiches, arbitrage, JIT, back-runs, hard negatives)...");
            dataset = ReplayBuilder.Generate(options.Seed, options.Slots);
            detector.UseLookupTables(dataset.LookupTables);
            detector.AccountState = dataset.AccountState;
            if (!File.Exists(path))
            {
                long written = ReplayBuilder.WriteShredFile(dataset, leader, path, out int skipped);
                reporter.Line($"wrote {written:N0} shreds ({dataset.TransactionCount - skipped:N0} transactions, {dataset.Labels.Count} labelled patterns) to {path}"
                    + (skipped > 0 ? $"; skipped {skipped} generated transactions that are not valid wire transactions (over 1,232 bytes)" : string.Empty));
            }
        }

        if (dataset is not null)
        {
            // warm up on the last 8 transactions of the last slot, in an unrelated slot number (the pipeline caches by window)
            GeneratedSlot w = dataset.Slots[^1];
            detector.WarmUp(w.Transactions.TakeLast(8).Select(static t => t.Wire), ulong.MaxValue - 1);
        }

        reporter.Expect(dataset?.Slots.Count ?? 0);
        reporter.Line($"replaying {path} through the shred pipeline (leader {leader.PublicKey}) into the ledger at {Path.Combine(options.DataDirectory, "dna")}");
        var pipelineOptions = new ShredPipelineOptions
        {
            LeaderSchedule = new StaticLeaderScheduleProvider(leader.PublicKey),
            VerifySignatures = options.ReplayFile is null,
        };
        long shreds = 0;
        long rejected = 0;
        using (var pipeline = new ShredPipeline(pipelineOptions, detector, meters))
        using (ShredReplayReader reader = ShredReplayReader.Open(path))
        {
            while (reader.TryRead(out ShredReplayRecord record))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (pipeline.Process(record.Datagram.Span, Stopwatch.GetTimestamp(), sourceId: 0) == ShredProcessResult.Rejected)
                {
                    rejected++;
                }

                if (++shreds % 2048 == 0)
                {
                    await Task.Yield();
                }
            }

            pipeline.Flush();
        }

        detector.CompleteAll();
        while (detector.Pending > 0)
        {
            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }

        DnaCheckpoint checkpoint = await ledger.CheckpointAsync(cancellationToken).ConfigureAwait(false);
        reporter.Line(string.Empty);
        reporter.Line("replay summary");
        reporter.Line(string.Create(CultureInfo.InvariantCulture, $"  shreds        {shreds:N0} ({rejected:N0} rejected)"));
        reporter.Line(string.Create(CultureInfo.InvariantCulture, $"  slots         {detector.Slots:N0} ({detector.DroppedSlots:N0} dropped)"));
        reporter.Line(string.Create(CultureInfo.InvariantCulture, $"  transactions  {detector.Transactions:N0} ({detector.Undecodable:N0} undecodable)"));
        reporter.Line(string.Create(CultureInfo.InvariantCulture, $"  detections    {detector.Detections:N0}  {string.Join(", ", detector.ByKind.OrderBy(k => k.Key).Select(k => $"{k.Key} {k.Value}"))}"));
        if (dataset is not null)
        {
            reporter.Line(string.Create(CultureInfo.InvariantCulture, $"  labelled      {string.Join(", ", dataset.Labels.GroupBy(l => l.Kind).OrderBy(g => g.Key.ToString()).Select(g => $"{g.Key} {g.Count()}"))}"));
        }

        reporter.Line(string.Create(CultureInfo.InvariantCulture, $"  ledger        {ledger.Count:N0} records, checkpoint size {checkpoint.Size}, root {Convert.ToHexStringLower(checkpoint.RootHash.AsSpan())}"));
        reporter.Line(string.Create(CultureInfo.InvariantCulture, $"  elapsed       {total.Elapsed.TotalSeconds:0.00} s"));
    }
}
