using System.Diagnostics.Metrics;

namespace MevDefense.Detection;

/// <summary>Detection instruments on the <see cref="MevDefenseMeters.Detection"/> meter.</summary>
internal sealed class DetectionMetrics
{
    private readonly Counter<long> _detections;
    private readonly Histogram<double> _latency;
    private readonly Counter<long> _windows;
    private readonly Counter<long> _cacheHits;
    private readonly Counter<long> _transactions;
    private readonly Counter<long> _unresolved;

    public DetectionMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(new MeterOptions(MevDefenseMeters.Detection));
        _detections = meter.CreateCounter<long>("defensive.detections", "{detection}", "Detections reported, by kind.");
        _latency = meter.CreateHistogram("defensive.detection.latency", "s", "Time to run the detectors over one window.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.00001, 0.00005, 0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1] });
        _windows = meter.CreateCounter<long>("defensive.detection.windows", "{window}", "Windows examined.");
        _cacheHits = meter.CreateCounter<long>("defensive.detection.cache.hits", "{window}", "Windows answered from the decision cache.");
        _transactions = meter.CreateCounter<long>("defensive.detection.transactions", "{transaction}", "Transactions examined.");
        _unresolved = meter.CreateCounter<long>("defensive.detection.swaps.unresolved", "{swap}", "Swap instructions that could not be decoded because lookup-table accounts were unresolved.");
    }

    public void Window(int transactions, int unresolvedSwaps, double seconds, bool cacheHit)
    {
        _windows.Add(1);
        _transactions.Add(transactions);
        if (unresolvedSwaps > 0)
        {
            _unresolved.Add(unresolvedSwaps);
        }

        if (cacheHit)
        {
            _cacheHits.Add(1);
        }

        _latency.Record(seconds);
    }

    public void Detection(DetectionKind kind)
    {
        if (_detections.Enabled)
        {
            DetectionCore(kind);
        }
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private void DetectionCore(DetectionKind kind) => _detections.Add(1, new KeyValuePair<string, object?>("kind", KindTag(kind)));

    internal static string KindTag(DetectionKind kind) => kind switch
    {
        DetectionKind.Sandwich => "sandwich",
        DetectionKind.Arbitrage => "arbitrage",
        DetectionKind.JitLiquidity => "jit",
        DetectionKind.Backrun => "backrun",
        _ => "other",
    };
}
