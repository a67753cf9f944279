using MevDefense.AspNetCore.Bridging;
using MevDefense.Detection;
using MevDefense.Detection.Scenarios;
using MevDefense.Ingest.Pipeline;
using MevDefense.Ingest.ShredStream;
using MevDefense.Wire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace MevDefense.AspNetCore.Tests.Bridging;

public class IngestDetectionBridgeTests
{
    private sealed class CollectingSink : IDetectionEventSink
    {
        public List<DetectionEvent> Events { get; } = [];

        public TaskCompletionSource Got { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ValueTask OnDetectionAsync(DetectionEvent detection, CancellationToken cancellationToken = default)
        {
            lock (Events)
            {
                Events.Add(detection);
            }

            Got.TrySetResult();
            return ValueTask.CompletedTask;
        }
    }

    private sealed class ThrowingSink : IDetectionEventSink
    {
        public ValueTask OnDetectionAsync(DetectionEvent detection, CancellationToken cancellationToken = default)
            => throw new InvalidOperationException("sink down");
    }

    [Fact]
    public void AddIngestDetection_NullBuilder_Throws()
    {
        Assert.Throws<ArgumentNullException>("builder", () => IngestDetectionMevDefenseBuilderExtensions.AddIngestDetection(null!));
    }

    [Fact]
    public async Task AddIngestDetection_EntryBatchesFromShredStreamSink_ReachEveryDetectionSinkOnce()
    {
        var sink = new CollectingSink();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IDetectionEventSink>(sink);
        services.AddSingleton<IDetectionEventSink>(new ThrowingSink());
        services.AddMevDefense().AddDetection(o => o.Mode = DetectionMode.Rules).AddIngestDetection().AddIngestDetection();
        await using var provider = services.BuildServiceProvider();

        var bridge = provider.GetRequiredService<IngestDetectionBridge>();
        Assert.Same(bridge, provider.GetRequiredService<IShredPipelineObserver>());
        Assert.Same(bridge, provider.GetRequiredService<IEntryBatchSink>());
        var hosted = provider.GetServices<IHostedService>().ToList();
        Assert.Single(hosted, h => h.GetType().Name == "IngestDetectionHostedService");

        foreach (var h in hosted)
        {
            await h.StartAsync(CancellationToken.None);
        }

        using var generator = new ScenarioGenerator(new ScenarioOptions { Seed = 11, Slots = 8, SandwichesPerSlot = 1 });
        var data = generator.Generate();
        foreach (var slot in data.Slots)
        {
            var txs = slot.Transactions.Where(t => t.Wire.Length <= TransactionReader.MaxLegacyTransactionSize).Select(t => Transaction.Parse(t.Wire)).ToList();
            bridge.OnEntryBatch(slot.Slot, EntryWriter.Write([new Entry(1, default, txs)]), 42, 0);
        }

        await sink.Got.Task.WaitAsync(TimeSpan.FromSeconds(30));
        foreach (var h in hosted)
        {
            await h.StopAsync(CancellationToken.None);
        }

        Assert.Contains(sink.Events, e => e.Kind == DetectionKind.Sandwich);
        Assert.All(sink.Events, e => Assert.Equal(42, e.InputReceivedTimestamp));
        Assert.True(bridge.SinkFailures > 0); // the throwing sink is isolated and counted
        Assert.Equal(0, bridge.Dropped);
    }
}
