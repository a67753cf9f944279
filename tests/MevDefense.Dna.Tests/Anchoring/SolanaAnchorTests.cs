using System.Net;
using System.Text;
using MevDefense.Crypto;
using MevDefense.Dna.Anchoring;
using MevDefense.Wire;

namespace MevDefense.Dna.Tests.Anchoring;

public sealed class SolanaAnchorTests
{
    private static Ed25519Keypair Payer(int n = 1) => Ed25519Keypair.FromSeed(Enumerable.Range(0, 32).Select(i => (byte)(i + (n * 31))).ToArray());

    private static SolanaAnchorOptions Options(Uri endpoint) => new() { RpcEndpoint = endpoint, PollInterval = TimeSpan.FromMilliseconds(5) };

    [Fact]
    public void FormatMemo_IsVersionedOriginSizeAndLowerHexRoot()
    {
        var cp = new DnaCheckpoint("mevdefense.local/dna", 1024, new Hash(Enumerable.Range(0, 32).Select(i => (byte)(i * 8)).ToArray()), "note");
        Assert.Equal("mevdefense:v1:mevdefense.local/dna:1024:" + Convert.ToHexStringLower(cp.RootHash.AsSpan()), SolanaAnchor.FormatMemo(cp));
    }

    [Fact]
    public void BuildMemoTransaction_IsOneSignedLegacyMemoInstruction()
    {
        using Ed25519Keypair payer = Payer();
        using var anchor = new SolanaAnchor(new MevDefense.Dna.Stores.InMemoryDnaStore(), payer, Options(new Uri("http://127.0.0.1:1/")));
        var cp = new DnaCheckpoint("o.test/dna", 7, new Hash(new byte[32]), "n");
        Transaction tx = anchor.BuildMemoTransaction(cp, new Hash(Enumerable.Repeat((byte)9, 32).ToArray()));

        Assert.True(tx.VerifySignatures());
        Assert.Equal(TransactionVersion.Legacy, tx.Version);
        TransactionMessage message = tx.ToMessage();
        Assert.Equal(new MessageHeader(1, 0, 1), message.Header);
        Assert.Equal([payer.PublicKey, SolanaAnchor.MemoProgramId], message.StaticKeys);
        MessageInstruction ix = Assert.Single(message.Instructions);
        Assert.Equal(SolanaAnchor.FormatMemo(cp), Encoding.UTF8.GetString(ix.Data.Span));
    }

    [Fact]
    public void BuildMemoTransaction_OverPacketSize_Throws()
    {
        using Ed25519Keypair payer = Payer();
        using var anchor = new SolanaAnchor(new MevDefense.Dna.Stores.InMemoryDnaStore(), payer, Options(new Uri("http://127.0.0.1:1/")));
        var cp = new DnaCheckpoint(new string('o', 1100), 7, new Hash(new byte[32]), "n");
        Assert.Throws<ArgumentException>(() => anchor.BuildMemoTransaction(cp, new Hash(new byte[32])));
    }

    [Fact]
    public void Options_WithoutEndpointOrEnvironment_Throws()
    {
        if (Environment.GetEnvironmentVariable(SolanaAnchorOptions.RpcEnvironmentVariable) is { Length: > 0 })
        {
            return; // the environment supplies one
        }

        Assert.Throws<InvalidOperationException>(() => new SolanaAnchorOptions().ResolveEndpoint());
    }

    [Fact]
    public async Task AnchorAsync_MalformedRpcAnswers_FailsWithIOException_AndStoresNothing()
    {
        await using LedgerHarness h = await LedgerHarness.CreateAsync(records: 3);
        DnaCheckpoint cp = await h.Ledger.CheckpointAsync();
        using Ed25519Keypair payer = Payer();
        using var http = new HttpClient(new GarbageHandler());
        using var anchor = new SolanaAnchor(h.Store, payer, Options(new Uri("http://127.0.0.1:9/")), http);
        IOException ex = await Assert.ThrowsAsync<IOException>(() => anchor.AnchorAsync(cp));
        Assert.IsType<FormatException>(ex.InnerException);
        Assert.Empty(await h.Store.ReadAnchorReceiptsAsync().ToListAsync());
    }

    [SvmPeerFact]
    public async Task AnchorLatest_LandsMemoOnLiteSvm_ReceiptStoredAndVerified_NotSentTwice()
    {
        using Ed25519Keypair payer = Payer();
        await using SvmPeer peer = await SvmPeer.StartAsync("--airdrop", payer.PublicKey.ToString());
        await using LedgerHarness h = await LedgerHarness.CreateAsync(records: 10);
        DnaCheckpoint cp = await h.Ledger.CheckpointAsync();
        using var anchor = new SolanaAnchor(h.Store, payer, Options(peer.Endpoint));
        ulong before = await peer.GetBalanceAsync(payer.PublicKey);

        DnaAnchorReceipt receipt = (await anchor.AnchorLatestAsync())!;
        Assert.Equal(cp.Size, receipt.CheckpointSize);
        Assert.Equal(cp.RootHash, receipt.RootHash);
        Assert.Equal(SolanaAnchor.FormatMemo(cp), receipt.Memo);
        Assert.NotNull(receipt.BlockTime);
        Assert.Equal([receipt], await h.Store.ReadAnchorReceiptsAsync().ToListAsync());

        // Idempotent: the stored receipt is returned, nothing is sent again (the fee was charged once).
        Assert.Equal(receipt, await anchor.AnchorAsync(cp));
        Assert.Equal(before - 5000, await peer.GetBalanceAsync(payer.PublicKey));

        using var chainCheck = new SolanaAnchorVerifier(Options(peer.Endpoint), payer.PublicKey);
        DnaVerificationResult ok = await new DnaVerifier([h.Signer.PublicKey], h.Ledger.Origin, chainCheck).VerifyAsync(h.Store);
        Assert.True(ok.IsValid, ok.Failure);
        Assert.Equal(1, ok.AnchorsVerified);

        using Ed25519Keypair other = Payer(2);
        using var wrongKey = new SolanaAnchorVerifier(Options(peer.Endpoint), other.PublicKey);
        Assert.Equal("the transaction is not signed by the anchoring key", await wrongKey.VerifyAsync(receipt, cp));
        Assert.Contains("slot", await chainCheck.VerifyAsync(receipt with { Slot = receipt.Slot + 1 }, cp));
        Assert.Equal("the stored memo does not match the checkpoint", await chainCheck.VerifyAsync(receipt, cp with { Size = cp.Size + 1 }));
        Assert.StartsWith("transaction not found", await chainCheck.VerifyAsync(receipt with { TransactionSignature = new Signature(new byte[64]) }, cp));
    }

    [SvmPeerFact]
    public async Task DroppedTransaction_BlockhashExpires_ResignedWithNewBlockhash_AndLands()
    {
        using Ed25519Keypair payer = Payer();
        // The first transaction is never executed; each status poll advances 50 blocks, so its blockhash expires after 4 polls.
        await using SvmPeer peer = await SvmPeer.StartAsync("--airdrop", payer.PublicKey.ToString(), "--drop-first-sends", "1", "--blocks-per-status-poll", "50");
        await using LedgerHarness h = await LedgerHarness.CreateAsync(records: 4);
        DnaCheckpoint cp = await h.Ledger.CheckpointAsync();
        using var anchor = new SolanaAnchor(h.Store, payer, Options(peer.Endpoint));
        ulong before = await peer.GetBalanceAsync(payer.PublicKey);

        DnaAnchorReceipt receipt = await anchor.AnchorAsync(cp);

        Assert.Equal(before - 5000, await peer.GetBalanceAsync(payer.PublicKey)); // exactly one transaction landed
        using var chainCheck = new SolanaAnchorVerifier(Options(peer.Endpoint), payer.PublicKey);
        Assert.Null(await chainCheck.VerifyAsync(receipt, cp));
    }

    [SvmPeerFact]
    public async Task UnfundedPayer_FailsWithoutReceipt()
    {
        using Ed25519Keypair payer = Payer(3);
        await using SvmPeer peer = await SvmPeer.StartAsync();
        await using LedgerHarness h = await LedgerHarness.CreateAsync(records: 2);
        DnaCheckpoint cp = await h.Ledger.CheckpointAsync();
        using var anchor = new SolanaAnchor(h.Store, payer, Options(peer.Endpoint));
        SolanaRpcException ex = await Assert.ThrowsAsync<SolanaRpcException>(() => anchor.AnchorAsync(cp));
        Assert.Equal(-32002, ex.Code);
        Assert.Empty(await h.Store.ReadAnchorReceiptsAsync().ToListAsync());
    }

    [SvmPeerFact]
    public async Task RunAsync_AnchorsEveryNRecords()
    {
        using Ed25519Keypair payer = Payer();
        await using SvmPeer peer = await SvmPeer.StartAsync("--airdrop", payer.PublicKey.ToString());
        await using LedgerHarness h = await LedgerHarness.CreateAsync(records: 0, options: new DnaLedgerOptions { StoreKind = DnaStoreKind.InMemory, CheckpointEveryRecords = 5 });
        SolanaAnchorOptions options = Options(peer.Endpoint);
        options.AnchorEveryRecords = 5;
        options.AnchorInterval = TimeSpan.Zero;
        options.CheckInterval = TimeSpan.FromMilliseconds(10);
        using var anchor = new SolanaAnchor(h.Store, payer, options);
        using var cts = new CancellationTokenSource();
        Task loop = anchor.RunAsync(cts.Token);

        for (int i = 0; i < 10; i++)
        {
            await h.AppendSampleAsync(i);
        }

        // Wait (bounded) until the size-10 checkpoint is anchored.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!(await h.Store.ReadAnchorReceiptsAsync().ToListAsync()).Any(r => r.CheckpointSize == 10))
        {
            await Task.Delay(10, deadline.Token);
        }

        await cts.CancelAsync();
        await loop;
        using var chainCheck = new SolanaAnchorVerifier(Options(peer.Endpoint), payer.PublicKey);
        DnaVerificationResult ok = await new DnaVerifier([h.Signer.PublicKey], h.Ledger.Origin, chainCheck).VerifyAsync(h.Store);
        Assert.True(ok.IsValid, ok.Failure);
        Assert.True(ok.AnchorsVerified >= 1);
    }

    private sealed class GarbageHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"value\":42}}") });
    }
}
