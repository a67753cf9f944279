using MevDefense.Crypto;
using MevDefense.Ingest.Selection;
using MevDefense.Ingest.ShredStream;
using MevDefense.Ingest.Sources;
using MevDefense.Ingest.Tests.Transport;
using MevDefense.Wire;

namespace MevDefense.Ingest.Tests.Sources;

public sealed class RpcBlockSourceTests
{
    private sealed class RecordingSink : IEntryBatchSink
    {
        public List<(ulong Slot, byte[] Entries, int SourceId)> Batches { get; } = [];

        public void OnEntryBatch(ulong slot, ReadOnlyMemory<byte> entries, long receiveTimestamp, int sourceId)
            => Batches.Add((slot, entries.ToArray(), sourceId));
    }

    private static byte[] SignedMemo(Ed25519Keypair payer, byte marker)
    {
        var memo = Pubkey.Parse("MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr");
        return new TransactionBuilder(payer.PublicKey, default)
            .AddInstruction(new Instruction(memo, [], new byte[] { marker }))
            .BuildAndSign([payer]).Wire.ToArray();
    }

    private static string Block(ulong slot, params byte[][] txs)
    {
        var items = string.Join(',', txs.Select(t => "{\"meta\":{\"err\":null,\"fee\":5000},\"transaction\":[\"" + Convert.ToBase64String(t) + "\",\"base64\"],\"version\":\"legacy\"}"));
        return "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"blockHeight\":1,\"blockTime\":null,\"blockhash\":\"11111111111111111111111111111111\",\"parentSlot\":"
            + (slot - 1) + ",\"previousBlockhash\":\"11111111111111111111111111111111\",\"transactions\":[" + items + "]}}";
    }

    [Fact]
    public async Task PollOnceAsync_NewSlots_DeliversOneEntryBatchPerBlockInOrder_SkipsAndDropsCounted()
    {
        using var payer = Ed25519Keypair.Generate();
        byte[] a = SignedMemo(payer, 1), b = SignedMemo(payer, 2), c = SignedMemo(payer, 3);
        ulong tip = 100;
        await using var server = await RpcServer.StartAsync((method, p) => method switch
        {
            "getSlot" => $$"""{"jsonrpc":"2.0","id":1,"result":{{tip}}}""",
            "getBlock" => (ulong)p![0]! switch
            {
                100 => Block(100, a, b),
                101 => """{"jsonrpc":"2.0","id":1,"error":{"code":-32007,"message":"Slot 101 was skipped"}}""",
                102 => Block(102, c, [1, 2, 3]),
                _ => """{"jsonrpc":"2.0","id":1,"error":{"code":-32004,"message":"Block not available"}}""",
            },
            _ => """{"jsonrpc":"2.0","id":1,"error":{"code":-32601,"message":"Method not found"}}""",
        });
        using var http = new HttpClient();
        var sink = new RecordingSink();
        var source = new RpcBlockSource(new SolanaRpcClient(http, server.Address), sink) { SourceId = 7 };

        Assert.Equal(1, await source.PollOnceAsync());   // starts at the tip
        tip = 102;
        Assert.Equal(1, await source.PollOnceAsync());   // 101 skipped, 102 delivered
        Assert.Equal(0, await source.PollOnceAsync());   // nothing new

        Assert.Equal([100UL, 102UL], sink.Batches.Select(x => x.Slot));
        Assert.All(sink.Batches, x => Assert.Equal(7, x.SourceId));
        var first = EntryReader.Read(sink.Batches[0].Entries);
        Assert.Equal([a, b], first.Entries.Single().Transactions.Select(t => t.Wire.ToArray()));
        var second = EntryReader.Read(sink.Batches[1].Entries);
        Assert.Equal([c], second.Entries.Single().Transactions.Select(t => t.Wire.ToArray()));
        Assert.Equal(1, source.SkippedSlots);
        Assert.Equal(1, source.MalformedTransactions);
        Assert.Equal(3, source.Transactions);
    }

    [Fact]
    public async Task RunAsync_RpcErrors_CountedAndLoopKeepsGoingUntilCancelled()
    {
        int calls = 0;
        await using var server = await RpcServer.StartAsync((_, _) =>
        {
            Interlocked.Increment(ref calls);
            return """{"jsonrpc":"2.0","id":1,"error":{"code":-32603,"message":"overloaded"}}""";
        });
        using var http = new HttpClient();
        var source = new RpcBlockSource(new SolanaRpcClient(http, server.Address), new RecordingSink()) { PollInterval = TimeSpan.FromMilliseconds(1) };
        using var cts = new CancellationTokenSource();
        var run = source.RunAsync(cts.Token);
        // Wait for the source to count the errors, not only for the server to answer: the third answer may still be in flight.
        while (Volatile.Read(ref calls) < 3 || source.Errors < 3)
        {
            await Task.Delay(5);
        }

        cts.Cancel();
        await run;
        Assert.True(source.Errors >= 3);
        Assert.Equal(0, source.Blocks);
    }
}
