using System.Diagnostics;
using MevDefense.Ingest.Ring;

namespace MevDefense.LoadTest;

/// <summary>Handles one batch of datagrams (valid only during the call).</summary>
internal delegate void DatagramBatchHandler(in DatagramBatch batch);

/// <summary>
/// The workload's datagrams laid out the way the receive ring holds them (one every <see cref="DatagramRing.SlotSize"/>
/// bytes), handed out in ring-drain batches of <see cref="DatagramRing.DefaultBatchSize"/> with the receive timestamp taken when
/// each batch is handed over. Built once, outside the timed region.
/// </summary>
internal sealed class RingFeed
{
    private const int BatchSize = DatagramRing.DefaultBatchSize;
    private readonly byte[] _slab;
    private readonly int[] _lengths;
    private readonly long[] _timestamps = new long[BatchSize];
    private readonly int[] _sources = new int[BatchSize];

    public RingFeed(IReadOnlyList<byte[]> datagrams)
    {
        _slab = new byte[datagrams.Count * DatagramRing.SlotSize];
        _lengths = new int[datagrams.Count];
        for (int i = 0; i < datagrams.Count; i++)
        {
            datagrams[i].CopyTo(_slab, i * DatagramRing.SlotSize);
            _lengths[i] = datagrams[i].Length;
        }
    }

    /// <summary>Hands every datagram to <paramref name="handler"/>, in order, in ring-drain batches.</summary>
    public void Feed(DatagramBatchHandler handler)
    {
        for (int i = 0; i < _lengths.Length; i += BatchSize)
        {
            int count = Math.Min(BatchSize, _lengths.Length - i);
            _timestamps.AsSpan(0, count).Fill(Stopwatch.GetTimestamp());
            handler(new DatagramBatch(
                _slab.AsSpan(i * DatagramRing.SlotSize, ((count - 1) * DatagramRing.SlotSize) + _lengths[i + count - 1]),
                DatagramRing.SlotSize,
                _lengths.AsSpan(i, count),
                _timestamps.AsSpan(0, count),
                _sources.AsSpan(0, count)));
        }
    }
}
