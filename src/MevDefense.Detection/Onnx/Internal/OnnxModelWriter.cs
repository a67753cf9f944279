using Google.Protobuf;
using MevDefense.Detection.Model.Internal;

namespace MevDefense.Detection.Onnx.Internal;

/// <summary>
/// Writes the role model as a standard ONNX file (IR 8, opset 17) from named weights, using the minimal ONNX schema
/// compiled from <c>onnx-minimal.proto</c>. The attention scale 1/sqrt(head_dim) is folded into the query weights.
/// </summary>
internal static class OnnxModelWriter
{
    public const long IrVersion = 8;
    public const long Opset = 17;
    public const string FeaturesInput = "features";
    public const string PoolAdjacencyInput = "pool_adj";
    public const string LinkAdjacencyInput = "link_adj";
    public const string KeyMaskInput = "key_mask";
    public const string ProbabilitiesOutput = "probs";

    private const int W = ModelArchitecture.Window;
    private const int D = ModelArchitecture.Hidden;

    public static byte[] Write(IReadOnlyDictionary<string, float[]> weights, IReadOnlyDictionary<string, string> metadata)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(metadata);
        var gnn = ModelArchitecture.CountLayers(weights, "gnn");
        var enc = ModelArchitecture.CountLayers(weights, "enc");
        var g = new GraphProto { Name = "mevdefense_roles" };
        foreach (var (name, shape) in ModelArchitecture.Parameters(gnn, enc))
        {
            if (!weights.TryGetValue(name, out var data) || data.Length != shape.Aggregate(1, (a, b) => a * b))
            {
                throw new ArgumentException($"Missing or mis-sized weight '{name}'.", nameof(weights));
            }

            if (name.EndsWith("_qkv_w", StringComparison.Ordinal) || name.EndsWith("_qkv_b", StringComparison.Ordinal))
            {
                data = FoldQueryScale(data, name.EndsWith("_w", StringComparison.Ordinal) ? D : 1);
            }

            g.Initializer.Add(FloatTensor(name, shape, data));
        }

        g.Initializer.Add(LongTensor("shape_heads", [-1, W, 3 * ModelArchitecture.Heads, ModelArchitecture.HeadDim]));
        g.Initializer.Add(LongTensor("shape_hidden", [-1, W, D]));
        g.Initializer.Add(LongTensor("split_qkv", [ModelArchitecture.Heads, ModelArchitecture.Heads, ModelArchitecture.Heads]));

        // Batches of windows: [batch, 64, ...]. The caller passes only the 64 model columns (features[:, 8:72]).
        g.Input.Add(Value(FeaturesInput, W, ModelArchitecture.InputWidth));
        g.Input.Add(Value(PoolAdjacencyInput, W, W));
        g.Input.Add(Value(LinkAdjacencyInput, W, W));
        g.Input.Add(Value(KeyMaskInput, 1, 1, W));
        g.Output.Add(Value(ProbabilitiesOutput, W, ModelArchitecture.Roles));

        var b = new Builder(g);
        var h = b.Relu(b.Add(b.Linear(FeaturesInput, "in_w", "in_b"), "pos"));
        for (var l = 0; l < gnn; l++)
        {
            var mp = b.MatMul(PoolAdjacencyInput, h);
            var ml = b.MatMul(LinkAdjacencyInput, h);
            var cat = b.Node("Concat", [h, mp, ml], null, new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = -1 });
            h = b.Add(h, b.Relu(b.Linear(cat, $"gnn{l}_w", $"gnn{l}_b")));
        }

        for (var l = 0; l < enc; l++)
        {
            // qkv columns: [q_h0 q_h1 .. | k_h0 .. | v_h0 ..], each HeadDim wide -> [batch, 3*heads, 64, HeadDim].
            var a = b.LayerNorm(h, $"enc{l}_ln1_g", $"enc{l}_ln1_b");
            var qkv = b.Transpose(b.Node("Reshape", [b.Linear(a, $"enc{l}_qkv_w", $"enc{l}_qkv_b"), "shape_heads"]), 0, 2, 1, 3);
            var parts = b.Nodes("Split", [qkv, "split_qkv"], 3, new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = 1 });
            var p = b.Softmax(b.Add(b.MatMul(parts[0], b.Transpose(parts[1], 0, 1, 3, 2)), KeyMaskInput));
            var o = b.Node("Reshape", [b.Transpose(b.MatMul(p, parts[2]), 0, 2, 1, 3), "shape_hidden"]);
            h = b.Add(h, b.Linear(o, $"enc{l}_o_w", $"enc{l}_o_b"));
            var f = b.LayerNorm(h, $"enc{l}_ln2_g", $"enc{l}_ln2_b");
            h = b.Add(h, b.Linear(b.Relu(b.Linear(f, $"enc{l}_ff1_w", $"enc{l}_ff1_b")), $"enc{l}_ff2_w", $"enc{l}_ff2_b"));
        }

        var logits = b.Linear(b.LayerNorm(h, "lnf_g", "lnf_b"), "head_w", "head_b");
        b.Softmax(logits, ProbabilitiesOutput);

        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "MevDefense.Trainer",
            ProducerVersion = "1",
            Domain = "io.mevdefense",
            ModelVersion = 1,
            DocString = "MevDefense transaction role model: GNN message passing + Transformer encoder; roles none/front/victim/back/arbitrage.",
            Graph = g,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = Opset });
        foreach (var (key, value) in metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        }

        return model.ToByteArray();
    }

    private static float[] FoldQueryScale(float[] data, int rows)
    {
        var scale = 1f / MathF.Sqrt(ModelArchitecture.HeadDim);
        var copy = (float[])data.Clone();
        var cols = copy.Length / rows;
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < D; c++)
            {
                copy[(r * cols) + c] *= scale;
            }
        }

        return copy;
    }

    private static TensorProto FloatTensor(string name, int[] shape, float[] data)
    {
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        t.Dims.AddRange(shape.Select(d => (long)d));
        var bytes = new byte[data.Length * sizeof(float)];
        Buffer.BlockCopy(data, 0, bytes, 0, bytes.Length);
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("ONNX raw_data is little-endian.");
        }

        t.RawData = ByteString.CopyFrom(bytes);
        return t;
    }

    private static TensorProto LongTensor(string name, long[] values)
    {
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        t.Dims.Add(values.Length);
        t.Int64Data.AddRange(values);
        return t;
    }

    private static ValueInfoProto Value(string name, params int[] dims)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "batch" });
        foreach (var d in dims)
        {
            shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }

    private sealed class Builder(GraphProto graph)
    {
        private int _next;

        public string Node(string op, string[] inputs, string? output = null, params AttributeProto[] attributes)
            => Nodes(op, inputs, 1, output, attributes)[0];

        public string[] Nodes(string op, string[] inputs, int outputs, params AttributeProto[] attributes)
            => Nodes(op, inputs, outputs, null, attributes);

        public string MatMul(string a, string b) => Node("MatMul", [a, b]);

        public string Add(string a, string b) => Node("Add", [a, b]);

        public string Relu(string x) => Node("Relu", [x]);

        public string Linear(string x, string w, string bias) => Add(MatMul(x, w), bias);

        public string Softmax(string x, string? output = null)
            => Node("Softmax", [x], output, new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = -1 });

        public string LayerNorm(string x, string gamma, string beta)
            => Node("LayerNormalization", [x, gamma, beta], null,
                new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = -1 },
                new AttributeProto { Name = "epsilon", Type = AttributeProto.Types.AttributeType.Float, F = ModelArchitecture.LayerNormEpsilon });

        public string Transpose(string x, params long[] perm)
        {
            var attr = new AttributeProto { Name = "perm", Type = AttributeProto.Types.AttributeType.Ints };
            attr.Ints.AddRange(perm);
            return Node("Transpose", [x], null, attr);
        }

        private string[] Nodes(string op, string[] inputs, int outputs, string? output, AttributeProto[] attributes)
        {
            var id = _next++;
            var node = new NodeProto { OpType = op, Name = $"{op.ToLowerInvariant()}_{id}" };
            node.Input.AddRange(inputs);
            var names = new string[outputs];
            for (var i = 0; i < outputs; i++)
            {
                names[i] = output ?? $"t{id}_{i}";
            }

            node.Output.AddRange(names);
            node.Attribute.AddRange(attributes);
            graph.Node.Add(node);
            return names;
        }
    }
}
