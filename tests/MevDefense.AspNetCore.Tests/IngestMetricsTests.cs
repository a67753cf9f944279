using System.Diagnostics.Metrics;
using MevDefense.Crypto;
using MevDefense.Ingest.Merkle;
using MevDefense.Ingest.Pipeline;
using MevDefense.Ingest.Shredding;
using MevDefense.Wire;
using Microsoft.Extensions.DependencyInjection;

namespace MevDefense.AspNetCore.Tests;

public sealed class IngestMetricsTests
{
    [Fact]
    public async Task Metrics_ShredPipelineInTheHost_ExportsShredstreamMessagesTotal()
    {
        await using TestApp app = await TestApp.StartAsync();
        using Ed25519Keypair leader = Ed25519Keypair.FromSeed(new byte[32]);
        var shreds = new List<byte[]>();
        byte[] batch = EntryWriter.Write([new Entry(1, default, [])]);
        new MerkleShredder(leader, 50093).Shred(new ShredderSlotState(10, 9), batch, lastInSlot: true, referenceTick: 1, shreds);
        using (var pipeline = new ShredPipeline(new ShredPipelineOptions { LeaderSchedule = new StaticLeaderScheduleProvider(leader.PublicKey) }, null,
            app.Services.GetRequiredService<IMeterFactory>()))
        {
            foreach (byte[] s in shreds)
            {
                Assert.Equal(ShredProcessResult.Accepted, pipeline.Process(s, 0, 0));
            }

            Assert.Equal(ShredProcessResult.Rejected, pipeline.Process(new byte[40], 0, 0)); // not a shred: counted, not thrown
        }

        string text = await app.ScrapeAsync();
        Assert.Contains("# TYPE defensive_shredstream_messages_total counter", text, StringComparison.Ordinal);
        Assert.True(PrometheusText.Sum(text, "defensive_shredstream_messages_total") >= shreds.Count);
    }
}
