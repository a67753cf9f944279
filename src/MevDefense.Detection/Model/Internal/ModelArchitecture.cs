namespace MevDefense.Detection.Model.Internal;

/// <summary>
/// The GNN + Transformer role model, shared by the trainer (TorchSharp), the ONNX exporter and the reference forward
/// pass used by the parity tests. Weights are row-major <c>[in, out]</c> so a layer is <c>y = x · W + b</c>.
/// <code>
/// h  = relu(x·W_in + b_in) + P                                        x: [B,64,128]  P: [64,32]
/// for each GNN layer: h = h + relu(h·W_s + (A_pool·h)·W_p + (A_link·h)·W_l + b)
/// for each encoder layer (pre-norm): h = h + MHA(LN1(h), key_mask); h = h + W2·relu(W1·LN2(h))
/// probs = softmax(LN_f(h)·W_head + b_head)                            probs: [B,64,5]
/// </code>
/// </summary>
internal static class ModelArchitecture
{
    public const int Window = Features.TransactionFeatures.WindowSize;
    public const int Input = Features.TransactionFeatures.Count;
    public const int Hidden = 32;
    public const int Heads = 4;
    public const int HeadDim = Hidden / Heads;
    public const int FeedForward = 64;
    public const int Roles = 5;
    public const float LayerNormEpsilon = 1e-5f;

    /// <summary>Every parameter name and shape for the given depth.</summary>
    public static IReadOnlyList<(string Name, int[] Shape)> Parameters(int gnnLayers, int encoderLayers)
    {
        var list = new List<(string, int[])>
        {
            ("in_w", [Input, Hidden]), ("in_b", [Hidden]), ("pos", [Window, Hidden]),
        };
        for (var l = 0; l < gnnLayers; l++)
        {
            list.Add(($"gnn{l}_ws", [Hidden, Hidden]));
            list.Add(($"gnn{l}_wp", [Hidden, Hidden]));
            list.Add(($"gnn{l}_wl", [Hidden, Hidden]));
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
