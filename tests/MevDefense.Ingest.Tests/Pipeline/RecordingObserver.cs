using MevDefense.Ingest.Pipeline;

namespace MevDefense.Ingest.Tests.Pipeline;

internal sealed class RecordingObserver : IShredPipelineObserver
{
    public List<(ulong Slot, uint First, uint Last, int Entries, int Txs, bool Decoded, byte[] Payload)> Batches { get; } = [];

    public List<FecSetResult> FecSets { get; } = [];

    public List<ShredEquivocation> Equivocations { get; } = [];

    public void OnEntryBatch(in EntryBatch batch)
        => Batches.Add((batch.Slot, batch.FirstShredIndex, batch.LastShredIndex, batch.EntryCount, batch.TransactionCount, batch.IsDecoded, batch.Payload.ToArray()));

    public void OnFecSet(in FecSetResult result) => FecSets.Add(result);

    public void OnEquivocation(in ShredEquivocation equivocation) => Equivocations.Add(equivocation);

    public List<(ulong Slot, uint Index, bool IsData, byte[] Shred)> Recovered { get; } = [];

    public void OnShredRecovered(ulong slot, uint index, bool isData, ReadOnlySpan<byte> shred) => Recovered.Add((slot, index, isData, shred.ToArray()));
}
