using MevDefense.Dna.Stores;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace MevDefense.Dna.Tests.DependencyInjection;

public sealed class DnaMevDefenseBuilderExtensionsTests
{
    [Fact]
    public void AddDnaLedger_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>("builder", () => DnaMevDefenseBuilderExtensions.AddDnaLedger(null!));
        IMevDefenseBuilder b = new ServiceCollection().AddMevDefense();
        Assert.Throws<ArgumentNullException>("configure", () => b.AddDnaLedger((Action<DnaLedgerOptions>)null!));
        Assert.Throws<ArgumentNullException>("configuration", () => b.AddDnaLedger((IConfiguration)null!));
    }

    [Fact]
    public void AddDnaLedger_CalledTwice_RegistersOnce()
    {
        var services = new ServiceCollection();
        services.AddMevDefense().AddDnaLedger().AddDnaLedger(o => o.StoreKind = DnaStoreKind.InMemory);
        Assert.Single(services, d => d.ServiceType == typeof(DnaLedger));
        Assert.Single(services, d => d.ServiceType == typeof(IDetectionEventSink));
        Assert.Single(services, d => d.ServiceType == typeof(IDnaStore) && !d.IsKeyedService);
    }

    [Fact]
    public async Task Host_OpensLedger_RecordsDetections_AndHonorsTimeProvider()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero));
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddMevDefense().AddDnaLedger(o => o.StoreKind = DnaStoreKind.InMemory);
        using IHost host = builder.Build();
        var collector = new MetricCollector<long>(host.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), MevDefenseMeters.Dna, "defensive.dna.operations");
        await host.StartAsync();
        DnaLedger ledger = host.Services.GetRequiredService<DnaLedger>();
        Assert.True(ledger.IsWritable);
        Assert.True(await ledger.ProbeAsync());
        foreach (IDetectionEventSink sink in host.Services.GetServices<IDetectionEventSink>())
        {
            await sink.OnDetectionAsync(new DetectionEvent { Kind = DetectionKind.Arbitrage, Slot = 5, Confidence = 0.5, Detector = "rules/arb" });
        }

        DecisionRecord r = (await host.Services.GetRequiredService<IDnaStore>().GetBySequenceAsync(0))!;
        Assert.Equal(time.GetUtcNow(), r.Timestamp);
        Assert.Contains(collector.GetMeasurementSnapshot(), m => Equals(m.Tags["operation"], "append") && Equals(m.Tags["outcome"], "ok"));
        await host.StopAsync();
        Assert.False(ledger.IsWritable);
    }

    [Fact]
    public async Task RocksDbKind_PersistsAcrossHosts()
    {
        string dir = Path.Combine(Path.GetTempPath(), "dna-di-rocks-" + Guid.NewGuid().ToString("N"));
        try
        {
            for (int run = 0; run < 2; run++)
            {
                var builder = Host.CreateApplicationBuilder();
                builder.Services.AddMevDefense().AddDnaLedger(o => o.StorePath = dir);
                using IHost host = builder.Build();
                await host.StartAsync();
                DnaLedger ledger = host.Services.GetRequiredService<DnaLedger>();
                Assert.Equal((ulong)run, ledger.Count);
                await ledger.AppendAsync(new DecisionDraft { EventType = "custom.Run", Slot = (ulong)run });
                await host.StopAsync();
            }

            Assert.True(Directory.Exists(Path.Combine(dir, DnaLedgerDefaults.RocksDbDirectoryName)));
            Assert.True(File.Exists(Path.Combine(dir, DnaLedgerDefaults.KeyFileName)));
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, true);
            }
        }
    }

    [Fact]
    public void UseDnaStore_ReplacesTheDefault()
    {
        var services = new ServiceCollection();
        services.AddMevDefense().AddDnaLedger(o => o.StoreKind = DnaStoreKind.InMemory).UseDnaStore<InMemoryDnaStore>();
        Assert.Single(services, d => d.ServiceType == typeof(IDnaStore) && !d.IsKeyedService && d.ImplementationType == typeof(InMemoryDnaStore));
    }

    [Theory]
    [InlineData(DnaStoreKind.RocksDb, null, null, "StorePath")]
    [InlineData(DnaStoreKind.PostgreSql, null, null, "ConnectionString")]
    [InlineData(DnaStoreKind.InMemory, "bad origin", null, "Origin")]
    [InlineData(DnaStoreKind.InMemory, "a+b", null, "Origin")]
    [InlineData(DnaStoreKind.InMemory, "ok", 0, "MaxBatchSize")]
    public async Task InvalidOptions_FailOnStart(DnaStoreKind kind, string? origin, int? batch, string expected)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddMevDefense().AddDnaLedger(o =>
        {
            o.StoreKind = kind;
            o.Origin = origin ?? o.Origin;
            o.MaxBatchSize = batch ?? o.MaxBatchSize;
        });
        using IHost host = builder.Build();
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Configuration_BindsSection()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["MevDefense:Dna:StoreKind"] = "InMemory",
            ["MevDefense:Dna:Origin"] = "example.org/dna",
            ["MevDefense:Dna:CheckpointEveryRecords"] = "7",
        }).Build();
        var services = new ServiceCollection();
        services.AddMevDefense().AddDnaLedger(config.GetSection(DnaLedgerOptions.SectionName));
        using ServiceProvider sp = services.BuildServiceProvider();
        DnaLedgerOptions o = sp.GetRequiredService<IOptions<DnaLedgerOptions>>().Value;
        Assert.Equal("example.org/dna", o.Origin);
        Assert.Equal(7, o.CheckpointEveryRecords);
        Assert.Equal(DnaStoreKind.InMemory, o.StoreKind);
    }

    [Fact]
    public void KeyFile_IsCreatedInStorePath()
    {
        string dir = Path.Combine(Path.GetTempPath(), "dna-di-" + Guid.NewGuid().ToString("N"));
        try
        {
            var services = new ServiceCollection();
            services.AddLogging();
            services.AddMevDefense().AddDnaLedger(o =>
            {
                o.StoreKind = DnaStoreKind.InMemory;
                o.StorePath = dir;
            });
            using ServiceProvider sp = services.BuildServiceProvider();
            DnaSigner signer = sp.GetRequiredService<DnaSigner>();
            Assert.True(File.Exists(Path.Combine(dir, DnaLedgerDefaults.KeyFileName)));
            using DnaSigner again = DnaSigner.Load(Path.Combine(dir, DnaLedgerDefaults.KeyFileName));
            Assert.Equal(signer.PublicKey, again.PublicKey);
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, true);
            }
        }
    }
}
