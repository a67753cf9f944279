namespace MevDefense.Ingest.Merkle;

/// <summary>Supplies the leader (block producer) of a slot, whose key signs every FEC set's Merkle root.</summary>
/// <remarks>Called on the ingest hot path once per new FEC set: implementations must answer from memory and be thread-safe.</remarks>
public interface ILeaderScheduleProvider
{
    /// <summary>Gets the leader of a slot.</summary>
    /// <param name="slot">The slot.</param>
    /// <param name="leader">The leader's identity key when known.</param>
    /// <returns>True when the leader of <paramref name="slot"/> is known.</returns>
    bool TryGetLeader(ulong slot, out Pubkey leader);
}
