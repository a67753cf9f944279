using BenchmarkDotNet.Attributes;
using MevDefense.Detection.Features;

namespace MevDefense.Benchmarks.Detection;

/// <summary>Feature extraction and graph building for one 64-transaction window.</summary>
[MemoryDiagnoser]
public class FeatureExtractionBenchmarks
{
    private readonly WindowFeatureExtractor _extractor = new();
    private readonly WindowTensors _window = new();
    private TransactionFeatureInput[] _txs = [];
    private float[] _vectors = [];

    [GlobalSetup]
    public void Setup()
    {
        _txs = FeatureBenchmarkData.Window(42);
        _extractor.Extract(_txs, _window);
        _vectors = _window.Features.ToArray();
    }

    /// <summary>Decoded transactions -> features [64,128] + two adjacency matrices + mask.</summary>
    [Benchmark(Baseline = true)]
    public int ExtractWindow64()
    {
        _extractor.Extract(_txs, _window);
        return _window.Count;
    }

    /// <summary>Caller-supplied vectors (the /defensive/detect shape) -> validated copy + graph rebuilt from identity slots.</summary>
    [Benchmark]
    public int LoadFeatureVectors64()
    {
        _window.LoadFeatures(_vectors, TransactionFeatures.WindowSize);
        return _window.Count;
    }
}
