using MevDefense.Detection.Model.Internal;

namespace MevDefense.Detection.Onnx.Internal;

/// <summary>Reads the weights of a role model written by <see cref="OnnxModelWriter"/> (undoing the attention-scale folding).</summary>
internal static class OnnxModelReader
{
    public static Dictionary<string, float[]> ReadWeights(byte[] onnx)
    {
        var model = ModelProto.Parser.ParseFrom(onnx);
        var weights = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var t in model.Graph.Initializer)
        {
            if (t.DataType != (int)TensorProto.Types.DataType.Float)
            {
                continue;
            }

            var data = new float[t.RawData.Length / sizeof(float)];
            Buffer.BlockCopy(t.RawData.ToByteArray(), 0, data, 0, t.RawData.Length);
            if (t.Name.EndsWith("_qkv_w", StringComparison.Ordinal) || t.Name.EndsWith("_qkv_b", StringComparison.Ordinal))
            {
                var rows = t.Name.EndsWith("_w", StringComparison.Ordinal) ? ModelArchitecture.Hidden : 1;
                var cols = data.Length / rows;
                for (var r = 0; r < rows; r++)
                {
                    for (var c = 0; c < ModelArchitecture.Hidden; c++)
                    {
                        data[(r * cols) + c] *= MathF.Sqrt(ModelArchitecture.HeadDim);
                    }
                }
            }

            weights[t.Name] = data;
        }

        return weights;
    }
}
