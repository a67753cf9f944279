using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MevDefense.Ingest.Merkle.Internal.Ed25519;

/// <summary>
/// SHA-512 (FIPS 180-4) of up to eight short messages at once, one per 64-bit lane of AVX-512 vectors: the challenge hashes
/// k = SHA-512(R ‖ A ‖ root) of the signatures one <see cref="PrecomputedEd25519Verifier.VerifyBatch"/> checks are 96 bytes each,
/// so one padded block apiece, and eight blocks cost about what one costs through the platform's one-shot hash (whose call
/// overhead is most of its cost for a 96-byte input). Messages of at most <see cref="MaxLength"/> bytes (one block); longer ones
/// go through <see cref="System.Security.Cryptography.SHA512"/>. Checked against it in the tests.
/// </summary>
internal static class Sha512Lanes
{
    /// <summary>Longest message that fits one padded block (128 bytes minus the 0x80 byte and the 16-byte length).</summary>
    public const int MaxLength = 111;

    /// <summary>The round constants: the first 64 bits of the fractional parts of the cube roots of the first 80 primes.</summary>
    private static readonly ulong[] K = RootFractions(80, cube: true);

    /// <summary>The initial hash value: the first 64 bits of the fractional parts of the square roots of the first 8 primes.</summary>
    private static readonly ulong[] H0 = RootFractions(8, cube: false);

    /// <summary>True when AVX-512 F is present.</summary>
    public static bool IsSupported => Avx512F.IsSupported && Vector512.IsHardwareAccelerated;

    /// <summary>Hashes <paramref name="count"/> (1..8) messages of <paramref name="length"/> bytes each, back to back in
    /// <paramref name="messages"/>, into <paramref name="hashes"/> (64 bytes each, back to back).</summary>
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Hash(ReadOnlySpan<byte> messages, int length, int count, Span<byte> hashes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, 8);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, MaxLength);
        if (messages.Length < count * length || hashes.Length < count * 64)
        {
            throw new ArgumentException("Fewer bytes than messages or hashes.", nameof(messages));
        }

        // The padded blocks, word-major: words[8t + lane] = big-endian word t of lane's block (unused lanes hash an empty block).
        Span<byte> block = stackalloc byte[128];
        Span<ulong> words = stackalloc ulong[16 * 8];
        for (int lane = 0; lane < 8; lane++)
        {
            block.Clear();
            int n = lane < count ? length : 0;
            messages.Slice(lane < count ? lane * length : 0, n).CopyTo(block);
            block[n] = 0x80;
            BinaryPrimitives.WriteUInt64BigEndian(block[120..], (ulong)n * 8);
            for (int t = 0; t < 16; t++)
            {
                words[(8 * t) + lane] = BinaryPrimitives.ReadUInt64BigEndian(block[(8 * t)..]);
            }
        }

        Span<Vector512<ulong>> w = stackalloc Vector512<ulong>[16];
        for (int t = 0; t < 16; t++)
        {
            w[t] = Vector512.Create<ulong>(words.Slice(8 * t, 8));
        }

        Vector512<ulong> a = Vector512.Create(H0[0]), b = Vector512.Create(H0[1]), c = Vector512.Create(H0[2]), d = Vector512.Create(H0[3]);
        Vector512<ulong> e = Vector512.Create(H0[4]), f = Vector512.Create(H0[5]), g = Vector512.Create(H0[6]), h = Vector512.Create(H0[7]);
        ReadOnlySpan<ulong> k = K;
        for (int t = 0; t < 80; t++)
        {
            Vector512<ulong> wt;
            if (t < 16)
            {
                wt = w[t];
            }
            else
            {
                // W_t = s1(W_(t-2)) + W_(t-7) + s0(W_(t-15)) + W_(t-16), in a ring of 16.
                Vector512<ulong> w2 = w[(t - 2) & 15], w15 = w[(t - 15) & 15];
                Vector512<ulong> s0 = Avx512F.RotateRight(w15, 1) ^ Avx512F.RotateRight(w15, 8) ^ (w15 >>> 7);
                Vector512<ulong> s1 = Avx512F.RotateRight(w2, 19) ^ Avx512F.RotateRight(w2, 61) ^ (w2 >>> 6);
                wt = s1 + w[(t - 7) & 15] + s0 + w[t & 15];
                w[t & 15] = wt;
            }

            Vector512<ulong> sum1 = Avx512F.RotateRight(e, 14) ^ Avx512F.RotateRight(e, 18) ^ Avx512F.RotateRight(e, 41);
            Vector512<ulong> ch = Avx512F.TernaryLogic(e, f, g, 0xCA);          // e ? f : g
            Vector512<ulong> t1 = h + sum1 + ch + Vector512.Create(k[t]) + wt;
            Vector512<ulong> sum0 = Avx512F.RotateRight(a, 28) ^ Avx512F.RotateRight(a, 34) ^ Avx512F.RotateRight(a, 39);
            Vector512<ulong> maj = Avx512F.TernaryLogic(a, b, c, 0xE8);         // majority
            h = g;
            g = f;
            f = e;
            e = d + t1;
            d = c;
            c = b;
            b = a;
            a = t1 + sum0 + maj;
        }

        Span<ulong> state = words[..64];
        (a + Vector512.Create(H0[0])).CopyTo(state);
        (b + Vector512.Create(H0[1])).CopyTo(state[8..]);
        (c + Vector512.Create(H0[2])).CopyTo(state[16..]);
        (d + Vector512.Create(H0[3])).CopyTo(state[24..]);
        (e + Vector512.Create(H0[4])).CopyTo(state[32..]);
        (f + Vector512.Create(H0[5])).CopyTo(state[40..]);
        (g + Vector512.Create(H0[6])).CopyTo(state[48..]);
        (h + Vector512.Create(H0[7])).CopyTo(state[56..]);
        for (int lane = 0; lane < count; lane++)
        {
            for (int j = 0; j < 8; j++)
            {
                BinaryPrimitives.WriteUInt64BigEndian(hashes.Slice((lane * 64) + (8 * j), 8), state[(8 * j) + lane]);
            }
        }
    }

    /// <summary>floor(frac(root(prime_i)) * 2^64) for the first <paramref name="count"/> primes (integer roots of prime * 2^(64n)).</summary>
    private static ulong[] RootFractions(int count, bool cube)
    {
        var r = new ulong[count];
        int found = 0;
        for (int candidate = 2; found < count; candidate++)
        {
            bool prime = true;
            for (int q = 2; q * q <= candidate; q++)
            {
                if (candidate % q == 0)
                {
                    prime = false;
                    break;
                }
            }

            if (!prime)
            {
                continue;
            }

            int degree = cube ? 3 : 2;
            BigInteger n = new BigInteger(candidate) << (64 * degree);
            BigInteger x = IntegerRoot(n, degree);
            r[found++] = (ulong)(x & ulong.MaxValue);
        }

        return r;
    }

    /// <summary>floor(n^(1/k)) by Newton's method from above.</summary>
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
