using System.Diagnostics.Metrics;
using MevDefense.Ingest.Pipeline;
using MevDefense.Ingest.Transport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace MevDefense.Ingest.Tests.Transport;

public sealed class IngestTransportMetricsTests
{
    [Fact]
    public void ShredStreamMessages_SharedWithPipelineMetrics_OneInstrument()
    {
        using var sp = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var factory = sp.GetRequiredService<IMeterFactory>();
        var transport = new IngestTransportMetrics(factory);
        var pipeline = new ShredPipelineMetrics(factory);
        var instruments = new HashSet<Instrument>(ReferenceEqualityComparer.Instance);
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Name == "defensive.shredstream.messages" && ReferenceEquals(instrument.Meter.Scope, factory))
                {
                    instruments.Add(instrument);
                }
            },
        };
        listener.Start();
        using var collector = new MetricCollector<long>(factory, MevDefenseMeters.Ingest, "defensive.shredstream.messages");
        transport.ShredStreamMessage(100);
        pipeline.Message();
        Assert.Single(instruments);
        Assert.Equal(2, collector.GetMeasurementSnapshot().Sum(m => m.Value));
        Assert.Equal("shredstream_grpc", collector.GetMeasurementSnapshot()[0].Tags["feed"]);
    }
}
