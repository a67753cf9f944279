using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Security.Cryptography;

namespace MevDefense.Ingest.Internal;

// Banned-API exception (eng/BannedSymbols.txt): this hot-path kernel reads and writes shard/message memory through
// Unsafe/MemoryMarshal to avoid bounds checks in its inner loops; its outputs are property-tested against the scalar path.
#pragma warning disable RS0030

/// <summary>Which implementation <see cref="Sha256MultiBuffer"/> uses.</summary>
internal enum Sha256Path : byte
{
    /// <summary>The widest vector path the CPU supports, and the scalar path for calls too small to fill the lanes.</summary>
    Auto = 0,

    /// <summary>16 lanes of AVX-512 (F + BW).</summary>
    Vector512 = 1,

    /// <summary>8 lanes of AVX2 (with AVX-512VL rotates and ternary logic where available).</summary>
    Vector256 = 2,

    /// <summary>One message at a time through <see cref="SHA256.HashData(ReadOnlySpan{byte}, Span{byte})"/> (SHA-NI via the platform).</summary>
    Scalar = 3,
}

/// <summary>
/// Multi-buffer SHA-256: hashes many independent messages at once, one message per SIMD lane (16 lanes with AVX-512,
/// 8 with AVX2), each message being a shared <c>prefix</c> followed by its own body, of any length. The technique is the
/// classic multi-buffer one (as in Intel's isa-l_crypto and Firedancer's <c>fd_sha256_batch</c>): the 64-byte blocks of
/// the lanes are transposed so that vector element <c>i</c> holds lane <c>i</c>'s word, and the 64 rounds run on all lanes
/// at once. Lanes are padded individually; a lane whose message ends is refilled with the next message while the other
/// lanes continue, and idle lanes hash a dummy block whose result is discarded. Blocks lying wholly inside a body are
/// read in place; only a message's first block (prefix) and last one or two (padding) are assembled in a scratch block.
/// </summary>
/// <remarks>Not thread-safe (scratch state): one instance per thread. Allocates nothing per call.</remarks>
internal sealed unsafe class Sha256MultiBuffer
{
    private const int BlockSize = 64;
    private const int MaxLanes = 16;

    private static ReadOnlySpan<uint> InitialState =>
    [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
    ];

    private static ReadOnlySpan<uint> RoundConstants =>
    [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ];

    // pshufb mask reversing the bytes of every 32-bit word (per 128-bit lane).
    private static ReadOnlySpan<byte> ByteSwapMask =>
    [
        3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12, 3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12,
        3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12, 3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12,
    ];

    // Transposed lane state: word j of lane l at [j * lanes + l]. Pinned: the kernels address it directly.
    private readonly uint[] _state = GC.AllocateArray<uint>(8 * MaxLanes, pinned: true);
    private readonly byte[] _scratch = GC.AllocateArray<byte>((MaxLanes + 1) * BlockSize, pinned: true); // last block = idle lanes
    private byte[] _scalarBuffer = new byte[2048];

    /// <summary>Creates a hasher.</summary>
    /// <param name="path">The implementation; a vector path the CPU lacks falls back to the next narrower one.</param>
    public Sha256MultiBuffer(Sha256Path path = Sha256Path.Auto)
    {
        RequestedPath = path;
        Path = path switch
        {
            Sha256Path.Vector512 when IsVector512Supported => Sha256Path.Vector512,
            Sha256Path.Vector512 or Sha256Path.Vector256 when IsVector256Supported => Sha256Path.Vector256,
            Sha256Path.Auto => IsVector512Supported ? Sha256Path.Vector512 : IsVector256Supported ? Sha256Path.Vector256 : Sha256Path.Scalar,
            _ => Sha256Path.Scalar,
        };
    }

    /// <summary>Gets whether the 16-lane AVX-512 path can run here.</summary>
    public static bool IsVector512Supported => Avx512F.IsSupported && Avx512BW.IsSupported;

    /// <summary>Gets whether the 8-lane AVX2 path can run here.</summary>
    public static bool IsVector256Supported => Avx2.IsSupported;

    /// <summary>Gets the path asked for.</summary>
    public Sha256Path RequestedPath { get; }

    /// <summary>Gets the widest path used (calls with few messages may use a narrower one when <see cref="RequestedPath"/> is Auto).</summary>
    public Sha256Path Path { get; }

    /// <summary>Computes <c>SHA-256(prefix ‖ buffer[offsets[i]..(offsets[i] + lengths[i])])</c> for every i into <paramref name="digests"/> (32 bytes each, in order).</summary>
    /// <param name="prefix">Bytes hashed before every body (may be empty).</param>
    /// <param name="buffer">Holds the bodies.</param>
    /// <param name="offsets">Where each body starts in <paramref name="buffer"/>.</param>
    /// <param name="lengths">The length of each body (as many as <paramref name="offsets"/>).</param>
    /// <param name="digests">Receives <c>32 * offsets.Length</c> bytes.</param>
    /// <exception cref="ArgumentException">The spans disagree in size or a body lies outside <paramref name="buffer"/>.</exception>
    public void Hash(ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> buffer, ReadOnlySpan<int> offsets, ReadOnlySpan<int> lengths, Span<byte> digests)
    {
        int n = offsets.Length;
        if (lengths.Length != n || digests.Length < n * 32)
        {
            throw new ArgumentException("The offsets, lengths and digests do not match.", nameof(digests));
        }

        for (int i = 0; i < n; i++)
        {
            if ((uint)offsets[i] > (uint)buffer.Length || (uint)lengths[i] > (uint)(buffer.Length - offsets[i]))
            {
                throw new ArgumentException("A message lies outside the buffer.", nameof(offsets));
            }
        }

        var path = PathFor(n);
        fixed (byte* pre = prefix)
        fixed (byte* buf = buffer)
        {
            var messages = new Messages(buf, offsets, lengths);
            switch (path)
            {
                case Sha256Path.Vector512:
                    HashLanes(16, pre, prefix.Length, messages, digests);
                    break;
                case Sha256Path.Vector256:
                    HashLanes(8, pre, prefix.Length, messages, digests);
                    break;
                default:
                    HashScalar(prefix, messages, digests);
                    break;
            }
        }
    }

    /// <summary>The path for <paramref name="count"/> messages: <see cref="Path"/>, except that with <see cref="Sha256Path.Auto"/>
    /// too few messages to fill the lanes take a narrower path (a half-empty pass costs as much as a full one).</summary>
    private Sha256Path PathFor(int count)
    {
        var path = Path;
        if (RequestedPath == Sha256Path.Auto)
        {
            if (path == Sha256Path.Vector512 && count < 10)
            {
                path = IsVector256Supported ? Sha256Path.Vector256 : Sha256Path.Scalar;
            }

            if (path == Sha256Path.Vector256 && count < 4)
            {
                path = Sha256Path.Scalar;
            }
        }

        return path;
    }

    /// <summary>The length of a message of <paramref name="messageLength"/> bytes after SHA-256 padding (a multiple of 64).</summary>
    public static int PaddedLength(int messageLength) => checked((messageLength + 8 + BlockSize) / BlockSize * BlockSize);

    /// <summary>Writes the SHA-256 padding of a <paramref name="messageLength"/>-byte message held at the start of
    /// <paramref name="padded"/> (0x80, zeros, the bit length), which must be <see cref="PaddedLength"/> bytes.</summary>
    /// <exception cref="ArgumentException"><paramref name="padded"/> has the wrong length.</exception>
    public static void Pad(Span<byte> padded, int messageLength)
    {
        if (messageLength < 0 || padded.Length != PaddedLength(messageLength))
        {
            throw new ArgumentException("The span is not the padded length of the message.", nameof(padded));
        }

        padded[messageLength] = 0x80;
        padded[(messageLength + 1)..^8].Clear();
        BinaryPrimitives.WriteUInt64BigEndian(padded[^8..], (ulong)messageLength * 8);
    }

    /// <summary>
    /// Hashes <paramref name="count"/> messages of <paramref name="messageLength"/> bytes each, message i held at
    /// <c>messages[(i * stride)..]</c> already padded (<see cref="Pad"/>; stride = <see cref="PaddedLength"/>): the same digests as
    /// <see cref="Hash"/> of the unpadded messages, without the per-lane scheduling (every lane runs the same block count), so
    /// cheaper for many short messages of one length, such as Merkle tree nodes.
    /// </summary>
    /// <param name="messages">The padded messages, back to back.</param>
    /// <param name="messageLength">The length of every message before padding.</param>
    /// <param name="count">How many messages.</param>
    /// <param name="digests">Receives <c>32 * count</c> bytes.</param>
    /// <exception cref="ArgumentException">The spans are too short for <paramref name="count"/> messages.</exception>
    public void HashPadded(ReadOnlySpan<byte> messages, int messageLength, int count, Span<byte> digests)
    {
        int stride = PaddedLength(messageLength);
        if (count < 0 || messages.Length < (long)count * stride || digests.Length < count * 32)
        {
            throw new ArgumentException("The messages or digests are shorter than the count says.", nameof(messages));
        }

        var path = PathFor(count);
        if (path == Sha256Path.Scalar)
        {
            for (int i = 0; i < count; i++)
            {
                SHA256.HashData(messages.Slice(i * stride, messageLength), digests.Slice(i * 32, 32));
            }

            return;
        }

        int lanes = path == Sha256Path.Vector512 ? 16 : 8;
        int blocksPerMessage = stride / BlockSize;
        byte** blocks = stackalloc byte*[MaxLanes];
        fixed (byte* msg = messages)
        fixed (byte* dig = digests)
        fixed (uint* state = _state)
        {
            for (int first = 0; first < count; first += lanes)
            {
                int n = Math.Min(lanes, count - first);
                for (int lane = 0; lane < lanes; lane++)
                {
                    // Idle lanes (the last group) hash the group's first message again; their result is not written.
                    blocks[lane] = msg + ((long)(first + (lane < n ? lane : 0)) * stride);
                }

                ref uint iv = ref MemoryMarshal.GetReference(InitialState);
                for (int j = 0; j < 8; j++)
                {
                    new Span<uint>(state + (j * lanes), lanes).Fill(Unsafe.Add(ref iv, j));
                }

                for (int b = 0; ; b++)
                {
                    Compress(lanes, state, blocks);

                    if (b + 1 == blocksPerMessage)
                    {
                        break;
                    }

                    for (int lane = 0; lane < lanes; lane++)
                    {
                        blocks[lane] += BlockSize;
                    }
                }

                for (int lane = 0; lane < n; lane++)
                {
                    WriteDigest(state, lanes, lane, dig + ((long)(first + lane) * 32));
                }
            }
        }
    }

    /// <summary>Writes lane <paramref name="lane"/>'s digest (big-endian words) from the transposed state, as one 32-byte store: callers
    /// copy digests on at once, and a 32-byte load right after eight 4-byte stores could not be forwarded from them (a stall).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WriteDigest(uint* state, int lanes, int lane, byte* digest)
    {
        // The vector paths imply AVX2 (gather, byte shuffle).
        var words = Avx2.GatherVector256(state + lane, Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7) * lanes, 4);
        Avx2.Shuffle(words.AsByte(), Vector256.Create(ByteSwapMask[..32])).Store(digest);
    }

    private void HashScalar(ReadOnlySpan<byte> prefix, in Messages inputs, Span<byte> digests)
    {
        for (int i = 0; i < inputs.Count; i++)
        {
            var body = new ReadOnlySpan<byte>(inputs.Body(i), inputs.Length(i));
            int total = prefix.Length + body.Length;
            if (_scalarBuffer.Length < total)
            {
                _scalarBuffer = new byte[Math.Max(total, _scalarBuffer.Length * 2)];
            }

            prefix.CopyTo(_scalarBuffer);
            body.CopyTo(_scalarBuffer.AsSpan(prefix.Length));
            SHA256.HashData(_scalarBuffer.AsSpan(0, total), digests.Slice(i * 32, 32));
        }
    }

    private void HashLanes(int lanes, byte* prefix, int prefixLength, in Messages inputs, Span<byte> digests)
    {
        // Per lane: the message (-1 = idle), the next block, the block count, and the run of blocks read in place from the
        // body ([bodyFirst, bodyEnd), next one at cursor); blocks outside that run (prefix, padding) are assembled.
        byte** blocks = stackalloc byte*[MaxLanes];
        byte** cursor = stackalloc byte*[MaxLanes];
        long* steps = stackalloc long[MaxLanes];
        int* laneMessage = stackalloc int[MaxLanes];
        int* laneBlock = stackalloc int[MaxLanes];
        int* laneBlocks = stackalloc int[MaxLanes];
        int* bodyFirst = stackalloc int[MaxLanes];
        int* bodyEnd = stackalloc int[MaxLanes];
        fixed (uint* state = _state)
        fixed (byte* scratch = _scratch)
        fixed (byte* dig = digests)
        {
            byte* idle = scratch + (MaxLanes * BlockSize);
            int next = 0;
            int active = 0;
            for (int lane = 0; lane < lanes; lane++)
            {
                laneMessage[lane] = -1;
                if (next < inputs.Count)
                {
                    Assign(lane, lanes, next++, prefixLength, inputs, state, laneMessage, laneBlock, laneBlocks, bodyFirst, bodyEnd, cursor);
                    active++;
                }
            }

            while (active > 0)
            {
                // run: how many blocks every active lane can read in place from its body from here on (1 when a lane needs an
                // assembled block). Messages of one call usually have equal lengths (shreds) and start together, so the lanes move
                // through their bodies in step: one scheduling pass per run of ~15 blocks instead of one per block.
                int run = int.MaxValue;
                for (int lane = 0; lane < lanes; lane++)
                {
                    int m = laneMessage[lane];
                    int k = laneBlock[lane];
                    if (m < 0)
                    {
                        blocks[lane] = idle;
                        steps[lane] = 0;
                    }
                    else if (k >= bodyFirst[lane] && k < bodyEnd[lane])
                    {
                        blocks[lane] = cursor[lane];
                        steps[lane] = BlockSize;
                        run = Math.Min(run, bodyEnd[lane] - k);
                    }
                    else
                    {
                        blocks[lane] = BlockPointer(lane, inputs.Body(m), inputs.Length(m), k, laneBlocks[lane], prefix, prefixLength, scratch);
                        steps[lane] = 0;
                        run = 1;
                    }
                }

                if (run == int.MaxValue)
                {
                    run = 1; // not reached: an active lane always has a block
                }

                for (int step = 0; ; step++)
                {
                    // The lanes read 8 or 16 messages at once, usually just received and often not cached: ask for each in-body lane's
                    // block after next now (the next one was asked for one block ago), so that it arrives while this block runs.
                    for (int lane = 0; lane < lanes; lane++)
                    {
                        if (steps[lane] != 0)
                        {
                            Prefetch(blocks[lane] + (2 * BlockSize));
                        }
                    }

                    Compress(lanes, state, blocks);

                    if (step + 1 == run)
                    {
                        break;
                    }

                    for (int lane = 0; lane < lanes; lane++)
                    {
                        blocks[lane] += steps[lane];
                    }
                }

                for (int lane = 0; lane < lanes; lane++)
                {
                    if (steps[lane] != 0)
                    {
                        cursor[lane] += (long)run * BlockSize;
                    }
                }

                for (int lane = 0; lane < lanes; lane++)
                {
                    int m = laneMessage[lane];
                    if (m < 0 || (laneBlock[lane] += run) < laneBlocks[lane])
                    {
                        continue;
                    }

                    WriteDigest(state, lanes, lane, dig + ((long)m * 32));

                    if (next < inputs.Count)
                    {
                        Assign(lane, lanes, next++, prefixLength, inputs, state, laneMessage, laneBlock, laneBlocks, bodyFirst, bodyEnd, cursor);
                    }
                    else
                    {
                        laneMessage[lane] = -1;
                        active--;
                    }
                }
            }
        }
    }

    /// <summary>A cache hint (no effect on results): bring the line at <paramref name="address"/> closer. Prefetches never fault, so an
    /// address past the end of a message is harmless.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Prefetch(byte* address)
    {
        if (Sse.IsSupported)
        {
            Sse.Prefetch0(address);
        }
    }

    private static void Assign(
        int lane, int lanes, int m, int prefixLength, in Messages inputs, uint* state,
        int* laneMessage, int* laneBlock, int* laneBlocks, int* bodyFirst, int* bodyEnd, byte** cursor)
    {
        long total = (long)prefixLength + inputs.Length(m);
        laneMessage[lane] = m;
        laneBlock[lane] = 0;
        laneBlocks[lane] = checked((int)((total + 8 + BlockSize) / BlockSize));
        int first = (prefixLength + BlockSize - 1) / BlockSize; // first block starting at or after the body start
        int end = (int)(total / BlockSize);                     // blocks ending at or before the body end
        bodyFirst[lane] = first;
        bodyEnd[lane] = Math.Max(first, end);
        cursor[lane] = inputs.Body(m) + ((long)first * BlockSize) - prefixLength;
        Prefetch(inputs.Body(m));
        Prefetch(cursor[lane]);
        Prefetch(cursor[lane] + BlockSize);
        ref uint iv = ref MemoryMarshal.GetReference(InitialState);
        for (int j = 0; j < 8; j++)
        {
            state[(j * lanes) + lane] = Unsafe.Add(ref iv, j);
        }
    }

    /// <summary>The 64 bytes of block <paramref name="k"/> of <c>prefix ‖ body ‖ padding</c>: in place when inside the body, else assembled.</summary>
    private static byte* BlockPointer(int lane, byte* body, int length, int k, int blockCount, byte* prefix, int prefixLength, byte* scratch)
    {
        long start = (long)k * BlockSize;
        long total = (long)prefixLength + length;
        if (start >= prefixLength && start + BlockSize <= total)
        {
            return body + (start - prefixLength);
        }

        byte* block = scratch + (lane * BlockSize);
        var span = new Span<byte>(block, BlockSize);
        span.Clear();
        if (start < prefixLength)
        {
            new ReadOnlySpan<byte>(prefix + start, (int)Math.Min(prefixLength - start, BlockSize)).CopyTo(span);
        }

        long from = Math.Max(start, prefixLength);
        long to = Math.Min(start + BlockSize, total);
        if (to > from)
        {
            new ReadOnlySpan<byte>(body + (from - prefixLength), (int)(to - from)).CopyTo(span[(int)(from - start)..]);
        }

        if (total >= start && total < start + BlockSize)
        {
            block[total - start] = 0x80;
        }

        if (k == blockCount - 1)
        {
            BinaryPrimitives.WriteUInt64BigEndian(span[56..], (ulong)total * 8);
        }

        return block;
    }

    /// <summary>One block of every lane: 16 lanes with AVX-512, 8 with AVX2.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Compress(int lanes, uint* state, byte** blocks)
    {
        if (lanes == 16)
        {
            Compress16(state, blocks);
        }
        else
        {
            Compress8(state, blocks);
        }
    }

    // ---------------------------------------------------------------- 16 lanes, AVX-512

    [SkipLocalsInit]
    private static void Compress16(uint* state, byte** blocks)
    {
        var swap = Vector512.Create(ByteSwapMask);
        Vector512<uint>* w = stackalloc Vector512<uint>[64];

        // Load one block per lane (row r = lane r), byte-swap the words, transpose 16x16 so that w[t] holds word t of every lane.
        var r0 = Load512(blocks[0], swap);
        var r1 = Load512(blocks[1], swap);
        var r2 = Load512(blocks[2], swap);
        var r3 = Load512(blocks[3], swap);
        var r4 = Load512(blocks[4], swap);
        var r5 = Load512(blocks[5], swap);
        var r6 = Load512(blocks[6], swap);
        var r7 = Load512(blocks[7], swap);
        var r8 = Load512(blocks[8], swap);
        var r9 = Load512(blocks[9], swap);
        var r10 = Load512(blocks[10], swap);
        var r11 = Load512(blocks[11], swap);
        var r12 = Load512(blocks[12], swap);
        var r13 = Load512(blocks[13], swap);
        var r14 = Load512(blocks[14], swap);
        var r15 = Load512(blocks[15], swap);

        // 32-bit interleave of row pairs, then 64-bit interleave of pair pairs: u[4g + j] holds, in each 128-bit lane q,
        // word (4q + j) of rows 4g..4g+3.
        Interleave(r0, r1, r2, r3, out var u0, out var u1, out var u2, out var u3);
        Interleave(r4, r5, r6, r7, out var u4, out var u5, out var u6, out var u7);
        Interleave(r8, r9, r10, r11, out var u8, out var u9, out var u10, out var u11);
        Interleave(r12, r13, r14, r15, out var u12, out var u13, out var u14, out var u15);

        // 128-bit lane shuffles gather word t of all 16 rows.
        Gather(u0, u4, u8, u12, w, 0);
        Gather(u1, u5, u9, u13, w, 1);
        Gather(u2, u6, u10, u14, w, 2);
        Gather(u3, u7, u11, u15, w, 3);

        for (int t = 16; t < 64; t++)
        {
            var x = w[t - 15];
            var y = w[t - 2];
            var s0 = Avx512F.TernaryLogic(Avx512F.RotateRight(x, 7), Avx512F.RotateRight(x, 18), Avx512F.ShiftRightLogical(x, 3), 0x96);
            var s1 = Avx512F.TernaryLogic(Avx512F.RotateRight(y, 17), Avx512F.RotateRight(y, 19), Avx512F.ShiftRightLogical(y, 10), 0x96);
            w[t] = w[t - 16] + s0 + w[t - 7] + s1;
        }

        var a = Vector512.Load(state);
        var b = Vector512.Load(state + 16);
        var c = Vector512.Load(state + 32);
        var d = Vector512.Load(state + 48);
        var e = Vector512.Load(state + 64);
        var f = Vector512.Load(state + 80);
        var g = Vector512.Load(state + 96);
        var h = Vector512.Load(state + 112);

        ref uint k = ref MemoryMarshal.GetReference(RoundConstants);
        for (int t = 0; t < 64; t += 8)
        {
            Round512(a, b, c, ref d, e, f, g, ref h, w[t] + Vector512.Create(Unsafe.Add(ref k, t)));
            Round512(h, a, b, ref c, d, e, f, ref g, w[t + 1] + Vector512.Create(Unsafe.Add(ref k, t + 1)));
            Round512(g, h, a, ref b, c, d, e, ref f, w[t + 2] + Vector512.Create(Unsafe.Add(ref k, t + 2)));
            Round512(f, g, h, ref a, b, c, d, ref e, w[t + 3] + Vector512.Create(Unsafe.Add(ref k, t + 3)));
            Round512(e, f, g, ref h, a, b, c, ref d, w[t + 4] + Vector512.Create(Unsafe.Add(ref k, t + 4)));
            Round512(d, e, f, ref g, h, a, b, ref c, w[t + 5] + Vector512.Create(Unsafe.Add(ref k, t + 5)));
            Round512(c, d, e, ref f, g, h, a, ref b, w[t + 6] + Vector512.Create(Unsafe.Add(ref k, t + 6)));
            Round512(b, c, d, ref e, f, g, h, ref a, w[t + 7] + Vector512.Create(Unsafe.Add(ref k, t + 7)));
        }

        Vector512.Store(a + Vector512.Load(state), state);
        Vector512.Store(b + Vector512.Load(state + 16), state + 16);
        Vector512.Store(c + Vector512.Load(state + 32), state + 32);
        Vector512.Store(d + Vector512.Load(state + 48), state + 48);
        Vector512.Store(e + Vector512.Load(state + 64), state + 64);
        Vector512.Store(f + Vector512.Load(state + 80), state + 80);
        Vector512.Store(g + Vector512.Load(state + 96), state + 96);
        Vector512.Store(h + Vector512.Load(state + 112), state + 112);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<uint> Load512(byte* block, Vector512<byte> swap)
        => Avx512BW.Shuffle(Vector512.Load(block), swap).AsUInt32();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Interleave(
        Vector512<uint> ra, Vector512<uint> rb, Vector512<uint> rc, Vector512<uint> rd,
        out Vector512<uint> j0, out Vector512<uint> j1, out Vector512<uint> j2, out Vector512<uint> j3)
    {
        var t0 = Avx512F.UnpackLow(ra, rb);  // a0 b0 a1 b1 (per 128-bit lane)
        var t1 = Avx512F.UnpackHigh(ra, rb); // a2 b2 a3 b3
        var t2 = Avx512F.UnpackLow(rc, rd);  // c0 d0 c1 d1
        var t3 = Avx512F.UnpackHigh(rc, rd); // c2 d2 c3 d3
        j0 = Avx512F.UnpackLow(t0.AsUInt64(), t2.AsUInt64()).AsUInt32();  // a0 b0 c0 d0
        j1 = Avx512F.UnpackHigh(t0.AsUInt64(), t2.AsUInt64()).AsUInt32(); // a1 b1 c1 d1
        j2 = Avx512F.UnpackLow(t1.AsUInt64(), t3.AsUInt64()).AsUInt32();  // a2 b2 c2 d2
        j3 = Avx512F.UnpackHigh(t1.AsUInt64(), t3.AsUInt64()).AsUInt32(); // a3 b3 c3 d3
    }

    /// <summary>From four vectors holding word (4q + j) of rows 4g..4g+3 in 128-bit lane q, writes w[j], w[j+4], w[j+8], w[j+12].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Gather(Vector512<uint> g0, Vector512<uint> g1, Vector512<uint> g2, Vector512<uint> g3, Vector512<uint>* w, int j)
    {
        var v0 = Avx512F.Shuffle4x128(g0, g1, 0x88); // words j, j+8 of rows 0-3 | words j, j+8 of rows 4-7
        var v1 = Avx512F.Shuffle4x128(g2, g3, 0x88); // same for rows 8-15
        var v2 = Avx512F.Shuffle4x128(g0, g1, 0xDD); // words j+4, j+12
        var v3 = Avx512F.Shuffle4x128(g2, g3, 0xDD);
        w[j] = Avx512F.Shuffle4x128(v0, v1, 0x88);
        w[j + 8] = Avx512F.Shuffle4x128(v0, v1, 0xDD);
        w[j + 4] = Avx512F.Shuffle4x128(v2, v3, 0x88);
        w[j + 12] = Avx512F.Shuffle4x128(v2, v3, 0xDD);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Round512(
        Vector512<uint> a, Vector512<uint> b, Vector512<uint> c, ref Vector512<uint> d,
        Vector512<uint> e, Vector512<uint> f, Vector512<uint> g, ref Vector512<uint> h, Vector512<uint> kw)
    {
        var sigma1 = Avx512F.TernaryLogic(Avx512F.RotateRight(e, 6), Avx512F.RotateRight(e, 11), Avx512F.RotateRight(e, 25), 0x96);
        var t1 = h + sigma1 + Avx512F.TernaryLogic(e, f, g, 0xCA) + kw;
        var sigma0 = Avx512F.TernaryLogic(Avx512F.RotateRight(a, 2), Avx512F.RotateRight(a, 13), Avx512F.RotateRight(a, 22), 0x96);
        d += t1;
        h = t1 + sigma0 + Avx512F.TernaryLogic(a, b, c, 0xE8);
    }

    // ---------------------------------------------------------------- 8 lanes, AVX2

    [SkipLocalsInit]
    private static void Compress8(uint* state, byte** blocks)
    {
        var swap = Vector256.Create(ByteSwapMask[..32]);
        Vector256<uint>* w = stackalloc Vector256<uint>[64];
        for (int half = 0; half < 2; half++)
        {
            int o = half * 32;
            var r0 = Load256(blocks[0] + o, swap);
            var r1 = Load256(blocks[1] + o, swap);
            var r2 = Load256(blocks[2] + o, swap);
            var r3 = Load256(blocks[3] + o, swap);
            var r4 = Load256(blocks[4] + o, swap);
            var r5 = Load256(blocks[5] + o, swap);
            var r6 = Load256(blocks[6] + o, swap);
            var r7 = Load256(blocks[7] + o, swap);
            Interleave(r0, r1, r2, r3, out var u0, out var u1, out var u2, out var u3);
            Interleave(r4, r5, r6, r7, out var u4, out var u5, out var u6, out var u7);
            var wo = w + (half * 8);
            wo[0] = Avx2.Permute2x128(u0, u4, 0x20);
            wo[4] = Avx2.Permute2x128(u0, u4, 0x31);
            wo[1] = Avx2.Permute2x128(u1, u5, 0x20);
            wo[5] = Avx2.Permute2x128(u1, u5, 0x31);
            wo[2] = Avx2.Permute2x128(u2, u6, 0x20);
            wo[6] = Avx2.Permute2x128(u2, u6, 0x31);
            wo[3] = Avx2.Permute2x128(u3, u7, 0x20);
            wo[7] = Avx2.Permute2x128(u3, u7, 0x31);
        }

        for (int t = 16; t < 64; t++)
        {
            var x = w[t - 15];
            var y = w[t - 2];
            var s0 = Xor3(Rotr(x, 7), Rotr(x, 18), Vector256.ShiftRightLogical(x, 3));
            var s1 = Xor3(Rotr(y, 17), Rotr(y, 19), Vector256.ShiftRightLogical(y, 10));
            w[t] = w[t - 16] + s0 + w[t - 7] + s1;
        }

        var a = Vector256.Load(state);
        var b = Vector256.Load(state + 8);
        var c = Vector256.Load(state + 16);
        var d = Vector256.Load(state + 24);
        var e = Vector256.Load(state + 32);
        var f = Vector256.Load(state + 40);
        var g = Vector256.Load(state + 48);
        var h = Vector256.Load(state + 56);

        ref uint k = ref MemoryMarshal.GetReference(RoundConstants);
        for (int t = 0; t < 64; t += 8)
        {
            Round256(a, b, c, ref d, e, f, g, ref h, w[t] + Vector256.Create(Unsafe.Add(ref k, t)));
            Round256(h, a, b, ref c, d, e, f, ref g, w[t + 1] + Vector256.Create(Unsafe.Add(ref k, t + 1)));
            Round256(g, h, a, ref b, c, d, e, ref f, w[t + 2] + Vector256.Create(Unsafe.Add(ref k, t + 2)));
            Round256(f, g, h, ref a, b, c, d, ref e, w[t + 3] + Vector256.Create(Unsafe.Add(ref k, t + 3)));
            Round256(e, f, g, ref h, a, b, c, ref d, w[t + 4] + Vector256.Create(Unsafe.Add(ref k, t + 4)));
            Round256(d, e, f, ref g, h, a, b, ref c, w[t + 5] + Vector256.Create(Unsafe.Add(ref k, t + 5)));
            Round256(c, d, e, ref f, g, h, a, ref b, w[t + 6] + Vector256.Create(Unsafe.Add(ref k, t + 6)));
            Round256(b, c, d, ref e, f, g, h, ref a, w[t + 7] + Vector256.Create(Unsafe.Add(ref k, t + 7)));
        }

        Vector256.Store(a + Vector256.Load(state), state);
        Vector256.Store(b + Vector256.Load(state + 8), state + 8);
        Vector256.Store(c + Vector256.Load(state + 16), state + 16);
        Vector256.Store(d + Vector256.Load(state + 24), state + 24);
        Vector256.Store(e + Vector256.Load(state + 32), state + 32);
        Vector256.Store(f + Vector256.Load(state + 40), state + 40);
        Vector256.Store(g + Vector256.Load(state + 48), state + 48);
        Vector256.Store(h + Vector256.Load(state + 56), state + 56);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Load256(byte* p, Vector256<byte> swap) => Avx2.Shuffle(Vector256.Load(p), swap).AsUInt32();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Interleave(
        Vector256<uint> ra, Vector256<uint> rb, Vector256<uint> rc, Vector256<uint> rd,
        out Vector256<uint> j0, out Vector256<uint> j1, out Vector256<uint> j2, out Vector256<uint> j3)
    {
        var t0 = Avx2.UnpackLow(ra, rb);
        var t1 = Avx2.UnpackHigh(ra, rb);
        var t2 = Avx2.UnpackLow(rc, rd);
        var t3 = Avx2.UnpackHigh(rc, rd);
        j0 = Avx2.UnpackLow(t0.AsUInt64(), t2.AsUInt64()).AsUInt32();
        j1 = Avx2.UnpackHigh(t0.AsUInt64(), t2.AsUInt64()).AsUInt32();
        j2 = Avx2.UnpackLow(t1.AsUInt64(), t3.AsUInt64()).AsUInt32();
        j3 = Avx2.UnpackHigh(t1.AsUInt64(), t3.AsUInt64()).AsUInt32();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Rotr(Vector256<uint> x, [ConstantExpected] byte n)
        => Avx512F.VL.IsSupported ? Avx512F.VL.RotateRight(x, n) : Vector256.ShiftRightLogical(x, n) | Vector256.ShiftLeft(x, 32 - n);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Xor3(Vector256<uint> x, Vector256<uint> y, Vector256<uint> z)
        => Avx512F.VL.IsSupported ? Avx512F.VL.TernaryLogic(x, y, z, 0x96) : x ^ y ^ z;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Choose(Vector256<uint> e, Vector256<uint> f, Vector256<uint> g)
        => Avx512F.VL.IsSupported ? Avx512F.VL.TernaryLogic(e, f, g, 0xCA) : g ^ (e & (f ^ g));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Majority(Vector256<uint> a, Vector256<uint> b, Vector256<uint> c)
        => Avx512F.VL.IsSupported ? Avx512F.VL.TernaryLogic(a, b, c, 0xE8) : (a & b) | (c & (a | b));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Round256(
        Vector256<uint> a, Vector256<uint> b, Vector256<uint> c, ref Vector256<uint> d,
        Vector256<uint> e, Vector256<uint> f, Vector256<uint> g, ref Vector256<uint> h, Vector256<uint> kw)
    {
        var t1 = h + Xor3(Rotr(e, 6), Rotr(e, 11), Rotr(e, 25)) + Choose(e, f, g) + kw;
        d += t1;
        h = t1 + Xor3(Rotr(a, 2), Rotr(a, 13), Rotr(a, 22)) + Majority(a, b, c);
    }

    /// <summary>The messages of one call: bodies at <c>buffer + offsets[i]</c> (pinned by the caller for the call).</summary>
    private readonly ref struct Messages(byte* buffer, ReadOnlySpan<int> offsets, ReadOnlySpan<int> lengths)
    {
        private readonly byte* _buffer = buffer;
        private readonly ReadOnlySpan<int> _offsets = offsets;
        private readonly ReadOnlySpan<int> _lengths = lengths;

        public int Count => _offsets.Length;

        public byte* Body(int i) => _buffer + _offsets[i];

        public int Length(int i) => _lengths[i];
    }
}
