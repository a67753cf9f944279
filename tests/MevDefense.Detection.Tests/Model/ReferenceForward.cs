using MevDefense.Detection.Model.Internal;

namespace MevDefense.Detection.Tests.Model;

/// <summary>
/// A plain C# forward pass of <see cref="ModelArchitecture"/> in double precision, written from the architecture
/// description independently of the ONNX graph. Weights use the training-time convention (attention scale explicit).
/// </summary>
internal static class ReferenceForward
{
    private const int N = ModelArchitecture.Window;
    private const int D = ModelArchitecture.Hidden;

    public static double[,] Run(IReadOnlyDictionary<string, float[]> w, float[] x, float[] poolAdj, float[] linkAdj, float[] keyMask)
    {
        var gnn = ModelArchitecture.CountLayers(w, "gnn");
        var enc = ModelArchitecture.CountLayers(w, "enc");
        var sliced = new float[N * ModelArchitecture.InputWidth];
        for (var i = 0; i < N; i++)
        {
            Array.Copy(x, (i * ModelArchitecture.Input) + ModelArchitecture.InputOffset, sliced, i * ModelArchitecture.InputWidth, ModelArchitecture.InputWidth);
        }

        var h = Linear(Rows(sliced, N, ModelArchitecture.InputWidth), w["in_w"], w["in_b"], D);
        AddInPlace(h, Rows(w["pos"], N, D));
        Relu(h);
        var ap = Rows(poolAdj, N, N);
        var al = Rows(linkAdj, N, N);
        for (var l = 0; l < gnn; l++)
        {
            var wcat = w[$"gnn{l}_w"];
            var z = MatMul(h, wcat[..(D * D)], D);
            AddInPlace(z, MatMul(MatMul(ap, h), wcat[(D * D)..(2 * D * D)], D));
            AddInPlace(z, MatMul(MatMul(al, h), wcat[(2 * D * D)..], D));
            AddBias(z, w[$"gnn{l}_b"]);
            Relu(z);
            AddInPlace(h, z);
        }

        for (var l = 0; l < enc; l++)
        {
            var a = LayerNorm(h, w[$"enc{l}_ln1_g"], w[$"enc{l}_ln1_b"]);
            var qkv = Linear(a, w[$"enc{l}_qkv_w"], w[$"enc{l}_qkv_b"], 3 * D);
            var o = new double[N, D];
            var scale = 1.0 / Math.Sqrt(ModelArchitecture.HeadDim);
            for (var head = 0; head < ModelArchitecture.Heads; head++)
            {
                var off = head * ModelArchitecture.HeadDim;
                for (var i = 0; i < N; i++)
                {
                    var s = new double[N];
                    var max = double.NegativeInfinity;
                    for (var j = 0; j < N; j++)
                    {
                        double dot = 0;
                        for (var c = 0; c < ModelArchitecture.HeadDim; c++)
                        {
                            dot += qkv[i, off + c] * qkv[j, D + off + c];
                        }

                        s[j] = (dot * scale) + keyMask[j];
                        max = Math.Max(max, s[j]);
                    }

                    double sum = 0;
                    for (var j = 0; j < N; j++)
                    {
                        s[j] = Math.Exp(s[j] - max);
                        sum += s[j];
                    }

                    for (var c = 0; c < ModelArchitecture.HeadDim; c++)
                    {
                        double acc = 0;
                        for (var j = 0; j < N; j++)
                        {
                            acc += s[j] / sum * qkv[j, (2 * D) + off + c];
                        }

                        o[i, off + c] = acc;
                    }
                }
            }

            AddInPlace(h, Linear(o, w[$"enc{l}_o_w"], w[$"enc{l}_o_b"], D));
            var f = LayerNorm(h, w[$"enc{l}_ln2_g"], w[$"enc{l}_ln2_b"]);
            var hidden = Linear(f, w[$"enc{l}_ff1_w"], w[$"enc{l}_ff1_b"], ModelArchitecture.FeedForward);
            Relu(hidden);
            AddInPlace(h, Linear(hidden, w[$"enc{l}_ff2_w"], w[$"enc{l}_ff2_b"], D));
        }

        var logits = Linear(LayerNorm(h, w["lnf_g"], w["lnf_b"]), w["head_w"], w["head_b"], ModelArchitecture.Roles);
        for (var i = 0; i < N; i++)
        {
            var max = double.NegativeInfinity;
            for (var c = 0; c < ModelArchitecture.Roles; c++)
            {
                max = Math.Max(max, logits[i, c]);
            }

            double sum = 0;
            for (var c = 0; c < ModelArchitecture.Roles; c++)
            {
                logits[i, c] = Math.Exp(logits[i, c] - max);
                sum += logits[i, c];
            }

            for (var c = 0; c < ModelArchitecture.Roles; c++)
            {
                logits[i, c] /= sum;
            }
        }

        return logits;
    }

    private static double[,] Rows(float[] data, int rows, int cols)
    {
        var m = new double[rows, cols];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < cols; c++)
            {
                m[r, c] = data[(r * cols) + c];
            }
        }

        return m;
    }

    private static double[,] MatMul(double[,] a, double[,] b)
    {
        var m = new double[a.GetLength(0), b.GetLength(1)];
        for (var i = 0; i < a.GetLength(0); i++)
        {
            for (var k = 0; k < a.GetLength(1); k++)
            {
                var v = a[i, k];
                if (v == 0)
                {
                    continue;
                }

                for (var j = 0; j < b.GetLength(1); j++)
                {
                    m[i, j] += v * b[k, j];
                }
            }
        }

        return m;
    }

    private static double[,] MatMul(double[,] a, float[] w, int outDim) => MatMul(a, Rows(w, a.GetLength(1), outDim));

    private static double[,] Linear(double[,] a, float[] w, float[] b, int outDim)
    {
        var m = MatMul(a, w, outDim);
        AddBias(m, b);
        return m;
    }

    private static void AddBias(double[,] m, float[] b)
    {
        for (var i = 0; i < m.GetLength(0); i++)
        {
            for (var j = 0; j < m.GetLength(1); j++)
            {
                m[i, j] += b[j];
            }
        }
    }

    private static void AddInPlace(double[,] m, double[,] other)
    {
        for (var i = 0; i < m.GetLength(0); i++)
        {
            for (var j = 0; j < m.GetLength(1); j++)
            {
                m[i, j] += other[i, j];
            }
        }
    }

    private static void Relu(double[,] m)
    {
        for (var i = 0; i < m.GetLength(0); i++)
        {
            for (var j = 0; j < m.GetLength(1); j++)
            {
                m[i, j] = Math.Max(0, m[i, j]);
            }
        }
    }

    private static double[,] LayerNorm(double[,] m, float[] g, float[] b)
    {
        var cols = m.GetLength(1);
        var r = new double[m.GetLength(0), cols];
        for (var i = 0; i < m.GetLength(0); i++)
        {
            double mean = 0;
            for (var j = 0; j < cols; j++)
            {
                mean += m[i, j];
            }

            mean /= cols;
            double variance = 0;
            for (var j = 0; j < cols; j++)
            {
                variance += (m[i, j] - mean) * (m[i, j] - mean);
            }

            variance /= cols;
            var inv = 1.0 / Math.Sqrt(variance + ModelArchitecture.LayerNormEpsilon);
            for (var j = 0; j < cols; j++)
            {
                r[i, j] = ((m[i, j] - mean) * inv * g[j]) + b[j];
            }
        }

        return r;
    }
}
