namespace MevDefense.Detection.Model.Internal;

/// <summary>
/// The GNN + Transformer role model, shared by the trainer (TorchSharp), the ONNX exporter and the reference forward
/// pass used by the parity tests. Weights are row-major <c>[in, out]</c> so a layer is <c>y = x · W + b</c>.
/// <code>
/// h  = relu(x[:, 8:72]·W_in + b_in + P)                               x: [64,128]    P: [64,16]
/// for each GNN layer: h = h + relu([h | A_pool·h | A_link·h]·W + b)    W: [48,16] (self, pool-mean, link-mean)
/// for each encoder layer (pre-norm): h = h + MHA(LN1(h), key_mask); h = h + W2·relu(W1·LN2(h))
/// probs = softmax(LN_f(h)·W_head + b_head)                            probs: [64,5]
/// </code>
/// The exported ONNX graph scores one window (2-D tensors, which ONNX Runtime runs fastest); the trainer runs the
/// same math on batches. Columns 0..7 (identity hashes) and 72..127 (reserved) never reach the network.
/// <code>
/// </code>
/// </summary>
internal static class ModelArchitecture
{
    public const int Window = Features.TransactionFeatures.WindowSize;
    public const int Input = Features.TransactionFeatures.Count;
    public const int InputOffset = Features.Internal.FeatureLayout.IdentitySlots;
    public const int InputWidth = Features.Internal.FeatureLayout.Used - InputOffset;
    public const int Hidden = 16;
    public const int Heads = 2;
    public const int HeadDim = Hidden / Heads;
    public const int FeedForward = 32;
    public const int Roles = 5;
    public const float LayerNormEpsilon = 1e-5f;

    /// <summary>Every parameter name and shape for the given depth.</summary>
    public static IReadOnlyList<(string Name, int[] Shape)> Parameters(int gnnLayers, int encoderLayers)
    {
        var list = new List<(string, int[])>
        {
            ("in_w", [InputWidth, Hidden]), ("in_b", [Hidden]), ("pos", [Window, Hidden]),
        };
        for (var l = 0; l < gnnLayers; l++)
        {
            list.Add(($"gnn{l}_w", [3 * Hidden, Hidden]));
            list.Add(($"gnn{l}_b", [Hidden]));
        }

        for (var l = 0; l < encoderLayers; l++)
        {
            list.Add(($"enc{l}_ln1_g", [Hidden]));
            list.Add(($"enc{l}_ln1_b", [Hidden]));
            list.Add(($"enc{l}_qkv_w", [Hidden, 3 * Hidden]));
            list.Add(($"enc{l}_qkv_b", [3 * Hidden]));
            list.Add(($"enc{l}_o_w", [Hidden, Hidden]));
            list.Add(($"enc{l}_o_b", [Hidden]));
            list.Add(($"enc{l}_ln2_g", [Hidden]));
            list.Add(($"enc{l}_ln2_b", [Hidden]));
            list.Add(($"enc{l}_ff1_w", [Hidden, FeedForward]));
            list.Add(($"enc{l}_ff1_b", [FeedForward]));
            list.Add(($"enc{l}_ff2_w", [FeedForward, Hidden]));
            list.Add(($"enc{l}_ff2_b", [Hidden]));
        }

        list.Add(("lnf_g", [Hidden]));
        list.Add(("lnf_b", [Hidden]));
        list.Add(("head_w", [Hidden, Roles]));
        list.Add(("head_b", [Roles]));
        return list;
    }

    public static int CountLayers(IReadOnlyDictionary<string, float[]> weights, string prefix)
    {
        var l = 0;
        while (weights.Keys.Any(k => k.StartsWith($"{prefix}{l}_", StringComparison.Ordinal)))
        {
            l++;
        }

        return l;
    }
}
