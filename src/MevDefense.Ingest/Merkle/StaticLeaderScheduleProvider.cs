using System.Collections.Frozen;

namespace MevDefense.Ingest.Merkle;

/// <summary>A leader schedule fixed at construction: a slot-to-leader map, optionally with one leader for every other slot.</summary>
public sealed class StaticLeaderScheduleProvider : ILeaderScheduleProvider
{
    private readonly FrozenDictionary<ulong, Pubkey> _slots;
    private readonly Pubkey? _fallback;

    /// <summary>Creates a provider that answers <paramref name="leader"/> for every slot (single-leader clusters, fixtures, replay).</summary>
    /// <param name="leader">The leader of every slot.</param>
    public StaticLeaderScheduleProvider(Pubkey leader)
    {
        _slots = FrozenDictionary<ulong, Pubkey>.Empty;
        _fallback = leader;
    }

    /// <summary>Creates a provider from a slot-to-leader map.</summary>
    /// <param name="schedule">The leader of each known slot.</param>
    /// <param name="fallback">The leader of slots absent from <paramref name="schedule"/>, or null to report them unknown.</param>
    /// <exception cref="ArgumentNullException"><paramref name="schedule"/> is null.</exception>
    public StaticLeaderScheduleProvider(IEnumerable<KeyValuePair<ulong, Pubkey>> schedule, Pubkey? fallback = null)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        _slots = schedule.ToFrozenDictionary();
        _fallback = fallback;
    }

    /// <inheritdoc/>
    public bool TryGetLeader(ulong slot, out Pubkey leader)
    {
        if (_slots.TryGetValue(slot, out leader))
        {
            return true;
        }

        leader = _fallback.GetValueOrDefault();
        return _fallback.HasValue;
    }
}
