using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics.Metrics;
using MevDefense.Ingest.Deshred;
using MevDefense.Ingest.Fec;
using MevDefense.Ingest.Internal;
using MevDefense.Ingest.Merkle;
using MevDefense.Ingest.Ring;
using MevDefense.Ingest.Shreds;

namespace MevDefense.Ingest.Pipeline;

/// <summary>
/// Turns shred datagrams into verified FEC sets and entry batches: parse (zero-copy) → dedup → Merkle proof →
/// leader signature once per (slot, fec_set_index, signature) → Reed–Solomon recovery → deshred at DATA_COMPLETE
/// boundaries. Single-threaded: call <see cref="Process(ReadOnlySpan{byte}, long, int)"/> or
/// <see cref="ProcessBatch(in DatagramBatch, Span{ShredProcessResult})"/> from one thread (one pipeline per processing
/// core). Steady state allocates nothing per shred: shred buffers, FEC sets and slot states are pooled.
/// </summary>
/// <remarks>
/// <see cref="ProcessBatch(in DatagramBatch, Span{ShredProcessResult})"/> gives the same results, counters, rejections and
/// observer events in the same order as calling <see cref="Process(ReadOnlySpan{byte}, long, int)"/> for each datagram, but
/// computes the Merkle leaf hashes (SHA-256 over ~1 KB per shred, the largest cost of verification) of the whole batch at
/// once with a multi-buffer SHA-256 (16 lanes with AVX-512, 8 with AVX2). Prefer it whenever datagrams arrive in batches.
/// </remarks>
public sealed partial class ShredPipeline : IDisposable
{
    private const int BufferSize = ShredConstants.PacketDataSize;
    private const int ChunkSize = DatagramRing.DefaultBatchSize;
    private const int MaxProofLevels = 15; // the proof size is the variant's low nibble
    private const int HashStride = (1 + MaxProofLevels) * 32;
    private const int JoinTableBits = 9;
    private const int HeaderPrefetchDistance = 4;
    private static readonly int NodePrefixLength = ShredMerkle.NodePrefix.Length;
    private static readonly int NodeMessageLength = NodePrefixLength + (2 * ShredMerkle.EntrySize);
    private static readonly int NodeStride = Sha256MultiBuffer.PaddedLength(NodeMessageLength); // two blocks

    private readonly ShredPipelineOptions _options;
    private readonly bool _lazyCoding;
    private readonly ShredParseRules _rules;
    private readonly IShredPipelineObserver? _observer;
    private readonly ShredPipelineMetrics? _metrics;
    private readonly LeaderSignatureVerifier _verifier = new();
    private readonly ReedSolomonCache _codecs;
    private readonly Dictionary<ulong, SlotState> _slots = [];
    private readonly Stack<byte[]> _buffers = new();
    private readonly Stack<FecSetState> _setPool = new();
    private readonly Stack<SlotState> _slotPool = new();
    private readonly List<ulong> _evictScratch = [];
    private readonly byte[] _leafScratch = new byte[Merkle.ShredMerkle.LeafScratchSize];
    private readonly byte[] _treeLeaves = new byte[2 * FecSetState.MaxShardsPerKind * 32];
    private readonly byte[] _treeNodes = new byte[ShredMerkle.NodeCount(2 * FecSetState.MaxShardsPerKind) * 32];
    private readonly Memory<byte>[] _shards = new Memory<byte>[2 * FecSetState.MaxShardsPerKind];
    private readonly bool[] _shardPresent = new bool[2 * FecSetState.MaxShardsPerKind];
    private readonly byte[] _legacyScratch = new byte[ShredConstants.CodePayloadSize];
    private readonly Sha256MultiBuffer _hasher = new();
    private readonly ShredHeader[] _chunkHeaders = new ShredHeader[ChunkSize];
    private readonly ShredRejectReason[] _chunkReasons = new ShredRejectReason[ChunkSize];
    private readonly bool[] _chunkParsed = new bool[ChunkSize];
    private readonly int[] _chunkLeaf = new int[ChunkSize];
    private readonly int[] _chunkLevels = new int[ChunkSize]; // proof levels precomputed for each collected shred
    private readonly int[] _leafOffsets = new int[ChunkSize];
    private readonly int[] _leafLengths = new int[ChunkSize];
    private readonly int[] _leafOwner = new int[ChunkSize];
    private readonly int[] _leafRow = new int[ChunkSize]; // where each collected leaf's row (leaf, then its proof levels' nodes) starts in _chunkHashes
    private readonly int[] _rowOf = new int[ChunkSize];   // the same by datagram
    private readonly int[] _rep = new int[ChunkSize];
    private readonly int[] _srcOf = new int[ChunkSize];
    private readonly int[] _siblingsAt = new int[ChunkSize];
    private readonly int[] _leafIndexOf = new int[ChunkSize];
    private readonly int[] _proofSizeOf = new int[ChunkSize];
    private readonly int[] _firstOwner = new int[ChunkSize];
    private readonly int[] _candidateOf = new int[LeaderSignatureVerifier.MaxCandidates];
    private readonly int[] _joinTable = CreateJoinTable();
    private readonly int[] _joinSlots = new int[ChunkSize];
    private readonly int[] _active = new int[ChunkSize];
    private readonly byte[] _leafDigests = new byte[ChunkSize * 32];
    // Join inputs of one proof level, each a whole padded SHA-256 message (node prefix ‖ left ‖ right, then padding): only the 40
    // bytes of children are written per join, the prefix and padding were written once.
    private readonly byte[] _nodeBlocks = CreateNodeBlocks();
    // Per collected shred, back to back: its leaf, then the node of every proof level it needs (rows of (1 + levels) * 32 bytes, so that
    // the chunk's hashes stay in a few KB instead of one 512-byte row per datagram).
    private readonly byte[] _chunkHashes = new byte[ChunkSize * HashStride];
    private readonly int[] _heldPositions = new int[FecSetState.MaxShardsPerKind];
    private readonly int[] _heldOffsets = new int[FecSetState.MaxShardsPerKind];
    private readonly int[] _heldLengths = new int[FecSetState.MaxShardsPerKind];
    private readonly byte[] _heldDigests = new byte[FecSetState.MaxShardsPerKind * 32];
    private readonly int[] _heldSiblingsAt = new int[FecSetState.MaxShardsPerKind];
    private readonly int[] _heldLeafIndex = new int[FecSetState.MaxShardsPerKind];
    private readonly int[] _heldProofSize = new int[FecSetState.MaxShardsPerKind];
    private readonly int[] _heldRow = new int[FecSetState.MaxShardsPerKind];
    private byte[] _heldSlab = [];
    private byte[] _heldHashes = [];
    private byte[] _batch = [];
    private SlotState? _lastSlot;
    private bool _inBatch;
    private FecSetState? _lastSet;
    private ulong _highestSlot;
    private bool _hasHighest;
    private int _inFlightSets;
    private int _disposed;

    /// <summary>Creates a pipeline.</summary>
    /// <param name="options">The options (read once).</param>
    /// <param name="observer">Receives entry batches, FEC set results and equivocations; may be null.</param>
    /// <param name="meterFactory">Creates the <c>MevDefense.Ingest</c> meter; null for no metrics.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A window option is not positive.</exception>
    public ShredPipeline(ShredPipelineOptions options, IShredPipelineObserver? observer = null, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.SlotWindow, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxSlotsAhead, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxInFlightFecSets, 1);
        _options = options;
        _lazyCoding = options.LazyCodingShredVerification && options.VerifyMerkleProofs;
        _rules = options.Rules;
        _observer = observer;
        _metrics = meterFactory is null ? null : new ShredPipelineMetrics(meterFactory);
        _codecs = new ReedSolomonCache { UseVector = options.UseSimd };
    }

    /// <summary>Gets the pipeline's counters.</summary>
    public ShredPipelineStats Stats { get; } = new();

    /// <summary>Gets the number of FEC sets currently held.</summary>
    public int InFlightFecSets => _inFlightSets;

    /// <summary>Gets the number of slots currently held.</summary>
    public int InFlightSlots => _slots.Count;

    /// <summary>Processes one datagram.</summary>
    /// <param name="datagram">The UDP payload (a shred, possibly followed by a repair nonce; anything else is rejected and counted).</param>
    /// <param name="receiveTimestamp">When the datagram was received, in the caller's clock units (e.g. <see cref="System.Diagnostics.Stopwatch.GetTimestamp"/>).</param>
    /// <param name="sourceId">The caller's id of the source (socket, region, feed); reserved for per-source accounting.</param>
    /// <returns>Whether the shred was new, a duplicate, or rejected.</returns>
    public ShredProcessResult Process(ReadOnlySpan<byte> datagram, long receiveTimestamp, int sourceId)
        => Process(datagram, receiveTimestamp, sourceId, out _);

    /// <summary>Processes one datagram and reports why it was rejected.</summary>
    /// <param name="datagram">The UDP payload.</param>
    /// <param name="receiveTimestamp">When the datagram was received, in the caller's clock units.</param>
    /// <param name="sourceId">The caller's id of the source.</param>
    /// <param name="reason">The rejection reason, or <see cref="ShredRejectReason.None"/>.</param>
    /// <returns>Whether the shred was new, a duplicate, or rejected.</returns>
    public ShredProcessResult Process(ReadOnlySpan<byte> datagram, long receiveTimestamp, int sourceId, out ShredRejectReason reason)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        bool parsed = ShredParser.TryRead(datagram, _rules, out var h, out reason);
        return ProcessParsed(datagram, receiveTimestamp, parsed, h, reason, -1, 0, out reason);
    }

    /// <summary>
    /// Processes a batch of datagrams, in order. Equivalent to calling <see cref="Process(ReadOnlySpan{byte}, long, int)"/> for
    /// each datagram (same results, counters, rejections and observer events, in the same order), but when Merkle proofs are
    /// verified the leaf hashes of the batch's shreds are computed together by a multi-buffer SHA-256 first, which is several
    /// times cheaper per shred than hashing them one at a time.
    /// </summary>
    /// <param name="batch">The datagrams (for example a <see cref="DatagramRing"/> drain, or a <see cref="DatagramBatch"/> over the
    /// caller's buffers), with their receive timestamps and source ids.</param>
    /// <param name="results">Receives the outcome of each datagram (at least <see cref="DatagramBatch.Count"/> entries), or empty
    /// when the caller does not need them.</param>
    /// <exception cref="ArgumentException"><paramref name="results"/> is neither empty nor large enough.</exception>
    /// <exception cref="ObjectDisposedException">The pipeline was disposed.</exception>
    /// <exception cref="InvalidOperationException">Called from inside a batch (e.g. from an observer callback).</exception>
    public void ProcessBatch(in DatagramBatch batch, Span<ShredProcessResult> results)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (!results.IsEmpty && results.Length < batch.Count)
        {
            throw new ArgumentException("The results span is shorter than the batch.", nameof(results));
        }

        if (_inBatch)
        {
            throw new InvalidOperationException("ProcessBatch is not re-entrant: it was called while a batch was being processed.");
        }

        _inBatch = true;
        try
        {
            for (int start = 0; start < batch.Count; start += ChunkSize)
            {
                int n = Math.Min(ChunkSize, batch.Count - start);
                ProcessChunk(batch.Slice(start, n), results.IsEmpty ? default : results.Slice(start, n));
            }
        }
        finally
        {
            _inBatch = false;
        }
    }

    private void ProcessChunk(in DatagramBatch batch, Span<ShredProcessResult> results)
    {
        // 1. Parse every datagram; collect the leaf inputs of Merkle shreds that verification will need: with Merkle checks on,
        //    every shred not already known to be a duplicate of a held set; with them off, only the first shred of each set not
        //    held yet (its root is what the leader signs and what the set records). Leaves and proof folds are functions of the
        //    shred bytes only, so computing them early changes nothing; a shred whose leaf was not computed here (say its set was
        //    evicted meanwhile) is hashed on demand exactly as in Process.
        int n = batch.Count;
        int leaves = 0;
        int row = 0;
        int candidates = 0;
        bool hashAll = _options.VerifyMerkleProofs;
        ulong lastSlot = 0;
        uint lastSet = 0;
        bool haveLast = false;
        ulong codeSlot = 0;
        uint codeSet = 0;
        bool haveCode = false;
        ulong missSlot = 0;
        uint missSet = 0;
        bool haveMiss = false;
        for (int i = 0; i < n; i++)
        {
            if (i + HeaderPrefetchDistance < n)
            {
                // Datagrams fresh from the network (or a large ring) are usually not cached: start loading a later datagram's
                // signature and headers (the first 89 bytes) now, so that parsing does not wait for each one in turn.
                CacheHints.Prefetch(batch.Buffer, (i + HeaderPrefetchDistance) * batch.Stride, ShredConstants.CodeHeadersSize);
            }

            var datagram = batch[i];
            ref var h = ref _chunkHeaders[i];
            bool parsed = ShredParser.TryRead(datagram, _rules, out h, out _chunkReasons[i]);
            _chunkParsed[i] = parsed;
            _chunkLeaf[i] = -1;
            if (!parsed || h.Kind is not (ShredKind.MerkleData or ShredKind.MerkleCode))
            {
                continue;
            }

            bool wanted;
            FecSetState? held = null;
            bool sameSignature = false;
            if (hashAll && !(haveMiss && h.Slot == missSlot && h.FecSetIndex == missSet))
            {
                // Nothing is created or retired while the chunk is parsed: a set found not held stays so for the rest of the loop (the
                // shreds of a set the chunk starts would otherwise each pay two dictionary lookups here).
                held = FindHeldMerkleSet(in datagram, h, out sameSignature);
                if (held is null)
                {
                    (haveMiss, missSlot, missSet) = (true, h.Slot, h.FecSetIndex);
                }
            }

            if (hashAll && _lazyCoding && !h.IsData)
            {
                // Lazy coding verification: only a coding shred that must be verified on arrival needs its leaf — one with another
                // signature (possible equivocation), or the first of a set whose geometry is not verified yet (one per set and chunk:
                // should it fail, the next one is hashed on demand). The others are deferred without hashing.
                bool conflicting = held is not null && !sameSignature;
                wanted = held is null || held.NumData == 0 || conflicting;
                if (wanted && !conflicting)
                {
                    if (haveCode && h.Slot == codeSlot && h.FecSetIndex == codeSet)
                    {
                        wanted = false;
                    }
                    else
                    {
                        (haveCode, codeSlot, codeSet) = (true, h.Slot, h.FecSetIndex);
                    }
                }
            }
            else if (hashAll)
            {
                // Already held (same set, same signature, same position): its leaf will not be needed.
                uint pos = h.IsData ? h.Index - h.FecSetIndex : h.Position;
                wanted = !(sameSignature && pos < FecSetState.MaxShardsPerKind && (h.IsData ? held!.DataPresent[pos] : held!.CodePresent[pos]));
            }
            else if (haveLast && h.Slot == lastSlot && h.FecSetIndex == lastSet)
            {
                wanted = false; // the same set as the previous Merkle shred: only its first shred needs the root
            }
            else
            {
                (haveLast, lastSlot, lastSet) = (true, h.Slot, h.FecSetIndex);
                wanted = !(_slots.TryGetValue(h.Slot, out var heldSlot) && heldSlot.Sets.ContainsKey(h.FecSetIndex));
            }

            if (wanted && hashAll && held is null && _options.VerifySignatures && candidates < _candidateOf.Length
                && !(candidates > 0 && _chunkHeaders[_candidateOf[candidates - 1]].Slot == h.Slot && _chunkHeaders[_candidateOf[candidates - 1]].FecSetIndex == h.FecSetIndex))
            {
                _candidateOf[candidates++] = i; // a set's first shred in this chunk, set not held: its root will be signature-checked
            }

            if (wanted)
            {
                int leafIndex = MerkleLeafIndex(h);
                _leafOffsets[leaves] = (i * batch.Stride) + Signature.Size;
                _leafLengths[leaves] = h.ProofOffset - Signature.Size;
                _leafOwner[leaves] = i;
                _siblingsAt[leaves] = (i * batch.Stride) + h.ProofOffset;
                _leafIndexOf[leaves] = leafIndex;
                int levels = sameSignature && held!.ProofSize == h.ProofSize ? held.Nodes.LevelsNeeded(leafIndex) : h.ProofSize;
                _proofSizeOf[leaves] = _chunkLevels[i] = levels;
                _leafRow[leaves] = _rowOf[i] = row;
                row += (1 + levels) * ShredMerkle.HashSize;
                _chunkLeaf[i] = leaves++;
            }
        }

        // 2. All leaves at once (16 or 8 SIMD lanes), then each proof level of every shred's fold (node ‖ sibling or sibling ‖ node):
        //    the per-shred logic then takes these nodes instead of hashing them one by one (it still decides, with the set's
        //    verified-node cache, how far up a shred's path it must go and what it compares).
        if (leaves > 0)
        {
            _hasher.Hash(ShredMerkle.LeafPrefix, batch.Buffer, _leafOffsets.AsSpan(0, leaves), _leafLengths.AsSpan(0, leaves), _leafDigests.AsSpan(0, leaves * 32));
            for (int j = 0; j < leaves; j++)
            {
                _leafDigests.AsSpan(j * 32, 32).CopyTo(_chunkHashes.AsSpan(_leafRow[j], 32));
            }

            HashProofLevels(batch.Buffer, leaves, _siblingsAt, _leafIndexOf, _proofSizeOf, _leafRow, _chunkHashes);
            if (candidates > 1)
            {
                PrepareSignatures(batch, candidates);
            }
        }

        // 3. The per-shred logic, in order, with the precomputed leaves.
        var timestamps = batch.ReceiveTimestamps;
        for (int i = 0; i < n; i++)
        {
            int leaf = _chunkLeaf[i];
            var result = ProcessParsed(
                batch[i], timestamps[i], _chunkParsed[i], _chunkHeaders[i], _chunkReasons[i],
                leaf >= 0 ? _rowOf[i] : -1, (1 + _chunkLevels[i]) * 32, out _);
            if (!results.IsEmpty)
            {
                results[i] = result;
            }
        }
    }

    /// <summary>
    /// 2b. The leader signatures of the sets this chunk starts, verified together (one field inversion for all; see
    /// <see cref="LeaderSignatureVerifier.PrepareCandidates"/>). Each candidate is the first shred of its set in the chunk, its set not
    /// held when the chunk was parsed; its root is the fold the batch just computed (the same bytes ProcessMerkle's fold gives). The
    /// per-shred logic then asks <see cref="TryVerifyRoot"/> exactly as before and gets the same verdict, prepared instead of computed
    /// then; a candidate whose set turns out otherwise (evicted, rejected for another reason) only cost its share of the batch.
    /// Only sets already present in this chunk are batched: nothing waits for later shreds.
    /// </summary>
    private void PrepareSignatures(in DatagramBatch batch, int candidates)
    {
        for (int c = 0; c < candidates; c++)
        {
            int i = _candidateOf[c];
            ref readonly var h = ref _chunkHeaders[i];
            int proofSize = h.ProofSize;
            int leafIndex = MerkleLeafIndex(h);
            if (_chunkLeaf[i] < 0 || _chunkLevels[i] != proofSize || proofSize == 0 || (leafIndex >> proofSize) != 0
                || _options.LeaderSchedule is null || !_options.LeaderSchedule.TryGetLeader(h.Slot, out var leader))
            {
                continue; // not folded to a root here, or no leader: left to the per-shred path
            }

            var root = _chunkHashes.AsSpan(_rowOf[i] + (proofSize * ShredMerkle.HashSize), ShredMerkle.HashSize);
            _verifier.AddCandidate(leader, h.Slot, h.FecSetIndex, batch[i][..Signature.Size], root);
        }

        _verifier.PrepareCandidates();
    }

    /// <summary>Level by level, the parent of every collected shred's node and its proof sibling (same bytes as <see cref="ShredMerkle.Join"/>).
    /// Shreds of one set share their upper nodes, so identical join inputs (compared byte for byte) are hashed once. Shred j's proof
    /// starts at <paramref name="buffer"/>[<paramref name="siblingsAt"/>[j]..]; its leaf is at <paramref name="hashes"/>[rowAt[j]..]
    /// and level l's node is written 32 * (l + 1) bytes further.</summary>
    private void HashProofLevels(ReadOnlySpan<byte> buffer, int leaves, int[] siblingsAt, int[] leafIndexOf, int[] proofSizeOf, int[] rowAt, byte[] hashes)
    {
        // _rep[j]: the first shred whose node at the current level is known to equal shred j's (their inputs one level down were
        // identical). A shred whose sibling also equals its representative's takes the representative's input without a lookup.
        const int entry = ShredMerkle.EntrySize;
        const int tableMask = (1 << JoinTableBits) - 1;
        int active = 0;
        for (int j = 0; j < leaves; j++)
        {
            _rep[j] = j;
            _srcOf[j] = -1;
            if (proofSizeOf[j] > 0)
            {
                _active[active++] = j; // in shred order: a representative always comes before the shreds that refer to it
            }
        }

        for (int level = 0; level < MaxProofLevels && active > 0; level++)
        {
            int count = 0;
            int kept = 0;
            for (int a = 0; a < active; a++)
            {
                int j = _active[a];
                if (proofSizeOf[j] <= level)
                {
                    _srcOf[j] = -1; // its fold is done: no node at this level (a later shred must not take it as a source)
                    continue;
                }

                _active[kept++] = j;
                int parity = (leafIndexOf[j] >> level) & 1;
                var sibling = buffer.Slice(siblingsAt[j] + (level * entry), entry);
                int r = _rep[j];
                if (r != j && _srcOf[r] >= 0 && ((leafIndexOf[r] >> level) & 1) == parity
                    && sibling.SequenceEqual(buffer.Slice(siblingsAt[r] + (level * entry), entry)))
                {
                    _srcOf[j] = _srcOf[r];
                    continue;
                }

                // The join input (node ‖ sibling or sibling ‖ node) is read into registers and compared there: writing it first and
                // reading it back at once would stall on store forwarding (the 20-byte halves overlap the stores' widths).
                var node = hashes.AsSpan(rowAt[j] + (level * 32), entry);
                var left = parity == 0 ? node : sibling;
                var right = parity == 0 ? sibling : node;
                ulong l0 = BinaryPrimitives.ReadUInt64LittleEndian(left), l1 = BinaryPrimitives.ReadUInt64LittleEndian(left[8..]);
                uint l2 = BinaryPrimitives.ReadUInt32LittleEndian(left[16..]);
                ulong r0 = BinaryPrimitives.ReadUInt64LittleEndian(right), r1 = BinaryPrimitives.ReadUInt64LittleEndian(right[8..]);
                uint r2 = BinaryPrimitives.ReadUInt32LittleEndian(right[16..]);

                // Open addressing over the distinct inputs of this level (at most 256 in 512 slots), compared byte for byte; the
                // slots used are cleared after the level (no full-table fill per level).
                int slot = (int)(((l0 ^ r0) * 0x9E3779B97F4A7C15UL) >> (64 - JoinTableBits));
                int source = -1;
                while (_joinTable[slot] >= 0)
                {
                    int other = _joinTable[slot];
                    var stored = _nodeBlocks.AsSpan((other * NodeStride) + NodePrefixLength, 2 * entry);
                    if (BinaryPrimitives.ReadUInt64LittleEndian(stored) == l0 && BinaryPrimitives.ReadUInt64LittleEndian(stored[8..]) == l1
                        && BinaryPrimitives.ReadUInt32LittleEndian(stored[16..]) == l2 && BinaryPrimitives.ReadUInt64LittleEndian(stored[20..]) == r0
                        && BinaryPrimitives.ReadUInt64LittleEndian(stored[28..]) == r1 && BinaryPrimitives.ReadUInt32LittleEndian(stored[36..]) == r2)
                    {
                        source = other;
                        break;
                    }

                    slot = (slot + 1) & tableMask;
                }

                if (source < 0)
                {
                    var input = _nodeBlocks.AsSpan((count * NodeStride) + NodePrefixLength, 2 * entry);
                    BinaryPrimitives.WriteUInt64LittleEndian(input, l0);
                    BinaryPrimitives.WriteUInt64LittleEndian(input[8..], l1);
                    BinaryPrimitives.WriteUInt32LittleEndian(input[16..], l2);
                    BinaryPrimitives.WriteUInt64LittleEndian(input[20..], r0);
                    BinaryPrimitives.WriteUInt64LittleEndian(input[28..], r1);
                    BinaryPrimitives.WriteUInt32LittleEndian(input[36..], r2);
                    _joinTable[slot] = count;
                    _joinSlots[count] = slot;
                    _firstOwner[count] = j;
                    source = count++;
                }

                _srcOf[j] = source;
                _rep[j] = _firstOwner[source];
            }

            active = kept;
            if (count == 0)
            {
                break;
            }

            for (int c = 0; c < count; c++)
            {
                _joinTable[_joinSlots[c]] = -1;
            }

            _hasher.HashPadded(_nodeBlocks, NodeMessageLength, count, _leafDigests);
            for (int a = 0; a < active; a++)
            {
                int j = _active[a];
                _leafDigests.AsSpan(_srcOf[j] * 32, 32).CopyTo(hashes.AsSpan(rowAt[j] + ((level + 1) * 32), 32));
            }
        }
    }

    /// <summary>
    /// The held Merkle set a parsed shred belongs to (null when none), and whether the shred carries the set's signature. Used by
    /// the first pass of the batch path: a held duplicate needs no leaf; with lazy coding verification a coding shred of a set
    /// whose geometry is verified is deferred; and a shred with the set's signature and proof size only needs its proof levels up to
    /// the first node of its path the set has already verified (the cache only grows until the set is retired; should the fold need
    /// more, its set having been retired and re-created meanwhile, <see cref="ShredMerkle.FoldLevel"/> hashes the rest).
    /// </summary>
    private FecSetState? FindHeldMerkleSet(in ReadOnlySpan<byte> datagram, in ShredHeader h, out bool sameSignature)
    {
        FindSet(h.Slot, h.FecSetIndex, out _, out var set);
        if (set is null || set.Family != ShredKind.MerkleData)
        {
            sameSignature = false;
            return null;
        }

        sameSignature = datagram[..Signature.Size].SequenceEqual(set.Signature);
        return set;
    }

    private ShredProcessResult ProcessParsed(
        in ReadOnlySpan<byte> datagram, long receiveTimestamp, bool parsed, in ShredHeader h, ShredRejectReason parseReason, int hashRow, int hashLength, out ShredRejectReason reason)
    {
        Stats._datagrams++;
        _metrics?.Message();
        reason = parseReason;
        if (!parsed)
        {
            return Reject(reason);
        }

        if (_hasHighest && (h.Slot + (ulong)_options.SlotWindow < _highestSlot || h.Slot > _highestSlot + (ulong)_options.MaxSlotsAhead))
        {
            return Reject(reason = ShredRejectReason.SlotOutOfWindow);
        }

        var shred = datagram[..h.PayloadLength];
        var result = h.Kind switch
        {
            ShredKind.MerkleData or ShredKind.MerkleCode => ProcessMerkle(in shred, h, receiveTimestamp, hashRow, hashLength, out reason),
            ShredKind.LegacyData => ProcessLegacyData(shred, h, receiveTimestamp, out reason),
            ShredKind.LegacyCode => ProcessLegacyCode(shred, h, receiveTimestamp, out reason),
            _ => Reject(reason = ShredRejectReason.Unsupported),
        };

        if (result == ShredProcessResult.Accepted)
        {
            Stats._accepted++;
            AdvanceWindow(h.Slot);
        }
        else if (result == ShredProcessResult.Deferred)
        {
            AdvanceWindow(h.Slot); // as for the accepted shred it stands for (a no-op: its slot is held, so not newer than the newest)
        }

        return result;
    }

    /// <summary>Retires every held FEC set (reported through <see cref="IShredPipelineObserver.OnFecSet"/>) and releases all buffers.</summary>
    public void Flush()
    {
        _evictScratch.Clear();
        _evictScratch.AddRange(_slots.Keys);
        _evictScratch.Sort();
        foreach (var slot in _evictScratch)
        {
            RetireSlot(slot, evicted: false);
        }

        _evictScratch.Clear();
    }

    /// <summary>Gets whether coding shreds may be deferred (<see cref="ShredPipelineOptions.LazyCodingShredVerification"/> with Merkle checks on).</summary>
    internal bool DefersCodingShreds => _lazyCoding;

    /// <summary>Gets how many leader-signature checks took their verdict from a batch of the sets a chunk started (tests, benchmarks).</summary>
    internal long PreparedSignatureVerdicts => _verifier.PreparedVerdictsUsed;

    /// <summary>Forgets the cached leader-signature results, so that sets seen before are verified again (benchmarks of fresh data).</summary>
    internal void ClearSignatureCache() => _verifier.ClearResults();

    /// <summary>Releases pooled memory. Does not report held FEC sets (call <see cref="Flush"/> first for that).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _buffers.Clear();
        _setPool.Clear();
        _slotPool.Clear();
        _slots.Clear();
        if (_batch.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_batch);
            _batch = [];
        }
    }

    private ShredProcessResult Reject(ShredRejectReason reason)
    {
        Stats.AddRejected(reason);
        _metrics?.Rejected(reason);
        return ShredProcessResult.Rejected;
    }

    private ShredProcessResult Duplicate()
    {
        Stats._duplicates++;
        _metrics?.Duplicate();
        return ShredProcessResult.Duplicate;
    }

    /// <summary>A Merkle shred; its leaf and proof-level nodes precomputed by the batch are at <see cref="_chunkHashes"/>[<paramref name="hashRow"/>..]
    /// (<paramref name="hashLength"/> bytes; none when <paramref name="hashRow"/> is negative). Passed as a position rather than a span: a span
    /// argument goes through the stack as two 8-byte halves and is read back as one 16-byte value, a store-forwarding stall per shred.</summary>
    private ShredProcessResult ProcessMerkle(in ReadOnlySpan<byte> shred, in ShredHeader h, long ts, int hashRow, int hashLength, out ShredRejectReason reason)
    {
        var precomputed = hashRow >= 0 ? _chunkHashes.AsSpan(hashRow, hashLength) : default;
        reason = ShredRejectReason.None;
        FindSet(h.Slot, h.FecSetIndex, out var slot, out var set);
        var signature = shred[..Signature.Size];
        if (set is not null && set.Family != ShredKind.MerkleData)
        {
            return Reject(reason = ShredRejectReason.InconsistentWithFecSet);
        }

        if (set is not null && !signature.SequenceEqual(set.Signature))
        {
            return OnConflictingSignature(shred, h, set, precomputed, out reason);
        }

        bool isData = h.IsData;
        int pos = isData ? (int)(h.Index - h.FecSetIndex) : h.Position;
        if (pos >= FecSetState.MaxShardsPerKind)
        {
            return Reject(reason = ShredRejectReason.InvalidFecSetIndex);
        }

        if (set is not null)
        {
            if ((isData ? set.DataPresent[pos] : set.CodePresent[pos]))
            {
                return Duplicate();
            }

            if (!isData && set.CodeUnverified[pos] && IsCopyOfUnverified(in shred, h, set, pos))
            {
                return Duplicate();
            }

            if (!ConsistentWithSet(h, set, pos))
            {
                return Reject(reason = ShredRejectReason.InconsistentWithFecSet);
            }

            if (!isData && _lazyCoding && set.NumData != 0)
            {
                return Defer(in shred, slot!, set, pos, ts);
            }
        }

        // Merkle leaf → root (always for a set's first shred: the root is what the leader signs).
        bool verifyMerkle = _options.VerifyMerkleProofs;
        int leafIndex = isData ? pos : h.NumDataShreds + pos;
        Span<byte> leaf = stackalloc byte[32];
        Span<byte> root = stackalloc byte[32];
        var proof = shred[h.ProofOffset..(h.ProofOffset + (h.ProofSize * ShredMerkle.EntrySize))];
        if (set is null)
        {
            GetLeaf(shred, h, precomputed, leaf);
            if (!ShredMerkle.TryGetRoot(leaf, leafIndex, proof, root, PathOf(precomputed)) && verifyMerkle)
            {
                return Reject(reason = ShredRejectReason.InvalidMerkleProof);
            }
        }
        else if (verifyMerkle)
        {
            // Fold the proof only up to the first node already verified for this set (usually 0 or 1 hash).
            GetLeaf(shred, h, precomputed, leaf);
            if (!set.Nodes.TryVerify(leaf, leafIndex, proof, set.Root, PathOf(precomputed)))
            {
                return Reject(reason = ShredRejectReason.InvalidMerkleProof);
            }
        }

        if (set is null)
        {
            bool? valid = null;
            if (_options.VerifySignatures)
            {
                if (!TryVerifyRoot(h.Slot, h.FecSetIndex, signature, root, out valid, out reason))
                {
                    return Reject(reason);
                }
            }

            slot ??= GetSlot(h.Slot); // slot state is created only once a shred has passed verification
            set = RentSet(slot, h);
            set.Family = ShredKind.MerkleData;
            signature.CopyTo(set.Signature);
            root.CopyTo(set.Root);
            set.SignatureValid = valid;
            set.ProofSize = h.ProofSize;
            set.Chained = h.IsChained;
            set.Resigned = h.IsResigned;
            set.VariantHigh = (byte)(isData ? h.Variant & 0xF0 : (h.Variant & 0xF0) switch { 0x40 => 0x80, 0x60 => 0x90, _ => 0xB0 });
            set.Version = h.Version;
            set.ShardLength = h.ShardLength;
            set.Nodes.Reset(h.ProofSize);
            if (verifyMerkle)
            {
                set.Nodes.TryVerify(leaf, leafIndex, proof, root, PathOf(precomputed)); // seeds the verified-node cache with this shred's path
            }
            if (h.IsChained)
            {
                shred.Slice(h.ChainedRootOffset, 32).CopyTo(set.ChainedRoot);
            }
        }

        slot ??= GetSlot(h.Slot);
        if (h.IsResigned && !set.HasRetransmitterSignature)
        {
            shred.Slice(h.RetransmitterSignatureOffset, Signature.Size).CopyTo(set.RetransmitterSignature);
            set.HasRetransmitterSignature = true;
        }

        if (isData)
        {
            var buf = RentBuffer();
            shred.CopyTo(buf);
            leaf.CopyTo(set.DataLeaf(pos));
            set.AddReceivedData(pos, buf, h);

            AddData(slot, h.Index, buf, h.Flags, ts, set);
        }
        else
        {
            if (!set.Complete) // a complete set never recovers: its coding shreds are only counted, not copied
            {
                var buf = RentBuffer();
                shred.CopyTo(buf);
                leaf.CopyTo(set.CodeLeaf(pos));
                set.Code[pos] = buf;
            }

            set.CodePresent[pos] = true;
            set.CodeReceived++;
            if (set.NumData == 0)
            {
                set.NumData = h.NumDataShreds;
                set.NumCode = h.NumCodingShreds;
                set.FirstCodeIndex = h.Index - h.Position;
            }
        }

        TryComplete(slot, set, ts);
        return ShredProcessResult.Accepted;
    }

    /// <summary>The proof fold's nodes precomputed by the batch (after the leaf), or empty.</summary>
    private static ReadOnlySpan<byte> PathOf(ReadOnlySpan<byte> precomputed)
        => precomputed.Length > ShredMerkle.HashSize ? precomputed[ShredMerkle.HashSize..] : default;

    /// <summary>The shred's Merkle leaf: the batch's precomputed one when there is one, else hashed now.</summary>
    private void GetLeaf(ReadOnlySpan<byte> shred, in ShredHeader h, ReadOnlySpan<byte> precomputed, Span<byte> leaf)
    {
        if (precomputed.Length >= ShredMerkle.HashSize)
        {
            precomputed[..ShredMerkle.HashSize].CopyTo(leaf);
        }
        else
        {
            ShredMerkle.HashLeaf(shred, h, _leafScratch, leaf);
        }
    }

    private bool ConsistentWithSet(in ShredHeader h, FecSetState set, int pos)
    {
        if (h.ProofSize != set.ProofSize || h.IsChained != set.Chained || h.IsResigned != set.Resigned || h.Version != set.Version
            || h.ShardLength != set.ShardLength)
        {
            return false;
        }

        if (h.IsData)
        {
            if ((h.Variant & 0xF0) != set.VariantHigh || (set.NumData != 0 && pos >= set.NumData) || (set.ParentOffset >= 0 && h.ParentOffset != set.ParentOffset))
            {
                return false;
            }
        }
        else if (set.NumData != 0 && (h.NumDataShreds != set.NumData || h.NumCodingShreds != set.NumCode || h.Index - h.Position != set.FirstCodeIndex))
        {
            return false;
        }
        else if (set.NumData == 0 && set.HighestDataPosition >= h.NumDataShreds)
        {
            return false;
        }

        return true;
    }

    private bool TryVerifyRoot(ulong slot, uint fecSetIndex, ReadOnlySpan<byte> signature, ReadOnlySpan<byte> root, out bool? valid, out ShredRejectReason reason)
    {
        reason = ShredRejectReason.None;
        valid = null;
        if (_options.LeaderSchedule is null || !_options.LeaderSchedule.TryGetLeader(slot, out var leader))
        {
            reason = ShredRejectReason.UnknownLeader;
            return !_options.RejectInvalidSignatures;
        }

        long before = _verifier.Verifications;
        valid = _verifier.Verify(leader, slot, fecSetIndex, signature, root);
        Stats._signatureVerifications += _verifier.Verifications - before;
        if (valid == false && _options.RejectInvalidSignatures)
        {
            reason = ShredRejectReason.InvalidSignature;
            return false;
        }

        return true;
    }

    /// <summary>The shred's leaf in its FEC set's Merkle tree: data shreds first (by index within the set), then coding shreds.</summary>
    private static int MerkleLeafIndex(in ShredHeader h) => h.IsData ? (int)(h.Index - h.FecSetIndex) : h.NumDataShreds + h.Position;

    private ShredProcessResult OnConflictingSignature(ReadOnlySpan<byte> shred, in ShredHeader h, FecSetState set, ReadOnlySpan<byte> precomputed, out ShredRejectReason reason)
    {
        int leafIndex = MerkleLeafIndex(h);
        Span<byte> leaf = stackalloc byte[32];
        Span<byte> root = stackalloc byte[32];
        GetLeaf(shred, h, precomputed, leaf);
        if (!ShredMerkle.TryGetRoot(leaf, leafIndex, shred[h.ProofOffset..(h.ProofOffset + (h.ProofSize * ShredMerkle.EntrySize))], root, PathOf(precomputed)))
        {
            return Reject(reason = ShredRejectReason.InvalidMerkleProof);
        }

        bool verified = false;
        if (_options.VerifySignatures)
        {
            if (!TryVerifyRoot(h.Slot, h.FecSetIndex, shred[..Signature.Size], root, out var valid, out reason) || valid != true)
            {
                return Reject(reason = reason == ShredRejectReason.None ? ShredRejectReason.InvalidSignature : reason);
            }

            verified = true;
        }

        if (!set.Equivocated)
        {
            set.Equivocated = true;
            Stats._equivocations++;
            _metrics?.Equivocation();
            _observer?.OnEquivocation(new ShredEquivocation(h.Slot, h.FecSetIndex, new Signature(set.Signature), new Signature(shred[..Signature.Size]), verified));
        }

        return Reject(reason = ShredRejectReason.Equivocation);
    }

    private void TryComplete(SlotState slot, FecSetState set, long ts)
    {
        if (set.Complete)
        {
            return;
        }

        if (set.NumData == 0)
        {
            // No coding shred yet: complete when positions 0..p are all present and p ends an entry batch.
            if (set.HighestIsDataComplete && set.DataKnown == set.HighestDataPosition + 1)
            {
                MarkComplete(slot, set, ts);
            }

            return;
        }

        if (set.DataKnown >= set.NumData)
        {
            MarkComplete(slot, set, ts);
            return;
        }

        if (!set.RecoveryFailed && set.PresentCount + set.CodeDeferred >= set.NumData && set.CodeReceived > 0)
        {
            if (set.CodeDeferred > 0)
            {
                // Enough shreds if the held coding shreds are valid: verify them now (rejecting the bad ones as on arrival), then
                // decide exactly as eager verification would have with the same shreds.
                VerifyHeldCoding(set);
                if (set.PresentCount < set.NumData)
                {
                    return;
                }
            }

            if (set.Family == ShredKind.LegacyData)
            {
                RecoverLegacy(slot, set, ts);
            }
            else
            {
                Recover(slot, set, ts);
            }
        }
    }

    private void MarkComplete(SlotState slot, FecSetState set, long ts)
    {
        set.Complete = true;
        set.CompletedTimestamp = ts;
        Stats._fecSetsCompleted++;
        _metrics?.FecSetCompleted();
        ReleaseCode(set);

        MaybeReleaseData(slot, set);
    }

    private void Recover(SlotState slot, FecSetState set, long ts)
    {
        int k = set.NumData;
        int m = set.NumCode;
        int n = k + m;
        int shardLen = set.ShardLength;
        if (k > FecSetState.MaxShardsPerKind || m > FecSetState.MaxShardsPerKind)
        {
            set.RecoveryFailed = true;
            return;
        }

        for (int i = 0; i < k; i++)
        {
            _shardPresent[i] = set.DataPresent[i];
            if (!set.DataPresent[i])
            {
                var b = RentBuffer();
                Array.Clear(b);
                set.Data[i] = b;
            }

            _shards[i] = set.Data[i].AsMemory(Signature.Size, shardLen);
        }

        for (int j = 0; j < m; j++)
        {
            _shardPresent[k + j] = set.CodePresent[j];
            if (!set.CodePresent[j])
            {
                var b = RentBuffer();
                Array.Clear(b);
                set.Code[j] = b;
            }

            _shards[k + j] = set.Code[j].AsMemory(ShredConstants.CodeHeadersSize, shardLen);
        }

        var codec = _codecs.Get(k, m);
        bool ok = codec.TryReconstruct(_shards.AsSpan(0, n), _shardPresent.AsSpan(0, n), shardLen, recoverParity: true);
        ok = ok && RebuildAndVerify(set, k, m, shardLen);
        Array.Clear(_shards, 0, n);
        if (!ok)
        {
            Stats._recoveryFailures++;
            set.RecoveryFailed = true;
            ReleaseUnrecoveredData(set, k);

            for (int j = 0; j < m; j++)
            {
                if (!set.CodePresent[j] && set.Code[j] is { } b)
                {
                    ReturnBuffer(b);
                    set.Code[j] = null;
                }
            }

            return;
        }

        if (_observer is not null)
        {
            for (int i = 0; i < k; i++)
            {
                if (!set.DataPresent[i])
                {
                    _observer.OnShredRecovered(set.Slot, set.FecSetIndex + (uint)i, true, set.Data[i].AsSpan(0, ShredConstants.MerkleDataPayloadSize));
                }
            }

            for (int j = 0; j < m; j++)
            {
                if (!set.CodePresent[j])
                {
                    _observer.OnShredRecovered(set.Slot, set.FirstCodeIndex + (uint)j, false, set.Code[j].AsSpan(0, ShredConstants.CodePayloadSize));
                }
            }
        }

        CommitRecoveredData(slot, set, k, ts);
    }

    /// <summary>After a failed recovery, returns the scratch buffers of the data shreds 0..k-1 that were never received.</summary>
    private void ReleaseUnrecoveredData(FecSetState set, int k)
    {
        for (int i = 0; i < k; i++)
        {
            if (!set.DataPresent[i] && set.Data[i] is { } b)
            {
                ReturnBuffer(b);
                set.Data[i] = null;
            }
        }
    }

    /// <summary>Feeds the recovered (previously missing) data shreds 0..k-1 of a set to the deshredder and completes the set.</summary>
    private void CommitRecoveredData(SlotState slot, FecSetState set, int k, long ts)
    {
        int recovered = 0;
        for (int i = 0; i < k; i++)
        {
            if (set.DataPresent[i])
            {
                continue;
            }

            var buf = set.Data[i]!;
            set.DataPresent[i] = true;
            set.DataKnown++;
            recovered++;
            AddData(slot, set.FecSetIndex + (uint)i, buf, buf[0x55], ts, set);
        }

        set.Recovered += recovered;
        Stats._recovered += recovered;
        _metrics?.Recovered(recovered);
        if (!set.Complete)
        {
            MarkComplete(slot, set, ts);
        }
    }

    /// <summary>Rebuilds headers/tails of recovered shreds, recomputes the tree and checks the root equals the signed root.</summary>
    private bool RebuildAndVerify(FecSetState set, int k, int m, int shardLen)
    {
        int chainedLen = set.Chained ? 32 : 0;
        int proofLen = set.ProofSize * ShredMerkle.EntrySize;
        byte dataVariant = (byte)(set.VariantHigh | set.ProofSize);
        byte codeVariant = (byte)((set.VariantHigh switch { 0x80 => 0x40, 0x90 => 0x60, _ => 0x70 }) | set.ProofSize);
        for (int i = 0; i < k; i++)
        {
            if (set.DataPresent[i])
            {
                continue;
            }

            var buf = set.Data[i]!;
            set.Signature.CopyTo(buf, 0);
            int tail = Signature.Size + shardLen;
            if (set.Chained)
            {
                set.ChainedRoot.CopyTo(buf, tail);
            }

            if (set.Resigned)
            {
                set.RetransmitterSignature.CopyTo(buf, tail + chainedLen + proofLen);
            }

            if (!ShredParser.TryRead(buf.AsSpan(0, ShredConstants.MerkleDataPayloadSize), out var rh, out _)
                || rh.Variant != dataVariant || rh.Slot != set.Slot || rh.Index != set.FecSetIndex + (uint)i || rh.FecSetIndex != set.FecSetIndex
                || rh.Version != set.Version || (set.ParentOffset >= 0 && rh.ParentOffset != set.ParentOffset))
            {
                return false;
            }

            ShredMerkle.HashLeaf(buf.AsSpan(Signature.Size, shardLen + chainedLen), _leafScratch, set.DataLeaf(i));
        }

        for (int j = 0; j < m; j++)
        {
            if (set.CodePresent[j])
            {
                continue;
            }

            var buf = set.Code[j]!;
            set.Signature.CopyTo(buf, 0);
            buf[0x40] = codeVariant;
            BinaryPrimitives.WriteUInt64LittleEndian(buf.AsSpan(0x41), set.Slot);
            BinaryPrimitives.WriteUInt32LittleEndian(buf.AsSpan(0x49), set.FirstCodeIndex + (uint)j);
            BinaryPrimitives.WriteUInt16LittleEndian(buf.AsSpan(0x4D), set.Version);
            BinaryPrimitives.WriteUInt32LittleEndian(buf.AsSpan(0x4F), set.FecSetIndex);
            BinaryPrimitives.WriteUInt16LittleEndian(buf.AsSpan(0x53), (ushort)k);
            BinaryPrimitives.WriteUInt16LittleEndian(buf.AsSpan(0x55), (ushort)m);
            BinaryPrimitives.WriteUInt16LittleEndian(buf.AsSpan(0x57), (ushort)j);
            int tail = ShredConstants.CodeHeadersSize + shardLen;
            if (set.Chained)
            {
                set.ChainedRoot.CopyTo(buf, tail);
            }

            if (set.Resigned)
            {
                set.RetransmitterSignature.CopyTo(buf, tail + chainedLen + proofLen);
            }

            ShredMerkle.HashLeaf(buf.AsSpan(Signature.Size, ShredConstants.CodeHeadersSize - Signature.Size + shardLen + chainedLen), _leafScratch,
                set.CodeLeaf(j));
        }

        int n = k + m;
        if (!_options.VerifyMerkleProofs)
        {
            return true; // trusted input: leaves of received shreds were not hashed, so no tree to rebuild
        }

        if (n > 1 << set.ProofSize || n <= 1 << (set.ProofSize - 1))
        {
            return false;
        }

        set.DataLeaves(k).CopyTo(_treeLeaves);
        set.CodeLeaves(m).CopyTo(_treeLeaves.AsSpan(k * 32));
        var root = ShredMerkle.BuildTree(_treeLeaves, n, _treeNodes);
        if (!root.SequenceEqual(set.Root))
        {
            return false;
        }

        for (int i = 0; i < k; i++)
        {
            if (!set.DataPresent[i])
            {
                ShredMerkle.WriteProof(_treeNodes, n, i, set.Data[i].AsSpan(Signature.Size + shardLen + chainedLen, proofLen));
            }
        }

        for (int j = 0; j < m; j++)
        {
            if (!set.CodePresent[j])
            {
                ShredMerkle.WriteProof(_treeNodes, n, k + j, set.Code[j].AsSpan(ShredConstants.CodeHeadersSize + shardLen + chainedLen, proofLen));
            }
        }

        return true;
    }

    private void AddData(SlotState slot, uint index, byte[] buffer, byte flags, long ts, FecSetState? owner)
    {
        slot.MarkPresent(index);
        slot.Data.Set(index, new DataShredRef(buffer, ts, owner));
        bool dataComplete = (flags & ShredConstants.DataCompleteFlag) != 0;
        if (dataComplete)
        {
            slot.AddDataComplete(index);
        }

        TryEmitBatchFrom(slot, index);
        if (dataComplete && index + 1 < ShredConstants.MaxShredsPerSlot)
        {
            TryEmitBatchFrom(slot, index + 1);
        }
    }

    /// <summary>Emits the batch containing <paramref name="index"/> when all its shreds are known.</summary>
    private void TryEmitBatchFrom(SlotState slot, uint index)
    {
        var list = slot.DataComplete;
        int pos = list.BinarySearch(index);
        if (pos < 0)
        {
            pos = ~pos;
        }

        if (pos >= list.Count)
        {
            return;
        }

        uint end = list[pos];
        if (slot.EmittedEnds.Contains(end))
        {
            return;
        }

        uint start = pos == 0 ? 0 : list[pos - 1] + 1;
        if (!slot.AllPresent(start, end))
        {
            return;
        }

        int total = 0;
        for (uint i = start; i <= end; i++)
        {
            if (!slot.Data.TryGetValue(i, out var r))
            {
                return; // defensive: a released buffer can only belong to an already emitted batch
            }

            total += Math.Max(0, BinaryPrimitives.ReadUInt16LittleEndian(r.Buffer.AsSpan(0x56)) - ShredConstants.DataHeadersSize);
        }

        if (_batch.Length < total)
        {
            if (_batch.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(_batch);
            }

            _batch = ArrayPool<byte>.Shared.Rent(Math.Max(total, 64 * 1024));
        }

        int written = 0;
        long firstTs = long.MaxValue, lastTs = long.MinValue;
        bool lastInSlot = false;
        for (uint i = start; i <= end; i++)
        {
            var r = slot.Data[i];
            int size = BinaryPrimitives.ReadUInt16LittleEndian(r.Buffer.AsSpan(0x56));
            int len = Math.Max(0, size - ShredConstants.DataHeadersSize);
            r.Buffer.AsSpan(ShredConstants.DataHeadersSize, len).CopyTo(_batch.AsSpan(written));
            written += len;
            firstTs = Math.Min(firstTs, r.Timestamp);
            lastTs = Math.Max(lastTs, r.Timestamp);
            if (i == end)
            {
                lastInSlot = (r.Buffer[0x55] & ShredConstants.LastInSlotFlags) == ShredConstants.LastInSlotFlags;
            }
        }

        slot.EmittedEnds.Add(end);
        var payload = _batch.AsSpan(0, written);
        bool decoded = EntryBatchScanner.TryScan(payload, out int entries, out int txs);
        Stats._batches++;
        if (decoded)
        {
            Stats._entries += entries;
            Stats._transactions += txs;
        }
        else
        {
            Stats._batchDecodeErrors++;
            entries = 0;
            txs = 0;
        }

        _metrics?.Batch(txs);
        _observer?.OnEntryBatch(new EntryBatch(slot.Slot, start, end, entries, txs, decoded, lastInSlot, payload, firstTs, lastTs));

        // Consume: legacy buffers go back now; Merkle sets release theirs once complete and fully consumed.
        for (uint i = start; i <= end; i++)
        {
            var r = slot.Data[i];
            if (r.Owner is null)
            {
                slot.Data.Remove(i);
                ReturnBuffer(r.Buffer);
            }
            else
            {
                r.Owner.Consumed++;
                MaybeReleaseData(slot, r.Owner);
            }
        }
    }

    private void MaybeReleaseData(SlotState slot, FecSetState set)
    {
        if (!set.Complete || set.DataReleased || set.Consumed < set.DataKnown)
        {
            return;
        }

        set.DataReleased = true;
        for (int i = 0; i < FecSetState.MaxShardsPerKind; i++)
        {
            if (set.Data[i] is { } b)
            {
                slot.Data.Remove(set.FecSetIndex + (uint)i);
                ReturnBuffer(b);
                set.Data[i] = null;
            }
        }
    }

    /// <summary>Returns a set's coding shred buffers (it completed or is retired); held unverified ones are counted as never needed.</summary>
    private void ReleaseCode(FecSetState set)
    {
        int unverified = 0;
        for (int j = 0; j < FecSetState.MaxShardsPerKind; j++)
        {
            if (set.Code[j] is { } c)
            {
                ReturnBuffer(c);
                set.Code[j] = null;
                if (set.CodeUnverified[j])
                {
                    unverified++;
                }
            }
        }

        CountNotVerified(unverified);
    }

    private void CountNotVerified(int n)
    {
        if (n > 0)
        {
            Stats._codingShredsNotVerified += n;
            _metrics?.CodingNotVerified(n);
        }
    }

    /// <summary>Holds a coding shred of a set whose geometry is verified without verifying it (lazy coding verification). A set that is
    /// already complete never needs it: it is only counted.</summary>
    private ShredProcessResult Defer(in ReadOnlySpan<byte> shred, SlotState slot, FecSetState set, int pos, long ts)
    {
        set.CodeUnverified[pos] = true;
        set.CodeDeferred++;
        if (set.Complete)
        {
            CountNotVerified(1);
            return ShredProcessResult.Deferred;
        }

        var buf = RentBuffer();
        shred.CopyTo(buf);
        set.Code[pos] = buf;
        TryComplete(slot, set, ts);
        return ShredProcessResult.Deferred;
    }

    /// <summary>
    /// A coding shred arrived at a position holding an unverified one (same signature). Identical Merkle-covered bytes (everything but
    /// the signature and a retransmitter signature) verify identically: a duplicate. Otherwise at most one of them is valid: the held
    /// one is verified now; if valid the new one is a duplicate (as with eager verification), if not it is rejected and released and
    /// the new one is processed as a first arrival. After the set completed no bytes are kept: any copy is a duplicate.
    /// </summary>
    private bool IsCopyOfUnverified(in ReadOnlySpan<byte> shred, in ShredHeader h, FecSetState set, int pos)
    {
        if (set.Code[pos] is not { } held)
        {
            return true;
        }

        int end = h.ProofOffset + (h.ProofSize * ShredMerkle.EntrySize);
        if (end <= held.Length && shred[Signature.Size..end].SequenceEqual(held.AsSpan(Signature.Size, end - Signature.Size)))
        {
            return true;
        }

        _heldPositions[0] = pos;
        VerifyHeld(set, 1);
        return set.CodePresent[pos];
    }

    /// <summary>Verifies every held coding shred of a set (their leaves hashed together by the multi-buffer SHA-256).</summary>
    private void VerifyHeldCoding(FecSetState set)
    {
        int count = 0;
        for (int j = 0; j < FecSetState.MaxShardsPerKind && count < set.CodeDeferred; j++)
        {
            if (set.CodeUnverified[j] && set.Code[j] is not null)
            {
                _heldPositions[count++] = j;
            }
        }

        VerifyHeld(set, count);
    }

    /// <summary>Verifies the held coding shreds at <see cref="_heldPositions"/>[..count]: each one becomes accepted (present, its leaf kept for
    /// recovery) or rejected as <see cref="ShredRejectReason.InvalidMerkleProof"/> and released, exactly as it would have been on arrival.</summary>
    private void VerifyHeld(FecSetState set, int count)
    {
        if (_heldSlab.Length == 0)
        {
            _heldSlab = new byte[FecSetState.MaxShardsPerKind * BufferSize];
            _heldHashes = new byte[FecSetState.MaxShardsPerKind * HashStride];
        }

        int n = 0;
        for (int i = 0; i < count; i++)
        {
            int pos = _heldPositions[i];
            var held = set.Code[pos]!;
            if (!ShredParser.TryRead(held.AsSpan(0, ShredConstants.CodePayloadSize), _rules, out var h, out _))
            {
                RejectHeld(set, pos); // cannot happen: the bytes parsed on arrival
                continue;
            }

            _heldPositions[n] = pos;
            _heldOffsets[n] = n * BufferSize;
            _heldLengths[n] = h.ProofOffset - Signature.Size;
            _heldSiblingsAt[n] = (n * BufferSize) + h.ProofOffset - Signature.Size;
            _heldLeafIndex[n] = set.NumData + pos;
            _heldProofSize[n] = Math.Min(h.ProofSize, MaxProofLevels);
            _heldRow[n] = n * HashStride;
            held.AsSpan(Signature.Size, h.ProofOffset + (h.ProofSize * ShredMerkle.EntrySize) - Signature.Size).CopyTo(_heldSlab.AsSpan(n * BufferSize));
            n++;
        }

        if (n == 0)
        {
            return;
        }

        // Leaves, then every proof level, through the multi-buffer hasher (as the batch does for arriving shreds).
        _hasher.Hash(ShredMerkle.LeafPrefix, _heldSlab, _heldOffsets.AsSpan(0, n), _heldLengths.AsSpan(0, n), _heldDigests.AsSpan(0, n * 32));
        for (int i = 0; i < n; i++)
        {
            _heldDigests.AsSpan(i * 32, 32).CopyTo(_heldHashes.AsSpan(i * HashStride, 32));
        }

        HashProofLevels(_heldSlab, n, _heldSiblingsAt, _heldLeafIndex, _heldProofSize, _heldRow, _heldHashes);
        for (int i = 0; i < n; i++)
        {
            int pos = _heldPositions[i];
            var hashes = _heldHashes.AsSpan(i * HashStride, (1 + _heldProofSize[i]) * 32);
            var leaf = hashes[..32];
            var proof = _heldSlab.AsSpan(_heldSiblingsAt[i], set.ProofSize * ShredMerkle.EntrySize);
            if (!set.Nodes.TryVerify(leaf, set.NumData + pos, proof, set.Root, PathOf(hashes)))
            {
                RejectHeld(set, pos);
                continue;
            }

            set.CodeUnverified[pos] = false;
            set.CodeDeferred--;
            set.CodePresent[pos] = true;
            set.CodeReceived++;
            Stats._accepted++;
            leaf.CopyTo(set.CodeLeaf(pos));
        }
    }

    private void RejectHeld(FecSetState set, int pos)
    {
        set.CodeUnverified[pos] = false;
        set.CodeDeferred--;
        ReturnBuffer(set.Code[pos]!);
        set.Code[pos] = null;
        Reject(ShredRejectReason.InvalidMerkleProof);
    }

    private static byte[] CreateNodeBlocks()
    {
        var blocks = new byte[ChunkSize * NodeStride];
        for (int i = 0; i < ChunkSize; i++)
        {
            var message = blocks.AsSpan(i * NodeStride, NodeStride);
            ShredMerkle.NodePrefix.CopyTo(message);
            Sha256MultiBuffer.Pad(message, NodeMessageLength);
        }

        return blocks;
    }

    private static int[] CreateJoinTable()
    {
        var table = new int[1 << JoinTableBits];
        Array.Fill(table, -1);
        return table;
    }

    private SlotState GetSlot(ulong slotNumber)
    {
        if (!_slots.TryGetValue(slotNumber, out var slot))
        {
            slot = _slotPool.Count > 0 ? _slotPool.Pop() : new SlotState();
            slot.Slot = slotNumber;
            _slots[slotNumber] = slot;
        }

        return slot;
    }

    /// <summary>The held slot and FEC set of a shred (null when not held). Consecutive shreds mostly belong to the same set, so the
    /// last set found is remembered (forgotten whenever a slot is retired, the only time sets go away).</summary>
    private void FindSet(ulong slotNumber, uint fecSetIndex, out SlotState? slot, out FecSetState? set)
    {
        if (_lastSet is not null && _lastSet.Slot == slotNumber && _lastSet.FecSetIndex == fecSetIndex)
        {
            slot = _lastSlot;
            set = _lastSet;
            return;
        }

        set = null;
        if (_slots.TryGetValue(slotNumber, out slot) && slot.Sets.TryGetValue(fecSetIndex, out set))
        {
            _lastSlot = slot;
            _lastSet = set;
        }
    }

    private FecSetState RentSet(SlotState slot, in ShredHeader h)
    {
        var set = _setPool.Count > 0 ? _setPool.Pop() : new FecSetState();
        set.Slot = h.Slot;
        set.FecSetIndex = h.FecSetIndex;
        slot.Sets[h.FecSetIndex] = set;
        _inFlightSets++;
        Stats._fecSets++;
        return set;
    }

    private void AdvanceWindow(ulong slot)
    {
        if (!_hasHighest || slot > _highestSlot)
        {
            _hasHighest = true;
            _highestSlot = slot;
            if (_slots.Count > 1)
            {
                _evictScratch.Clear();
                foreach (var s in _slots.Keys)
                {
                    if (s + (ulong)_options.SlotWindow < _highestSlot)
                    {
                        _evictScratch.Add(s);
                    }
                }

                _evictScratch.Sort();
                foreach (var s in _evictScratch)
                {
                    RetireSlot(s, evicted: true);
                }
            }
        }

        while (_inFlightSets > _options.MaxInFlightFecSets && _slots.Count > 1)
        {
            ulong oldest = ulong.MaxValue;
            foreach (var s in _slots.Keys)
            {
                oldest = Math.Min(oldest, s);
            }

            RetireSlot(oldest, evicted: true);
        }
    }

    private void RetireSlot(ulong slotNumber, bool evicted)
    {
        if (!_slots.Remove(slotNumber, out var slot))
        {
            return;
        }

        _lastSlot = null;
        _lastSet = null;

        if (evicted)
        {
            Stats._evictedSlots++;
            _metrics?.Evicted();
        }

        foreach (var (_, set) in slot.Sets)
        {
            if (evicted && !set.Complete)
            {
                Stats._evictedIncompleteFecSets++;
            }

            ReleaseCode(set);
            _observer?.OnFecSet(new FecSetResult(
                set.Slot, set.FecSetIndex, new Signature(set.Signature), new Hash(set.Root), set.SignatureValid,
                set.DataReceived, set.CodeReceived, set.Recovered, set.Complete, set.Equivocated, set.CompletedTimestamp)
            {
                UnverifiedCodeShreds = set.CodeDeferred,
            });
            for (int i = 0; i < FecSetState.MaxShardsPerKind; i++)
            {
                if (set.Data[i] is { } d)
                {
                    ReturnBuffer(d);
                    set.Data[i] = null;
                }
            }

            set.Reset();
            _setPool.Push(set);
            _inFlightSets--;
        }

        foreach (var r in slot.Data)
        {
            if (r.Owner is null)
            {
                ReturnBuffer(r.Buffer);
            }
        }

        slot.Reset();
        _slotPool.Push(slot);
    }

    private byte[] RentBuffer() => _buffers.Count > 0 ? _buffers.Pop() : new byte[BufferSize];

    private void ReturnBuffer(byte[] buffer)
    {
        if (_buffers.Count < 1 << 16)
        {
            _buffers.Push(buffer);
        }
    }
}
