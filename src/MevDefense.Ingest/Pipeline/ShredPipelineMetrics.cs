using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using MevDefense.Ingest.Shreds;

namespace MevDefense.Ingest.Pipeline;

/// <summary>Instruments of the shred pipeline on the <c>MevDefense.Ingest</c> meter.</summary>
internal sealed class ShredPipelineMetrics
{
    private readonly Counter<long> _messages;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _duplicates;
    private readonly Counter<long> _recovered;
    private readonly Counter<long> _fecSets;
    private readonly Counter<long> _equivocations;
    private readonly Counter<long> _evictions;
    private readonly Counter<long> _batches;
    private readonly Counter<long> _transactions;
    private readonly Counter<long> _notVerified;
    private readonly KeyValuePair<string, object?>[] _reasonTags;

    public ShredPipelineMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(new MeterOptions(MevDefenseMeters.Ingest));
        _messages = meter.CreateCounter<long>("defensive.shredstream.messages", "{message}", "Shred datagrams processed by the shred pipeline.");
        _rejected = meter.CreateCounter<long>("defensive.ingest.shreds.rejected", "{shred}", "Shred datagrams rejected, by reason.");
        _duplicates = meter.CreateCounter<long>("defensive.ingest.shreds.duplicates", "{shred}", "Duplicate shreds removed (across sources, retransmitter signature ignored).");
        _recovered = meter.CreateCounter<long>("defensive.ingest.shreds.recovered", "{shred}", "Data shreds recovered by Reed-Solomon.");
        _fecSets = meter.CreateCounter<long>("defensive.ingest.fec_sets.completed", "{fec_set}", "FEC sets whose data became complete.");
        _equivocations = meter.CreateCounter<long>("defensive.ingest.equivocations", "{fec_set}", "Conflicting versions of a FEC set (duplicate block signal).");
        _evictions = meter.CreateCounter<long>("defensive.ingest.slots.evicted", "{slot}", "Slots evicted from the shred window.");
        _batches = meter.CreateCounter<long>("defensive.ingest.entry_batches", "{batch}", "Entry batches deshredded.");
        _transactions = meter.CreateCounter<long>("defensive.ingest.transactions", "{transaction}", "Transactions in deshredded entry batches.");
        _notVerified = meter.CreateCounter<long>(
            "defensive.ingest.shreds.coding_not_verified", "{shred}", "Coding shreds released without Merkle verification because their FEC set did not need them (lazy coding verification).");
        var reasons = Enum.GetValues<ShredRejectReason>();
        _reasonTags = new KeyValuePair<string, object?>[reasons.Length];
        foreach (var r in reasons)
        {
            _reasonTags[(int)r] = new("reason", ShredRejectReasonNames.Get(r));
        }
    }

    public void Message()
    {
        if (_messages.Enabled)
        {
            _messages.Add(1);
        }
    }

    public void Rejected(ShredRejectReason reason)
    {
        if (_rejected.Enabled)
        {
            RejectedCore(reason);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void RejectedCore(ShredRejectReason reason) => _rejected.Add(1, _reasonTags[(int)reason]);

    public void Duplicate()
    {
        if (_duplicates.Enabled)
        {
            _duplicates.Add(1);
        }
    }

    public void Recovered(int n) => _recovered.Add(n);

    public void FecSetCompleted() => _fecSets.Add(1);

    public void Equivocation() => _equivocations.Add(1);

    public void CodingNotVerified(int n)
    {
        if (_notVerified.Enabled)
        {
            _notVerified.Add(n);
        }
    }

    public void Evicted() => _evictions.Add(1);

    public void Batch(int transactions)
    {
        _batches.Add(1);
        _transactions.Add(transactions);
    }
}
