namespace MevDefense.Ingest.Merkle;

/// <summary>A leader schedule answered by a callback (e.g. a cache the host keeps up to date).</summary>
public sealed class CallbackLeaderScheduleProvider : ILeaderScheduleProvider
{
    private readonly Func<ulong, Pubkey?> _lookup;

    /// <summary>Creates the provider.</summary>
    /// <param name="lookup">Returns the leader of a slot or null when unknown; must be fast and thread-safe.</param>
    /// <exception cref="ArgumentNullException"><paramref name="lookup"/> is null.</exception>
    public CallbackLeaderScheduleProvider(Func<ulong, Pubkey?> lookup)
    {
        ArgumentNullException.ThrowIfNull(lookup);
        _lookup = lookup;
    }

    /// <inheritdoc/>
    public bool TryGetLeader(ulong slot, out Pubkey leader)
    {
        var result = _lookup(slot);
        leader = result.GetValueOrDefault();
        return result.HasValue;
    }
}
