using System.Collections.Concurrent;
using Google.Protobuf;
using MevDefense.Detection.Features;
using MevDefense.Detection.Model.Internal;
using MevDefense.Detection.Onnx.Internal;
using Microsoft.ML.OnnxRuntime;

namespace MevDefense.Detection.Model;

/// <summary>
/// Runs the GNN + Transformer role model. Each window of up to 64 transactions yields, per transaction, a probability
/// for every <see cref="TransactionRole"/>. Two engines execute the same ONNX file (see <see cref="OnnxDetectorOptions.Engine"/>):
/// a managed SIMD engine for the architecture shipped in the package (sparse message passing, attention over the
/// window's transactions only; the default when it recognises the graph), and ONNX Runtime with IOBinding over OrtValues
/// that pin preallocated buffers (any other model). Either way the steady path allocates nothing. Thread-safe:
/// concurrent callers get separate scoring contexts from a small pool.
/// </summary>
public sealed class OnnxDetector : ITransactionScorer, IDisposable
{
    /// <summary>The name of the model shipped in the package (embedded resource and <c>content/Models/</c>).</summary>
    public const string EmbeddedModelName = "mevdefense-roles.onnx";

    /// <summary>The number of role columns in the output.</summary>
    public const int RoleCount = 5;

    private const int N = TransactionFeatures.WindowSize;
    private const int F = TransactionFeatures.Count;
    private const int Stride = N / 2;

    /// <summary>The most windows scored in one ONNX Runtime run (long blocks are batched to amortise per-run cost).</summary>
    internal const int MaxBatch = 16;

    private readonly InferenceSession? _session;
    private readonly SessionOptions? _sessionOptions;
    private readonly RunOptions? _runOptions;
    private readonly ManagedRolesModel? _managed;
    private readonly ConcurrentBag<Context> _contexts = new();
    private int _disposed;

    /// <summary>Initializes a new instance with the model shipped in the package.</summary>
    public OnnxDetector()
        : this(new OnnxDetectorOptions())
    {
    }

    /// <summary>Initializes a new instance.</summary>
    /// <param name="options">The options.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="OnnxDetectorOptions.IntraOpThreads"/> or <see cref="OnnxDetectorOptions.Engine"/> is out of range.</exception>
    /// <exception cref="FormatException">The model is not a MevDefense role model for feature layout <see cref="TransactionFeatures.LayoutVersion"/>.</exception>
    /// <exception cref="NotSupportedException"><see cref="OnnxDetectorOptions.Engine"/> is <see cref="OnnxModelEngine.Managed"/> and the
    /// managed engine does not recognise the model's graph (the message names the first difference).</exception>
    public OnnxDetector(OnnxDetectorOptions options)
        : this(options, SimdPath.Auto)
    {
    }

    /// <summary>Initializes a new instance with a given vector width for the managed engine (tests and benchmarks).</summary>
    internal OnnxDetector(OnnxDetectorOptions options, SimdPath simdPath)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!Enum.IsDefined(options.Engine))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Engine, "Unknown OnnxModelEngine.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(options.IntraOpThreads, 1, nameof(options));
        var bytes = options.ModelPath is null ? LoadEmbeddedModel() : File.ReadAllBytes(options.ModelPath);
        Metadata = ReadMetadata(bytes);
        if (!Metadata.TryGetValue("mevdefense.feature_layout", out var layout)
            || layout != TransactionFeatures.LayoutVersion.ToString(System.Globalization.CultureInfo.InvariantCulture))
        {
            throw new FormatException($"The model was not trained on feature layout {TransactionFeatures.LayoutVersion}.");
        }

        if (options.Engine != OnnxModelEngine.OnnxRuntime)
        {
            try
            {
                var managed = ManagedRolesModel.Load(bytes, simdPath);
                if (options.Engine == OnnxModelEngine.Managed || managed.Path != SimdPath.Scalar)
                {
                    _managed = managed;
                    Engine = OnnxModelEngine.Managed;
                    return;
                }

                // Without Vector256/Vector512 acceleration the scalar engine is slower than ONNX Runtime.
                ManagedEngineRejection = "no Vector256 or Vector512 hardware acceleration";
            }
            catch (NotSupportedException e) when (options.Engine == OnnxModelEngine.Auto)
            {
                ManagedEngineRejection = e.Message;
            }
        }

        Engine = OnnxModelEngine.OnnxRuntime;
        _sessionOptions = new SessionOptions
        {
            IntraOpNumThreads = options.IntraOpThreads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        _session = new InferenceSession(bytes, _sessionOptions);
        _runOptions = new RunOptions();
    }

    /// <inheritdoc/>
    /// <value>Always <c>onnx-gnn-transformer</c>.</value>
    public string Name => "onnx-gnn-transformer";

    /// <inheritdoc/>
    /// <value>The model's <c>mevdefense.model_version</c> metadata, or <see langword="null"/>.</value>
    public string? ModelVersion => Metadata.TryGetValue("mevdefense.model_version", out var v) ? v : null;

    /// <summary>Gets the model's metadata (training data, seeds, metrics, feature layout).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Gets the engine that runs the model: <see cref="OnnxModelEngine.Managed"/> or <see cref="OnnxModelEngine.OnnxRuntime"/>.</summary>
    /// <value>With <see cref="OnnxModelEngine.Auto"/>, <see cref="OnnxModelEngine.Managed"/> when the managed engine recognised the graph.</value>
    public OnnxModelEngine Engine { get; }

    /// <summary>Gets why the managed engine declined the model under <see cref="OnnxModelEngine.Auto"/>, or <see langword="null"/>.</summary>
    internal string? ManagedEngineRejection { get; }

    /// <summary>Gets the vector width of the managed engine, or <see langword="null"/> under ONNX Runtime.</summary>
    internal SimdPath? ManagedSimdPath => _managed?.Path;

    /// <summary>Reads the model shipped in the package.</summary>
    /// <returns>The ONNX file bytes.</returns>
    public static byte[] LoadEmbeddedModel()
    {
        using var stream = typeof(OnnxDetector).Assembly.GetManifestResourceStream("MevDefense.Detection.Models." + EmbeddedModelName)
            ?? throw new InvalidOperationException($"The embedded model {EmbeddedModelName} is missing from the assembly.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>Scores one prepared window.</summary>
    /// <param name="window">The window (features, graph, mask).</param>
    /// <param name="probabilities">Receives <c>window.Count × 5</c> role probabilities, row-major by transaction.</param>
    /// <exception cref="ArgumentNullException"><paramref name="window"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="probabilities"/> is too short.</exception>
    public void Score(WindowTensors window, Span<float> probabilities)
    {
        ArgumentNullException.ThrowIfNull(window);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        CheckOutput(probabilities, window.Count);
        if (window.Count == 0)
        {
            return;
        }

        var context = Rent();
        try
        {
            if (_managed is not null)
            {
                _managed.Run(window, context.Scratch!, probabilities);
                return;
            }

            context.Stage(0, window);
            Run(context, 1);
            context.Output.AsSpan(0, window.Count * RoleCount).CopyTo(probabilities);
        }
        finally
        {
            _contexts.Add(context);
        }
    }

    /// <summary>
    /// Scores transactions given as raw feature vectors (the <c>/defensive/detect</c> shape): <paramref name="count"/>
    /// rows of 128 floats in block order. The graph is rebuilt from the identity slots. More than 64 transactions are
    /// scored in overlapping windows (stride 32), each transaction taking the window where it sits most centrally.
    /// </summary>
    /// <param name="features">Row-major <c>count × 128</c> floats.</param>
    /// <param name="count">The number of transactions.</param>
    /// <param name="probabilities">Receives <c>count × 5</c> role probabilities.</param>
    /// <exception cref="ArgumentException">Wrong lengths or non-finite features.</exception>
    public void Score(ReadOnlySpan<float> features, int count, Span<float> probabilities)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (features.Length != count * F)
        {
            throw new ArgumentException($"Expected {count * F} floats ({count} x {F}), got {features.Length}.", nameof(features));
        }

        CheckOutput(probabilities, count);
        if (count == 0)
        {
            return;
        }

        var context = Rent();
        try
        {
            var windows = WindowCount(count);
            for (var first = 0; first < windows; first += MaxBatch)
            {
                var batch = Math.Min(MaxBatch, windows - first);
                for (var k = 0; k < batch; k++)
                {
                    var (start, length, _, _) = WindowAt(count, first + k);
                    var vectors = features.Slice(start * F, length * F);
                    if (_managed is not null)
                    {
                        // The managed engine reads the vectors in place and builds only the neighbour masks it uses
                        // (same probabilities as LoadFeatures + Stage; see ManagedRolesModel.RunVectors).
                        WindowTensors.ThrowIfNotFinite(vectors, nameof(features));
                        _managed.RunVectors(vectors, length, context.Scratch!, context.Output.AsSpan(k * N * RoleCount, N * RoleCount));
                        continue;
                    }

                    context.Window.LoadFeatures(vectors, length);
                    context.Stage(k, context.Window);
                }

                Run(context, batch);
                CopyKept(context, count, first, batch, probabilities);
            }
        }
        finally
        {
            _contexts.Add(context);
        }
    }

    /// <summary>Extracts features from decoded transactions and scores them (windows of 64 as in <see cref="Score(ReadOnlySpan{float}, int, Span{float})"/>).</summary>
    /// <param name="transactions">The transactions in block order.</param>
    /// <param name="probabilities">Receives <c>transactions.Length × 5</c> role probabilities.</param>
    public void Score(ReadOnlySpan<TransactionFeatureInput> transactions, Span<float> probabilities)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var context = Rent();
        try
        {
            Score(transactions, context, probabilities);
        }
        finally
        {
            _contexts.Add(context);
        }
    }

    private void Score(ReadOnlySpan<TransactionFeatureInput> transactions, Context context, Span<float> probabilities)
    {
        var count = transactions.Length;
        CheckOutput(probabilities, count);
        var windows = count == 0 ? 0 : WindowCount(count);
        for (var first = 0; first < windows; first += MaxBatch)
        {
            var batch = Math.Min(MaxBatch, windows - first);
            for (var k = 0; k < batch; k++)
            {
                var (start, length, _, _) = WindowAt(count, first + k);
                context.Extractor.Extract(transactions.Slice(start, length), context.Window);
                context.Stage(k, context.Window);
            }

            Run(context, batch);
            CopyKept(context, count, first, batch, probabilities);
        }
    }

    /// <summary>Scores a window of decoded transactions (<see cref="ITransactionScorer"/>), in windows of 64 as above.</summary>
    /// <param name="window">The decoded transactions in block order.</param>
    /// <param name="probabilities">Receives <c>window.Count × 5</c> role probabilities.</param>
    /// <exception cref="ArgumentNullException"><paramref name="window"/> is <see langword="null"/>.</exception>
    public void Score(DetectionWindow window, Span<float> probabilities)
    {
        ArgumentNullException.ThrowIfNull(window);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var context = Rent();
        try
        {
            var inputs = context.Inputs(window.Count);
            for (var i = 0; i < window.Count; i++)
            {
                inputs[i] = TransactionFeatureInputs.FromDecoded(window[i]);
            }

            Score(inputs, context, probabilities);
        }
        finally
        {
            _contexts.Add(context);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (Interlocked.CompareExchange(ref _disposed, 1, 0) != 0)
        {
            return;
        }

        while (_contexts.TryTake(out var context))
        {
            context.Dispose();
        }

        _runOptions?.Dispose();
        _session?.Dispose();
        _sessionOptions?.Dispose();
    }

    /// <summary>The number of windows used for <paramref name="count"/> transactions.</summary>
    internal static int WindowCount(int count) => count <= N ? 1 : ((count - N + Stride - 1) / Stride) + 1;

    /// <summary>Window <paramref name="k"/>: its span, and the rows [KeepFrom, KeepTo) whose scores it provides.</summary>
    internal static (int Start, int Length, int KeepFrom, int KeepTo) WindowAt(int count, int k)
    {
        if (count <= N)
        {
            return (0, count, 0, count);
        }

        const int Margin = (N - Stride) / 2;
        var last = k == WindowCount(count) - 1;
        var start = last ? count - N : k * Stride;
        var keepFrom = k == 0 ? 0 : ((k - 1) * Stride) + N - Margin;
        var keepTo = last ? count : start + N - Margin;
        return (start, N, keepFrom, keepTo);
    }

    private static Dictionary<string, string> ReadMetadata(byte[] bytes)
    {
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new FormatException("The model is not a valid ONNX file.", e);
        }

        return model.MetadataProps.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
    }

    private static void CheckOutput(Span<float> probabilities, int count)
    {
        if (probabilities.Length < count * RoleCount)
        {
            throw new ArgumentException($"Need room for {count * RoleCount} probabilities.", nameof(probabilities));
        }
    }

    private Context Rent() => _contexts.TryTake(out var c) ? c : new Context(_session, _managed);

    private static void CopyKept(Context context, int count, int first, int batch, Span<float> probabilities)
    {
        for (var k = 0; k < batch; k++)
        {
            var (start, _, keepFrom, keepTo) = WindowAt(count, first + k);
            context.Output.AsSpan((k * N * RoleCount) + ((keepFrom - start) * RoleCount), (keepTo - keepFrom) * RoleCount)
                .CopyTo(probabilities[(keepFrom * RoleCount)..]);
        }
    }

    private void Run(Context context, int batch)
    {
        if (_session is not null)
        {
            _session.RunWithBinding(_runOptions, context.Binding(batch));
        }
    }

    private sealed class Context : IDisposable
    {
        private const int W = ModelArchitecture.InputWidth;
        private readonly InferenceSession? _session;
        private readonly ManagedRolesModel? _managed;
        private readonly OrtIoBinding?[] _bindings = new OrtIoBinding?[MaxBatch + 1];
        private readonly List<OrtValue> _values = new();
        private readonly float[] _input;
        private readonly float[] _pool;
        private readonly float[] _link;
        private readonly float[] _mask;

        public Context(InferenceSession? session, ManagedRolesModel? managed)
        {
            _session = session;
            _managed = managed;
            Scratch = managed?.CreateScratch();

            // ONNX Runtime reads whole batches from these; the managed engine reads the window directly.
            var batch = managed is null ? MaxBatch : 0;
            _input = new float[batch * N * W];
            _pool = new float[batch * N * N];
            _link = new float[batch * N * N];
            _mask = new float[batch * N];
        }

        /// <summary>Gets the managed engine's working memory (managed engine only).</summary>
        public ManagedRolesScratch? Scratch { get; }

        public WindowTensors Window { get; } = new();

        private TransactionFeatureInput[] _inputs = new TransactionFeatureInput[N];

        public WindowFeatureExtractor Extractor { get; } = new();

        /// <summary>A reusable input buffer of at least <paramref name="count"/> entries (grows, never shrinks).</summary>
        public Span<TransactionFeatureInput> Inputs(int count)
        {
            if (_inputs.Length < count)
            {
                _inputs = new TransactionFeatureInput[Math.Max(count, _inputs.Length * 2)];
            }

            return _inputs.AsSpan(0, count);
        }

        public float[] Output { get; } = new float[MaxBatch * N * RoleCount];

        /// <summary>
        /// Copies a window into batch slot <paramref name="slot"/>: model columns features[:, 8:72], graph and mask. The
        /// managed engine scores the window right away into the slot's output rows instead.
        /// </summary>
        public void Stage(int slot, WindowTensors window)
        {
            if (_managed is not null)
            {
                _managed.Run(window, Scratch!, Output.AsSpan(slot * N * RoleCount, N * RoleCount));
                return;
            }

            var features = window.Features;
            var input = _input.AsSpan(slot * N * W, N * W);
            for (var i = 0; i < N; i++)
            {
                features.AsSpan((i * F) + ModelArchitecture.InputOffset, W).CopyTo(input.Slice(i * W, W));
            }

            window.PoolAdjacency.CopyTo(_pool, slot * N * N);
            window.LinkAdjacency.CopyTo(_link, slot * N * N);
            window.KeyMask.CopyTo(_mask, slot * N);
        }

        /// <summary>The binding for a batch of <paramref name="batch"/> windows; created once per size, then reused.</summary>
        public OrtIoBinding Binding(int batch)
        {
            if (_bindings[batch] is { } existing)
            {
                return existing;
            }

            var info = OrtMemoryInfo.DefaultInstance;
            OrtValue Value(float[] data, int perWindow, long[] shape)
            {
                var v = OrtValue.CreateTensorValueFromMemory(info, data.AsMemory(0, batch * perWindow), shape);
                _values.Add(v);
                return v;
            }

            var binding = _session!.CreateIoBinding();
            binding.BindInput(OnnxModelWriter.FeaturesInput, Value(_input, N * W, [batch, N, W]));
            binding.BindInput(OnnxModelWriter.PoolAdjacencyInput, Value(_pool, N * N, [batch, N, N]));
            binding.BindInput(OnnxModelWriter.LinkAdjacencyInput, Value(_link, N * N, [batch, N, N]));
            binding.BindInput(OnnxModelWriter.KeyMaskInput, Value(_mask, N, [batch, 1, 1, N]));
            binding.BindOutput(OnnxModelWriter.ProbabilitiesOutput, Value(Output, N * RoleCount, [batch, N, RoleCount]));
            _bindings[batch] = binding;
            return binding;
        }

        public void Dispose()
        {
            foreach (var b in _bindings)
            {
                b?.Dispose();
            }

            foreach (var v in _values)
            {
                v.Dispose();
            }
        }
    }
}
