using MevDefense.Ingest.Merkle;
using MevDefense.Ingest.Shreds;

namespace MevDefense.Ingest.Pipeline;

/// <summary>Options of a <see cref="ShredPipeline"/>.</summary>
public sealed class ShredPipelineOptions
{
    /// <summary>Gets or sets the per-shred validation rules (expected shred version, current-format-only mode).</summary>
    /// <value>The default value is <see cref="ShredParseRules.Default"/> (all historical formats, any version).</value>
    public ShredParseRules Rules { get; set; } = ShredParseRules.Default;

    /// <summary>Gets or sets a value indicating whether leader signatures are verified (once per FEC set). Switch off only for trusted feeds.</summary>
    /// <value>The default value is true.</value>
    public bool VerifySignatures { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether shreds whose leader signature is invalid (or whose leader is unknown) are rejected.
    /// When false, they are processed and their FEC set reports <c>SignatureValid = false</c> (diagnostic decoding).</summary>
    /// <value>The default value is true.</value>
    public bool RejectInvalidSignatures { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether every shred's Merkle proof must lead to its FEC set's root (and recovered
    /// shreds must rebuild that root). Switch off only for trusted feeds or historical captures that predate today's Merkle hashing.</summary>
    /// <value>The default value is true.</value>
    public bool VerifyMerkleProofs { get; set; } = true;

    /// <summary>
    /// Gets or sets a value indicating whether coding shreds are Merkle-verified only when they are needed. With Merkle checks on,
    /// a coding shred of a FEC set whose geometry is already known (one of its coding shreds verified) and that carries the set's
    /// signature is held unverified (<see cref="ShredProcessResult.Deferred"/>); the held shreds are verified together when the set
    /// has enough shreds for Reed–Solomon recovery, or when another copy of the same shred with different bytes arrives, and are
    /// released unhashed when the set completes from its data shreds (counted in
    /// <see cref="ShredPipelineStats.CodingShredsNotVerified"/> and <see cref="FecSetResult.UnverifiedCodeShreds"/>).
    /// Entry batches, recoveries, equivocations and FEC set completion are the same as with eager verification; a corrupted
    /// coding shred is rejected (counted) when it is needed and simply released when it is not. Shreds with another signature
    /// are always verified before an equivocation is reported. Deferred shreds are never <see cref="ShredProcessResult.Accepted"/>,
    /// so a <see cref="Transport.ShredPipelineSink"/> does not forward them: leave this off when coding shreds must be forwarded.
    /// </summary>
    /// <value>The default value is false (the DI host turns it on when no forward destination is configured; see
    /// <see cref="ShredIngestOptions.LazyCodingShredVerification"/>).</value>
    public bool LazyCodingShredVerification { get; set; }

    /// <summary>Gets or sets the leader schedule used to verify signatures.</summary>
    /// <value>The default value is null (with <see cref="VerifySignatures"/> on, every shred is then rejected as <see cref="ShredRejectReason.UnknownLeader"/>).</value>
    public ILeaderScheduleProvider? LeaderSchedule { get; set; }

    /// <summary>Gets or sets how many slots behind the newest accepted slot are retained; older slots are evicted (counted) and their shreds rejected.</summary>
    /// <value>The default value is 32.</value>
    public int SlotWindow { get; set; } = 32;

    /// <summary>Gets or sets how far ahead of the newest accepted slot a shred's slot may be.</summary>
    /// <value>The default value is 512.</value>
    public int MaxSlotsAhead { get; set; } = 512;

    /// <summary>Gets or sets the maximum number of FEC sets held in memory; beyond it the oldest slot is evicted.</summary>
    /// <value>The default value is 4096.</value>
    public int MaxInFlightFecSets { get; set; } = 4096;

    /// <summary>Gets or sets a value indicating whether the SIMD Reed–Solomon path may be used.</summary>
    /// <value>The default value is true.</value>
    public bool UseSimd { get; set; } = true;
}
