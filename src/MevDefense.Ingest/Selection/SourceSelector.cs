namespace MevDefense.Ingest.Selection;

/// <summary>
/// Ranks shred feeds and JSON-RPC backfill routes by Thompson sampling: each source has a Beta(α, β) belief about how often it
/// wins (delivers a shred first, or backfills a slot); a ranking samples every belief and sorts by the draws, except that with
/// probability <see cref="SourceSelectorOptions.ExplorationRate"/> it is a uniformly random order. Evidence decays by
/// <see cref="SourceSelectorOptions.DecayFactor"/> per observation, so a source that changes is re-learned.
/// </summary>
/// <remarks>Thread-safe. Pass a seeded <see cref="Random"/> for reproducible rankings.</remarks>
public sealed class SourceSelector
{
    private readonly Lock _lock = new();
    private readonly Random _random;
    private readonly double _exploration;
    private readonly double _decay;
    private readonly double _prior;
    private readonly List<Arm> _arms = [];

    /// <summary>Creates a selector.</summary>
    /// <param name="options">The options.</param>
    /// <param name="random">The random source, or <see langword="null"/> for a new unseeded one.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public SourceSelector(SourceSelectorOptions options, Random? random = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!(options.ExplorationRate is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.ExplorationRate, "ExplorationRate must be in [0, 1].");
        }

        if (!(options.DecayFactor is > 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.DecayFactor, "DecayFactor must be in (0, 1].");
        }

        if (!(options.Prior is > 0 and < double.PositiveInfinity))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Prior, "Prior must be positive.");
        }

        _exploration = options.ExplorationRate;
        _decay = options.DecayFactor;
        _prior = options.Prior;
        _random = random ?? new Random();
    }

    /// <summary>Registers a source (idempotent for the same id, name and kind).</summary>
    /// <param name="sourceId">The id the source stamps on what it delivers.</param>
    /// <param name="name">A name for logs (for RPC routes, e.g. the endpoint).</param>
    /// <param name="kind">Feed or RPC route.</param>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">The id is registered with another name or kind.</exception>
    public void Register(int sourceId, string name, SourceKind kind = SourceKind.Feed)
    {
        ArgumentNullException.ThrowIfNull(name);
        lock (_lock)
        {
            var existing = Find(sourceId);
            if (existing is not null)
            {
                if (existing.Name != name || existing.Kind != kind)
                {
                    throw new InvalidOperationException($"Source {sourceId} is already registered as {existing.Name} ({existing.Kind}).");
                }

                return;
            }

            _arms.Add(new Arm(sourceId, name, kind, _prior, _prior));
        }
    }

    /// <summary>Records one race: <paramref name="winner"/> delivered a shred first, each of <paramref name="losers"/> delivered it later.</summary>
    /// <param name="winner">The id of the first source.</param>
    /// <param name="losers">The ids of the later sources (may be empty).</param>
    /// <exception cref="ArgumentException">An id is not registered.</exception>
    public void RecordRace(int winner, ReadOnlySpan<int> losers)
    {
        lock (_lock)
        {
            DecayAll(SourceKind.Feed);
            Require(winner).Alpha += 1;
            foreach (var l in losers)
            {
                if (l != winner)
                {
                    Require(l).Beta += 1;
                }
            }
        }
    }

    /// <summary>Records one outcome of a source: a win (first delivery, successful backfill) or a loss.</summary>
    /// <param name="sourceId">The source id.</param>
    /// <param name="success">Whether it won.</param>
    /// <exception cref="ArgumentException">The id is not registered.</exception>
    public void RecordOutcome(int sourceId, bool success)
    {
        lock (_lock)
        {
            var arm = Require(sourceId);
            DecayAll(arm.Kind);
            if (success)
            {
                arm.Alpha += 1;
            }
            else
            {
                arm.Beta += 1;
            }
        }
    }

    /// <summary>Ranks the sources of a kind, best first, by one Thompson draw (or a random order with the exploration probability).</summary>
    /// <param name="kind">The kind to rank.</param>
    /// <returns>The source ids, best first.</returns>
    public IReadOnlyList<int> Rank(SourceKind kind = SourceKind.Feed)
    {
        lock (_lock)
        {
            var arms = _arms.Where(a => a.Kind == kind).ToArray();
            if (arms.Length == 0)
            {
                return [];
            }

            var keys = new double[arms.Length];
            var explore = _random.NextDouble() < _exploration;
            for (var i = 0; i < arms.Length; i++)
            {
                keys[i] = explore ? _random.NextDouble() : BetaSampler.Sample(_random, arms[i].Alpha, arms[i].Beta);
            }

            Array.Sort(keys, arms);
            return [.. arms.Reverse().Select(static a => a.Id)];
        }
    }

    /// <summary>Picks the JSON-RPC route to backfill a slot that FEC could not complete (the first of <see cref="Rank"/> over routes).</summary>
    /// <returns>The route's source id, or <see langword="null"/> when no route is registered.</returns>
    public int? ChooseBackfillRoute()
    {
        var ranked = Rank(SourceKind.RpcRoute);
        return ranked.Count > 0 ? ranked[0] : null;
    }

    /// <summary>Gets the current evidence of every source.</summary>
    /// <returns>One estimate per registered source.</returns>
    public IReadOnlyList<SourceEstimate> Snapshot()
    {
        lock (_lock)
        {
            return [.. _arms.Select(static a => new SourceEstimate(a.Id, a.Name, a.Kind, a.Alpha, a.Beta))];
        }
    }

    private void DecayAll(SourceKind kind)
    {
        if (_decay == 1)
        {
            return;
        }

        foreach (var a in _arms)
        {
            if (a.Kind == kind)
            {
                a.Alpha = _prior + ((a.Alpha - _prior) * _decay);
                a.Beta = _prior + ((a.Beta - _prior) * _decay);
            }
        }
    }

    private Arm? Find(int id)
    {
        foreach (var a in _arms)
        {
            if (a.Id == id)
            {
                return a;
            }
        }

        return null;
    }

    private Arm Require(int id) => Find(id) ?? throw new ArgumentException($"Source {id} is not registered.", nameof(id));

    private sealed class Arm(int id, string name, SourceKind kind, double alpha, double beta)
    {
        public int Id { get; } = id;

        public string Name { get; } = name;

        public SourceKind Kind { get; } = kind;

        public double Alpha { get; set; } = alpha;

        public double Beta { get; set; } = beta;
    }
}
