using System.Diagnostics;
using MevDefense.AspNetCore.Bridging;
using MevDefense.Detection;
using MevDefense.Detection.Dex;
using MevDefense.Ingest.Pipeline;

namespace MevDefense.LoadTest;

/// <summary>
/// The ingestion row in the layout a host runs (<c>AddShredIngest</c> + <c>AddIngestDetection</c>): the shred pipeline on one
/// thread hands each entry batch to the real <see cref="IngestDetectionBridge"/>, whose background consumer decodes and detects
/// and hands detections to the ledger (durable group-committed appends). Rate = shreds / time until the last batch is detected.
/// </summary>
internal static class BridgedRun
{
    public sealed record Result(double ShredsPerSecond, double IngestThreadShredsPerSecond, long Detections, long Dropped);

    public static async Task<Result> RunAsync(Workload workload, int repeat)
    {
        Result best = new(0, 0, 0, 0);
        for (int pass = 0; pass <= repeat; pass++)
        {
            string dir = Path.Combine(Path.GetTempPath(), "mevdefense-loadtest-" + Guid.NewGuid().ToString("n"));
            try
            {
                await using var owned = await Program.OpenLedgerAsync(dir).ConfigureAwait(false);
                var ledger = owned.Ledger;
                using var bridge = new IngestDetectionBridge(
                    new DetectionPipeline(new DetectionOptions { Mode = DetectionMode.Rules, CacheCapacity = 0 }),
                    SwapDecoderRegistry.CreateDefault(),
                    [ledger],
                    workload.Data.LookupTables);
                bridge.Detector.AccountState = workload.Data.AccountState;
                using var pipeline = new ShredPipeline(PipelineHarness.CreatePipelineOptions(workload), bridge);
                await bridge.StartAsync(CancellationToken.None).ConfigureAwait(false);
                var feed = workload.Feed;
                long start = Stopwatch.GetTimestamp();
                feed.Feed((in Ingest.Ring.DatagramBatch b) => pipeline.ProcessBatch(b, default));
                pipeline.Flush();
                double ingestSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
                long transactions = pipeline.Stats.Transactions;
                while (bridge.Detector.Transactions < transactions && bridge.Dropped == 0)
                {
                    Thread.SpinWait(64);
                }

                double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
                await bridge.StopAsync(CancellationToken.None).ConfigureAwait(false); // waits for the durable appends
                if (pass == 0)
                {
                    continue; // warm-up
                }

                var result = new Result(workload.Shreds.Count / seconds, workload.Shreds.Count / ingestSeconds, bridge.Detector.Detections, bridge.Dropped);
                Console.WriteLine($"  bridged pass {pass}: {result.ShredsPerSecond / 1e6:F2}M shreds/s end to end (ingest thread alone {result.IngestThreadShredsPerSecond / 1e6:F2}M/s), {result.Detections} detections, {result.Dropped} batches dropped");
                if (result.ShredsPerSecond > best.ShredsPerSecond)
                {
                    best = result;
                }
            }
            finally
            {
                Program.TryDelete(dir);
            }
        }

        return best;
    }
}
