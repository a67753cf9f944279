using MevDefense.Detection.Model.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace MevDefense.Trainer;

/// <summary>The training-time (TorchSharp) forward pass of <see cref="ModelArchitecture"/>.</summary>
internal sealed class RoleModel
{
    private const int D = ModelArchitecture.Hidden;

    public RoleModel(int gnnLayers, int encoderLayers, int seed)
    {
        GnnLayers = gnnLayers;
        EncoderLayers = encoderLayers;
        var gen = new Generator((ulong)seed);
        foreach (var (name, shape) in ModelArchitecture.Parameters(gnnLayers, encoderLayers))
        {
            var dims = shape.Select(s => (long)s).ToArray();
            Tensor t;
            if (name.EndsWith("_g", StringComparison.Ordinal))
            {
                t = ones(dims);
            }
            else if (name == "pos")
            {
                t = randn(dims, generator: gen) * 0.02f;
            }
            else if (shape.Length == 2)
            {
                var bound = MathF.Sqrt(6f / (shape[0] + shape[1]));
                t = (rand(dims, generator: gen) * 2 - 1) * bound;
            }
            else
            {
                t = zeros(dims);
            }

            Parameters[name] = new TorchSharp.Modules.Parameter(t, requires_grad: true);
        }

    }

    public int GnnLayers { get; }

    public int EncoderLayers { get; }

    public Dictionary<string, TorchSharp.Modules.Parameter> Parameters { get; } = new(StringComparer.Ordinal);

    /// <summary>Logits [B,64,5] for features [B,64,128], adjacencies [B,64,64] and key mask [B,64].</summary>
    public Tensor Logits(Tensor x, Tensor poolAdj, Tensor linkAdj, Tensor keyMask)
    {
        var p = Parameters;
        var b = x.shape[0];
        var h = nn.functional.relu(matmul(x.narrow(-1, ModelArchitecture.InputOffset, ModelArchitecture.InputWidth), p["in_w"]) + p["in_b"] + p["pos"]);
        for (var l = 0; l < GnnLayers; l++)
        {
            var z = matmul(cat([h, matmul(poolAdj, h), matmul(linkAdj, h)], -1), p[$"gnn{l}_w"]) + p[$"gnn{l}_b"];
            h = h + nn.functional.relu(z);
        }

        var mask = keyMask.view(b, 1, 1, ModelArchitecture.Window);
        var scale = 1f / MathF.Sqrt(ModelArchitecture.HeadDim);
        for (var l = 0; l < EncoderLayers; l++)
        {
            var a = nn.functional.layer_norm(h, [D], p[$"enc{l}_ln1_g"], p[$"enc{l}_ln1_b"], ModelArchitecture.LayerNormEpsilon);
            var qkv = matmul(a, p[$"enc{l}_qkv_w"]) + p[$"enc{l}_qkv_b"];
            var q = qkv.narrow(-1, 0, D).reshape(b, ModelArchitecture.Window, ModelArchitecture.Heads, ModelArchitecture.HeadDim).permute(0, 2, 1, 3);
            var k = qkv.narrow(-1, D, D).reshape(b, ModelArchitecture.Window, ModelArchitecture.Heads, ModelArchitecture.HeadDim).permute(0, 2, 3, 1);
            var v = qkv.narrow(-1, 2 * D, D).reshape(b, ModelArchitecture.Window, ModelArchitecture.Heads, ModelArchitecture.HeadDim).permute(0, 2, 1, 3);
            var attn = nn.functional.softmax((matmul(q, k) * scale) + mask, -1);
            var o = matmul(attn, v).permute(0, 2, 1, 3).reshape(b, ModelArchitecture.Window, D);
            h = h + matmul(o, p[$"enc{l}_o_w"]) + p[$"enc{l}_o_b"];
            var f = nn.functional.layer_norm(h, [D], p[$"enc{l}_ln2_g"], p[$"enc{l}_ln2_b"], ModelArchitecture.LayerNormEpsilon);
            h = h + matmul(nn.functional.relu(matmul(f, p[$"enc{l}_ff1_w"]) + p[$"enc{l}_ff1_b"]), p[$"enc{l}_ff2_w"]) + p[$"enc{l}_ff2_b"];
        }

        var hf = nn.functional.layer_norm(h, [D], p["lnf_g"], p["lnf_b"], ModelArchitecture.LayerNormEpsilon);
        return matmul(hf, p["head_w"]) + p["head_b"];
    }

    /// <summary>Overwrites the parameters with previously exported weights (warm start).</summary>
    public void Load(IReadOnlyDictionary<string, float[]> weights)
    {
        using var noGrad = no_grad();
        foreach (var (name, param) in Parameters)
        {
            param.copy_(tensor(weights[name], param.shape));
        }
    }

    /// <summary>The weights as float arrays.</summary>
    public Dictionary<string, float[]> Export()
    {
        var result = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var (name, param) in Parameters)
        {
            var data = param.detach().contiguous().data<float>().ToArray();
            result[name] = data;
        }

        return result;
    }
}
