using MevDefense.Detection.Features;
using MevDefense.Detection.Model;
using MevDefense.Detection.Model.Internal;
using MevDefense.Detection.Onnx.Internal;

namespace MevDefense.Detection.Tests.Model;

/// <summary>The model shipped in the package: it loads, and ONNX Runtime reproduces the training-time forward passes.</summary>
public sealed class ShippedModelTests
{
    private static string ParityFile => Path.Combine(AppContext.BaseDirectory, "Model", "parity-torchsharp.bin");

    [Fact]
    public void EmbeddedModel_LoadsWithMetadata()
    {
        using var detector = new OnnxDetector();
        Assert.Equal("1", detector.Metadata["mevdefense.feature_layout"]);
        Assert.Equal("none,front,victim,back,arbitrage", detector.Metadata["mevdefense.roles"]);
        Assert.Contains("train-seeds", detector.Metadata["mevdefense.training"], StringComparison.Ordinal);
    }

    [Fact]
    public void EmbeddedModel_OnnxRuntime_MatchesTorchSharpTrainingForward_Within1e4()
    {
        using var detector = new OnnxDetector();
        var windows = ReadParityFile();
        Assert.NotEmpty(windows);
        foreach (var (window, torch) in windows)
        {
            var ort = new float[window.Count * OnnxDetector.RoleCount];
            detector.Score(window, ort);
            for (var i = 0; i < ort.Length; i++)
            {
                Assert.True(Math.Abs(ort[i] - torch[i]) < 1e-4, $"prob {i}: ORT {ort[i]} vs TorchSharp {torch[i]}");
            }
        }
    }

    [Fact]
    public void EmbeddedModel_OnnxRuntime_MatchesReferenceForward_Within1e4()
    {
        var weights = ReadWeights(OnnxDetector.LoadEmbeddedModel());
        using var detector = new OnnxDetector();
        foreach (var (window, _) in ReadParityFile())
        {
            var ort = new float[window.Count * OnnxDetector.RoleCount];
            detector.Score(window, ort);
            var reference = ReferenceForward.Run(weights, window.Features, window.PoolAdjacency, window.LinkAdjacency, window.KeyMask);
            for (var i = 0; i < window.Count; i++)
            {
                for (var c = 0; c < OnnxDetector.RoleCount; c++)
                {
                    Assert.True(Math.Abs(reference[i, c] - ort[(i * OnnxDetector.RoleCount) + c]) < 1e-4);
                }
            }
        }
    }

    internal static Dictionary<string, float[]> ReadWeights(byte[] onnx)
    {
        var model = ModelProto.Parser.ParseFrom(onnx);
        Assert.Equal(OnnxModelWriter.IrVersion, model.IrVersion);
        Assert.Equal(OnnxModelWriter.Opset, Assert.Single(model.OpsetImport).Version);
        return OnnxModelReader.ReadWeights(onnx);
    }

    internal static List<(WindowTensors Window, float[] Probabilities)> ReadParityFile()
    {
        using var reader = new BinaryReader(File.OpenRead(ParityFile));
        Assert.Equal("MDPV1"u8.ToArray(), reader.ReadBytes(5));
        var count = reader.ReadInt32();
        var list = new List<(WindowTensors, float[])>();
        for (var k = 0; k < count; k++)
        {
            var w = new WindowTensors { Count = reader.ReadInt32() };
            foreach (var arr in new[] { w.Features, w.PoolAdjacency, w.LinkAdjacency, w.KeyMask })
            {
                for (var i = 0; i < arr.Length; i++)
                {
                    arr[i] = reader.ReadSingle();
                }
            }

            var probs = new float[TransactionFeatures.WindowSize * OnnxDetector.RoleCount];
            for (var i = 0; i < probs.Length; i++)
            {
                probs[i] = reader.ReadSingle();
            }

            list.Add((w, probs));
        }

        return list;
    }
}
