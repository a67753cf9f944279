using System.Diagnostics.Metrics;
using MevDefense.Detection;
using MevDefense.Detection.Decoding;
using MevDefense.Detection.Dex;
using MevDefense.Detection.Lookup;
using MevDefense.Detection.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MevDefense.AspNetCore.Internal;

/// <summary>
/// What <c>POST /detect</c> needs from the Detection module: the ONNX model (the host's registered <see cref="OnnxDetector"/>,
/// or one owned here, loaded on first use), a <see cref="DetectionPipeline"/> for Solana-native requests (without sinks: the
/// endpoint records and streams the detections itself, so nothing is recorded twice) and a transaction decoder. Decoding
/// and detection are serialized (the decoder and pipeline reuse scratch buffers).
/// </summary>
internal sealed class ApiDetectionServices : IDisposable
{
    private readonly IServiceProvider _services;
    private readonly Lazy<OnnxDetector> _model;
    private readonly Lazy<DetectionPipeline> _pipeline;
    private readonly Lazy<TransactionDecoder> _decoder;
    private OnnxDetector? _owned;

    public ApiDetectionServices(IServiceProvider services)
    {
        _services = services;
        _model = new Lazy<OnnxDetector>(CreateModel, LazyThreadSafetyMode.ExecutionAndPublication);
        _pipeline = new Lazy<DetectionPipeline>(CreatePipeline, LazyThreadSafetyMode.ExecutionAndPublication);
        _decoder = new Lazy<TransactionDecoder>(
            () => new TransactionDecoder(SwapDecoderRegistry.CreateDefault(), _services.GetService<IAddressLookupTableProvider>()),
            LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>Gets the lock that serializes decoding and detection.</summary>
    public Lock Gate { get; } = new();

    /// <summary>Gets the model (loading it on first use; throws when it cannot be loaded).</summary>
    public OnnxDetector Model => _model.Value;

    /// <summary>Gets the pipeline used for Solana-native requests.</summary>
    public DetectionPipeline Pipeline => _pipeline.Value;

    /// <summary>Gets the decoder (use under <see cref="Gate"/>).</summary>
    public TransactionDecoder Decoder => _decoder.Value;

    /// <summary>Gets the detection options (thresholds).</summary>
    public DetectionOptions Options => _services.GetRequiredService<IOptions<DetectionOptions>>().Value;

    public void Dispose() => _owned?.Dispose();

    private OnnxDetector CreateModel()
    {
        if (_services.GetService<OnnxDetector>() is { } registered)
        {
            return registered;
        }

        _owned = new OnnxDetector(_services.GetService<IOptions<OnnxDetectorOptions>>()?.Value ?? new OnnxDetectorOptions());
        return _owned;
    }

    private DetectionPipeline CreatePipeline()
    {
        DetectionOptions options = Options;
        ITransactionScorer? scorer = options.Mode == DetectionMode.Rules ? null : Model;
        return new DetectionPipeline(options, null, scorer, null, _services.GetService<ILoggerFactory>(), _services.GetService<IMeterFactory>(),
            _services.GetService<TimeProvider>());
    }
}
