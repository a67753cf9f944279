namespace MevDefense.Ingest.Ring;

/// <summary>
/// A datagram sink that can take a whole drained batch at once (for example to hash every shred's Merkle leaf of the batch
/// with the multi-buffer SHA-256, see <see cref="Pipeline.ShredPipeline.ProcessBatch"/>). <see cref="RingConsumer"/> and
/// <see cref="DatagramRing.Drain(IDatagramBatchSink, int)"/> hand such sinks batches instead of single datagrams.
/// </summary>
/// <remarks>Handling a batch must be equivalent to handling its datagrams one by one, in order, with
/// <see cref="IDatagramSink.OnDatagram"/>.</remarks>
public interface IDatagramBatchSink : IDatagramSink
{
    /// <summary>Handles a batch of datagrams, in order.</summary>
    /// <param name="batch">The datagrams, valid only during the call.</param>
    void OnDatagrams(in DatagramBatch batch);
}
