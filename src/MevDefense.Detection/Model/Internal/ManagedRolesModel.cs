using System.Runtime.Intrinsics;
using Google.Protobuf;
using MevDefense.Detection.Features;
using MevDefense.Detection.Onnx.Internal;

namespace MevDefense.Detection.Model.Internal;

/// <summary>
/// A managed, SIMD inference engine for the role model (<see cref="ModelArchitecture"/>), loaded from the same ONNX bytes
/// that ONNX Runtime runs. Only graphs that <see cref="OnnxRolesGraph"/> recognises are accepted, so a retrained model of
/// another architecture is never mis-executed (callers fall back to ONNX Runtime).
/// <para/>
/// The hidden width is 16 floats, one <see cref="Vector512{T}"/>: a node state is one register, every linear layer is a
/// sequence of broadcast-FMAs over weight rows. Message passing is sparse (neighbour lists read from the adjacency rows),
/// attention runs over the window's keys only, and padded rows are not computed unless something reads them (see
/// <see cref="ActiveRows"/>). The semantics follow the ONNX graph: additive key mask, LayerNorm epsilon 1e-5 over the last
/// axis, softmax with max subtraction, residual adds, the attention scale folded into the stored query weights.
/// <para/>
/// Thread-safety: the model (weights) is immutable and shared; each concurrent caller needs its own
/// <see cref="ManagedRolesScratch"/> (a few tens of KB). <see cref="Run"/> allocates nothing.
/// </summary>
internal sealed partial class ManagedRolesModel
{
    private const int N = ModelArchitecture.Window;
    private const int D = ModelArchitecture.Hidden;
    private const int FF = ModelArchitecture.FeedForward;

    private readonly float[] _inW;
    private readonly float[] _posBias;
    private readonly GnnLayer[] _gnn;
    private readonly EncoderLayer[] _enc;
    private readonly float[] _lnfG;
    private readonly float[] _lnfB;
    private readonly float[] _headW;
    private readonly float[] _headB;

    private ManagedRolesModel(Dictionary<string, float[]> w, int gnn, int enc, SimdPath path)
    {
        Path = Resolve(path);
        GnnLayers = gnn;
        EncoderLayers = enc;
        _inW = w["in_w"];
        _posBias = new float[N * D];
        for (var i = 0; i < N; i++)
        {
            for (var c = 0; c < D; c++)
            {
                _posBias[(i * D) + c] = w["pos"][(i * D) + c] + w["in_b"][c];
            }
        }

        _gnn = new GnnLayer[gnn];
        for (var l = 0; l < gnn; l++)
        {
            _gnn[l] = new GnnLayer(w[$"gnn{l}_w"], w[$"gnn{l}_b"]);
        }

        _enc = new EncoderLayer[enc];
        for (var l = 0; l < enc; l++)
        {
            // Queries, keys and values come out pair-interleaved (head 0's dimension c next to head 1's), and the
            // attention output in the same order, so the rows of W_o are permuted alike (see Attention).
            var qkvW = new float[3 * D * D];
            var qkvB = new float[3 * D];
            var oW = new float[D * D];
            for (var k = 0; k < D; k++)
            {
                var from = Interleaved(k);
                for (var block = 0; block < 3; block++)
                {
                    // Queries also carry log2(e): scores come out in log2 units for the base-2 softmax exponential.
                    var scale = block == 0 ? Log2E : 1f;
                    qkvB[(block * D) + k] = w[$"enc{l}_qkv_b"][(block * D) + from] * scale;
                    for (var r = 0; r < D; r++)
                    {
                        qkvW[(r * 3 * D) + (block * D) + k] = w[$"enc{l}_qkv_w"][(r * 3 * D) + (block * D) + from] * scale;
                    }
                }

                w[$"enc{l}_o_w"].AsSpan(from * D, D).CopyTo(oW.AsSpan(k * D));
            }

            _enc[l] = new EncoderLayer(
                w[$"enc{l}_ln1_g"], w[$"enc{l}_ln1_b"], qkvW, qkvB, oW, w[$"enc{l}_o_b"],
                w[$"enc{l}_ln2_g"], w[$"enc{l}_ln2_b"], w[$"enc{l}_ff1_w"], w[$"enc{l}_ff1_b"], w[$"enc{l}_ff2_w"], w[$"enc{l}_ff2_b"]);
        }

        _lnfG = w["lnf_g"];
        _lnfB = w["lnf_b"];

        // The 5-wide head padded to 16 lanes: zero weights, and a bias so negative that the padding never wins the max
        // (its exponentials are masked to zero as well).
        _headW = new float[D * D];
        _headB = new float[D];
        Array.Fill(_headB, PaddingLogit);
        for (var c = 0; c < D; c++)
        {
            w["head_w"].AsSpan(c * ModelArchitecture.Roles, ModelArchitecture.Roles).CopyTo(_headW.AsSpan(c * D));
        }

        w["head_b"].CopyTo(_headB, 0);
    }

    /// <summary>The model column at position <paramref name="k"/> of a pair-interleaved row: <c>0, 8, 1, 9, ..., 7, 15</c>.</summary>
    internal static int Interleaved(int k) => (k >> 1) + ((k & 1) * ModelArchitecture.HeadDim);

    /// <summary>log2(e), folded into the query weights and the key mask.</summary>
    internal const float Log2E = 1.44269504088896341f;

    /// <summary>A logit for padding lanes: finite, and far below any real logit or masked attention score.</summary>
    internal const float PaddingLogit = -1e30f;

    /// <summary>Gets the vector width this instance computes with (never <see cref="SimdPath.Auto"/>).</summary>
    public SimdPath Path { get; }

    /// <summary>Gets the number of GNN layers.</summary>
    public int GnnLayers { get; }

    /// <summary>Gets the number of encoder layers.</summary>
    public int EncoderLayers { get; }

    /// <summary>Loads a role model from ONNX bytes.</summary>
    /// <param name="onnx">The ONNX file.</param>
    /// <param name="path">The vector width.</param>
    /// <returns>The engine.</returns>
    /// <exception cref="FormatException">The bytes are not an ONNX model.</exception>
    /// <exception cref="NotSupportedException">The graph is not the role-model architecture this engine implements.</exception>
    public static ManagedRolesModel Load(byte[] onnx, SimdPath path = SimdPath.Auto)
    {
        ArgumentNullException.ThrowIfNull(onnx);
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(onnx);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new FormatException("The model is not a valid ONNX file.", e);
        }

        return Load(model, path);
    }

    /// <summary>Loads a role model from a parsed ONNX model.</summary>
    /// <param name="model">The model.</param>
    /// <param name="path">The vector width.</param>
    /// <returns>The engine.</returns>
    /// <exception cref="NotSupportedException">The graph is not the role-model architecture this engine implements.</exception>
    public static ManagedRolesModel Load(ModelProto model, SimdPath path = SimdPath.Auto)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!OnnxRolesGraph.TryRead(model, out var weights, out var gnn, out var enc, out var reason))
        {
            throw new NotSupportedException($"The managed engine does not support this model graph: {reason}. Use OnnxModelEngine.OnnxRuntime (or Auto).");
        }

        var engine = new ManagedRolesModel(weights, gnn, enc, path);

        // Compile the forward pass now (its methods skip tiering), so the first window scored is not the slow one.
        var warmUp = new WindowTensors();
        warmUp.LoadFeatures(new float[TransactionFeatures.Count], 1);
        engine.Run(warmUp, engine.CreateScratch(), stackalloc float[ModelArchitecture.Roles]);
        engine.RunVectors(warmUp.Features.AsSpan(0, TransactionFeatures.Count), 1, engine.CreateScratch(), stackalloc float[ModelArchitecture.Roles]);
        return engine;
    }

    /// <summary>Creates the per-caller working memory.</summary>
    /// <returns>A new scratch area.</returns>
    public ManagedRolesScratch CreateScratch() => new();

    /// <summary>
    /// Scores one window: writes <c>window.Count × 5</c> role probabilities, row-major. Rows at and after
    /// <see cref="WindowTensors.Count"/> are not written.
    /// </summary>
    /// <param name="window">The window.</param>
    /// <param name="scratch">Working memory owned by the caller for the duration of the call.</param>
    /// <param name="probabilities">The destination, at least <c>window.Count × 5</c> floats.</param>
    public void Run(WindowTensors window, ManagedRolesScratch scratch, Span<float> probabilities)
    {
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(scratch);
        var n = window.Count;
        if (probabilities.Length < n * ModelArchitecture.Roles)
        {
            throw new ArgumentException($"Need room for {n * ModelArchitecture.Roles} probabilities.", nameof(probabilities));
        }

        if (n == 0)
        {
            return;
        }

        switch (Path)
        {
            case SimdPath.Vector512:
                Forward<Vector16x512>(window, scratch, probabilities);
                break;
            case SimdPath.Vector256:
                Forward<Vector16x256>(window, scratch, probabilities);
                break;
            default:
                Forward<Vector16Scalar>(window, scratch, probabilities);
                break;
        }
    }

    /// <summary>
    /// Scores <paramref name="count"/> transactions given as finite row-major 128-float vectors (the seed API shape),
    /// read in place: the same probabilities as <see cref="WindowTensors.LoadFeatures"/> followed by <see cref="Run"/>,
    /// without building the dense window. Writes <c>count × 5</c> probabilities.
    /// </summary>
    /// <param name="features">Exactly <c>count × 128</c> floats, all finite (the caller checks).</param>
    /// <param name="count">The number of transactions, 0..64.</param>
    /// <param name="scratch">Working memory owned by the caller for the duration of the call.</param>
    /// <param name="probabilities">The destination, at least <c>count × 5</c> floats.</param>
    public void RunVectors(ReadOnlySpan<float> features, int count, ManagedRolesScratch scratch, Span<float> probabilities)
    {
        ArgumentNullException.ThrowIfNull(scratch);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, N);
        if (features.Length != count * F)
        {
            throw new ArgumentException($"Expected {count * F} floats, got {features.Length}.", nameof(features));
        }

        if (probabilities.Length < count * ModelArchitecture.Roles)
        {
            throw new ArgumentException($"Need room for {count * ModelArchitecture.Roles} probabilities.", nameof(probabilities));
        }

        if (count == 0)
        {
            return;
        }

        switch (Path)
        {
            case SimdPath.Vector512:
                ForwardVectors<Vector16x512>(features, count, scratch, probabilities);
                break;
            case SimdPath.Vector256:
                ForwardVectors<Vector16x256>(features, count, scratch, probabilities);
                break;
            default:
                ForwardVectors<Vector16Scalar>(features, count, scratch, probabilities);
                break;
        }
    }

    private static SimdPath Resolve(SimdPath path) => path switch
    {
        SimdPath.Auto when Vector512.IsHardwareAccelerated => SimdPath.Vector512,
        SimdPath.Auto when Vector256.IsHardwareAccelerated => SimdPath.Vector256,
        SimdPath.Auto => SimdPath.Scalar,
        SimdPath.Vector512 or SimdPath.Vector256 or SimdPath.Scalar => path,
        _ => throw new ArgumentOutOfRangeException(nameof(path)),
    };

    /// <summary>
    /// The rows that must be computed: the window's <c>n</c> transactions, unless a padded row can influence them (a
    /// padded key that is not masked with <see cref="WindowTensors.MaskedValue"/> or less, or an adjacency entry of a real
    /// row pointing at a padded row, as only hand-filled tensors have). Then all 64 rows are computed, exactly as the
    /// dense ONNX graph does.
    /// </summary>
    internal static int ActiveRows(WindowTensors window)
    {
        var n = window.Count;
        for (var j = n; j < N; j++)
        {
            if (!(window.KeyMask[j] <= WindowTensors.MaskedValue))
            {
                return N;
            }
        }

        return n;
    }

    private sealed class GnnLayer(float[] w, float[] b)
    {
        public float[] W { get; } = w;

        public float[] B { get; } = b;
    }

    private sealed class EncoderLayer(
        float[] ln1G, float[] ln1B, float[] qkvW, float[] qkvB, float[] oW, float[] oB,
        float[] ln2G, float[] ln2B, float[] ff1W, float[] ff1B, float[] ff2W, float[] ff2B)
    {
        public float[] Ln1G { get; } = ln1G;

        public float[] Ln1B { get; } = ln1B;

        public float[] QkvW { get; } = qkvW;

        public float[] QkvB { get; } = qkvB;

        public float[] OW { get; } = oW;

        public float[] OB { get; } = oB;

        public float[] Ln2G { get; } = ln2G;

        public float[] Ln2B { get; } = ln2B;

        public float[] Ff1W { get; } = ff1W;

        public float[] Ff1B { get; } = ff1B;

        public float[] Ff2W { get; } = ff2W;

        public float[] Ff2B { get; } = ff2B;
    }
}
