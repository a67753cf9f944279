namespace MevDefense.Dna;

/// <summary>The outcome of <see cref="DnaVerifier.VerifyAsync"/>.</summary>
/// <param name="IsValid">Whether every check passed.</param>
/// <param name="RecordCount">The number of records that verified before the first failure (all of them when valid).</param>
/// <param name="FirstBadSequence">The first sequence whose record is missing, corrupt, out of place or wrongly signed; <see langword="null"/> when the records are fine (or the failure concerns a checkpoint or anchor of verified records).</param>
/// <param name="Failure">A human-readable description of the first failure, or <see langword="null"/>.</param>
/// <param name="CheckpointsVerified">The number of stored checkpoints that verified.</param>
/// <param name="AnchorsVerified">The number of anchor receipts that verified.</param>
public sealed record DnaVerificationResult(bool IsValid, ulong RecordCount, ulong? FirstBadSequence, string? Failure, int CheckpointsVerified, int AnchorsVerified);
