using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using MevDefense.Ingest;
using MevDefense.Ingest.DependencyInjection.Internal;
using MevDefense.Ingest.Ring;
using MevDefense.Ingest.Selection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace MevDefense.Ingest.Tests.Transport;

public sealed class IngestMevDefenseBuilderExtensionsTests
{
    [Fact]
    public void AddShredIngest_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>("builder", () => IngestMevDefenseBuilderExtensions.AddShredIngest(null!));
        Assert.Throws<ArgumentNullException>("builder", () => IngestMevDefenseBuilderExtensions.AddShredIngest(null!, _ => { }));
        var builder = new ServiceCollection().AddMevDefense();
        Assert.Throws<ArgumentNullException>("configure", () => builder.AddShredIngest((Action<ShredIngestOptions>)null!));
        Assert.Throws<ArgumentNullException>("configuration", () => builder.AddShredIngest((IConfiguration)null!));
    }

    [Fact]
    public void AddShredIngest_CalledTwice_RegistersOnce()
    {
        var services = new ServiceCollection();
        var builder = services.AddMevDefense();
        Assert.Same(builder, builder.AddShredIngest());
        builder.AddShredIngest();
        Assert.Single(services, d => d.ServiceType == typeof(ShredIngestHostedService));
        Assert.Single(services, d => d.ServiceType == typeof(SourceSelector));
        Assert.Single(services, d => d.ServiceType == typeof(IValidateOptions<ShredIngestOptions>) && d.ImplementationType == typeof(ShredIngestOptionsCrossValidator));
        using var sp = services.BuildServiceProvider();
        Assert.Single(sp.GetServices<IHostedService>().OfType<ShredIngestHostedService>());
    }

    [Fact]
    public void AddShredIngest_HostRegisteredSelector_Wins()
    {
        var services = new ServiceCollection();
        var mine = new SourceSelector(new SourceSelectorOptions(), new Random(1));
        services.AddSingleton(mine);
        services.AddMevDefense().AddShredIngest();
        using var sp = services.BuildServiceProvider();
        Assert.Same(mine, sp.GetRequiredService<SourceSelector>());
    }

    [Fact]
    public void Options_ConfigurationSectionThenCode_Bound()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["MevDefense:Ingest:Port"] = "21000",
            ["MevDefense:Ingest:ReceiveLoops"] = "3",
            ["MevDefense:Ingest:FullMode"] = "DropNewest",
            ["MevDefense:Ingest:ForwardDestinations:0"] = "127.0.0.1:8001",
            ["MevDefense:Ingest:BackfillRpcEndpoints:0"] = "http://127.0.0.1:8899/",
        }).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(config);
        services.AddMevDefense().AddShredIngest(o => o.ReceiveLoops = 4);
        using var sp = services.BuildServiceProvider();
        var o = sp.GetRequiredService<IOptions<ShredIngestOptions>>().Value;
        Assert.Equal(21000, o.Port);
        Assert.Equal(4, o.ReceiveLoops);
        Assert.Equal(IngestFullMode.DropNewest, o.FullMode);
        Assert.Equal(["127.0.0.1:8001"], o.ForwardDestinations);
        Assert.Equal([new Uri("http://127.0.0.1:8899/")], o.BackfillRpcEndpoints);
    }

    [Fact]
    public void EnvironmentVariables_Applied()
    {
        var env = new Dictionary<string, string?>
        {
            ["DSCP_VALUE"] = "46",
            ["SO_TXTIME_OFFSET_NS"] = "100000",
            ["EXPLORATION_RATE"] = "0.2",
            ["DECAY_FACTOR"] = "0.95",
        };
        var o = new ShredIngestOptions();
        new ShredIngestEnvironmentConfigure(k => env.GetValueOrDefault(k)).Configure(o);
        Assert.Equal(46, o.Dscp);
        Assert.Equal(100_000, o.TxTimeOffsetNanoseconds);
        Assert.Equal(0.2, o.ExplorationRate);
        Assert.Equal(0.95, o.DecayFactor);

        var none = new ShredIngestOptions();
        new ShredIngestEnvironmentConfigure(_ => null).Configure(none);
        Assert.Null(none.Dscp);
        Assert.Equal(250_000, none.TxTimeOffsetNanoseconds);
        Assert.Throws<FormatException>(() => new ShredIngestEnvironmentConfigure(k => k == "DSCP_VALUE" ? "ef" : null).Configure(new ShredIngestOptions()));
    }

    public static TheoryData<Action<ShredIngestOptions>> InvalidOptions => new()
    {
        o => o.ReceiveLoops = 0,
        o => o.Port = 70000,
        o => o.Dscp = 64,
        o => o.RingCapacity = 1000,
        o => o.ListenAddress = "not-an-ip",
        o => o.ForwardDestinations.Add("127.0.0.1"),
        o => o.ExplorationRate = 1.5,
        o => o.DecayFactor = 0.1,
        o => o.TxTimeOffsetNanoseconds = -1,
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public async Task ValidateOnStart_InvalidOptions_HostFailsToStart(Action<ShredIngestOptions> invalid)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddMevDefense().AddShredIngest(o =>
        {
            o.ListenAddress = "127.0.0.1";
            o.Port = 0;
            invalid(o);
        });
        using var host = builder.Build();
        await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
    }

    private sealed class Sink : IDatagramSink
    {
        public ConcurrentQueue<byte[]> Items { get; } = new();

        public void OnDatagram(ReadOnlySpan<byte> datagram, long receiveTimestamp, int sourceId) => Items.Enqueue(datagram.ToArray());
    }

    /// <summary>The DI option reaches the UDP source: the forced buffer exceeds <c>net.core.rmem_max</c>.</summary>
    [ReceiveBufferForceFact]
    public async Task HostedService_ForceReceiveBuffer_AppliedToUdpSockets()
    {
        var rmemMax = int.Parse(File.ReadAllText("/proc/sys/net/core/rmem_max").Trim(), System.Globalization.CultureInfo.InvariantCulture);
        var requested = Math.Max(64 << 20, 2 * rmemMax);
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton<IDatagramSink>(new Sink());
        builder.Services.AddMevDefense().AddShredIngest(o =>
        {
            o.ListenAddress = "127.0.0.1";
            o.Port = 0;
            o.RingCapacity = 256;
            o.ReceiveBufferBytes = requested;
            o.ForceReceiveBuffer = true;
        });
        using var host = builder.Build();
        await host.StartAsync();
        var service = host.Services.GetRequiredService<ShredIngestHostedService>();
        Assert.Equal(2 * requested, service.Udp!.EffectiveReceiveBufferBytes);
        await host.StopAsync();
    }

    [Fact]
    public async Task HostedService_StartsUdpSource_IntoRegisteredSink()
    {
        var sink = new Sink();
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton<IDatagramSink>(sink);
        builder.Services.AddMevDefense().AddShredIngest(o =>
        {
            o.ListenAddress = "127.0.0.1";
            o.Port = 0;
            o.RingCapacity = 256;
        });
        using var host = builder.Build();
        await host.StartAsync();
        var service = host.Services.GetRequiredService<ShredIngestHostedService>();
        using var sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        sender.SendTo([1, 2, 3], service.Udp!.LocalEndPoint);
        await UdpShredSourceTests.WaitUntilAsync(() => !sink.Items.IsEmpty);
        await host.StopAsync();
        Assert.Equal([1, 2, 3], sink.Items.Single());
    }

    /// <summary>Lazy coding-shred verification is on by default only when no forwarder needs the coding shreds; an explicit value wins.</summary>
    [Theory]
    [InlineData(false, null, true)]
    [InlineData(true, null, false)]
    [InlineData(false, false, false)]
    [InlineData(true, true, true)]
    public async Task HostedService_LazyCodingVerification_DefaultsOnWithoutForwarder(bool forward, bool? configured, bool expected)
    {
        using var consumer = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        consumer.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddMevDefense().AddShredIngest(o =>
        {
            o.ListenAddress = "127.0.0.1";
            o.Port = 0;
            o.RingCapacity = 256;
            o.ReceiveLoops = 1;
            o.LazyCodingShredVerification = configured;
            if (forward)
            {
                o.ForwardDestinations.Add(consumer.LocalEndPoint!.ToString()!);
            }
        });
        using var host = builder.Build();
        await host.StartAsync();
        await host.StopAsync();
        Assert.Equal(expected, host.Services.GetRequiredService<IOptions<MevDefense.Ingest.Pipeline.ShredPipelineOptions>>().Value.LazyCodingShredVerification);
    }

    [Fact]
    public async Task HostedService_ShredStreamWithoutEntrySink_FailsClearly()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddMevDefense().AddShredIngest(o =>
        {
            o.UdpEnabled = false;
            o.ShredStreamEndpoint = new Uri("http://127.0.0.1:9");
        });
        using var host = builder.Build();
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());
        Assert.Contains("IEntryBatchSink", e.Message, StringComparison.Ordinal);
    }
}
