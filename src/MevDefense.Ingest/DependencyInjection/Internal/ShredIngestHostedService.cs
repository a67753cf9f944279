using System.Diagnostics.Metrics;
using System.Net;
using MevDefense.Ingest.Merkle;
using MevDefense.Ingest.Pipeline;
using MevDefense.Ingest.Ring;
using MevDefense.Ingest.Scheduling;
using MevDefense.Ingest.Selection;
using MevDefense.Ingest.ShredStream;
using MevDefense.Ingest.Sources;
using MevDefense.Ingest.Transport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MevDefense.Ingest.DependencyInjection.Internal;

/// <summary>Starts the configured sources (UDP, ShredStream gRPC) when the host starts and stops them when it stops.</summary>
internal sealed class ShredIngestHostedService(IServiceProvider services, IOptions<ShredIngestOptions> options) : IHostedService, IAsyncDisposable, IDisposable
{
    /// <summary>The source id of the UDP feed.</summary>
    public const int UdpSourceId = 0;

    /// <summary>The source id of the ShredStream gRPC feed.</summary>
    public const int ShredStreamSourceId = 1;

    private readonly List<IShredSource> _sources = [];
    private ShredPipeline? _pipeline;
    private ShredForwarder? _forwarder;
    private RpcLeaderScheduleProvider? _leaderSchedule;

    public UdpShredSource? Udp { get; private set; }

    public ShredStreamEntrySource? ShredStream { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        var meters = services.GetService<IMeterFactory>();
        var loggers = services.GetService<ILoggerFactory>();
        var selector = services.GetRequiredService<SourceSelector>();
        var scheduler = new AffinityScheduler(
            new AffinitySchedulerOptions { PinThreads = o.PinThreads, NetworkInterface = o.NetworkInterface },
            loggers?.CreateLogger<AffinityScheduler>());

        var leaderSchedule = services.GetService<ILeaderScheduleProvider>();
        if (leaderSchedule is null && o.LeaderScheduleRpcEndpoint is not null)
        {
            leaderSchedule = services.GetRequiredService<RpcLeaderScheduleProvider>();
        }

        if (leaderSchedule is RpcLeaderScheduleProvider rpcSchedule && !rpcSchedule.IsStarted)
        {
            await rpcSchedule.StartAsync(cancellationToken).ConfigureAwait(false);
            _leaderSchedule = rpcSchedule;
        }

        if (o.UdpEnabled)
        {
            var sink = services.GetService<IDatagramSink>();
            if (sink is null)
            {
                if (o.ForwardDestinations.Count > 0)
                {
                    var fo = new ShredForwarderOptions { Dscp = o.Dscp, UseTxTime = o.ForwardUseTxTime, TxTimeOffsetNanoseconds = o.TxTimeOffsetNanoseconds };
                    foreach (var d in o.ForwardDestinations)
                    {
                        fo.Destinations.Add(IPEndPoint.Parse(d));
                    }

                    _forwarder = new ShredForwarder(fo, loggers?.CreateLogger<ShredForwarder>(), meters);
                }

                var pipelineOptions = services.GetRequiredService<IOptions<ShredPipelineOptions>>().Value;
                pipelineOptions.LeaderSchedule ??= leaderSchedule;
                if (o.LazyCodingShredVerification is { } lazy)
                {
                    pipelineOptions.LazyCodingShredVerification = lazy;
                }
                else if (o.ForwardDestinations.Count == 0)
                {
                    pipelineOptions.LazyCodingShredVerification = true; // nothing consumes coding shreds unless recovery needs them
                }
                _pipeline = new ShredPipeline(pipelineOptions, services.GetService<IShredPipelineObserver>(), meters);
                selector.Register(UdpSourceId, "udp");
                sink = new ShredPipelineSink(_pipeline, _forwarder, selector);
            }

            Udp = new UdpShredSource(
                new UdpShredSourceOptions
                {
                    Name = "udp",
                    SourceId = UdpSourceId,
                    ListenAddress = IPAddress.Parse(o.ListenAddress!),
                    Port = o.Port,
                    ReceiveLoops = o.ReceiveLoops,
                    ReceiveBufferBytes = o.ReceiveBufferBytes,
                    ForceReceiveBuffer = o.ForceReceiveBuffer,
                    ReceiveBatchSize = o.ReceiveBatchSize,
                    UseRecvMmsg = o.UseRecvMmsg,
                    RingCapacity = o.RingCapacity,
                    FullMode = o.FullMode,
                    Dscp = o.Dscp,
                },
                sink,
                loggers?.CreateLogger<UdpShredSource>(),
                meters,
                scheduler);
            _sources.Add(Udp);
        }

        if (o.ShredStreamEndpoint is { } endpoint)
        {
            var entrySink = services.GetService<IEntryBatchSink>()
                ?? throw new InvalidOperationException("ShredStreamEndpoint is set but no IEntryBatchSink is registered to receive the entry batches.");
            ShredStream = new ShredStreamEntrySource(
                new ShredStreamSourceOptions { Endpoint = endpoint, SourceId = ShredStreamSourceId },
                entrySink,
                loggers?.CreateLogger<ShredStreamEntrySource>(),
                meters,
                services.GetService<TimeProvider>());
            _sources.Add(ShredStream);
        }

        foreach (var s in _sources)
        {
            await s.StartAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var s in _sources)
        {
            await s.StopAsync(cancellationToken).ConfigureAwait(false);
        }

        _pipeline?.Flush();
        if (_leaderSchedule is not null)
        {
            await _leaderSchedule.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Synchronous disposal for containers disposed with <c>Dispose()</c>: after <see cref="StopAsync"/> (the host always stops first)
    /// this completes synchronously; otherwise the sources stop and are released in the background, in order.</summary>
    public void Dispose()
    {
        var pending = DisposeAsync();
        if (!pending.IsCompleted)
        {
            _ = pending.AsTask();
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var s in _sources)
        {
            await s.DisposeAsync().ConfigureAwait(false);
        }

        _sources.Clear();
        _pipeline?.Dispose();
        _forwarder?.Dispose();
    }
}
