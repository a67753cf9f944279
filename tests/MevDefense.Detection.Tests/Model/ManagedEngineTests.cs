using FsCheck;
using FsCheck.Fluent;
using Google.Protobuf;
using MevDefense.Detection.Features;
using MevDefense.Detection.Model;
using MevDefense.Detection.Model.Internal;
using MevDefense.Detection.Onnx.Internal;
using MevDefense.Detection.Tests.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MevDefense.Detection.Tests.Model;

/// <summary>The managed SIMD engine against ONNX Runtime, and each vector width against the others.</summary>
public sealed class ManagedEngineTests : IDisposable
{
    private const int R = OnnxDetector.RoleCount;
    private const int N = TransactionFeatures.WindowSize;
    private readonly OnnxDetector _ort = new(new OnnxDetectorOptions { Engine = OnnxModelEngine.OnnxRuntime });
    private readonly OnnxDetector _v512 = new(new OnnxDetectorOptions { Engine = OnnxModelEngine.Managed }, SimdPath.Vector512);
    private readonly OnnxDetector _v256 = new(new OnnxDetectorOptions { Engine = OnnxModelEngine.Managed }, SimdPath.Vector256);
    private readonly OnnxDetector _scalar = new(new OnnxDetectorOptions { Engine = OnnxModelEngine.Managed }, SimdPath.Scalar);

    public void Dispose()
    {
        _ort.Dispose();
        _v512.Dispose();
        _v256.Dispose();
        _scalar.Dispose();
    }

    private IEnumerable<(string Name, OnnxDetector Detector)> Managed()
    {
        yield return ("Vector512", _v512);
        yield return ("Vector256", _v256);
        yield return ("scalar", _scalar);
    }

    [Fact]
    public void Constructor_SelectsTheRequestedEngineAndWidth()
    {
        using var auto = new OnnxDetector();
        Assert.Equal(OnnxModelEngine.Managed, auto.Engine);
        Assert.Null(auto.ManagedEngineRejection);
        Assert.Equal(OnnxModelEngine.OnnxRuntime, _ort.Engine);
        Assert.Null(_ort.ManagedSimdPath);
        Assert.Equal(SimdPath.Vector512, _v512.ManagedSimdPath);
        Assert.Equal(SimdPath.Vector256, _v256.ManagedSimdPath);
        Assert.Equal(SimdPath.Scalar, _scalar.ManagedSimdPath);
        var expected = System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? SimdPath.Vector512
            : System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated ? SimdPath.Vector256 : SimdPath.Scalar;
        Assert.Equal(expected, auto.ManagedSimdPath);
    }

    [Fact]
    public void Auto_ScalarOnlyMachine_UsesOnnxRuntime_ButManagedHonoursTheRequest()
    {
        using var auto = new OnnxDetector(new OnnxDetectorOptions(), SimdPath.Scalar);
        Assert.Equal(OnnxModelEngine.OnnxRuntime, auto.Engine);
        Assert.Contains("acceleration", auto.ManagedEngineRejection, StringComparison.Ordinal);
        Assert.Equal(OnnxModelEngine.Managed, _scalar.Engine);
    }

    [Fact]
    public void EmbeddedModel_EveryWidth_MatchesOnnxRuntimeAndTorchSharpOnParityVectors()
    {
        var windows = ShippedModelTests.ReadParityFile();
        Assert.NotEmpty(windows);
        foreach (var (window, torch) in windows)
        {
            var ort = new float[window.Count * R];
            _ort.Score(window, ort);
            foreach (var (name, detector) in Managed())
            {
                var managed = new float[window.Count * R];
                detector.Score(window, managed);
                ManagedEngineTestData.AssertClose(ort, managed, window.Count, $"{name} vs ORT");
                ManagedEngineTestData.AssertClose(torch, managed, window.Count, $"{name} vs TorchSharp");
            }
        }
    }

    [Fact]
    public void EmbeddedModel_RealisticWindows_MatchesOnnxRuntimeAndFindsThePlantedSandwich()
    {
        var window = new WindowTensors();
        new WindowFeatureExtractor().Extract(FeatureTestData.RandomWindow(21, 30), window);
        var ort = new float[30 * R];
        var managed = new float[30 * R];
        _ort.Score(window, ort);
        _v512.Score(window, managed);
        ManagedEngineTestData.AssertClose(ort, managed, 30, "Vector512 vs ORT");
        Assert.Equal((int)TransactionRole.Front, ManagedEngineTestData.ArgMax(managed.AsSpan(3 * R, R)));
        Assert.Equal((int)TransactionRole.Victim, ManagedEngineTestData.ArgMax(managed.AsSpan(4 * R, R)));
        Assert.Equal((int)TransactionRole.Back, ManagedEngineTestData.ArgMax(managed.AsSpan(6 * R, R)));
    }

    [FsCheck.Xunit.Property(MaxTest = 150)]
    public Property EmbeddedModel_RandomWindows_EveryWidthMatchesOnnxRuntime()
        => Prop.ForAll(Gen.Choose(1, N).ToArbitrary(), Gen.Choose(0, int.MaxValue - 1).ToArbitrary(), (count, seed) =>
        {
            var window = ManagedEngineTestData.RandomWindow(seed, count);
            CompareAll(window, $"n={count} seed={seed}");
        });

    [FsCheck.Xunit.Property(MaxTest = 60)]
    public Property EmbeddedModel_HandFilledTensorsWherePaddingLeaks_EveryWidthMatchesOnnxRuntime()
        => Prop.ForAll(Gen.Choose(1, N - 1).ToArbitrary(), Gen.Choose(0, int.MaxValue - 1).ToArbitrary(), (count, seed) =>
        {
            var window = ManagedEngineTestData.RandomWindow(seed, count);
            ManagedEngineTestData.LetPaddingLeak(window, seed);
            Assert.Equal(N, ManagedRolesModel.ActiveRows(window) == N || HasPaddedNeighbour(window) ? N : 0);
            CompareAll(window, $"leaking n={count} seed={seed}");
        });

    [Fact]
    public void ActiveRows_CanonicalWindow_IsTheTransactionCount()
    {
        var window = ManagedEngineTestData.RandomWindow(3, 17);
        Assert.Equal(17, ManagedRolesModel.ActiveRows(window));
        window.KeyMask[40] = -1f;
        Assert.Equal(N, ManagedRolesModel.ActiveRows(window));
    }

    [Theory]
    [InlineData(11, 2, 1, 64)]
    [InlineData(12, 0, 1, 9)]
    [InlineData(13, 3, 2, 40)]
    [InlineData(14, 1, 0, 33)]
    [InlineData(15, 0, 0, 1)]
    public void RandomWeights_AnyDepth_EveryWidthMatchesOnnxRuntime(int seed, int gnn, int enc, int count)
    {
        var path = OnnxParityTests.WriteModel(TestWeights.Random(seed, gnn, enc));
        try
        {
            using var ort = new OnnxDetector(new OnnxDetectorOptions { ModelPath = path, Engine = OnnxModelEngine.OnnxRuntime });
            var window = ManagedEngineTestData.RandomWindow(seed, count);
            var expected = new float[count * R];
            ort.Score(window, expected);
            Assert.Contains(expected, p => p > 0.01f && p < 0.99f);
            foreach (var simd in new[] { SimdPath.Vector512, SimdPath.Vector256, SimdPath.Scalar })
            {
                using var managed = new OnnxDetector(new OnnxDetectorOptions { ModelPath = path, Engine = OnnxModelEngine.Managed }, simd);
                Assert.Equal(OnnxModelEngine.Managed, managed.Engine);
                var actual = new float[count * R];
                managed.Score(window, actual);
                ManagedEngineTestData.AssertClose(expected, actual, count, $"{simd} gnn={gnn} enc={enc}");
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    public static TheoryData<string> UnsupportedGraphs() => ["leaky-relu", "epsilon", "extra-node", "opset", "extra-initializer"];

    [Theory]
    [MemberData(nameof(UnsupportedGraphs))]
    public void UnexpectedGraph_ManagedRejects_AutoFallsBackToOnnxRuntime(string change)
    {
        var model = ModelProto.Parser.ParseFrom(OnnxDetector.LoadEmbeddedModel());
        var graph = model.Graph;
        switch (change)
        {
            case "leaky-relu":
                graph.Node.First(n => n.OpType == "Relu").OpType = "LeakyRelu";
                break;
            case "epsilon":
                graph.Node.First(n => n.OpType == "LayerNormalization").Attribute.Single(a => a.Name == "epsilon").F = 1e-3f;
                break;
            case "extra-node":
                // probs = Identity(softmax) instead of the softmax writing probs directly.
                var last = graph.Node[^1];
                last.Output[0] = "probs_raw";
                var identity = new NodeProto { OpType = "Identity", Name = "identity_out" };
                identity.Input.Add("probs_raw");
                identity.Output.Add(OnnxModelWriter.ProbabilitiesOutput);
                graph.Node.Add(identity);
                break;
            case "opset":
                model.OpsetImport[0].Version = 18;
                break;
            case "extra-initializer":
                graph.Initializer.Add(new TensorProto { Name = "unused_w", DataType = (int)TensorProto.Types.DataType.Float, Dims = { 1 }, FloatData = { 1f } });
                break;
        }

        var path = Path.Combine(Path.GetTempPath(), $"mevd-test-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, model.ToByteArray());
        try
        {
            var e = Assert.Throws<NotSupportedException>(() => new OnnxDetector(new OnnxDetectorOptions { ModelPath = path, Engine = OnnxModelEngine.Managed }));
            Assert.Contains("managed engine does not support", e.Message, StringComparison.Ordinal);

            using var auto = new OnnxDetector(new OnnxDetectorOptions { ModelPath = path });
            Assert.Equal(OnnxModelEngine.OnnxRuntime, auto.Engine);
            Assert.NotNull(auto.ManagedEngineRejection);
            using var ort = new OnnxDetector(new OnnxDetectorOptions { ModelPath = path, Engine = OnnxModelEngine.OnnxRuntime });
            var window = ManagedEngineTestData.RandomWindow(7, 40);
            var viaAuto = new float[40 * R];
            var viaOrt = new float[40 * R];
            auto.Score(window, viaAuto);
            ort.Score(window, viaOrt);
            Assert.Equal(viaOrt, viaAuto);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void UnmodifiedEmbeddedGraph_RoundTripsThroughTheValidator()
    {
        var model = ModelProto.Parser.ParseFrom(OnnxDetector.LoadEmbeddedModel());
        Assert.True(OnnxRolesGraph.TryRead(model, out var weights, out var gnn, out var enc, out var reason), reason);
        Assert.Equal(2, gnn);
        Assert.Equal(1, enc);
        Assert.Equal(5973, weights.Values.Sum(w => w.Length));
    }

    [Fact]
    public void Managed_AllScoringShapes_AgreeWithOnnxRuntime()
    {
        var txs = Enumerable.Range(0, 4).SelectMany(s => FeatureTestData.RandomWindow(300 + s, 37)).ToArray();
        var ort = new float[txs.Length * R];
        var managed = new float[txs.Length * R];
        _ort.Score(txs, ort);
        _v512.Score(txs, managed);
        ManagedEngineTestData.AssertClose(ort, managed, txs.Length, "decoded inputs, overlapping windows");

        var window = new WindowTensors();
        new WindowFeatureExtractor().Extract(txs.AsSpan(0, 50), window);
        var fromVectors = new float[50 * R];
        var fromWindow = new float[50 * R];
        _v512.Score(window.Features.AsSpan(0, 50 * TransactionFeatures.Count), 50, fromVectors);
        _v512.Score(window, fromWindow);
        Assert.Equal(fromWindow, fromVectors);
    }

    [FsCheck.Xunit.Property(MaxTest = 100)]
    public Property FeatureVectors_EveryWidth_BitIdenticalToTheLoadedWindowAndCloseToOnnxRuntime()
        => Prop.ForAll(Gen.Choose(1, N).ToArbitrary(), Gen.Choose(0, int.MaxValue - 1).ToArbitrary(), (count, seed) =>
        {
            // Dense graphs (identity slots drawn from a few values): the in-place vectors path (neighbour masks,
            // 1 / popcount weights) must reproduce LoadFeatures + the dense-adjacency path exactly.
            var window = ManagedEngineTestData.RandomWindow(seed, count);
            var vectors = window.Features.AsSpan(0, count * TransactionFeatures.Count).ToArray();
            var ort = new float[count * R];
            _ort.Score(vectors, count, ort);
            foreach (var (name, detector) in Managed())
            {
                var fromVectors = new float[count * R];
                var fromWindow = new float[count * R];
                detector.Score(vectors, count, fromVectors);
                detector.Score(window, fromWindow);
                Assert.True(fromWindow.AsSpan().SequenceEqual(fromVectors), $"{name} n={count} seed={seed}: vectors path differs from the window path");
                ManagedEngineTestData.AssertClose(ort, fromVectors, count, $"{name} vectors vs ORT n={count} seed={seed}");
            }
        });

    [Theory]
    [InlineData(65)]
    [InlineData(150)]
    public void FeatureVectors_OverlappingWindows_ManagedMatchesOnnxRuntime(int count)
    {
        var vectors = Enumerable.Range(0, (count + N - 1) / N)
            .SelectMany(k => ManagedEngineTestData.RandomWindow(900 + k, N).Features)
            .Take(count * TransactionFeatures.Count).ToArray();
        var ort = new float[count * R];
        _ort.Score(vectors, count, ort);
        foreach (var (name, detector) in Managed())
        {
            var managed = new float[count * R];
            detector.Score(vectors, count, managed);
            ManagedEngineTestData.AssertClose(ort, managed, count, $"{name} n={count}");
        }
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void FeatureVectors_NonFinite_ThrowsArgumentExceptionOnEveryEngine(float bad)
    {
        var vectors = ManagedEngineTestData.RandomWindow(31, 40).Features.AsSpan(0, 40 * TransactionFeatures.Count).ToArray();
        vectors[(39 * TransactionFeatures.Count) + 100] = bad;
        var probs = new float[40 * R];
        foreach (var detector in Managed().Select(d => d.Detector).Append(_ort))
        {
            var e = Assert.Throws<ArgumentException>(() => detector.Score(vectors, 40, probs));
            Assert.Equal("features", e.ParamName);
        }
    }

    [Fact]
    public void ManagedVectors_SteadyState_AllocatesNothingPerWindow()
    {
        var vectors = ManagedEngineTestData.RandomWindow(8, 64).Features;
        var probs = new float[64 * R];
        foreach (var (_, detector) in Managed())
        {
            for (var i = 0; i < 50; i++)
            {
                detector.Score(vectors, 64, probs); // warm-up: first calls JIT-compile and fill the context pool
            }

            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 10; i++)
            {
                detector.Score(vectors, 64, probs);
            }

            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }
    }

    [Fact]
    public void Managed_SteadyState_AllocatesNothingPerWindow()
    {
        var window = new WindowTensors();
        new WindowFeatureExtractor().Extract(FeatureTestData.RandomWindow(4, 64), window);
        var probs = new float[64 * R];
        foreach (var (_, detector) in Managed())
        {
            for (var i = 0; i < 50; i++)
            {
                detector.Score(window, probs); // warm-up: first calls JIT-compile and fill the context pool
            }

            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 10; i++)
            {
                detector.Score(window, probs);
            }

            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }
    }

    [Fact]
    public void Managed_ConcurrentCallers_GetTheSameScores()
    {
        var windows = Enumerable.Range(0, 8).Select(s => ManagedEngineTestData.RandomWindow(500 + s, 64)).ToArray();
        var expected = windows.Select(w =>
        {
            var p = new float[64 * R];
            _v512.Score(w, p);
            return p;
        }).ToArray();
        Parallel.For(0, 64, new ParallelOptions { MaxDegreeOfParallelism = 4 }, k =>
        {
            var p = new float[64 * R];
            _v512.Score(windows[k % 8], p);
            Assert.Equal(expected[k % 8], p);
        });
    }

    [Fact]
    public void Options_UnknownEngine_IsRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new OnnxDetector(new OnnxDetectorOptions { Engine = (OnnxModelEngine)42 }));
        var services = new ServiceCollection();
        services.AddMevDefense().AddOnnxDetector(o => o.Engine = (OnnxModelEngine)42);
        using var sp = services.BuildServiceProvider();
        Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<IOptions<OnnxDetectorOptions>>().Value);
    }

    private static bool HasPaddedNeighbour(WindowTensors w)
    {
        for (var i = 0; i < w.Count; i++)
        {
            for (var j = w.Count; j < N; j++)
            {
                if (w.PoolAdjacency[(i * N) + j] != 0 || w.LinkAdjacency[(i * N) + j] != 0)
                {
                    return true;
                }
            }
        }

        return false;
    }

    private void CompareAll(WindowTensors window, string what)
    {
        var n = window.Count;
        var ort = new float[n * R];
        _ort.Score(window, ort);
        var first = new float[n * R];
        _v512.Score(window, first);
        ManagedEngineTestData.AssertClose(ort, first, n, $"Vector512 vs ORT, {what}");
        foreach (var (name, detector) in Managed().Skip(1))
        {
            var other = new float[n * R];
            detector.Score(window, other);
            ManagedEngineTestData.AssertClose(ort, other, n, $"{name} vs ORT, {what}");
            ManagedEngineTestData.AssertClose(first, other, n, $"{name} vs Vector512, {what}", 1e-5);
        }
    }
}
