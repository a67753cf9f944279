using System.Numerics;
using System.Runtime.InteropServices;

namespace MevDefense.Ingest.Ring;

/// <summary>
/// A bounded, lock-free single-producer/single-consumer ring of pooled datagram buffers (1,232 bytes each, plus length,
/// receive timestamp and source id) placed between a receive loop and the processing stage.
/// </summary>
/// <remarks>
/// <para>Exactly one thread may enqueue (the receive loop that owns the ring) and exactly one thread may drain it. Use one
/// ring per receive loop; <see cref="RingConsumer"/> drains several rings from one thread.</para>
/// <para>The slot memory is one pinned array allocated once: nothing is allocated per datagram. When the ring is full the
/// <see cref="FullMode"/> decides: <see cref="IngestFullMode.DropNewest"/> discards the arriving datagram,
/// <see cref="IngestFullMode.DropOldest"/> discards the oldest queued one. Entries the consumer is processing at that moment
/// cannot be reclaimed; then the arriving datagram is discarded instead. Every drop is counted.</para>
/// </remarks>
public sealed class DatagramRing
{
    /// <summary>The size of one slot: the largest UDP shred packet (<c>PACKET_DATA_SIZE</c>).</summary>
    public const int SlotSize = 1232;

    /// <summary>The default number of entries.</summary>
    public const int DefaultCapacity = 65_536;

    /// <summary>The default maximum number of datagrams handed out per drained batch.</summary>
    public const int DefaultBatchSize = 256;

    private readonly byte[] _slab;
    private readonly int[] _lengths;
    private readonly long[] _timestamps;
    private readonly int[] _sources;
    private readonly int _mask;
    private Indices _ix;

    /// <summary>Creates a ring.</summary>
    /// <param name="capacity">The number of entries, a power of two between 2 and 1,048,576.</param>
    /// <param name="fullMode">What to drop when the ring is full.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is not a power of two in range, or <paramref name="fullMode"/> is undefined.</exception>
    public DatagramRing(int capacity = DefaultCapacity, IngestFullMode fullMode = IngestFullMode.DropOldest)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(capacity, 1 << 20);
        if (!BitOperations.IsPow2(capacity))
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "The capacity must be a power of two.");
        }

        if (!Enum.IsDefined(fullMode))
        {
            throw new ArgumentOutOfRangeException(nameof(fullMode), fullMode, "Unknown full mode.");
        }

        Capacity = capacity;
        FullMode = fullMode;
        _mask = capacity - 1;
        _slab = GC.AllocateUninitializedArray<byte>(capacity * SlotSize, pinned: true);
        _lengths = new int[capacity];
        _timestamps = new long[capacity];
        _sources = new int[capacity];
    }

    /// <summary>Gets the number of entries.</summary>
    public int Capacity { get; }

    /// <summary>Gets the policy applied when the ring is full.</summary>
    public IngestFullMode FullMode { get; }

    /// <summary>Gets the approximate number of queued datagrams (including a batch being processed).</summary>
    public int Count => (int)(Volatile.Read(ref _ix.Tail) - Volatile.Read(ref _ix.Released));

    /// <summary>Gets the number of datagrams accepted since creation.</summary>
    public long Enqueued => Volatile.Read(ref _ix.Tail);

    /// <summary>Gets the number of arriving datagrams discarded because the ring was full.</summary>
    public long DroppedNewest => Volatile.Read(ref _ix.DroppedNewest);

    /// <summary>Gets the number of queued datagrams discarded to make room (<see cref="IngestFullMode.DropOldest"/>).</summary>
    public long DroppedOldest => Volatile.Read(ref _ix.DroppedOldest);

    /// <summary>Gets the total number of dropped datagrams.</summary>
    public long Dropped => DroppedNewest + DroppedOldest;

    /// <summary>Gets whether the ring holds no unclaimed datagram.</summary>
    public bool IsEmpty => Volatile.Read(ref _ix.Tail) == Volatile.Read(ref _ix.Head);

    /// <summary>Copies a datagram into the ring (producer thread only).</summary>
    /// <param name="datagram">The payload, at most <see cref="SlotSize"/> bytes.</param>
    /// <param name="receiveTimestamp">The receive timestamp (<see cref="System.Diagnostics.Stopwatch.GetTimestamp"/>).</param>
    /// <param name="sourceId">The source id stored with it.</param>
    /// <returns><see langword="true"/> when the datagram was queued; <see langword="false"/> when it was dropped (counted in <see cref="DroppedNewest"/>).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="datagram"/> is longer than <see cref="SlotSize"/>.</exception>
    public bool TryEnqueue(ReadOnlySpan<byte> datagram, long receiveTimestamp, int sourceId)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(datagram.Length, SlotSize, nameof(datagram));
        var tail = _ix.Tail;
        if (tail - Volatile.Read(ref _ix.Released) >= Capacity && !MakeRoom(1))
        {
            Interlocked.Increment(ref _ix.DroppedNewest);
            return false;
        }

        var i = (int)(tail & _mask);
        datagram.CopyTo(_slab.AsSpan(i * SlotSize, SlotSize));
        _lengths[i] = datagram.Length;
        _timestamps[i] = receiveTimestamp;
        _sources[i] = sourceId;
        Volatile.Write(ref _ix.Tail, tail + 1);
        return true;
    }

    /// <summary>Hands up to <paramref name="maxBatch"/> queued datagrams to <paramref name="sink"/>, oldest first (consumer thread only).</summary>
    /// <typeparam name="TSink">The sink type (a struct sink avoids interface dispatch).</typeparam>
    /// <param name="sink">Receives each datagram; the span is valid only during the call.</param>
    /// <param name="maxBatch">The maximum number of datagrams to hand out.</param>
    /// <returns>The number of datagrams handed out.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxBatch"/> is less than 1.</exception>
    public int Drain<TSink>(ref TSink sink, int maxBatch = DefaultBatchSize)
        where TSink : IDatagramSink
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        if (!TryClaim(maxBatch, out long head, out int n))
        {
            return 0;
        }

        try
        {
            for (var p = head; p < head + n; p++)
            {
                var i = (int)(p & _mask);
                sink.OnDatagram(new ReadOnlySpan<byte>(_slab, i * SlotSize, _lengths[i]), _timestamps[i], _sources[i]);
            }
        }
        finally
        {
            Volatile.Write(ref _ix.Released, head + n);
        }

        return n;
    }

    /// <summary>Hands up to <paramref name="maxBatch"/> queued datagrams to <paramref name="sink"/> (consumer thread only).</summary>
    /// <param name="sink">Receives each datagram.</param>
    /// <param name="maxBatch">The maximum number of datagrams to hand out.</param>
    /// <returns>The number of datagrams handed out.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="sink"/> is <see langword="null"/>.</exception>
    public int Drain(IDatagramSink sink, int maxBatch = DefaultBatchSize)
    {
        ArgumentNullException.ThrowIfNull(sink);
        return Drain(ref sink, maxBatch);
    }

    /// <summary>Claims up to <paramref name="maxBatch"/> queued entries [head, head + n) for the caller; the producer cannot reuse
    /// these slots until <c>Released</c> passes them.</summary>
    private bool TryClaim(int maxBatch, out long head, out int n)
    {
        while (true)
        {
            head = Volatile.Read(ref _ix.Head);
            var available = Volatile.Read(ref _ix.Tail) - head;
            if (available <= 0)
            {
                n = 0;
                return false;
            }

            n = (int)Math.Min(available, maxBatch);
            if (Interlocked.CompareExchange(ref _ix.Head, head + n, head) == head)
            {
                return true;
            }
        }
    }

    /// <summary>Hands up to <paramref name="maxBatch"/> queued datagrams to <paramref name="sink"/> as one batch (two when the claimed
    /// entries wrap around the end of the ring), oldest first (consumer thread only).</summary>
    /// <param name="sink">Receives the datagrams; the batch memory is valid only during the call.</param>
    /// <param name="maxBatch">The maximum number of datagrams to hand out.</param>
    /// <returns>The number of datagrams handed out.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="sink"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxBatch"/> is less than 1.</exception>
    public int Drain(IDatagramBatchSink sink, int maxBatch = DefaultBatchSize)
    {
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        if (!TryClaim(maxBatch, out long head, out int n))
        {
            return 0;
        }

        try
        {
            var first = (int)(head & _mask);
            var firstCount = Math.Min(n, Capacity - first);
            sink.OnDatagrams(Slots(first, firstCount));
            if (firstCount < n)
            {
                sink.OnDatagrams(Slots(0, n - firstCount));
            }
        }
        finally
        {
            Volatile.Write(ref _ix.Released, head + n);
        }

        return n;
    }

    /// <summary>Producer only: makes sure up to <paramref name="wanted"/> slots are free, returns how many contiguous positions from the tail may be written.</summary>
    internal int FreeForWrite(int wanted)
    {
        var free = Capacity - (int)(_ix.Tail - Volatile.Read(ref _ix.Released));
        return Math.Min(free, wanted);
    }

    /// <summary>Producer only: the slot memory of the position <c>tail + offset</c>.</summary>
    internal Memory<byte> SlotMemory(int offset) => _slab.AsMemory((int)((_ix.Tail + offset) & _mask) * SlotSize, SlotSize);

    /// <summary>Producer only: the address of the pinned slot memory of the position <c>tail + offset</c>.</summary>
    internal unsafe byte* SlotPointer(int offset) =>
        (byte*)Marshal.UnsafeAddrOfPinnedArrayElement(_slab, (int)((_ix.Tail + offset) & _mask) * SlotSize);

    /// <summary>Producer only: records the metadata of a datagram written directly into the slot at <c>tail + offset</c>.</summary>
    internal void SetWritten(int offset, int length, long receiveTimestamp, int sourceId)
    {
        var i = (int)((_ix.Tail + offset) & _mask);
        _lengths[i] = length;
        _timestamps[i] = receiveTimestamp;
        _sources[i] = sourceId;
    }

    /// <summary>Producer only: publishes <paramref name="count"/> directly written slots.</summary>
    internal void Publish(int count) => Volatile.Write(ref _ix.Tail, _ix.Tail + count);

    private DatagramBatch Slots(int first, int count) => DatagramBatch.CreateUnchecked(
        _slab.AsSpan(first * SlotSize, count * SlotSize), SlotSize, _lengths.AsSpan(first, count), _timestamps.AsSpan(first, count), _sources.AsSpan(first, count));

    private bool MakeRoom(int count)
    {
        if (FullMode != IngestFullMode.DropOldest)
        {
            return false;
        }

        var released = Volatile.Read(ref _ix.Released);
        var head = Volatile.Read(ref _ix.Head);
        if (head != released || _ix.Tail - head < count)
        {
            return false; // the consumer holds a batch: those slots cannot be reclaimed now
        }

        if (Interlocked.CompareExchange(ref _ix.Head, head + count, head) != head)
        {
            return false; // the consumer claimed them first
        }

        Interlocked.CompareExchange(ref _ix.Released, head + count, head);
        Interlocked.Add(ref _ix.DroppedOldest, count);
        return true;
    }

    [StructLayout(LayoutKind.Explicit, Size = 384)]
    private struct Indices
    {
        [FieldOffset(64)]
        public long Tail;

        [FieldOffset(128)]
        public long Head;

        [FieldOffset(192)]
        public long Released;

        [FieldOffset(256)]
        public long DroppedNewest;

        [FieldOffset(264)]
        public long DroppedOldest;
    }
}
