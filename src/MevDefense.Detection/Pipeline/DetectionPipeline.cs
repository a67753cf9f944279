using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using MevDefense.Detection.Rules;
using MevDefense.Detection.Rules.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MevDefense.Detection;

/// <summary>
/// Runs the detectors over windows and combines them with an optional <see cref="ITransactionScorer"/> (the model):
/// in <see cref="DetectionMode.Combined"/> each rule detection's confidence is blended with the model's support for the
/// roles it claims, and sandwiches and arbitrages the model sees but the rules missed are added (detector = the scorer's
/// name). Identical windows are answered from an LRU cache. Calls are serialized (the detectors reuse scratch buffers);
/// use one pipeline per thread for parallel detection.
/// </summary>
public sealed class DetectionPipeline
{
    private readonly DetectionOptions _options;
    private readonly IReadOnlyList<IDetector> _detectors;
    private readonly ITransactionScorer? _scorer;
    private readonly IReadOnlyList<IDetectionEventSink> _sinks;
    private readonly ILogger _logger;
    private readonly DetectionMetrics? _metrics;
    private readonly TimeProvider _time;
    private readonly DecisionCache _cache;
    private readonly Lock _lock = new();
    private readonly List<DetectionEvent> _scratch = [];
    private float[] _probabilities = new float[64 * ITransactionScorer.RoleCount];

    /// <summary>Initializes a new instance with the four rule detectors, no model and default options.</summary>
    public DetectionPipeline()
        : this(new DetectionOptions())
    {
    }

    /// <summary>Initializes a new instance with the rule detectors the options enable and no model.</summary>
    /// <param name="options">The options.</param>
    public DetectionPipeline(DetectionOptions options)
        : this(options, null, null, null, null, null, null)
    {
    }

    /// <summary>Initializes a new instance.</summary>
    /// <param name="options">The options.</param>
    /// <param name="detectors">The detectors; <see langword="null"/> for the rule detectors the options enable.</param>
    /// <param name="scorer">The model, or <see langword="null"/>.</param>
    /// <param name="sinks">Receive every detection from <see cref="DetectAsync"/>.</param>
    /// <param name="loggerFactory">The logger factory.</param>
    /// <param name="meterFactory">The meter factory; no metrics when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock; the system clock when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    public DetectionPipeline(DetectionOptions options, IEnumerable<IDetector>? detectors, ITransactionScorer? scorer, IEnumerable<IDetectionEventSink>? sinks,
        ILoggerFactory? loggerFactory, IMeterFactory? meterFactory, TimeProvider? timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _detectors = detectors?.ToArray() ?? CreateRuleDetectors(options, _time);
        _scorer = scorer;
        _sinks = sinks?.ToArray() ?? [];
        _logger = (ILogger?)loggerFactory?.CreateLogger<DetectionPipeline>() ?? NullLogger<DetectionPipeline>.Instance;
        _metrics = meterFactory is null ? null : new DetectionMetrics(meterFactory);
        _cache = new DecisionCache(options.CacheCapacity);
    }

    /// <summary>Gets the detectors.</summary>
    public IReadOnlyList<IDetector> Detectors => _detectors;

    /// <summary>Gets the model, when one is configured.</summary>
    public ITransactionScorer? Scorer => _scorer;

    /// <summary>Gets the number of cached window decisions.</summary>
    public int CachedDecisions => _cache.Count;

    /// <summary>Creates the rule detectors the options enable.</summary>
    /// <param name="options">The options.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <returns>The detectors.</returns>
    public static IReadOnlyList<IDetector> CreateRuleDetectors(DetectionOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var list = new List<IDetector>();
        if (options.Sandwich)
        {
            list.Add(new SandwichDetector(new SandwichDetectorOptions { MinConfidence = options.MinConfidence, CrossSlot = options.CrossSlot, MaxDistance = options.MaxSandwichDistance }, timeProvider));
        }

        if (options.Arbitrage)
        {
            list.Add(new ArbitrageDetector(timeProvider));
        }

        if (options.JitLiquidity)
        {
            list.Add(new JitLiquidityDetector(timeProvider));
        }

        if (options.Backrun)
        {
            list.Add(new BackrunDetector(timeProvider));
        }

        return list;
    }

    /// <summary>Detects MEV patterns in a window.</summary>
    /// <param name="window">The window.</param>
    /// <returns>The detections (also cached for identical windows).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="window"/> is <see langword="null"/>.</exception>
    public IReadOnlyList<DetectionEvent> Detect(DetectionWindow window) => Detect(window, countDetections: true);

    /// <summary>Detects without counting the detections in <c>defensive.detections</c>; callers that re-run a growing window
    /// (the streaming detector) count each new detection once through <see cref="CountDetection"/>.</summary>
    internal IReadOnlyList<DetectionEvent> Detect(DetectionWindow window, bool countDetections)
    {
        ArgumentNullException.ThrowIfNull(window);
        var start = Stopwatch.GetTimestamp();
        var unresolved = 0;
        for (var i = 0; i < window.Count; i++)
        {
            unresolved += window[i].UnresolvedSwapCount;
        }

        var key = _options.CacheCapacity > 0 ? Fingerprint(window) : default;
        if (_options.CacheCapacity > 0 && _cache.TryGet(key, out var cached))
        {
            _metrics?.Window(window.Count, unresolved, Stopwatch.GetElapsedTime(start).TotalSeconds, cacheHit: true);
            return cached;
        }

        IReadOnlyList<DetectionEvent> result;
        lock (_lock)
        {
            result = DetectCore(window);
        }

        if (_options.CacheCapacity > 0)
        {
            _cache.Add(key, result);
        }

        if (_metrics is not null)
        {
            _metrics.Window(window.Count, unresolved, Stopwatch.GetElapsedTime(start).TotalSeconds, cacheHit: false);
            if (countDetections)
            {
                foreach (var d in result)
                {
                    _metrics.Detection(d.Kind);
                }
            }
        }

        return result;
    }

    /// <summary>Counts one detection in <c>defensive.detections</c>.</summary>
    internal void CountDetection(DetectionKind kind) => _metrics?.Detection(kind);

    /// <summary>Gets whether detection is the rule detectors alone (no scorer in play), so it can run incrementally.</summary>
    internal bool RulesOnly => _options.Mode == DetectionMode.Rules || (_options.Mode == DetectionMode.Combined && _scorer is null);

    /// <summary>
    /// Creates an incremental runner with the same rule detectors (same options and clock) as this pipeline, or
    /// <see langword="null"/> when the pipeline was given its own detectors (their incremental behaviour is unknown).
    /// </summary>
    internal IncrementalRuleRunner? CreateIncrementalRunner()
    {
        SandwichDetector? sandwich = null;
        ArbitrageDetector? arbitrage = null;
        JitLiquidityDetector? jit = null;
        BackrunDetector? backrun = null;
        foreach (var d in _detectors)
        {
            switch (d)
            {
                case SandwichDetector s when sandwich is null:
                    sandwich = new SandwichDetector(s.Options, _time);
                    break;
                case ArbitrageDetector when arbitrage is null:
                    arbitrage = new ArbitrageDetector(_time);
                    break;
                case JitLiquidityDetector when jit is null:
                    jit = new JitLiquidityDetector(_time);
                    break;
                case BackrunDetector when backrun is null:
                    backrun = new BackrunDetector(_time);
                    break;
                default:
                    return null;
            }
        }

        return new IncrementalRuleRunner(sandwich, arbitrage, jit, backrun);
    }

    /// <summary>Records one detection run in the window metrics (incremental runs, which bypass <see cref="Detect(DetectionWindow)"/>).</summary>
    internal void RecordWindow(int transactions, int unresolvedSwaps, double seconds) => _metrics?.Window(transactions, unresolvedSwaps, seconds, cacheHit: false);

    /// <summary>Detects MEV patterns in a window and hands every detection to the sinks.</summary>
    /// <param name="window">The window.</param>
    /// <param name="cancellationToken">Cancels delivery to the sinks.</param>
    /// <returns>The detections.</returns>
    public async ValueTask<IReadOnlyList<DetectionEvent>> DetectAsync(DetectionWindow window, CancellationToken cancellationToken = default)
    {
        var result = Detect(window);
        foreach (var d in result)
        {
            foreach (var sink in _sinks)
            {
                try
                {
                    await sink.OnDetectionAsync(d, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    DetectionLog.SinkFailed(_logger, ex);
                }
            }
        }

        return result;
    }

    private IReadOnlyList<DetectionEvent> DetectCore(DetectionWindow window)
    {
        _scratch.Clear();
        var mode = _scorer is null && _options.Mode == DetectionMode.Combined ? DetectionMode.Rules : _options.Mode;
        if (mode != DetectionMode.Model)
        {
            foreach (var d in _detectors)
            {
                d.Detect(window, _scratch);
            }
        }

        if (mode != DetectionMode.Rules && _scorer is not null && window.Count > 0)
        {
            var need = window.Count * ITransactionScorer.RoleCount;
            if (_probabilities.Length < need)
            {
                _probabilities = new float[Math.Max(need, _probabilities.Length * 2)];
            }

            var probabilities = _probabilities.AsSpan(0, need);
            try
            {
                _scorer.Score(window, probabilities);
                if (mode == DetectionMode.Combined)
                {
                    Rescore(window, probabilities);
                }

                ModelDetections(window, probabilities);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                DetectionLog.ScoringFailed(_logger, _scorer.Name, ex);
            }
        }

        return _scratch.Count == 0 ? [] : [.. _scratch];
    }

    private void Rescore(DetectionWindow window, ReadOnlySpan<float> p)
    {
        if (_options.ModelWeight <= 0)
        {
            return;
        }

        var positions = new Dictionary<Signature, int>(window.Count);
        for (var i = 0; i < window.Count; i++)
        {
            positions.TryAdd(window[i].Signature, i);
        }

        for (var e = 0; e < _scratch.Count; e++)
        {
            var d = _scratch[e];
            double support;
            if (d.Kind == DetectionKind.Sandwich && d.Front is { } f && d.Back is { } b && positions.TryGetValue(f, out var fi) && positions.TryGetValue(b, out var bi))
            {
                double victims = 0;
                var n = 0;
                foreach (var v in d.Victims)
                {
                    if (positions.TryGetValue(v, out var vi))
                    {
                        victims += p[(vi * ITransactionScorer.RoleCount) + 2];
                        n++;
                    }
                }

                support = (p[(fi * ITransactionScorer.RoleCount) + 1] + p[(bi * ITransactionScorer.RoleCount) + 3] + (n > 0 ? victims / n : 0)) / 3;
            }
            else if (d.Kind is DetectionKind.Arbitrage or DetectionKind.Backrun && d.Front is { } a && positions.TryGetValue(a, out var ai))
            {
                support = p[(ai * ITransactionScorer.RoleCount) + 4];
            }
            else
            {
                continue;
            }

            var w = _options.ModelWeight;
            _scratch[e] = d with
            {
                Confidence = Math.Round(Math.Clamp(((1 - w) * d.Confidence) + (w * support), 0, 1), 4),
                Detector = d.Detector + "+" + _scorer!.Name,
                ModelVersion = _scorer.ModelVersion,
            };
        }

        _scratch.RemoveAll(d => d.Confidence < _options.MinConfidence);
    }

    /// <summary>Sandwiches and arbitrages proposed by the model alone and not already reported.</summary>
    private void ModelDetections(DetectionWindow window, ReadOnlySpan<float> p)
    {
        const int R = ITransactionScorer.RoleCount;
        var tau = _options.ModelThreshold;
        var index = window.Prepare();
        var reported = new HashSet<Signature>();
        foreach (var d in _scratch)
        {
            if (d.Front is { } f)
            {
                reported.Add(f);
            }

            if (d.Back is { } b)
            {
                reported.Add(b);
            }
        }

        for (var pool = 0; pool < index.PoolCount; pool++)
        {
            var legs = index.PoolLegs(pool);
            for (var i = 0; i < legs.Length; i++)
            {
                var f = legs[i];
                var ftx = window[f.Tx];
                if (p[(f.Tx * R) + 1] < tau || reported.Contains(ftx.Signature))
                {
                    continue;
                }

                for (var j = i + 1; j < legs.Length; j++)
                {
                    var b = legs[j];
                    var btx = window[b.Tx];
                    if (b.Tx == f.Tx || p[(b.Tx * R) + 3] < tau || (f.Direction != 0 && b.Direction != 0 && f.Direction != -b.Direction)
                        || reported.Contains(btx.Signature) || !window.SameLeaderRun(ftx.Slot, btx.Slot))
                    {
                        continue;
                    }

                    var victims = new List<Signature>();
                    double best = 0;
                    for (var m = i + 1; m < j; m++)
                    {
                        var v = legs[m];
                        var pv = p[(v.Tx * R) + 2];
                        if (v.Tx != f.Tx && v.Tx != b.Tx && pv >= 0.5)
                        {
                            victims.Add(window[v.Tx].Signature);
                            best = Math.Max(best, pv);
                        }
                    }

                    if (victims.Count == 0)
                    {
                        continue;
                    }

                    var c = 0.9 * Math.Cbrt(p[(f.Tx * R) + 1] * p[(b.Tx * R) + 3] * best);
                    if (c >= _options.MinConfidence)
                    {
                        reported.Add(ftx.Signature);
                        reported.Add(btx.Signature);
                        _scratch.Add(new DetectionEvent
                        {
                            Kind = DetectionKind.Sandwich,
                            Slot = btx.Slot,
                            Front = ftx.Signature,
                            Back = btx.Signature,
                            Victims = victims,
                            Attacker = ftx.FeePayer,
                            Pool = index.Pool(pool),
                            Confidence = Math.Round(c, 4),
                            Detector = _scorer!.Name,
                            ModelVersion = _scorer.ModelVersion,
                            DetectedAt = _time.GetUtcNow(),
                            Transactions = [ftx.Signature, .. victims, btx.Signature],
                        });
                    }

                    break;
                }
            }
        }

        for (var t = 0; t < window.Count; t++)
        {
            var tx = window[t];
            var pa = p[(t * R) + 4];
            // The rules judge cycle structure precisely; the model alone adds an arbitrage only with high support and at
            // least two distinct pools.
            if (pa >= Math.Max(tau, 0.9) && DistinctPools(index, t) >= 2 && !reported.Contains(tx.Signature) && 0.9 * pa >= _options.MinConfidence)
            {
                _scratch.Add(new DetectionEvent
                {
                    Kind = DetectionKind.Arbitrage,
                    Slot = tx.Slot,
                    Front = tx.Signature,
                    Attacker = tx.FeePayer,
                    Pool = tx.Swaps[index.TxLegs(t)[0].Swap].Pool,
                    Confidence = Math.Round(0.9 * pa, 4),
                    Detector = _scorer!.Name,
                    ModelVersion = _scorer.ModelVersion,
                    DetectedAt = _time.GetUtcNow(),
                    Transactions = [tx.Signature],
                });
            }
        }
    }

    private static int DistinctPools(WindowIndex index, int t)
    {
        var legs = index.TxLegs(t);
        var distinct = 0;
        for (var i = 0; i < legs.Length; i++)
        {
            var seen = false;
            for (var j = 0; j < i && !seen; j++)
            {
                seen = legs[j].Pool == legs[i].Pool;
            }

            distinct += seen ? 0 : 1;
        }

        return distinct;
    }

    private UInt128 Fingerprint(DetectionWindow window)
    {
        using var h = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> meta = stackalloc byte[12];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(meta, window.Count);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(meta[4..], (int)_options.Mode);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(meta[8..], window.AccountState is null ? 0 : 1);
        h.AppendData(meta);
        Span<byte> slot = stackalloc byte[8];
        for (var i = 0; i < window.Count; i++)
        {
            var t = window[i];
            h.AppendData(t.Signature.AsSpan());
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(slot, t.Slot);
            h.AppendData(slot);
        }

        Span<byte> digest = stackalloc byte[32];
        h.GetHashAndReset(digest);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt128LittleEndian(digest);
    }
}
