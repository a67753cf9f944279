using MevDefense.Ingest.Pipeline;
using MevDefense.Ingest.Selection;
using MevDefense.Ingest.Shreds;
using MevDefense.Ingest.Tests.Pipeline;
using MevDefense.TestUtils;

namespace MevDefense.Ingest.Tests.Selection;

/// <summary>The shred pipeline with the RPC leader schedule: unknown leaders are reported as unknown, never thrown.</summary>
public sealed class PipelineLeaderScheduleTests
{
    [FixtureFact]
    public async Task DemoPcap_LeaderUnknownThenFetched_NullThenVerified()
    {
        await using var node = await FakeSolanaNode.StartAsync();
        node.Slot = 0;
        node.SingleLeader = Pubkey.Parse(ShredFixtures.DemoLeader);
        using var http = new HttpClient();
        await using var provider = new RpcLeaderScheduleProvider(new SolanaRpcClient(http, node.Address), new() { PrefetchSlots = 1 });

        var unknown = Run(provider);
        Assert.Equal(8, unknown.FecSets.Count);
        Assert.All(unknown.FecSets, f => Assert.True(f.Complete && f.SignatureValid is null));
        Assert.Single(unknown.Batches); // still deshredded: the trusted-on-unknown policy keeps the data
        Assert.Equal(8, provider.UnknownSlotLookups); // once per FEC set, not per shred

        Assert.True(await provider.RefreshAsync());
        var verified = Run(provider);
        Assert.All(verified.FecSets, f => Assert.True(f.Complete && f.SignatureValid == true));
        Assert.Equal(8, provider.UnknownSlotLookups);
    }

    private static RecordingObserver Run(RpcLeaderScheduleProvider provider)
    {
        var observer = new RecordingObserver();
        using var pipeline = new ShredPipeline(
            new ShredPipelineOptions
            {
                LeaderSchedule = provider,
                RejectInvalidSignatures = false,
                Rules = ShredParseRules.CurrentFormat with { ExpectedVersion = 6051 },
            },
            observer);
        long ts = 0;
        foreach (var s in ShredFixtures.Demo())
        {
            Assert.Equal(ShredProcessResult.Accepted, pipeline.Process(s, ts++, 0));
        }

        pipeline.Flush();
        return observer;
    }
}
