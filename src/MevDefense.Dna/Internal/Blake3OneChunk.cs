using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MevDefense.Dna.Internal;

/// <summary>
/// BLAKE3 (default hash mode, 32-byte output) of an input that fits one chunk (at most <see cref="MaxInput"/> bytes): the
/// chunk's blocks are compressed in order and the last one is the root. This is the chain hash's case (a record body is
/// ~0.6 KB); longer inputs go to the <c>Blake3</c> package, which also builds the chunk tree.
/// </summary>
/// <remarks>
/// The compression works on the four state rows as 128-bit vectors (the SSE4.1 layout of the reference implementation: a
/// column step, a diagonal step by lane rotation); with AVX-512 each round's message words come from one permute of the block,
/// otherwise they are gathered word by word by the fixed schedule. It is
/// compiled fully optimised on first use: the package's managed core ran at tier 0 and the instrumented tier for a large
/// share of a durable-append run on one core before tiering caught up. Byte-identical to the package (tests: every length 0..1024 on both paths, an FsCheck
/// property, the official vectors up to one chunk).
/// </remarks>
internal static class Blake3OneChunk
{
    /// <summary>The largest input hashed here: one chunk.</summary>
    public const int MaxInput = 1024;

    private const uint ChunkStart = 1;
    private const uint ChunkEnd = 2;
    private const uint Root = 8;

    /// <summary>Message word order of the 7 rounds (round r uses the message permuted r times).</summary>
    private static ReadOnlySpan<byte> Schedule =>
    [
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
        2, 6, 3, 10, 7, 0, 4, 13, 1, 11, 12, 5, 9, 14, 15, 8,
        3, 4, 10, 12, 13, 2, 7, 14, 6, 5, 9, 0, 11, 15, 8, 1,
        10, 7, 12, 9, 14, 3, 13, 15, 4, 0, 11, 2, 5, 8, 1, 6,
        12, 13, 9, 11, 15, 10, 14, 8, 7, 2, 5, 3, 0, 1, 6, 4,
        9, 14, 11, 5, 8, 12, 15, 1, 13, 3, 0, 10, 2, 6, 4, 7,
        11, 15, 5, 0, 1, 9, 8, 6, 14, 10, 2, 12, 3, 4, 7, 13,
    ];

    /// <summary>Hashes <paramref name="input"/> (at most <see cref="MaxInput"/> bytes) into 32 bytes.</summary>
    /// <param name="input">The input.</param>
    /// <param name="output">At least 32 bytes.</param>
    public static void Hash(ReadOnlySpan<byte> input, Span<byte> output) => Hash(input, output, Avx512F.IsSupported && BitConverter.IsLittleEndian);

    /// <summary><see cref="Hash(ReadOnlySpan{byte}, Span{byte})"/> on a chosen path (the tests run both).</summary>
    /// <param name="input">The input, at most <see cref="MaxInput"/> bytes.</param>
    /// <param name="output">At least 32 bytes.</param>
    /// <param name="useAvx512">Gather each round's message words with one AVX-512 permute (requires AVX-512F and little endian).</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    public static void Hash(ReadOnlySpan<byte> input, Span<byte> output, bool useAvx512)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(input.Length, MaxInput);
        ArgumentOutOfRangeException.ThrowIfLessThan(output.Length, 32);
        Vector128<uint> iv0 = Vector128.Create(0x6A09E667u, 0xBB67AE85u, 0x3C6EF372u, 0xA54FF53Au);
        Vector128<uint> iv1 = Vector128.Create(0x510E527Fu, 0x9B05688Cu, 0x1F83D9ABu, 0x5BE0CD19u);
        Vector128<uint> cv0 = iv0;
        Vector128<uint> cv1 = iv1;
        Span<uint> m = stackalloc uint[16];
        Span<byte> last = stackalloc byte[64];
        int blocks = Math.Max(1, (input.Length + 63) / 64);
        for (int b = 0; b < blocks; b++)
        {
            uint flags = b == 0 ? ChunkStart : 0;
            int length = 64;
            scoped ReadOnlySpan<byte> block;
            if (b == blocks - 1)
            {
                flags |= ChunkEnd | Root;
                length = input.Length - (b * 64);
                last.Clear();
                input[(b * 64)..].CopyTo(last);
                block = last;
            }
            else
            {
                block = input.Slice(b * 64, 64);
            }

            if (useAvx512 && Avx512F.IsSupported && BitConverter.IsLittleEndian)
            {
                CompressAvx512(ref cv0, ref cv1, iv0, Vector512.Create(block).AsUInt32(), (uint)length, flags);
                continue;
            }

            for (int i = 0; i < 16; i++)
            {
                m[i] = BinaryPrimitives.ReadUInt32LittleEndian(block[(i * 4)..]);
            }

            Compress(ref cv0, ref cv1, iv0, m, (uint)length, flags);
        }

        if (BitConverter.IsLittleEndian)
        {
            cv0.AsByte().CopyTo(output);
            cv1.AsByte().CopyTo(output[16..]);
        }
        else
        {
            for (int i = 0; i < 4; i++)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(output[(i * 4)..], cv0[i]);
                BinaryPrimitives.WriteUInt32LittleEndian(output[(16 + (i * 4))..], cv1[i]);
            }
        }
    }

    /// <summary>One compression with counter 0 (the only chunk); the new chaining value (first 8 output words) replaces cv.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Compress(ref Vector128<uint> cv0, ref Vector128<uint> cv1, Vector128<uint> iv0, ReadOnlySpan<uint> m, uint blockLength, uint flags)
    {
        Vector128<uint> row0 = cv0;
        Vector128<uint> row1 = cv1;
        Vector128<uint> row2 = iv0;
        Vector128<uint> row3 = Vector128.Create(0u, 0u, blockLength, flags);
        ReadOnlySpan<byte> schedule = Schedule;
        for (int r = 0; r < 7; r++)
        {
            ReadOnlySpan<byte> s = schedule.Slice(r * 16, 16);
            Vector128<uint> mx = Vector128.Create(m[s[0]], m[s[2]], m[s[4]], m[s[6]]);
            Vector128<uint> my = Vector128.Create(m[s[1]], m[s[3]], m[s[5]], m[s[7]]);
            G(ref row0, ref row1, ref row2, ref row3, mx, my);

            // Diagonal step: lane j of row0 meets lane j+1 of row1, j+2 of row2, j+3 of row3.
            row1 = Vector128.Shuffle(row1, Vector128.Create(1u, 2u, 3u, 0u));
            row2 = Vector128.Shuffle(row2, Vector128.Create(2u, 3u, 0u, 1u));
            row3 = Vector128.Shuffle(row3, Vector128.Create(3u, 0u, 1u, 2u));
            mx = Vector128.Create(m[s[8]], m[s[10]], m[s[12]], m[s[14]]);
            my = Vector128.Create(m[s[9]], m[s[11]], m[s[13]], m[s[15]]);
            G(ref row0, ref row1, ref row2, ref row3, mx, my);
            row1 = Vector128.Shuffle(row1, Vector128.Create(3u, 0u, 1u, 2u));
            row2 = Vector128.Shuffle(row2, Vector128.Create(2u, 3u, 0u, 1u));
            row3 = Vector128.Shuffle(row3, Vector128.Create(1u, 2u, 3u, 0u));
        }

        cv0 = row0 ^ row2;
        cv1 = row1 ^ row3;
    }

    /// <summary><see cref="Compress"/> with the whole block in one 512-bit register: each round's message words are gathered in
    /// the order the round consumes them (column x, column y, diagonal x, diagonal y) by one <c>vpermd</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CompressAvx512(ref Vector128<uint> cv0, ref Vector128<uint> cv1, Vector128<uint> iv0, Vector512<uint> message, uint blockLength, uint flags)
    {
        Vector128<uint> row0 = cv0;
        Vector128<uint> row1 = cv1;
        Vector128<uint> row2 = iv0;
        Vector128<uint> row3 = Vector128.Create(0u, 0u, blockLength, flags);
        Round(ref row0, ref row1, ref row2, ref row3, Avx512F.PermuteVar16x32(message, Vector512.Create(0u, 2u, 4u, 6u, 1u, 3u, 5u, 7u, 8u, 10u, 12u, 14u, 9u, 11u, 13u, 15u)));
        Round(ref row0, ref row1, ref row2, ref row3, Avx512F.PermuteVar16x32(message, Vector512.Create(2u, 3u, 7u, 4u, 6u, 10u, 0u, 13u, 1u, 12u, 9u, 15u, 11u, 5u, 14u, 8u)));
        Round(ref row0, ref row1, ref row2, ref row3, Avx512F.PermuteVar16x32(message, Vector512.Create(3u, 10u, 13u, 7u, 4u, 12u, 2u, 14u, 6u, 9u, 11u, 8u, 5u, 0u, 15u, 1u)));
        Round(ref row0, ref row1, ref row2, ref row3, Avx512F.PermuteVar16x32(message, Vector512.Create(10u, 12u, 14u, 13u, 7u, 9u, 3u, 15u, 4u, 11u, 5u, 1u, 0u, 2u, 8u, 6u)));
        Round(ref row0, ref row1, ref row2, ref row3, Avx512F.PermuteVar16x32(message, Vector512.Create(12u, 9u, 15u, 14u, 13u, 11u, 10u, 8u, 7u, 5u, 0u, 6u, 2u, 3u, 1u, 4u)));
        Round(ref row0, ref row1, ref row2, ref row3, Avx512F.PermuteVar16x32(message, Vector512.Create(9u, 11u, 8u, 15u, 14u, 5u, 12u, 1u, 13u, 0u, 2u, 4u, 3u, 10u, 6u, 7u)));
        Round(ref row0, ref row1, ref row2, ref row3, Avx512F.PermuteVar16x32(message, Vector512.Create(11u, 5u, 1u, 8u, 15u, 0u, 9u, 6u, 14u, 2u, 3u, 7u, 10u, 12u, 4u, 13u)));
        cv0 = row0 ^ row2;
        cv1 = row1 ^ row3;
    }

    /// <summary>One round: the column step with words 0..7 of <paramref name="words"/> (x then y), the diagonal step with 8..15.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Round(ref Vector128<uint> row0, ref Vector128<uint> row1, ref Vector128<uint> row2, ref Vector128<uint> row3, Vector512<uint> words)
    {
        G(ref row0, ref row1, ref row2, ref row3, words.GetLower().GetLower(), words.GetLower().GetUpper());
        row1 = Vector128.Shuffle(row1, Vector128.Create(1u, 2u, 3u, 0u));
        row2 = Vector128.Shuffle(row2, Vector128.Create(2u, 3u, 0u, 1u));
        row3 = Vector128.Shuffle(row3, Vector128.Create(3u, 0u, 1u, 2u));
        G(ref row0, ref row1, ref row2, ref row3, words.GetUpper().GetLower(), words.GetUpper().GetUpper());
        row1 = Vector128.Shuffle(row1, Vector128.Create(3u, 0u, 1u, 2u));
        row2 = Vector128.Shuffle(row2, Vector128.Create(2u, 3u, 0u, 1u));
        row3 = Vector128.Shuffle(row3, Vector128.Create(1u, 2u, 3u, 0u));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void G(ref Vector128<uint> a, ref Vector128<uint> b, ref Vector128<uint> c, ref Vector128<uint> d, Vector128<uint> mx, Vector128<uint> my)
    {
        a = a + b + mx;
        d = RotateRight(d ^ a, 16);
        c += d;
        b = RotateRight(b ^ c, 12);
        a = a + b + my;
        d = RotateRight(d ^ a, 8);
        c += d;
        b = RotateRight(b ^ c, 7);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<uint> RotateRight(Vector128<uint> x, [ConstantExpected(Min = 1, Max = 31)] byte n) =>
        Avx512F.VL.IsSupported ? Avx512F.VL.RotateRight(x, n) : Vector128.ShiftRightLogical(x, n) | Vector128.ShiftLeft(x, 32 - n);
}
