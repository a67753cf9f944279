namespace MevDefense.Detection.Rules.Internal;

/// <summary>
/// Runs the built-in rule detectors incrementally over a window that grows by appends (the streaming detector's leader-run
/// window): each run indexes only the transactions appended since the last one, resumes the sandwich rule only on the pools
/// they touched, resumes open JIT adds, and judges arbitrage and back-runs only for the new transactions. The detections it
/// reports over a sequence of runs are exactly those of one batch run over the final window, each reported by the run whose
/// appends completed it; whenever something other than an append changed the window (it was cleared, a leader or the account
/// state changed, a transaction was removed, or a new transaction revealed a mint an earlier leg had looked up) it rebuilds
/// from scratch and reports every detection of the window again (callers de-duplicate). Not thread-safe.
/// </summary>
internal sealed class IncrementalRuleRunner
{
    private readonly SandwichDetector? _sandwich;
    private readonly ArbitrageDetector? _arbitrage;
    private readonly JitLiquidityDetector? _jit;
    private readonly BackrunDetector? _backrun;
    private readonly WindowIndex _index = new();
    private readonly JitScanState _jitState = new();
    private readonly List<DetectionEvent> _current = [];
    private SandwichPoolState[] _pools = new SandwichPoolState[64];
    private DetectionWindow? _window;
    private int _structureVersion;
    private int _done; // window transactions the detectors have seen
    private long _lastSerial;
    private int _unresolvedSwaps;

    public IncrementalRuleRunner(SandwichDetector? sandwich, ArbitrageDetector? arbitrage, JitLiquidityDetector? jit, BackrunDetector? backrun)
    {
        _sandwich = sandwich;
        _arbitrage = arbitrage;
        _jit = jit;
        _backrun = backrun;
    }

    /// <summary>Gets the number of runs that had to rebuild a non-empty index because an append changed what earlier transactions read.</summary>
    public long Revisions { get; private set; }

    /// <summary>Gets the number of runs that rebuilt from scratch for any reason (first run, cleared or changed window, revision).</summary>
    public long Rebuilds { get; private set; }

    /// <summary>Gets the number of transactions examined (each once, plus every transaction again on a rebuild).</summary>
    public long TransactionsExamined { get; private set; }

    /// <summary>Gets the unresolved-swap count summed over the window (for the window metric).</summary>
    public int UnresolvedSwaps => _unresolvedSwaps;

    /// <summary>Gets every detection of the window so far (since the last rebuild): equal to one batch run over the window.</summary>
    public IReadOnlyList<DetectionEvent> Current => _current;

    /// <summary>Forgets all progress; the next run rebuilds.</summary>
    public void Invalidate() => _window = null;

    /// <summary>Adds to <see cref="Current"/> the detections completed by the transactions appended since the last run (all of
    /// the window's after a rebuild).</summary>
    /// <returns>The position in <see cref="Current"/> of this run's first detection.</returns>
    public int Run(DetectionWindow window)
    {
        ArgumentNullException.ThrowIfNull(window);
        var detections = _current;
        var rebuild = !ReferenceEquals(window, _window) || window.StructureVersion != _structureVersion || window.Count < _done
            || (_done > 0 && window.SerialAt(_done - 1) != _lastSerial);
        if (!rebuild && !_index.TryAppend(window))
        {
            rebuild = true;
            Revisions++;
        }

        if (rebuild)
        {
            Rebuilds++;
            _window = window;
            _structureVersion = window.StructureVersion;
            _done = 0;
            _unresolvedSwaps = 0;
            _current.Clear();
            _jitState.Reset();
            foreach (var s in _pools)
            {
                s?.Reset();
            }

            _index.Build(window, tracking: true);
        }

        var from = _done;
        var first = _current.Count;
        for (var t = from; t < window.Count; t++)
        {
            _unresolvedSwaps += window[t].UnresolvedSwapCount;
        }

        TransactionsExamined += window.Count - from;
        if (_sandwich is not null)
        {
            foreach (var p in _index.TouchedPools)
            {
                if (p >= _pools.Length)
                {
                    Array.Resize(ref _pools, Math.Max(p + 1, _pools.Length * 2));
                }

                var state = _pools[p] ??= new SandwichPoolState();
                _sandwich.Advance(window, _index, p, state, detections);
            }
        }

        _arbitrage?.DetectRange(window, _index, from, detections);
        if (_jit is not null)
        {
            _jit.Advance(window, _index, _jitState, detections);
        }

        _backrun?.DetectRange(window, _index, from, detections);
        _done = window.Count;
        _lastSerial = _done > 0 ? window.SerialAt(_done - 1) : 0;
        return first;
    }
}
