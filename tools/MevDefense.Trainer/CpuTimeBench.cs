using System.Diagnostics;
using System.Globalization;
using MevDefense.Detection.Features;
using MevDefense.Detection.Model;

namespace MevDefense.Trainer;

/// <summary>
/// Process CPU time per operation (not wall time), for a machine shared with other work: inference with the given
/// model, feature extraction and graph rebuild, on a fixed 64-transaction window. Complements BenchmarkDotNet.
/// </summary>
internal static class CpuTimeBench
{
    public static void Run(string modelPath)
    {
        using var detector = new OnnxDetector(new OnnxDetectorOptions { ModelPath = modelPath });
        var rng = new Random(42);
        var txs = new TransactionFeatureInput[64];
        for (var i = 0; i < txs.Length; i++)
        {
            var swap = rng.Next(4) != 0;
            txs[i] = new TransactionFeatureInput
            {
                Signer = Key(1000 + rng.Next(40)),
                Pool = swap ? Key(rng.Next(6) + 1) : default,
                SourceTokenAccount = swap ? Key(5000 + rng.Next(1000)) : default,
                DestinationTokenAccount = swap ? Key(7000 + rng.Next(1000)) : default,
                SwapCount = swap ? 1 : 0,
                DistinctPools = swap ? 1 : 0,
                Direction = swap ? (rng.Next(2) == 0 ? 1 : -1) : 0,
                AmountIn = swap ? (ulong)rng.NextInt64(1000, 10_000_000_000) : 0,
                MinimumOut = swap ? (ulong)rng.NextInt64(0, 10_000_000) : 0,
                ComputeUnitPrice = (ulong)rng.Next(0, 1_000_000),
                TipLamports = rng.Next(5) == 0 ? (ulong)rng.Next(1000, 10_000_000) : 0,
                SignatureCount = 1,
                InstructionCount = 3,
                ProgramKind = swap ? rng.Next(1, 12) : 0,
            };
        }

        var window = new WindowTensors();
        var extractor = new WindowFeatureExtractor();
        extractor.Extract(txs, window);
        var probs = new float[64 * OnnxDetector.RoleCount];
        var vectors = window.Features.ToArray();
        var longTx = Enumerable.Repeat(txs, 9).SelectMany(t => t).Take(544).ToArray();
        var longProbs = new float[longTx.Length * OnnxDetector.RoleCount];
        Print("InferWindow64 (prepared window, batch 1)", Cpu(() => detector.Score(window, probs), 4000));
        Print("ExtractWindow64", Cpu(() => extractor.Extract(txs, window), 4000));
        Print("LoadFeatureVectors64", Cpu(() => window.LoadFeatures(vectors, 64), 4000));
        Print("ExtractAndInfer, 544 tx = 16 windows in one run, per window", Cpu(() => detector.Score(longTx, longProbs), 200) / 16);
    }

    private static void Print(string name, double us) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: {us:F1} us CPU"));

    private static Pubkey Key(int id)
    {
        Span<byte> b = stackalloc byte[32];
        BitConverter.TryWriteBytes(b, (id * 7919) + 17);
        b[31] = (byte)id;
        b[30] = 0x5A;
        return new Pubkey(b);
    }

    private static double Cpu(Action action, int n)
    {
        for (var i = 0; i < n / 10; i++)
        {
            action();
        }

        var best = double.MaxValue;
        using var process = Process.GetCurrentProcess();
        for (var r = 0; r < 3; r++)
        {
            process.Refresh();
            var t0 = process.TotalProcessorTime;
            for (var i = 0; i < n; i++)
            {
                action();
            }

            process.Refresh();
            best = Math.Min(best, (process.TotalProcessorTime - t0).TotalMicroseconds / n);
        }

        return best;
    }
}
