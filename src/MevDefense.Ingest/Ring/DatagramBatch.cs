namespace MevDefense.Ingest.Ring;

/// <summary>
/// A batch of datagrams laid out at a fixed stride in one buffer, with per-datagram length, receive timestamp and source id:
/// the shape of a <see cref="DatagramRing"/> drain (datagram <c>i</c> is <c>Buffer[(i * Stride)..((i * Stride) + Lengths[i])]</c>).
/// </summary>
/// <remarks>A view: the memory belongs to the caller and is valid only while the batch is being handled.</remarks>
public readonly ref struct DatagramBatch
{
    /// <summary>Creates a batch view.</summary>
    /// <param name="buffer">Holds the datagrams, one every <paramref name="stride"/> bytes.</param>
    /// <param name="stride">The distance between the starts of consecutive datagrams.</param>
    /// <param name="lengths">The length of each datagram (at most <paramref name="stride"/>).</param>
    /// <param name="receiveTimestamps">The receive timestamp of each datagram.</param>
    /// <param name="sourceIds">The source id of each datagram.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="stride"/> is not positive.</exception>
    /// <exception cref="ArgumentException">The spans disagree in length, a length exceeds the stride, or the buffer is too short.</exception>
    public DatagramBatch(ReadOnlySpan<byte> buffer, int stride, ReadOnlySpan<int> lengths, ReadOnlySpan<long> receiveTimestamps, ReadOnlySpan<int> sourceIds)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, 1);
        if (receiveTimestamps.Length != lengths.Length || sourceIds.Length != lengths.Length)
        {
            throw new ArgumentException("Lengths, timestamps and source ids must have one entry per datagram.", nameof(lengths));
        }

        for (int i = 0; i < lengths.Length; i++)
        {
            if ((uint)lengths[i] > (uint)stride)
            {
                throw new ArgumentException($"Datagram {i} is longer than the stride.", nameof(lengths));
            }
        }

        if (lengths.Length > 0 && (long)(lengths.Length - 1) * stride + lengths[^1] > buffer.Length)
        {
            throw new ArgumentException("The buffer is shorter than the datagrams it should hold.", nameof(buffer));
        }

        Buffer = buffer;
        Stride = stride;
        Lengths = lengths;
        ReceiveTimestamps = receiveTimestamps;
        SourceIds = sourceIds;
    }

    /// <summary>Gets the buffer holding the datagrams.</summary>
    public ReadOnlySpan<byte> Buffer { get; }

    /// <summary>Gets the distance between the starts of consecutive datagrams.</summary>
    public int Stride { get; }

    /// <summary>Gets the length of each datagram.</summary>
    public ReadOnlySpan<int> Lengths { get; }

    /// <summary>Gets the receive timestamp of each datagram.</summary>
    public ReadOnlySpan<long> ReceiveTimestamps { get; }

    /// <summary>Gets the source id of each datagram.</summary>
    public ReadOnlySpan<int> SourceIds { get; }

    /// <summary>Gets the number of datagrams.</summary>
    public int Count => Lengths.Length;

    /// <summary>Gets datagram <paramref name="index"/>.</summary>
    /// <param name="index">The position in the batch.</param>
    /// <returns>The datagram bytes.</returns>
    public ReadOnlySpan<byte> this[int index] => Buffer.Slice(index * Stride, Lengths[index]);

    /// <summary>Gets the datagrams <c>[start, start + count)</c> as a batch.</summary>
    /// <param name="start">The first datagram.</param>
    /// <param name="count">The number of datagrams.</param>
    /// <returns>The sub-batch.</returns>
    public DatagramBatch Slice(int start, int count)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)start, (uint)Count, nameof(start));
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)count, (uint)(Count - start), nameof(count));
        var buffer = count == 0 ? default : Buffer[(start * Stride)..];
        return new DatagramBatch(buffer, Stride, Lengths.Slice(start, count), ReceiveTimestamps.Slice(start, count), SourceIds.Slice(start, count), trusted: true);
    }

    private DatagramBatch(ReadOnlySpan<byte> buffer, int stride, ReadOnlySpan<int> lengths, ReadOnlySpan<long> receiveTimestamps, ReadOnlySpan<int> sourceIds, bool trusted)
    {
        _ = trusted;
        Buffer = buffer;
        Stride = stride;
        Lengths = lengths;
        ReceiveTimestamps = receiveTimestamps;
        SourceIds = sourceIds;
    }

    /// <summary>Creates a batch over ring memory that is already known to be consistent (no validation).</summary>
    internal static DatagramBatch CreateUnchecked(ReadOnlySpan<byte> buffer, int stride, ReadOnlySpan<int> lengths, ReadOnlySpan<long> receiveTimestamps, ReadOnlySpan<int> sourceIds)
        => new(buffer, stride, lengths, receiveTimestamps, sourceIds, trusted: true);
}
