namespace MevDefense.Detection.Rules.Internal;

/// <summary>
/// Runs the built-in rule detectors incrementally over a window that grows by appends (the streaming detector's leader-run
/// window): each run indexes only the transactions appended since the last one, resumes the sandwich rule only on the pools
/// they touched, resumes open JIT adds, and judges arbitrage and back-runs only for the new transactions. When a new
/// transaction reveals a mint that earlier legs had looked up, the index re-resolves exactly those legs and the runner
/// re-examines the pools whose evidence changed from the first front that could have read a changed leg (and re-judges the
/// transactions concerned). After every run
/// <see cref="Current"/> is exactly what one batch run over the window reports. When something other than an append changed
/// the window (it was cleared, a leader or the account state changed, a transaction was removed or replaced) it rebuilds
/// from scratch. Runs report every detection they (re)create; callers de-duplicate. Not thread-safe.
/// </summary>
internal sealed class IncrementalRuleRunner
{
    private readonly SandwichDetector? _sandwich;
    private readonly ArbitrageDetector? _arbitrage;
    private readonly JitLiquidityDetector? _jit;
    private readonly BackrunDetector? _backrun;
    private readonly WindowIndex _index = new();
    private readonly JitScanState _jitState = new();
    private readonly List<DetectionEvent> _jitFound = [];
    private SandwichPoolState[] _pools = new SandwichPoolState[64];
    private List<DetectionEvent>?[] _poolFound = new List<DetectionEvent>?[64];
    private int[] _poolMark = new int[64];
    private DetectionEvent?[] _arbitrageFound = new DetectionEvent?[64];
    private DetectionEvent?[] _backrunFound = new DetectionEvent?[64];
    private int[] _txMark = new int[64];
    private int _generation;
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

    /// <summary>Gets the sandwich rule the runner drives, or <see langword="null"/> when it is disabled.</summary>
    public SandwichDetector? Sandwich => _sandwich;

    /// <summary>Gets the number of runs in which a new transaction revised earlier evidence (pools re-examined from scratch).</summary>
    public long Revisions { get; private set; }

    /// <summary>Gets the number of pools re-examined (from their first affected front) because of revisions.</summary>
    public long RevisedPools { get; private set; }

    /// <summary>Gets the number of runs that rebuilt from scratch (first run, cleared or changed window).</summary>
    public long Rebuilds { get; private set; }

    /// <summary>Gets the unresolved-swap count summed over the window (for the window metric).</summary>
    public int UnresolvedSwaps => _unresolvedSwaps;

    /// <summary>Gets every detection of the window so far: equal to one batch run over it.</summary>
    public IReadOnlyList<DetectionEvent> Current
    {
        get
        {
            var all = new List<DetectionEvent>();
            for (var p = 0; p < _index.PoolCount && p < _poolFound.Length; p++)
            {
                if (_poolFound[p] is { } list)
                {
                    all.AddRange(list);
                }
            }

            for (var t = 0; t < _done; t++)
            {
                if (_arbitrageFound[t] is { } a)
                {
                    all.Add(a);
                }
            }

            all.AddRange(_jitFound);
            for (var t = 0; t < _done; t++)
            {
                if (_backrunFound[t] is { } b)
                {
                    all.Add(b);
                }
            }

            return all;
        }
    }

    /// <summary>Forgets all progress; the next run rebuilds.</summary>
    public void Invalidate() => _window = null;

    /// <summary>
    /// Brings the detections up to date with the window and adds to <paramref name="produced"/> every detection this run
    /// created: the ones completed by the appended transactions, those of pools and transactions re-examined because of a
    /// revision, and after a rebuild all of the window's.
    /// </summary>
    public void Run(DetectionWindow window, ICollection<DetectionEvent> produced)
    {
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(produced);
        var rebuild = !ReferenceEquals(window, _window) || window.StructureVersion != _structureVersion || window.Count < _done
            || (_done > 0 && window.SerialAt(_done - 1) != _lastSerial);
        _generation++;
        var from = rebuild ? 0 : _done;
        var n = window.Count;
        Grow(ref _arbitrageFound, n);
        Grow(ref _backrunFound, n);
        Grow(ref _txMark, n);
        if (rebuild)
        {
            Rebuilds++;
            _window = window;
            _structureVersion = window.StructureVersion;
            _unresolvedSwaps = 0;
            _jitState.Reset();
            _jitFound.Clear();
            Array.Clear(_arbitrageFound);
            Array.Clear(_backrunFound);
            for (var p = 0; p < _pools.Length; p++)
            {
                _pools[p]?.Reset();
                _poolFound[p]?.Clear();
            }

            _index.Build(window, tracking: true);
        }
        else
        {
            _index.Append(window);
        }

        for (var t = from; t < n; t++)
        {
            _unresolvedSwaps += window[t].UnresolvedSwapCount;
        }

        if (_index.RevisedPools.Length > 0 || _index.RevisedTransactions.Length > 0)
        {
            Revisions++;
            RevisedPools += _index.RevisedPools.Length;
        }

        if (_sandwich is not null)
        {
            // Pools whose evidence changed rewind to the first front that could have read the changed legs and redo the
            // fronts from there (old and new legs); the others resume.
            foreach (var p in _index.RevisedPools)
            {
                var state = Pool(p);
                state.Rewind(_index.RevisedFrom(p), _index.PoolLegs(p), _poolFound[p]!);
                _poolMark[p] = _generation;
                Advance(window, p, state, produced);
            }

            foreach (var p in _index.TouchedPools)
            {
                if (_poolMark[p] != _generation)
                {
                    Advance(window, p, Pool(p), produced);
                }
            }
        }

        if (_arbitrage is not null)
        {
            foreach (var t in _index.RevisedTransactions)
            {
                Set(ref _arbitrageFound[t], _arbitrage.DetectOne(window, _index, t), produced);
            }

            for (var t = from; t < n; t++)
            {
                Set(ref _arbitrageFound[t], _arbitrage.DetectOne(window, _index, t), produced);
            }
        }

        if (_jit is not null)
        {
            var before = _jitFound.Count;
            _jit.Advance(window, _index, _jitState, _jitFound);
            for (var i = before; i < _jitFound.Count; i++)
            {
                produced.Add(_jitFound[i]);
            }
        }

        if (_backrun is not null)
        {
            // A back-run verdict reads its transaction and the swap transactions of its slot just before it: re-judge each
            // revised transaction and the ones whose look-back reaches it.
            foreach (var u in _index.RevisedTransactions)
            {
                var swapsBetween = 0; // swap transactions strictly between u and t
                for (var t = u; t < from && window[t].Slot == window[u].Slot; t++)
                {
                    if (t > u && swapsBetween >= BackrunDetector.MaxLookback)
                    {
                        break;
                    }

                    if (_txMark[t] != _generation)
                    {
                        _txMark[t] = _generation;
                        Set(ref _backrunFound[t], _backrun.DetectOne(window, _index, t), produced);
                    }

                    if (t > u && window[t].HasSwap)
                    {
                        swapsBetween++;
                    }
                }
            }

            for (var t = from; t < n; t++)
            {
                Set(ref _backrunFound[t], _backrun.DetectOne(window, _index, t), produced);
            }
        }

        _done = n;
        _lastSerial = n > 0 ? window.SerialAt(n - 1) : 0;
    }

    private static void Set(ref DetectionEvent? slot, DetectionEvent? found, ICollection<DetectionEvent> produced)
    {
        slot = found;
        if (found is not null)
        {
            produced.Add(found);
        }
    }

    private void Advance(DetectionWindow window, int pool, SandwichPoolState state, ICollection<DetectionEvent> produced)
    {
        var list = _poolFound[pool]!;
        var before = list.Count;
        _sandwich!.Advance(window, _index, pool, state, list);
        for (var i = before; i < list.Count; i++)
        {
            produced.Add(list[i]);
        }
    }

    private SandwichPoolState Pool(int p)
    {
        if (p >= _pools.Length)
        {
            var size = Math.Max(p + 1, _pools.Length * 2);
            Array.Resize(ref _pools, size);
            Array.Resize(ref _poolFound, size);
            Array.Resize(ref _poolMark, size);
        }

        _poolFound[p] ??= [];
        return _pools[p] ??= new SandwichPoolState();
    }

    private static void Grow<T>(ref T[] array, int needed)
    {
        if (array.Length < needed)
        {
            Array.Resize(ref array, Math.Max(needed, array.Length * 2));
        }
    }
}
