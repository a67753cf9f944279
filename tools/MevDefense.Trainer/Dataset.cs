using MevDefense.Detection.Features;
using static TorchSharp.torch;

namespace MevDefense.Trainer;

/// <summary>Extracted windows kept as flat float arrays; batches become tensors on demand.</summary>
internal sealed class Dataset
{
    private const int N = TransactionFeatures.WindowSize;
    private const int F = TransactionFeatures.Count;
    private readonly List<WindowTensors> _windows = new();
    private readonly List<long[]> _labels = new();

    public int Count => _windows.Count;

    public static Dataset Build(IEnumerable<LabelledWindow> windows)
    {
        var d = new Dataset();
        var extractor = new WindowFeatureExtractor();
        foreach (var w in windows)
        {
            var t = new WindowTensors();
            extractor.Extract(w.Transactions, t);
            var labels = new long[N];
            Array.Fill(labels, -100L);
            for (var i = 0; i < w.Roles.Length; i++)
            {
                labels[i] = (long)w.Roles[i];
            }

            d._windows.Add(t);
            d._labels.Add(labels);
        }

        return d;
    }

    public WindowTensors Window(int index) => _windows[index];

    public (Tensor X, Tensor PoolAdj, Tensor LinkAdj, Tensor Mask, Tensor Labels) Batch(int[] indices)
    {
        var b = indices.Length;
        var x = new float[b * N * F];
        var pa = new float[b * N * N];
        var la = new float[b * N * N];
        var m = new float[b * N];
        var y = new long[b * N];
        for (var k = 0; k < b; k++)
        {
            var w = _windows[indices[k]];
            w.Features.CopyTo(x, k * N * F);
            w.PoolAdjacency.CopyTo(pa, k * N * N);
            w.LinkAdjacency.CopyTo(la, k * N * N);
            w.KeyMask.CopyTo(m, k * N);
            _labels[indices[k]].CopyTo(y, k * N);
        }

        return (tensor(x, [b, N, F]), tensor(pa, [b, N, N]), tensor(la, [b, N, N]), tensor(m, [b, N]), tensor(y, [b, N]));
    }
}
