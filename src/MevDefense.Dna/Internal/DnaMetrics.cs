using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace MevDefense.Dna.Internal;

/// <summary>Decision DNA instruments (meter <c>MevDefense.Dna</c>).</summary>
internal sealed class DnaMetrics
{
    private readonly Counter<long> _operations;
    private readonly Counter<long> _records;
    private readonly Histogram<double> _appendDuration;
    private readonly Histogram<int> _batchSize;

    public DnaMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        Meter meter = meterFactory.Create(new MeterOptions(MevDefenseMeters.Dna));
        _operations = meter.CreateCounter<long>("defensive.dna.operations", "{operation}", "Decision DNA ledger operations, by operation and outcome.");
        _records = meter.CreateCounter<long>("defensive.dna.records", "{record}", "Records durably appended to the Decision DNA ledger.");
        _appendDuration = meter.CreateHistogram<double>(
            "defensive.dna.append.duration",
            "s",
            "Time from an append request to its durable acknowledgement.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1] });
        _batchSize = meter.CreateHistogram<int>(
            "defensive.dna.append.batch_size",
            "{record}",
            "Records per group-committed store batch.",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024] });
    }

    public void Operation(string operation, bool success)
    {
        if (_operations.Enabled)
        {
            OperationCore(operation, success);
        }
    }

    public void BatchCommitted(int count)
    {
        _records.Add(count);
        _batchSize.Record(count);
    }

    public void AppendAcknowledged(TimeSpan elapsed)
    {
        if (_appendDuration.Enabled)
        {
            _appendDuration.Record(elapsed.TotalSeconds);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void OperationCore(string operation, bool success) =>
        _operations.Add(1, new KeyValuePair<string, object?>("operation", operation), new KeyValuePair<string, object?>("outcome", success ? "ok" : "error"));
}
