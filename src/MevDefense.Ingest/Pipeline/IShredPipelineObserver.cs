namespace MevDefense.Ingest.Pipeline;

/// <summary>Receives what a <see cref="ShredPipeline"/> produces, synchronously on the thread that calls <see cref="ShredPipeline.Process(ReadOnlySpan{byte}, long, int)"/>.</summary>
/// <remarks>Keep callbacks short; hand work to a queue if needed. Exceptions thrown by callbacks propagate to the caller.</remarks>
public interface IShredPipelineObserver
{
    /// <summary>Called for every completed entry batch, as soon as its last shred arrives or is recovered.</summary>
    /// <param name="batch">The batch (valid only during the call).</param>
    void OnEntryBatch(in EntryBatch batch);

    /// <summary>Called once per FEC set when it is retired (its slot evicted, or <see cref="ShredPipeline.Flush"/>).</summary>
    /// <param name="result">The set's final state.</param>
    void OnFecSet(in FecSetResult result);

    /// <summary>Called once per (slot, fec_set_index) when a second, conflicting signature is seen.</summary>
    /// <param name="equivocation">The conflicting pair.</param>
    void OnEquivocation(in ShredEquivocation equivocation);

    /// <summary>Called for every shred rebuilt by Reed–Solomon recovery after its FEC set's rebuilt Merkle root matched the signed
    /// root (e.g. to forward or store it). The default implementation does nothing.</summary>
    /// <param name="slot">The slot.</param>
    /// <param name="index">The shred index.</param>
    /// <param name="isData">True for a data shred, false for a coding shred.</param>
    /// <param name="shred">The complete rebuilt shred (valid only during the call).</param>
    void OnShredRecovered(ulong slot, uint index, bool isData, ReadOnlySpan<byte> shred)
    {
    }
}
