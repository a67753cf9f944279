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
