using BenchmarkDotNet.Attributes;
using MevDefense.Detection.Features;
using MevDefense.Detection.Model;

namespace MevDefense.Benchmarks.Detection;

/// <summary>Role-model inference (ONNX Runtime, IOBinding, 1 intra-op thread) per 64-transaction window.</summary>
[MemoryDiagnoser]
public class OnnxInferenceBenchmarks : IDisposable
{
    private readonly WindowTensors _window = new();
    private readonly float[] _probs = new float[TransactionFeatures.WindowSize * OnnxDetector.RoleCount];
    private OnnxDetector? _detector;
    private TransactionFeatureInput[] _txs = [];
    private float[] _vectors = [];

    [GlobalSetup]
    public void Setup()
    {
        _detector = new OnnxDetector();
        _txs = FeatureBenchmarkData.Window(42);
        new WindowFeatureExtractor().Extract(_txs, _window);
        _vectors = _window.Features.ToArray();
        _detector.Score(_window, _probs);
    }

    [GlobalCleanup]
    public void Cleanup() => Dispose();

    /// <summary>Model only: a prepared window (features, graph, mask) -> role probabilities.</summary>
    [Benchmark(Baseline = true)]
    public float InferWindow64()
    {
        _detector!.Score(_window, _probs);
        return _probs[0];
    }

    /// <summary>Seed API shape: 64 raw feature vectors -> graph rebuild + inference.</summary>
    [Benchmark]
    public float ScoreFeatureVectors64()
    {
        _detector!.Score(_vectors, TransactionFeatures.WindowSize, _probs);
        return _probs[0];
    }

    /// <summary>Decoded transactions -> feature extraction + inference.</summary>
    [Benchmark]
    public float ExtractAndInfer64()
    {
        _detector!.Score(_txs, _probs);
        return _probs[0];
    }

    public void Dispose()
    {
        _detector?.Dispose();
        _detector = null;
        GC.SuppressFinalize(this);
    }
}
