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
