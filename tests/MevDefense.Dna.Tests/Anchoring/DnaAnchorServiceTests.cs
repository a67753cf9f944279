using System.Text;
using FsCheck;
using FsCheck.Xunit;
using MevDefense.Crypto;
using MevDefense.Dna.Anchoring;
using MevDefense.Dna.Internal;
using MevDefense.Dna.Stores;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace MevDefense.Dna.Tests.Anchoring;

public sealed class DnaAnchorServiceTests
{
    private static readonly byte[] PayerSeed = [.. Enumerable.Range(0, 32).Select(i => (byte)(200 - i))];

    [SvmPeerFact]
    public async Task HostedService_AnchorsEveryNRecordsAndEveryT_OnLiteSvm_ReceiptsVerify()
    {
        using Ed25519Keypair payer = Ed25519Keypair.FromSeed(PayerSeed);
        await using SvmPeer peer = await SvmPeer.StartAsync("--airdrop", payer.PublicKey.ToString());
        string dir = TempDir();
        try
        {
            string payerFile = Path.Combine(dir, "payer.json");
            Directory.CreateDirectory(dir);
            await File.WriteAllTextAsync(payerFile, SolanaKeygenJson(payer));
            var time = new FakeTimeProvider(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero));
            var builder = Host.CreateApplicationBuilder();
            builder.Services.AddSingleton<TimeProvider>(time);
            builder.Services.AddMevDefense().AddDnaLedger(o =>
            {
                o.StorePath = dir;
                o.CheckpointEveryRecords = 0;
                o.AnchorPayerKeyFile = payerFile;
                o.AnchorRpcEndpoint = peer.Endpoint;
                o.AnchorEveryRecords = 5;
                o.AnchorInterval = TimeSpan.FromHours(1);
                o.AnchorCheckInterval = TimeSpan.FromSeconds(1);
            });
            using (IHost host = builder.Build())
            {
                using var collector = new MetricCollector<long>(host.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), MevDefenseMeters.Dna, "defensive.dna.anchors");
                await host.StartAsync();
                DnaLedger ledger = host.Services.GetRequiredService<DnaLedger>();
                DnaAnchorService service = host.Services.GetServices<IHostedService>().OfType<DnaAnchorService>().Single();

                // Four records: below N, and T has not passed, so ticks anchor nothing.
                for (int i = 0; i < 4; i++)
                {
                    await ledger.AppendAsync(LedgerHarness.SampleDraft(i));
                }

                await TickAsync(time, service, 3);
                Assert.Equal(0UL, service.AnchoredSize);

                // The fifth record reaches N: the next tick signs a checkpoint at 5 and anchors it.
                await ledger.AppendAsync(LedgerHarness.SampleDraft(4));
                await WaitForAnchorAsync(time, service, 5);

                // Two more: below N again; only the interval T anchors them.
                await ledger.AppendAsync(LedgerHarness.SampleDraft(5));
                await ledger.AppendAsync(LedgerHarness.SampleDraft(6));
                await TickAsync(time, service, 3);
                Assert.Equal(5UL, service.AnchoredSize);
                time.Advance(TimeSpan.FromHours(1));
                await WaitForAnchorAsync(time, service, 7);

                Assert.Equal(2, collector.GetMeasurementSnapshot().Count(m => Equals(m.Tags["outcome"], "ok")));
                Assert.DoesNotContain(collector.GetMeasurementSnapshot(), m => Equals(m.Tags["outcome"], "error"));
                using (var stopTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
                {
                    await host.StopAsync(stopTimeout.Token);
                }
            }

            // What `mevdefense dna verify --rpc` does: every receipt is matched to its checkpoint and checked on chain.
            await using RocksDbDnaStore store = await RocksDbDnaStore.OpenAsync(Path.Combine(dir, DnaLedgerDefaults.RocksDbDirectoryName));
            using DnaSigner signer = DnaSigner.Load(Path.Combine(dir, DnaLedgerDefaults.KeyFileName));
            List<DnaAnchorReceipt> receipts = await store.ReadAnchorReceiptsAsync().ToListAsync();
            Assert.Equal([5UL, 7UL], receipts.Select(r => r.CheckpointSize));
            using var chain = new SolanaAnchorVerifier(new SolanaAnchorOptions { RpcEndpoint = peer.Endpoint }, payer.PublicKey);
            DnaVerificationResult result = await new DnaVerifier([signer.PublicKey], DnaLedgerDefaults.Origin, chain).VerifyAsync(store);
            Assert.True(result.IsValid, result.Failure);
            Assert.Equal(2, result.AnchorsVerified);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public async Task HostedService_RpcDown_CountsFailures_BacksOff_NeverBlocksAppends_StopsCleanly()
    {
        string dir = TempDir();
        Directory.CreateDirectory(dir);
        try
        {
            string payerFile = Path.Combine(dir, "payer.key");
            await File.WriteAllBytesAsync(payerFile, PayerSeed);
            var time = new FakeTimeProvider(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero));
            var builder = Host.CreateApplicationBuilder();
            builder.Services.AddSingleton<TimeProvider>(time);
            builder.Services.AddMevDefense().AddDnaLedger(o =>
            {
                o.StoreKind = DnaStoreKind.InMemory;
                o.AnchorPayerKeyFile = payerFile;
                o.AnchorRpcEndpoint = new Uri("http://127.0.0.1:1/"); // nothing listens: every RPC call is refused
                o.AnchorEveryRecords = 1;
                o.AnchorCheckInterval = TimeSpan.FromSeconds(1);
                o.AnchorMaxRetryDelay = TimeSpan.FromSeconds(4);
            });
            using IHost host = builder.Build();
            using var collector = new MetricCollector<long>(host.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), MevDefenseMeters.Dna, "defensive.dna.anchors");
            await host.StartAsync();
            DnaLedger ledger = host.Services.GetRequiredService<DnaLedger>();
            await ledger.AppendAsync(LedgerHarness.SampleDraft(0));

            // One tick: the attempt fails; the next retry waits 2 s (backoff), so one more second brings no new attempt.
            await WaitForAsync(time, TimeSpan.FromSeconds(1), () => ErrorCount(collector) >= 1);
            for (int i = 0; i < 20 && ErrorCount(collector) < 2; i++)
            {
                await Task.Delay(10);
            }

            Assert.Equal(1, ErrorCount(collector));
            await WaitForAsync(time, TimeSpan.FromSeconds(2), () => ErrorCount(collector) >= 2);

            // Appends are independent of the failing anchor.
            for (int i = 1; i < 10; i++)
            {
                await ledger.AppendAsync(LedgerHarness.SampleDraft(i));
            }

            Assert.Equal(10UL, ledger.Count);
            using var stopTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await host.StopAsync(stopTimeout.Token);
            Assert.Empty(await host.Services.GetRequiredService<IDnaStore>().ReadAnchorReceiptsAsync().ToListAsync());
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public async Task HostedService_NotConfigured_DoesNothing()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddMevDefense().AddDnaLedger(o => o.StoreKind = DnaStoreKind.InMemory);
        using IHost host = builder.Build();
        await host.StartAsync();
        DnaAnchorService service = host.Services.GetServices<IHostedService>().OfType<DnaAnchorService>().Single();
        await service.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(30)); // returns at once: nothing to anchor with
        Assert.True(service.ExecuteTask.IsCompletedSuccessfully);
        await host.StopAsync();
    }

    [Fact]
    public void Options_PayerWithoutEndpointOrTrigger_FailValidation()
    {
        var services = new ServiceCollection();
        services.AddMevDefense().AddDnaLedger(o =>
        {
            o.StoreKind = DnaStoreKind.InMemory;
            o.AnchorPayerKeyFile = "payer.json";
            o.AnchorRpcEndpoint = new Uri("http://127.0.0.1:8899/");
            o.AnchorInterval = TimeSpan.Zero;
            o.AnchorEveryRecords = 0;
        });
        using ServiceProvider sp = services.BuildServiceProvider();
        var ex = Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<IOptions<DnaLedgerOptions>>().Value);
        Assert.Contains("nothing would ever be anchored", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PayerKeyFile_ParsesKeygenJsonRawSeedAndSecret()
    {
        using Ed25519Keypair expected = Ed25519Keypair.FromSeed(PayerSeed);
        using Ed25519Keypair fromJson = PayerKeyFile.Parse(Encoding.UTF8.GetBytes(SolanaKeygenJson(expected) + "\n"));
        using Ed25519Keypair fromSeed = PayerKeyFile.Parse(PayerSeed);
        using Ed25519Keypair fromSecret = PayerKeyFile.Parse([.. PayerSeed, .. expected.PublicKey.AsSpan().ToArray()]);
        Assert.Equal(expected.PublicKey, fromJson.PublicKey);
        Assert.Equal(expected.PublicKey, fromSeed.PublicKey);
        Assert.Equal(expected.PublicKey, fromSecret.PublicKey);
        Assert.Throws<FormatException>(() => PayerKeyFile.Parse([.. PayerSeed, .. new byte[32]])); // public half mismatch
        Assert.Throws<FormatException>(() => PayerKeyFile.Parse("[1,2,3]"u8));
        Assert.Throws<FormatException>(() => PayerKeyFile.Parse(Encoding.UTF8.GetBytes("[" + string.Join(',', Enumerable.Repeat("256", 64)) + "]")));
    }

    [Property(MaxTest = 300)]
    public bool PayerKeyFile_AnyInput_ParsesOrThrowsFormatException(byte[] input, bool asJson)
    {
        byte[] data = asJson && input is not null ? Encoding.UTF8.GetBytes("[" + string.Join(',', input) + "]") : input ?? [];
        try
        {
            using Ed25519Keypair kp = PayerKeyFile.Parse(data);
            return data.Length is 32 or 64 || input!.Length == 64;
        }
        catch (FormatException)
        {
            return true;
        }
    }

    private static long ErrorCount(MetricCollector<long> collector) =>
        collector.GetMeasurementSnapshot().Count(m => Equals(m.Tags["outcome"], "error"));

    private static string SolanaKeygenJson(Ed25519Keypair kp) =>
        "[" + string.Join(',', kp.ExportSeed().Concat(kp.PublicKey.AsSpan().ToArray())) + "]";

    private static string TempDir() => Path.Combine(Path.GetTempPath(), "dna-anchor-svc-" + Guid.NewGuid().ToString("N"));

    /// <summary>Advances the fake clock one check interval at a time, giving the service real time to run each tick.</summary>
    private static async Task TickAsync(FakeTimeProvider time, DnaAnchorService service, int ticks)
    {
        _ = service;
        for (int i = 0; i < ticks; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(20);
        }
    }

    private static Task WaitForAnchorAsync(FakeTimeProvider time, DnaAnchorService service, ulong size) =>
        WaitForAsync(time, TimeSpan.FromSeconds(1), () => service.AnchoredSize >= size);

    /// <summary>Advances the fake clock by a step (the service's check interval, or the anchor's status polls) until a condition holds; bounded by 60 s of real time.</summary>
    private static async Task WaitForAsync(FakeTimeProvider time, TimeSpan step, Func<bool> condition)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!condition())
        {
            time.Advance(step);
            await Task.Delay(10, deadline.Token);
        }
    }
}
