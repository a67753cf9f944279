using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MevDefense.Dna.Internal.Ed25519;

/// <summary>
/// SHA-512 (FIPS 180-4) of eight single-block messages at once, one message per 64-bit lane of AVX-512 vectors. Ed25519 over
/// a 32-byte record hash needs exactly one block for each of its two hashes (prefix || M is 64 bytes, R || A || M is 96, and
/// with the 0x80 byte and the 128-bit length both stay within 128 bytes), so no multi-block chaining is needed here.
/// </summary>
internal static class Sha512x8
{
    /// <summary>The longest message that fits one padded block (128 - 1 - 16 bytes).</summary>
    public const int MaxMessageLength = 111;

    /// <summary>Round constants: the first 64 bits of the fractional parts of the cube roots of the first 80 primes.</summary>
    private static readonly ulong[] K = Constants(80, 3);

    /// <summary>Initial hash value: the first 64 bits of the fractional parts of the square roots of the first 8 primes.</summary>
    private static readonly ulong[] Initial = Constants(8, 2);

    /// <summary>
    /// Writes the padded block of a message into <paramref name="block"/> (128 bytes): the message, 0x80, zeros, and the
    /// bit length as a 128-bit big-endian integer.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first batch: do not run at tier 0
    public static void Pad(int messageLength, Span<byte> block)
    {
        block[messageLength] = 0x80;
        block[(messageLength + 1)..].Clear();
        BinaryPrimitives.WriteUInt64BigEndian(block[120..], (ulong)messageLength * 8);
    }

    /// <summary>Hashes eight padded blocks (<c>blocks[128·lane ..]</c>) into eight digests (<c>digests[64·lane ..]</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first batch: do not run at tier 0
    public static void HashBlocks(ReadOnlySpan<byte> blocks, Span<byte> digests)
    {
        Span<Vector512<ulong>> words = stackalloc Vector512<ulong>[8];
        HashBlocks(blocks, words);
        for (int word = 0; word < 8; word++)
        {
            for (int lane = 0; lane < 8; lane++)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(digests.Slice((64 * lane) + (8 * word), 8), words[word].GetElement(lane));
            }
        }

        words.Clear();
    }

    /// <summary>
    /// Hashes eight padded blocks into the eight digests read as little-endian 64-bit words: lane l of <c>words[w]</c> is
    /// bytes 8w..8w+7 of digest l, little-endian (so the eight vectors are the digests as 512-bit little-endian integers).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first batch: do not run at tier 0
    public static void HashBlocks(ReadOnlySpan<byte> blocks, Span<Vector512<ulong>> words)
    {
        Span<Vector512<ulong>> w = stackalloc Vector512<ulong>[16];
        for (int t = 0; t < 16; t++)
        {
            // Built from eight scalars (vpinsrq): staging through a stack array would stall on store forwarding.
            w[t] = Vector512.Create(
                BinaryPrimitives.ReadUInt64BigEndian(blocks[(8 * t)..]),
                BinaryPrimitives.ReadUInt64BigEndian(blocks[(128 + (8 * t))..]),
                BinaryPrimitives.ReadUInt64BigEndian(blocks[(256 + (8 * t))..]),
                BinaryPrimitives.ReadUInt64BigEndian(blocks[(384 + (8 * t))..]),
                BinaryPrimitives.ReadUInt64BigEndian(blocks[(512 + (8 * t))..]),
                BinaryPrimitives.ReadUInt64BigEndian(blocks[(640 + (8 * t))..]),
                BinaryPrimitives.ReadUInt64BigEndian(blocks[(768 + (8 * t))..]),
                BinaryPrimitives.ReadUInt64BigEndian(blocks[(896 + (8 * t))..]));
        }

        ReadOnlySpan<ulong> k = K;
        Vector512<ulong> a = Vector512.Create(Initial[0]), b = Vector512.Create(Initial[1]), c = Vector512.Create(Initial[2]), d = Vector512.Create(Initial[3]);
        Vector512<ulong> e = Vector512.Create(Initial[4]), f = Vector512.Create(Initial[5]), g = Vector512.Create(Initial[6]), h = Vector512.Create(Initial[7]);
        for (int t = 0; t < 80; t += 8)
        {
            // Eight rounds with the state names rotated instead of moved.
            Round(a, b, c, ref d, e, f, g, ref h, k[t], Schedule(w, t));
            Round(h, a, b, ref c, d, e, f, ref g, k[t + 1], Schedule(w, t + 1));
            Round(g, h, a, ref b, c, d, e, ref f, k[t + 2], Schedule(w, t + 2));
            Round(f, g, h, ref a, b, c, d, ref e, k[t + 3], Schedule(w, t + 3));
            Round(e, f, g, ref h, a, b, c, ref d, k[t + 4], Schedule(w, t + 4));
            Round(d, e, f, ref g, h, a, b, ref c, k[t + 5], Schedule(w, t + 5));
            Round(c, d, e, ref f, g, h, a, ref b, k[t + 6], Schedule(w, t + 6));
            Round(b, c, d, ref e, f, g, h, ref a, k[t + 7], Schedule(w, t + 7));
        }

        // The digest is the state words big-endian: byte-swap each 64-bit lane to read it as little-endian words.
        Vector512<byte> swap = Vector512.Create((byte)7, 6, 5, 4, 3, 2, 1, 0, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 15, 14, 13, 12, 11, 10, 9, 8,
            7, 6, 5, 4, 3, 2, 1, 0, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 15, 14, 13, 12, 11, 10, 9, 8);
        words[0] = Avx512BW.Shuffle((a + Vector512.Create(Initial[0])).AsByte(), swap).AsUInt64();
        words[1] = Avx512BW.Shuffle((b + Vector512.Create(Initial[1])).AsByte(), swap).AsUInt64();
        words[2] = Avx512BW.Shuffle((c + Vector512.Create(Initial[2])).AsByte(), swap).AsUInt64();
        words[3] = Avx512BW.Shuffle((d + Vector512.Create(Initial[3])).AsByte(), swap).AsUInt64();
        words[4] = Avx512BW.Shuffle((e + Vector512.Create(Initial[4])).AsByte(), swap).AsUInt64();
        words[5] = Avx512BW.Shuffle((f + Vector512.Create(Initial[5])).AsByte(), swap).AsUInt64();
        words[6] = Avx512BW.Shuffle((g + Vector512.Create(Initial[6])).AsByte(), swap).AsUInt64();
        words[7] = Avx512BW.Shuffle((h + Vector512.Create(Initial[7])).AsByte(), swap).AsUInt64();
        w.Clear();
    }

    /// <summary>W_t: the block word for t &lt; 16, else σ1(W_t-2) + W_t-7 + σ0(W_t-15) + W_t-16, kept in a 16-entry ring.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ulong> Schedule(Span<Vector512<ulong>> w, int t)
    {
        if (t < 16)
        {
            return w[t];
        }

        Vector512<ulong> w2 = w[(t - 2) & 15], w15 = w[(t - 15) & 15];
        Vector512<ulong> s0 = Avx512F.RotateRight(w15, 1) ^ Avx512F.RotateRight(w15, 8) ^ Vector512.ShiftRightLogical(w15, 7);
        Vector512<ulong> s1 = Avx512F.RotateRight(w2, 19) ^ Avx512F.RotateRight(w2, 61) ^ Vector512.ShiftRightLogical(w2, 6);
        Vector512<ulong> wt = s1 + w[(t - 7) & 15] + s0 + w[t & 15];
        w[t & 15] = wt;
        return wt;
    }

    /// <summary>
    /// One round on the state (a, b, c, d, e, f, g, h): d += T1 and h = T1 + T2 in place; the caller rotates the names, so
    /// the new (a, …, h) is (h, a, b, c, d, e, f, g).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Round(
        Vector512<ulong> a, Vector512<ulong> b, Vector512<ulong> c, ref Vector512<ulong> d,
        Vector512<ulong> e, Vector512<ulong> f, Vector512<ulong> g, ref Vector512<ulong> h, ulong k, Vector512<ulong> wt)
    {
        Vector512<ulong> bigSigma1 = Avx512F.RotateRight(e, 14) ^ Avx512F.RotateRight(e, 18) ^ Avx512F.RotateRight(e, 41);
        Vector512<ulong> ch = Vector512.ConditionalSelect(e, f, g);
        Vector512<ulong> t1 = h + bigSigma1 + ch + Vector512.Create(k) + wt;
        Vector512<ulong> bigSigma0 = Avx512F.RotateRight(a, 28) ^ Avx512F.RotateRight(a, 34) ^ Avx512F.RotateRight(a, 39);
        Vector512<ulong> maj = Vector512.ConditionalSelect(a ^ b, c, a); // majority: a where a = b, else c
        d += t1;
        h = t1 + bigSigma0 + maj;
    }

    /// <summary>floor(frac(p^(1/root))·2^64) for the first <paramref name="count"/> primes p = floor((p·2^(64·root))^(1/root)) mod 2^64.</summary>
    private static ulong[] Constants(int count, int root)
    {
        ulong[] result = new ulong[count];
        int found = 0;
        for (int p = 2; found < count; p++)
        {
            bool prime = true;
            for (int q = 2; q * q <= p; q++)
            {
                prime &= p % q != 0;
            }

            if (prime)
            {
                BigInteger r = IntegerRoot(new BigInteger(p) << (64 * root), root);
                result[found++] = (ulong)(r & ulong.MaxValue);
            }
        }

        return result;
    }

    /// <summary>floor(n^(1/k)) by Newton's iteration from above.</summary>
    private static BigInteger IntegerRoot(BigInteger n, int k)
    {
        BigInteger x = BigInteger.One << (int)((n.GetBitLength() / k) + 1);
        while (true)
        {
            BigInteger y = (((k - 1) * x) + (n / BigInteger.Pow(x, k - 1))) / k;
            if (y >= x)
            {
                return x;
            }

            x = y;
        }
    }
}
