using MevDefense.Ingest.Pipeline;
using MevDefense.Ingest.Ring;

namespace MevDefense.Ingest.Replay;

/// <summary>Receives one replayed datagram.</summary>
/// <param name="datagram">The datagram bytes (valid during the call).</param>
/// <param name="timestampMicroseconds">The capture timestamp, or -1.</param>
public delegate void ShredDatagramHandler(ReadOnlySpan<byte> datagram, long timestampMicroseconds);

/// <summary>Feeds a replay file to a handler at full speed or paced by the capture timestamps.</summary>
public static class ShredReplayer
{
    /// <summary>Replays every datagram of <paramref name="reader"/> at full speed.</summary>
    /// <param name="reader">The reader.</param>
    /// <param name="handler">The handler.</param>
    /// <returns>The number of datagrams delivered.</returns>
    /// <exception cref="FormatException">The file is malformed.</exception>
    public static long Replay(ShredReplayReader reader, ShredDatagramHandler handler)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(handler);
        long n = 0;
        while (reader.TryRead(out var record))
        {
            handler(record.Datagram.Span, record.TimestampMicroseconds);
            n++;
        }

        return n;
    }

    /// <summary>
    /// Replays every datagram of <paramref name="reader"/> into <paramref name="pipeline"/> at full speed, in batches through
    /// <see cref="ShredPipeline.ProcessBatch"/> (same results as <see cref="ShredPipeline.Process(ReadOnlySpan{byte}, long, int)"/> per
    /// datagram, with the Merkle leaves of each batch hashed together). The receive timestamp given to the pipeline is the capture
    /// timestamp in microseconds, or for records without one a running count.
    /// </summary>
    /// <param name="reader">The reader.</param>
    /// <param name="pipeline">The pipeline.</param>
    /// <param name="sourceId">The source id passed with every datagram.</param>
    /// <param name="batchSize">The number of datagrams per batch.</param>
    /// <returns>The number of datagrams delivered.</returns>
    /// <exception cref="FormatException">The file is malformed.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is less than 1.</exception>
    public static long Replay(ShredReplayReader reader, ShredPipeline pipeline, int sourceId = 0, int batchSize = DatagramRing.DefaultBatchSize)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        const int stride = DatagramRing.SlotSize;
        var buffer = new byte[batchSize * stride];
        var lengths = new int[batchSize];
        var timestamps = new long[batchSize];
        var sources = new int[batchSize];
        Array.Fill(sources, sourceId);
        long n = 0;
        long ordinal = 0;
        int pending = 0;
        while (reader.TryRead(out var record))
        {
            long ts = record.TimestampMicroseconds >= 0 ? record.TimestampMicroseconds : ordinal++;
            var datagram = record.Datagram.Span;
            if (datagram.Length > stride)
            {
                // Longer than any UDP shred packet (the pipeline rejects it); keep the order by flushing first.
                Flush(pipeline, buffer, lengths, timestamps, sources, ref pending);
                pipeline.Process(datagram, ts, sourceId);
            }
            else
            {
                datagram.CopyTo(buffer.AsSpan(pending * stride));
                lengths[pending] = datagram.Length;
                timestamps[pending] = ts;
                if (++pending == batchSize)
                {
                    Flush(pipeline, buffer, lengths, timestamps, sources, ref pending);
                }
            }

            n++;
        }

        Flush(pipeline, buffer, lengths, timestamps, sources, ref pending);
        return n;
    }

    private static void Flush(ShredPipeline pipeline, byte[] buffer, int[] lengths, long[] timestamps, int[] sources, ref int pending)
    {
        if (pending > 0)
        {
            pipeline.ProcessBatch(new DatagramBatch(buffer, DatagramRing.SlotSize, lengths.AsSpan(0, pending), timestamps.AsSpan(0, pending), sources.AsSpan(0, pending)), []);
            pending = 0;
        }
    }

    /// <summary>Replays every datagram, waiting between datagrams so that their spacing follows the capture timestamps
    /// (scaled by <paramref name="speed"/>). Records without timestamps are delivered immediately.</summary>
    /// <param name="reader">The reader.</param>
    /// <param name="handler">The handler.</param>
    /// <param name="timeProvider">The clock used to wait.</param>
    /// <param name="speed">Playback speed (1 = real time, 2 = twice as fast).</param>
    /// <param name="cancellationToken">Cancels the replay.</param>
    /// <returns>The number of datagrams delivered.</returns>
    /// <exception cref="FormatException">The file is malformed.</exception>
    public static async Task<long> ReplayPacedAsync(ShredReplayReader reader, ShredDatagramHandler handler, TimeProvider timeProvider, double speed = 1.0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(speed, 0);
        long n = 0;
        long firstCapture = -1;
        long start = timeProvider.GetTimestamp();
        while (reader.TryRead(out var record))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (record.TimestampMicroseconds >= 0)
            {
                if (firstCapture < 0)
                {
                    firstCapture = record.TimestampMicroseconds;
                    start = timeProvider.GetTimestamp();
                }

                var due = TimeSpan.FromMicroseconds((record.TimestampMicroseconds - firstCapture) / speed);
                var wait = due - timeProvider.GetElapsedTime(start);
                if (wait > TimeSpan.Zero)
                {
                    // The datagram memory is reused by the next read only, so it stays valid across the wait.
                    await Task.Delay(wait, timeProvider, cancellationToken).ConfigureAwait(false);
                }
            }

            handler(record.Datagram.Span, record.TimestampMicroseconds);
            n++;
        }

        return n;
    }
}
