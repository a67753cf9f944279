using System.Globalization;
using MevDefense.Detection.Model.Internal;

namespace MevDefense.Detection.Onnx.Internal;

/// <summary>
/// Recognises the role-model graph that <see cref="OnnxModelWriter"/> emits (any number of GNN and encoder layers) and
/// extracts its weights exactly as stored (the query weights keep their folded attention scale). Recognition is
/// structural: the graph is rewritten with <see cref="OnnxModelWriter"/> for the depth found in the initializers, and
/// every node (op type, domain, inputs, outputs, attributes such as the LayerNorm epsilon and the softmax axis), graph
/// input and output (names, element types, shapes), constant initializer and the opset must be identical. Anything
/// else — another op order, another width, a fused op, another opset — is rejected with the first difference found.
/// </summary>
internal static class OnnxRolesGraph
{
    /// <summary>Tries to recognise <paramref name="model"/>.</summary>
    /// <param name="model">The parsed model.</param>
    /// <param name="weights">The float initializers by name, row-major as stored.</param>
    /// <param name="gnnLayers">The number of GNN layers.</param>
    /// <param name="encoderLayers">The number of encoder layers.</param>
    /// <param name="reason">Why the graph was rejected, else <see langword="null"/>.</param>
    /// <returns>Whether the graph is the known architecture.</returns>
    public static bool TryRead(ModelProto model, out Dictionary<string, float[]> weights, out int gnnLayers, out int encoderLayers, out string? reason)
    {
        weights = new Dictionary<string, float[]>(StringComparer.Ordinal);
        gnnLayers = encoderLayers = 0;
        reason = Check(model, weights, ref gnnLayers, ref encoderLayers);
        return reason is null;
    }

    private static string? Check(ModelProto model, Dictionary<string, float[]> weights, ref int gnn, ref int enc)
    {
        if (model.Graph is not { } graph)
        {
            return "the model has no graph";
        }

        var constants = new List<TensorProto>();
        var shapes = new Dictionary<string, long[]>(StringComparer.Ordinal);
        foreach (var t in graph.Initializer)
        {
            if (t.DataType != (int)TensorProto.Types.DataType.Float)
            {
                constants.Add(t);
                continue;
            }

            var size = t.Dims.Aggregate(1L, (a, b) => a * b);
            if (t.Dims.Any(d => d <= 0) || size > 1 << 20)
            {
                return $"initializer '{t.Name}' has shape [{string.Join(',', t.Dims)}]";
            }

            float[] data;
            if (!t.RawData.IsEmpty)
            {
                if (t.RawData.Length != size * sizeof(float) || !BitConverter.IsLittleEndian)
                {
                    return $"initializer '{t.Name}' holds {t.RawData.Length} bytes for {size} floats";
                }

                data = new float[size];
                Buffer.BlockCopy(t.RawData.ToByteArray(), 0, data, 0, t.RawData.Length);
            }
            else if (t.FloatData.Count == size)
            {
                data = [.. t.FloatData];
            }
            else
            {
                return $"initializer '{t.Name}' holds {t.FloatData.Count} floats for {size}";
            }

            if (!weights.TryAdd(t.Name, data))
            {
                return $"initializer '{t.Name}' appears twice";
            }

            shapes[t.Name] = [.. t.Dims];
        }

        gnn = ModelArchitecture.CountLayers(weights, "gnn");
        enc = ModelArchitecture.CountLayers(weights, "enc");
        var expectedParameters = ModelArchitecture.Parameters(gnn, enc);
        foreach (var (name, shape) in expectedParameters)
        {
            if (!shapes.TryGetValue(name, out var actual))
            {
                return $"missing initializer '{name}'";
            }

            if (!actual.SequenceEqual(shape.Select(d => (long)d)))
            {
                return $"initializer '{name}' has shape [{string.Join(',', actual)}], expected [{string.Join(',', shape)}]";
            }
        }

        if (weights.Count != expectedParameters.Count)
        {
            var extra = weights.Keys.First(k => !expectedParameters.Any(p => p.Name == k));
            return $"unexpected float initializer '{extra}'";
        }

        var expected = ModelProto.Parser.ParseFrom(OnnxModelWriter.Write(weights, new Dictionary<string, string>()));
        if (!model.OpsetImport.SequenceEqual(expected.OpsetImport))
        {
            return $"opset [{string.Join(", ", model.OpsetImport.Select(o => $"{o.Domain}:{o.Version}"))}], expected [{string.Join(", ", expected.OpsetImport.Select(o => $"{o.Domain}:{o.Version}"))}]";
        }

        var eg = expected.Graph;
        if (graph.Node.Count != eg.Node.Count)
        {
            return $"{graph.Node.Count} nodes, expected {eg.Node.Count} for {gnn} GNN and {enc} encoder layers";
        }

        for (var i = 0; i < eg.Node.Count; i++)
        {
            var (a, e) = (graph.Node[i], eg.Node[i]);
            if (a.OpType != e.OpType || a.Domain != e.Domain || !a.Input.SequenceEqual(e.Input) || !a.Output.SequenceEqual(e.Output)
                || !a.Attribute.SequenceEqual(e.Attribute))
            {
                return string.Create(CultureInfo.InvariantCulture, $"node {i} is {Describe(a)}, expected {Describe(e)}");
            }
        }

        if (!graph.Input.SequenceEqual(eg.Input) || !graph.Output.SequenceEqual(eg.Output))
        {
            return "the graph inputs or outputs differ (names, element types or shapes)";
        }

        var expectedConstants = eg.Initializer.Where(t => t.DataType != (int)TensorProto.Types.DataType.Float).ToList();
        if (!constants.SequenceEqual(expectedConstants))
        {
            return "the constant (shape/split) initializers differ";
        }

        return null;
    }

    private static string Describe(NodeProto n)
        => $"{n.OpType}({string.Join(", ", n.Input)}) -> {string.Join(", ", n.Output)}{(n.Attribute.Count > 0 ? $" [{string.Join(", ", n.Attribute.Select(a => a.Name))}]" : string.Empty)}";
}
