using BenchmarkDotNet.Attributes;
using MevDefense.Detection.Features;
using MevDefense.Detection.Model;
using MevDefense.Detection.Model.Internal;

namespace MevDefense.Benchmarks.Detection;

/// <summary>
/// Role-model inference per window, ONNX Runtime (IOBinding, 1 intra-op thread; the baseline) against the managed SIMD
/// engine at each vector width, on the same prepared window. <see cref="Transactions"/> = 64 is a full window; 20 is a
/// typical partial window (the tail of a block, or a quiet slot).
/// </summary>
[MemoryDiagnoser]
public class OnnxInferenceBenchmarks : IDisposable
{
    private readonly WindowTensors _window = new();
    private readonly float[] _probs = new float[TransactionFeatures.WindowSize * OnnxDetector.RoleCount];
    private OnnxDetector? _ort;
    private OnnxDetector? _managed;
    private OnnxDetector? _managed256;
    private OnnxDetector? _managedScalar;
    private TransactionFeatureInput[] _txs = [];
    private float[] _vectors = [];

    /// <summary>Gets or sets the number of transactions in the window.</summary>
    [Params(64, 20)]
    public int Transactions { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _ort = new OnnxDetector(new OnnxDetectorOptions { Engine = OnnxModelEngine.OnnxRuntime });
        _managed = new OnnxDetector(new OnnxDetectorOptions { Engine = OnnxModelEngine.Managed });
        _managed256 = new OnnxDetector(new OnnxDetectorOptions { Engine = OnnxModelEngine.Managed }, SimdPath.Vector256);
        _managedScalar = new OnnxDetector(new OnnxDetectorOptions { Engine = OnnxModelEngine.Managed }, SimdPath.Scalar);
        _txs = FeatureBenchmarkData.Window(42, Transactions);
        new WindowFeatureExtractor().Extract(_txs, _window);
        _vectors = _window.Features.AsSpan(0, Transactions * TransactionFeatures.Count).ToArray();
        Console.WriteLine($"// managed engine width: {_managed.ManagedSimdPath}");
        _ort.Score(_window, _probs);
        _managed.Score(_window, _probs);
    }

    [GlobalCleanup]
    public void Cleanup() => Dispose();

    /// <summary>Model only, ONNX Runtime: a prepared window (features, graph, mask) -> role probabilities.</summary>
    [Benchmark(Baseline = true)]
    public float OnnxRuntime()
    {
        _ort!.Score(_window, _probs);
        return _probs[0];
    }

    /// <summary>Model only, managed engine at the width <see cref="OnnxModelEngine.Auto"/> picks on this machine.</summary>
    [Benchmark]
    public float Managed()
    {
        _managed!.Score(_window, _probs);
        return _probs[0];
    }

    /// <summary>Model only, managed engine forced to Vector256 (machines without AVX-512).</summary>
    [Benchmark]
    public float ManagedVector256()
    {
        _managed256!.Score(_window, _probs);
        return _probs[0];
    }

    /// <summary>Model only, managed engine forced to scalar code.</summary>
    [Benchmark]
    public float ManagedScalar()
    {
        _managedScalar!.Score(_window, _probs);
        return _probs[0];
    }

    /// <summary>Seed API shape, ONNX Runtime: raw feature vectors -> graph rebuild + inference.</summary>
    [Benchmark]
    public float OnnxRuntimeFeatureVectors()
    {
        _ort!.Score(_vectors, Transactions, _probs);
        return _probs[0];
    }

    /// <summary>Seed API shape, managed engine: raw feature vectors -> graph rebuild + inference.</summary>
    [Benchmark]
    public float ManagedFeatureVectors()
    {
        _managed!.Score(_vectors, Transactions, _probs);
        return _probs[0];
    }

    /// <summary>Decoded transactions -> feature extraction + inference (managed engine).</summary>
    [Benchmark]
    public float ManagedExtractAndInfer()
    {
        _managed!.Score(_txs, _probs);
        return _probs[0];
    }

    public void Dispose()
    {
        _ort?.Dispose();
        _managed?.Dispose();
        _managed256?.Dispose();
        _managedScalar?.Dispose();
        (_ort, _managed, _managed256, _managedScalar) = (null, null, null, null);
        GC.SuppressFinalize(this);
    }
}
