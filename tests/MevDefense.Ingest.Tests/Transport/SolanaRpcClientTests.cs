using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using MevDefense.Ingest.Selection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MevDefense.Ingest.Tests.Transport;

public sealed class SolanaRpcClientTests
{
    private static readonly byte[] Tx1 = [1, 2, 3, 4, 5];
    private static readonly byte[] Tx2 = [9, 8, 7];

    private static string BlockJson(ulong slot) => $$$"""
        {"jsonrpc":"2.0","id":1,"result":{"blockHeight":380000000,"blockTime":1760000000,"blockhash":"7RhM3Vb5eKFeh8YuhUb1TTuk4cWLGAH3YoD3KbhTVXTV",
        "parentSlot":{{{slot - 1}}},"previousBlockhash":"4sGjMW1sUnHzSxGspuhpqLDx6wiyjNtZAMdL4VZHirAn",
        "transactions":[{"meta":{"err":null,"fee":5000},"transaction":["{{{Convert.ToBase64String(Tx1)}}}","base64"],"version":0},
                        {"meta":{"err":{"InstructionError":[0,"Custom"]},"fee":5001},"transaction":["{{{Convert.ToBase64String(Tx2)}}}","base64"],"version":"legacy"}]}}
        """;

    private static string Error(int code, string message) => $$$"""{"jsonrpc":"2.0","id":1,"error":{"code":{{{code}}},"message":"{{{message}}}"}}""";

    [Fact]
    public async Task GetBlock_Base64Transactions_Decoded()
    {
        await using var server = await RpcServer.StartAsync((method, p) => method == "getBlock" ? BlockJson((ulong)p![0]!) : Error(-32601, "no"));
        using var http = new HttpClient();
        var client = new SolanaRpcClient(http, server.Address);
        var block = await client.GetBlockAsync(400_000_123);
        Assert.NotNull(block);
        Assert.Equal(400_000_123UL, block.Slot);
        Assert.Equal(400_000_122UL, block.ParentSlot);
        Assert.Equal(1760000000L, block.BlockTime);
        Assert.Equal(2, block.Transactions.Count);
        Assert.Equal(Tx1, block.Transactions[0].Wire.ToArray());
        Assert.False(block.Transactions[0].Failed);
        Assert.Equal(5000UL, block.Transactions[0].Fee);
        Assert.True(block.Transactions[1].Failed);
        Assert.Equal("legacy", block.Transactions[1].Version);

        var request = server.Requests.Single();
        Assert.Equal("2.0", (string)request["jsonrpc"]!);
        var config = request["params"]![1]!;
        Assert.Equal("base64", (string)config["encoding"]!);
        Assert.Equal(0, (int)config["maxSupportedTransactionVersion"]!);
    }

    [Theory]
    [InlineData(-32007)]
    [InlineData(-32009)]
    [InlineData(-32004)]
    public async Task GetBlock_SkippedSlot_ReturnsNull(int code)
    {
        await using var server = await RpcServer.StartAsync((_, _) => Error(code, "Slot 5 was skipped, or missing"));
        using var http = new HttpClient();
        Assert.Null(await new SolanaRpcClient(http, server.Address).GetBlockAsync(5));
    }

    [Theory]
    [InlineData("""{"jsonrpc":"2.0","id":1,"error":{"code":-32603,"message":"internal"}}""")]
    [InlineData("""not json""")]
    [InlineData("""{"jsonrpc":"2.0","id":1}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"result":{"parentSlot":1}}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"result":{"parentSlot":1,"blockhash":"x","previousBlockhash":"y","transactions":[{"transaction":"AAAA"}]}}""")]
    public async Task GetBlock_ErrorsAndMalformed_ThrowSolanaRpcException(string response)
    {
        await using var server = await RpcServer.StartAsync((_, _) => response);
        using var http = new HttpClient();
        await Assert.ThrowsAsync<SolanaRpcException>(() => new SolanaRpcClient(http, server.Address).GetBlockAsync(5));
    }

    [Fact]
    public async Task GetLeaderSchedule_MapsEpochRelativeIndexesToAbsoluteSlots()
    {
        const string LeaderA = "7RhM3Vb5eKFeh8YuhUb1TTuk4cWLGAH3YoD3KbhTVXTV";
        const string LeaderB = "4sGjMW1sUnHzSxGspuhpqLDx6wiyjNtZAMdL4VZHirAn";
        await using var server = await RpcServer.StartAsync((method, _) => method switch
        {
            "getEpochSchedule" => """{"jsonrpc":"2.0","id":1,"result":{"firstNormalEpoch":14,"firstNormalSlot":524256,"leaderScheduleSlotOffset":432000,"slotsPerEpoch":432000,"warmup":true}}""",
            "getLeaderSchedule" => $$$"""{"jsonrpc":"2.0","id":2,"result":{"{{{LeaderA}}}":[0,1,2,3],"{{{LeaderB}}}":[4,5,6,7]}}""",
            _ => Error(-32601, "Method not found"),
        });
        using var http = new HttpClient();
        var schedule = await new SolanaRpcClient(http, server.Address).GetLeaderScheduleAsync(524256 + 432000 + 10);
        var epochStart = 524256UL + 432000;
        Assert.Equal(8, schedule.Count);
        Assert.Equal(Pubkey.Parse(LeaderA), schedule[epochStart]);
        Assert.Equal(Pubkey.Parse(LeaderB), schedule[epochStart + 7]);
        Assert.Equal(epochStart + 10, (ulong)server.Requests.Last()["params"]![0]!);
    }

    [Theory]
    [InlineData(0UL, 0UL)]
    [InlineData(31UL, 0UL)]
    [InlineData(32UL, 32UL)]
    [InlineData(95UL, 32UL)]
    [InlineData(96UL, 96UL)]
    [InlineData(524255UL, 262112UL)]
    [InlineData(524256UL, 524256UL)]
    [InlineData(524256UL + 431999, 524256UL)]
    [InlineData(524256UL + 432000, 524256UL + 432000)]
    public void EpochFirstSlot_WarmupAndNormal(ulong slot, ulong expected) =>
        Assert.Equal(expected, SolanaRpcClient.EpochFirstSlot(slot, 432000, 14, 524256));

    [Fact]
    public async Task Backfiller_FailingRouteFallsBack_AndSelectorLearns()
    {
        await using var bad = await RpcServer.StartAsync((_, _) => Error(-32603, "overloaded"));
        await using var good = await RpcServer.StartAsync((_, p) => BlockJson((ulong)p![0]!));
        using var http = new HttpClient();
        var selector = new SourceSelector(new SourceSelectorOptions(), new Random(4));
        var backfiller = new RpcBackfiller(selector, new Dictionary<int, SolanaRpcClient>
        {
            [100] = new(http, bad.Address),
            [101] = new(http, good.Address),
        });
        for (ulong slot = 10; slot < 30; slot++)
        {
            var result = await backfiller.BackfillAsync(slot);
            Assert.NotNull(result);
            Assert.Equal(101, result.Value.RouteId);
            Assert.Equal(slot, result.Value.Block.Slot);
        }

        var estimates = selector.Snapshot().ToDictionary(e => e.SourceId);
        Assert.True(estimates[101].Mean > 0.8);
        Assert.True(estimates[100].Mean < 0.5);
        // The learned ranking mostly skips the failing route now.
        Assert.True(bad.Requests.Count < 20);
    }
}
