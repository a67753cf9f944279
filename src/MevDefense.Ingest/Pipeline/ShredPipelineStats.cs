using MevDefense.Ingest.Shreds;

namespace MevDefense.Ingest.Pipeline;

/// <summary>Counters of a <see cref="ShredPipeline"/>. Written by the pipeline thread; safe to read from others.</summary>
public sealed class ShredPipelineStats
{
    private readonly long[] _rejected = new long[Enum.GetValues<ShredRejectReason>().Length];
    internal long _datagrams;
    internal long _accepted;
    internal long _duplicates;
    internal long _fecSets;
    internal long _fecSetsCompleted;
    internal long _recovered;
    internal long _recoveryFailures;
    internal long _signatureVerifications;
    internal long _equivocations;
    internal long _batches;
    internal long _batchDecodeErrors;
    internal long _entries;
    internal long _transactions;
    internal long _evictedSlots;
    internal long _evictedIncompleteFecSets;
    internal long _codingShredsNotVerified;

    /// <summary>Gets the number of datagrams processed.</summary>
    public long Datagrams => Volatile.Read(ref _datagrams);

    /// <summary>Gets the number of new valid shreds (with <see cref="ShredPipelineOptions.LazyCodingShredVerification"/>, a deferred coding
    /// shred is counted here only once it has been verified, when its FEC set needed it).</summary>
    public long Accepted => Volatile.Read(ref _accepted);

    /// <summary>Gets the number of duplicate shreds removed.</summary>
    public long Duplicates => Volatile.Read(ref _duplicates);

    /// <summary>Gets the total number of rejected datagrams.</summary>
    public long Rejected
    {
        get
        {
            long total = 0;
            for (int i = 0; i < _rejected.Length; i++)
            {
                total += Volatile.Read(ref _rejected[i]);
            }

            return total;
        }
    }

    /// <summary>Gets the number of FEC sets created.</summary>
    public long FecSets => Volatile.Read(ref _fecSets);

    /// <summary>Gets the number of FEC sets whose data became complete.</summary>
    public long FecSetsCompleted => Volatile.Read(ref _fecSetsCompleted);

    /// <summary>Gets the number of data shreds recovered by Reed–Solomon.</summary>
    public long Recovered => Volatile.Read(ref _recovered);

    /// <summary>Gets the number of recoveries whose rebuilt Merkle root did not match the signed root.</summary>
    public long RecoveryFailures => Volatile.Read(ref _recoveryFailures);

    /// <summary>Gets the number of Ed25519 verifications performed.</summary>
    public long SignatureVerifications => Volatile.Read(ref _signatureVerifications);

    /// <summary>Gets the number of equivocations (conflicting FEC set versions) seen.</summary>
    public long Equivocations => Volatile.Read(ref _equivocations);

    /// <summary>Gets the number of entry batches emitted.</summary>
    public long Batches => Volatile.Read(ref _batches);

    /// <summary>Gets the number of emitted batches that did not decode as entries.</summary>
    public long BatchDecodeErrors => Volatile.Read(ref _batchDecodeErrors);

    /// <summary>Gets the number of entries in emitted batches.</summary>
    public long Entries => Volatile.Read(ref _entries);

    /// <summary>Gets the number of transactions in emitted batches.</summary>
    public long Transactions => Volatile.Read(ref _transactions);

    /// <summary>Gets the number of slots evicted from the window.</summary>
    public long EvictedSlots => Volatile.Read(ref _evictedSlots);

    /// <summary>Gets the number of FEC sets evicted before their data was complete.</summary>
    public long EvictedIncompleteFecSets => Volatile.Read(ref _evictedIncompleteFecSets);

    /// <summary>Gets the number of coding shreds released without Merkle verification because their FEC set completed (or was retired)
    /// without needing them (<see cref="ShredPipelineOptions.LazyCodingShredVerification"/>). They are counted neither as accepted nor as rejected.</summary>
    public long CodingShredsNotVerified => Volatile.Read(ref _codingShredsNotVerified);

    /// <summary>Gets the number of datagrams rejected for <paramref name="reason"/>.</summary>
    /// <param name="reason">The reason.</param>
    /// <returns>The count.</returns>
    public long GetRejected(ShredRejectReason reason) => (uint)reason < (uint)_rejected.Length ? Volatile.Read(ref _rejected[(int)reason]) : 0;

    internal void AddRejected(ShredRejectReason reason) => _rejected[(int)reason]++;
}
