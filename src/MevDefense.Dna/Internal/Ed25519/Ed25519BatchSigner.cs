using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Security.Cryptography;

namespace MevDefense.Dna.Internal.Ed25519;

/// <summary>
/// Ed25519 (RFC 8032, pure) signing of many messages, eight at a time: the two SHA-512s (<see cref="Sha512x8"/>), the scalar
/// arithmetic mod L (<see cref="ScalarModL8"/>) and the fixed-base multiplication R = r·B and its encoding
/// (<see cref="ExtendedPoint8"/>) run in the eight 64-bit lanes of AVX-512 vectors.
/// Output is byte-identical to any RFC 8032 signer (Ed25519 is deterministic), NSec/libsodium included.
/// </summary>
/// <remarks>
/// Secrets (the clamped scalar a, the nonce prefix, the nonces r) are handled in constant time: no branch, loop bound or memory
/// address depends on them (table selection by masks, Barrett reduction with masked subtraction, fixed inversion chain). The
/// expanded key lives in a pinned array (never moved or copied by the GC) and is zeroed by <see cref="Dispose"/>; scratch copies
/// are zeroed after each batch. Thread-safe: all scratch is on the stack.
/// </remarks>
[SkipLocalsInit] // ~60 KB of stack scratch per group, every buffer written before it is read (hash inputs cleared below)
internal sealed class Ed25519BatchSigner : IDisposable
{
    /// <summary>The <see cref="AppContext"/> switch that turns the batch signer off (NSec is used instead).</summary>
    public const string DisableSwitchName = "MevDefense.Dna.DisableBatchSigner";

    /// <summary>Signatures computed together.</summary>
    public const int Lanes = 8;

    /// <summary>Batches of eight whose R encodings share one field inversion (Montgomery's simultaneous inversion).</summary>
    private const int GroupBatches = 16; // ~60 KB of stack scratch per group (coordinates, prefix products, nonces, encodings)

    /// <summary>Signatures per group.</summary>
    private const int GroupSize = Lanes * GroupBatches;

    private const int StackMessageLimit = 1024;
    private readonly byte[] _secret; // pinned: [0, 32) clamped scalar a, [32, 64) nonce prefix
    private readonly byte[] _publicKey;
    private volatile bool _disposed;

    private Ed25519BatchSigner(ReadOnlySpan<byte> seed)
    {
        _secret = GC.AllocateArray<byte>(64, pinned: true);
        SHA512.HashData(seed, _secret);
        _secret[0] &= 248;
        _secret[31] &= 127;
        _secret[31] |= 64;
        _publicKey = new byte[32];
        DerivePublicKey(_secret.AsSpan(0, 32), _publicKey);
    }

    /// <summary>Gets whether the CPU supports the vector code, the switch does not disable it, and the known-answer test passed.</summary>
    public static bool IsEnabled =>
        FieldElement8.IsSupported
        && !(AppContext.TryGetSwitch(DisableSwitchName, out bool disabled) && disabled)
        && Ed25519BatchSelfTest.Passed;

    /// <summary>Gets the raw public key derived from the seed.</summary>
    public ReadOnlySpan<byte> PublicKey => _publicKey;

    /// <summary>
    /// Creates a signer for <paramref name="seed"/> when <see cref="IsEnabled"/> and its derived public key equals
    /// <paramref name="expectedPublicKey"/> (a cross-check against the reference implementation); otherwise null.
    /// </summary>
    public static Ed25519BatchSigner? TryCreate(ReadOnlySpan<byte> seed, ReadOnlySpan<byte> expectedPublicKey)
    {
        if (seed.Length != 32 || !IsEnabled)
        {
            return null;
        }

        var signer = new Ed25519BatchSigner(seed);
        if (!CryptographicOperations.FixedTimeEquals(signer._publicKey, expectedPublicKey))
        {
            signer.Dispose();
            return null;
        }

        return signer;
    }

    /// <summary>Creates a signer without the enablement gate (tests and the self test; the CPU must support the vector code).</summary>
    public static Ed25519BatchSigner CreateUnchecked(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != 32)
        {
            throw new ArgumentException("An Ed25519 seed is 32 bytes.", nameof(seed));
        }

        return new Ed25519BatchSigner(seed);
    }

    /// <summary>Signs <c>messages.Length / messageLength</c> messages of <paramref name="messageLength"/> bytes laid back to back.</summary>
    public void SignFixedLength(ReadOnlySpan<byte> messages, int messageLength, Span<byte> signatures)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(messageLength);
        int n = messages.Length / messageLength;
        if (messages.Length % messageLength != 0 || signatures.Length < 64 * n)
        {
            throw new ArgumentException("Messages must be a multiple of the message length, with 64 bytes of signature space each.");
        }

        Span<int> offsets = stackalloc int[GroupSize + 1];
        for (int start = 0; start < n; start += GroupSize)
        {
            int m = Math.Min(GroupSize, n - start);
            for (int i = 0; i <= m; i++)
            {
                offsets[i] = (start + i) * messageLength;
            }

            SignGroup(messages, offsets[..(m + 1)], signatures.Slice(64 * start, 64 * m));
        }
    }

    /// <summary>Signs messages of any length: message i is <c>messages[offsets[i]..offsets[i + 1]]</c>.</summary>
    public void Sign(ReadOnlySpan<byte> messages, ReadOnlySpan<int> offsets, Span<byte> signatures)
    {
        int n = offsets.Length - 1;
        if (n < 0 || signatures.Length < 64 * n)
        {
            throw new ArgumentException("offsets holds n + 1 boundaries, signatures 64 bytes per message.");
        }

        for (int start = 0; start < n; start += GroupSize)
        {
            int m = Math.Min(GroupSize, n - start);
            SignGroup(messages, offsets.Slice(start, m + 1), signatures.Slice(64 * start, 64 * m));
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _disposed = true;
        CryptographicOperations.ZeroMemory(_secret);
    }

    /// <summary>A = a·B = (a mod L)·B (B has order L), encoded (lane 0; the other lanes compute the neutral element).</summary>
    private static void DerivePublicKey(ReadOnlySpan<byte> scalar, Span<byte> publicKey)
    {
        Span<byte> wide = stackalloc byte[64 * Lanes]; // lane 0: the scalar; the other lanes 0
        Span<Vector512<long>> reduced = stackalloc Vector512<long>[ScalarModL8.Limbs];
        Span<Vector512<long>> digits = stackalloc Vector512<long>[ScalarModL8.DigitCount];
        wide.Clear();
        scalar.CopyTo(wide);
        ScalarModL8.Reduce(wide, reduced);
        ScalarModL8.Recode(reduced, digits);
        CryptographicOperations.ZeroMemory(wide);
        reduced.Clear();
        ExtendedPoint8 p = default;
        ExtendedPoint8.MulBase(ref p, digits);
        Span<byte> encoded = stackalloc byte[32 * Lanes];
        ExtendedPoint8.Encode(p, encoded);
        encoded[..32].CopyTo(publicKey);
        p = default;
        digits.Clear();
    }

    /// <summary>
    /// Up to 128 messages (RFC 8032 5.1.6) as batches of eight lanes: r = SHA-512(prefix || M) mod L (eight at a time with
    /// <see cref="Sha512x8"/> when every message is at most 47 bytes, so that both hashes are single blocks; otherwise one
    /// at a time through <see cref="SHA512"/>; the reduction, its radix-64 recoding and the final scalar arithmetic run eight
    /// lanes at a time in <see cref="ScalarModL8"/>) and R = r·B (vector; unused lanes of the last batch compute the neutral
    /// element), then the Z coordinates of all batches are inverted together (prefix products, one inversion, walk back:
    /// 3 multiplications per batch instead of an inversion each), R is encoded, k = SHA-512(R || A || M) mod L,
    /// S = (r + k·a) mod L, signature = R || S.
    /// </summary>
    private void SignGroup(ReadOnlySpan<byte> messages, ReadOnlySpan<int> offsets, Span<byte> signatures)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int m = offsets.Length - 1;
        int batches = (m + Lanes - 1) / Lanes;
        int longest = 0;
        for (int i = 0; i < m; i++)
        {
            longest = Math.Max(longest, offsets[i + 1] - offsets[i]);
        }

        Span<byte> buffer = 64 + longest <= StackMessageLimit
            ? stackalloc byte[StackMessageLimit]
            : GC.AllocateUninitializedArray<byte>(64 + longest, pinned: true);
        Span<Vector512<long>> nonces = stackalloc Vector512<long>[ScalarModL8.Limbs * GroupBatches]; // r of each batch
        Span<Vector512<long>> secret = stackalloc Vector512<long>[ScalarModL8.Limbs];                  // a, in every lane
        Span<Vector512<long>> k = stackalloc Vector512<long>[ScalarModL8.Limbs];
        Span<Vector512<long>> s = stackalloc Vector512<long>[ScalarModL8.Limbs];
        Span<Vector512<long>> digits = stackalloc Vector512<long>[2 * ScalarModL8.DigitCount]; // two batches
        Span<byte> encoded = stackalloc byte[32 * GroupSize];
        bool vectorHash = 64 + longest <= Sha512x8.MaxMessageLength; // both hashes fit one SHA-512 block per lane
        Span<byte> blocks = stackalloc byte[128 * Lanes];
        Span<byte> digests = stackalloc byte[64 * Lanes];
        Span<Vector512<ulong>> words = stackalloc Vector512<ulong>[8]; // the digests as little-endian words, lane by lane
        Span<FieldElement8> coordinates = stackalloc FieldElement8[3 * GroupBatches]; // X, Y, Z of each batch
        Span<FieldElement8> products = stackalloc FieldElement8[GroupBatches];        // Z_0·…·Z_b
        ExtendedPoint8 p = default, p2 = default;
        FieldElement8 inverse = default, zInv = default;
        try
        {
            blocks.Clear(); // lanes beyond the last message of a batch are hashed too (their results are discarded)
            digests.Clear();
            ScalarModL8.Broadcast(_secret.AsSpan(0, 32), secret);
            for (int b0 = 0; b0 < batches; b0 += 2)
            {
                // Two batches at a time: their scalar multiplications are interleaved (MulBase2).
                int pair = Math.Min(2, batches - b0);
                for (int e = 0; e < pair; e++)
                {
                    int b = b0 + e;
                    int lanes = Math.Min(Lanes, m - (b * Lanes));
                    if (vectorHash)
                    {
                        // r = SHA-512(prefix || M) of every lane at once (one block each).
                        for (int lane = 0; lane < lanes; lane++)
                        {
                            int i = (b * Lanes) + lane;
                            Span<byte> block = blocks.Slice(128 * lane, 128);
                            _secret.AsSpan(32, 32).CopyTo(block);
                            messages[offsets[i]..offsets[i + 1]].CopyTo(block[32..]);
                            Sha512x8.Pad(32 + offsets[i + 1] - offsets[i], block);
                        }

                        Sha512x8.HashBlocks(blocks, words);
                    }
                    else
                    {
                        for (int lane = 0; lane < lanes; lane++)
                        {
                            int i = (b * Lanes) + lane;
                            ReadOnlySpan<byte> message = messages[offsets[i]..offsets[i + 1]];
                            _secret.AsSpan(32, 32).CopyTo(buffer);
                            message.CopyTo(buffer[32..]);
                            SHA512.HashData(buffer[..(32 + message.Length)], digests.Slice(64 * lane, 64));
                        }

                        ScalarModL8.LoadWords(digests, words);
                    }

                    Vector512<ulong> used = Vector512.LessThan(Vector512.Create(0UL, 1, 2, 3, 4, 5, 6, 7), Vector512.Create((ulong)lanes));
                    for (int w = 0; w < 8; w++)
                    {
                        words[w] &= used; // unused lanes: r = 0, R = the neutral element
                    }

                    Span<Vector512<long>> r = nonces.Slice(ScalarModL8.Limbs * b, ScalarModL8.Limbs);
                    ScalarModL8.Reduce(words, r);
                    ScalarModL8.Recode(r, digits.Slice(e * ScalarModL8.DigitCount, ScalarModL8.DigitCount));
                }

                if (pair == 2)
                {
                    ExtendedPoint8.MulBase2(ref p, digits[..ScalarModL8.DigitCount], ref p2, digits[ScalarModL8.DigitCount..]);
                }
                else
                {
                    ExtendedPoint8.MulBase(ref p, digits[..ScalarModL8.DigitCount]);
                }

                for (int e = 0; e < pair; e++)
                {
                    int b = b0 + e;
                    ref ExtendedPoint8 point = ref e == 0 ? ref p : ref p2;
                    coordinates[3 * b] = point.X;
                    coordinates[(3 * b) + 1] = point.Y;
                    coordinates[(3 * b) + 2] = point.Z;
                    if (b == 0)
                    {
                        products[0] = point.Z;
                    }
                    else
                    {
                        FieldElement8.Mul(ref products[b], products[b - 1], point.Z);
                    }
                }
            }

            FieldElement8.Invert(ref inverse, products[batches - 1]); // 1 / (Z_0·…·Z_last)
            for (int b = batches - 1; b >= 0; b--)
            {
                if (b > 0)
                {
                    FieldElement8.Mul(ref zInv, inverse, products[b - 1]);          // 1 / Z_b
                    FieldElement8.Mul(ref inverse, inverse, coordinates[(3 * b) + 2]); // 1 / (Z_0·…·Z_(b-1))
                }
                else
                {
                    zInv = inverse;
                }

                ExtendedPoint8.EncodeWithInverse(coordinates[3 * b], coordinates[(3 * b) + 1], zInv, encoded.Slice(32 * Lanes * b, 32 * Lanes));
            }

            for (int b = 0; b < batches; b++)
            {
                int lanes = Math.Min(Lanes, m - (b * Lanes));
                if (vectorHash)
                {
                    // k = SHA-512(R || A || M) of every lane at once.
                    for (int lane = 0; lane < lanes; lane++)
                    {
                        int i = (b * Lanes) + lane;
                        Span<byte> block = blocks.Slice(128 * lane, 128);
                        encoded.Slice(32 * i, 32).CopyTo(block);
                        _publicKey.CopyTo(block[32..]);
                        messages[offsets[i]..offsets[i + 1]].CopyTo(block[64..]);
                        Sha512x8.Pad(64 + offsets[i + 1] - offsets[i], block);
                    }

                    Sha512x8.HashBlocks(blocks, words);
                }
                else
                {
                    for (int lane = 0; lane < lanes; lane++)
                    {
                        int i = (b * Lanes) + lane;
                        ReadOnlySpan<byte> message = messages[offsets[i]..offsets[i + 1]];
                        encoded.Slice(32 * i, 32).CopyTo(buffer);
                        _publicKey.CopyTo(buffer[32..]);
                        message.CopyTo(buffer[64..]);
                        SHA512.HashData(buffer[..(64 + message.Length)], digests.Slice(64 * lane, 64));
                    }

                    ScalarModL8.LoadWords(digests, words);
                }

                ScalarModL8.Reduce(words, k);
                ScalarModL8.MulAdd(k, secret, nonces.Slice(ScalarModL8.Limbs * b, ScalarModL8.Limbs), s);
                for (int lane = 0; lane < lanes; lane++)
                {
                    int i = (b * Lanes) + lane;
                    encoded.Slice(32 * i, 32).CopyTo(signatures.Slice(64 * i, 32));
                }

                ScalarModL8.StoreLanes(s, lanes, signatures.Slice((64 * b * Lanes) + 32), 64);
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
            nonces.Clear();
            secret.Clear();
            k.Clear();
            s.Clear();
            digits.Clear();
            CryptographicOperations.ZeroMemory(blocks);
            CryptographicOperations.ZeroMemory(digests);
            words.Clear();
            coordinates.Clear();
            products.Clear();
            p = default;
            p2 = default;
            inverse = default;
            zInv = default;
        }

        // A concurrent Dispose may have zeroed the key mid-batch: never hand out signatures made with a cleared key.
        ObjectDisposedException.ThrowIf(_disposed, this);
    }
}
