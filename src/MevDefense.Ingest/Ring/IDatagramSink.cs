namespace MevDefense.Ingest.Ring;

/// <summary>Receives datagrams drained from a <see cref="DatagramRing"/> or delivered by a source.</summary>
/// <remarks>The span is only valid during the call: copy what must outlive it.</remarks>
public interface IDatagramSink
{
    /// <summary>Handles one datagram.</summary>
    /// <param name="datagram">The datagram payload, valid only during the call.</param>
    /// <param name="receiveTimestamp">The <see cref="System.Diagnostics.Stopwatch.GetTimestamp"/> value taken when the datagram was received.</param>
    /// <param name="sourceId">The id of the source (receive loop, feed) that delivered it.</param>
    void OnDatagram(ReadOnlySpan<byte> datagram, long receiveTimestamp, int sourceId);
}
