using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Security.Cryptography;

namespace MevDefense.Dna.Internal;

/// <summary>
/// Fast path for short SHA-256 inputs (Merkle nodes): OpenSSL's low-level <c>SHA256_Init/Update/Final</c> from
/// <c>libcrypto.so.3</c>, which skip the EVP provider overhead that dominates <see cref="SHA256.HashData(ReadOnlySpan{byte}, Span{byte})"/>
/// for 65-byte inputs on OpenSSL 3 (measured ~5x). Used only on Linux after a known-answer self test; otherwise the BCL is used.
/// </summary>
internal static class LibCryptoSha256
{
    private const string Library = "libcrypto.so.3";
    private const int ContextSize = 128; // sizeof(SHA256_CTX) is 112 on every OpenSSL 3 platform

    /// <summary>Gets a value indicating whether the native fast path passed its self test.</summary>
    public static bool IsAvailable { get; } = Probe();

    public static void Hash(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        Span<byte> context = stackalloc byte[ContextSize];
        if (SHA256_Init(ref context[0]) != 1
            || (!data.IsEmpty && SHA256_Update(ref context[0], in data[0], (nuint)data.Length) != 1)
            || SHA256_Final(ref destination[0], ref context[0]) != 1)
        {
            throw new CryptographicException("OpenSSL SHA256 failed.");
        }
    }

    /// <summary>Gets a value indicating whether <see cref="HashNode"/> (two <c>SHA256_Transform</c> calls) passed its self test.</summary>
    public static bool IsNodeAvailable { get; } = IsAvailable && ProbeNode();

    /// <summary>Computes an RFC 6962 interior node, SHA-256(0x01 ‖ left ‖ right) for 32-byte children, as exactly two compressions
    /// of a pre-padded 128-byte message (65 bytes, 0x80, zeros, bit length 520): no buffering, no length bookkeeping, no final
    /// padding pass. <c>SHA256_Transform</c> runs OpenSSL's block function (SHA-NI where the CPU has it).</summary>
    /// <param name="left">The 32-byte left child.</param>
    /// <param name="right">The 32-byte right child.</param>
    /// <param name="destination">Receives 32 bytes.</param>
    [SkipLocalsInit]
    public static void HashNode(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right, Span<byte> destination)
    {
        if (Ssse3.IsSupported)
        {
            HashNodeVector(left, right, destination);
            return;
        }

        Span<byte> context = stackalloc byte[ContextSize];
#pragma warning disable RS0030 // MemoryMarshal.Cast: views the native SHA256_CTX state words; no unsafe pointer arithmetic
        Span<uint> h = MemoryMarshal.Cast<byte, uint>(context[..32]); // SHA256_CTX starts with SHA_LONG h[8]
#pragma warning restore RS0030
        h[0] = 0x6a09e667;
        h[1] = 0xbb67ae85;
        h[2] = 0x3c6ef372;
        h[3] = 0xa54ff53a;
        h[4] = 0x510e527f;
        h[5] = 0x9b05688c;
        h[6] = 0x1f83d9ab;
        h[7] = 0x5be0cd19;
        Span<byte> block = stackalloc byte[128];
        block[0] = 1;
        left[..32].CopyTo(block[1..]);
        right[..32].CopyTo(block[33..]);
        block[65] = 0x80;
        block[66..126].Clear();
        block[126] = 0x02; // 65 × 8 = 520 bits, big-endian
        block[127] = 0x08;
        SHA256_Transform(ref context[0], in block[0]);
        SHA256_Transform(ref context[0], in block[64]);
        for (int i = 0; i < 8; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(i * 4, 4), h[i]);
        }
    }

    /// <summary>
    /// <see cref="HashNode"/> with the state and the padded message assembled in 16-byte vector stores (the 1-byte prefix shifts
    /// the children by one byte: <c>palignr</c>), so that every 16-byte load of OpenSSL's block function is served by exactly one
    /// earlier store of the same address and size. Writing them byte- or word-wise (the scalar path) made those loads miss store
    /// forwarding: ~260 ns per node against ~86 ns this way, of which the two SHA-NI compressions are ~60–70 ns. VEX-encoded
    /// 128-bit operations leave the upper vector state clean, so the legacy-SSE SHA-NI code pays no transition penalty.
    /// </summary>
    /// <remarks>Compiled fully optimised up front (<see cref="MethodImplOptions.AggressiveOptimization"/>): under tiered
    /// compilation this method was observed to stay at instrumented tier 0 (Vector128 helpers not inlined, ~330 ns per node
    /// instead of ~90 ns) when called from the fully optimised <see cref="HashNode"/>.</remarks>
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void HashNodeVector(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right, Span<byte> destination)
    {
        // Layout: [0, 32) the state words h[0..8] (SHA256_Transform only reads and writes SHA256_CTX.h), [32, 160) the two blocks.
        Span<byte> buffer = stackalloc byte[160];
        Vector128.Create(0x6a09e667u, 0xbb67ae85u, 0x3c6ef372u, 0xa54ff53au).AsByte().CopyTo(buffer);
        Vector128.Create(0x510e527fu, 0x9b05688cu, 0x1f83d9abu, 0x5be0cd19u).AsByte().CopyTo(buffer[16..]);
        Vector128<byte> l0 = Vector128.Create(left[..16]);
        Vector128<byte> l1 = Vector128.Create(left[16..32]);
        Vector128<byte> r0 = Vector128.Create(right[..16]);
        Vector128<byte> r1 = Vector128.Create(right[16..32]);
        Vector128<byte> prefix = Vector128.Create((byte)0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01);
        Vector128<byte> pad = Vector128.Create((byte)0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        Ssse3.AlignRight(l0, prefix, 15).CopyTo(buffer[32..]); // 0x01, left[0..15)
        Ssse3.AlignRight(l1, l0, 15).CopyTo(buffer[48..]);     // left[15..31)
        Ssse3.AlignRight(r0, l1, 15).CopyTo(buffer[64..]);     // left[31], right[0..15)
        Ssse3.AlignRight(r1, r0, 15).CopyTo(buffer[80..]);     // right[15..31)
        Ssse3.AlignRight(pad, r1, 15).CopyTo(buffer[96..]);    // right[31], 0x80, zeros
        Vector128<byte>.Zero.CopyTo(buffer[112..]);
        Vector128<byte>.Zero.CopyTo(buffer[128..]);
        Vector128.Create((byte)0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x08).CopyTo(buffer[144..]); // 520 bits, big-endian
        SHA256_Transform(ref buffer[0], in buffer[32]);
        SHA256_Transform(ref buffer[0], in buffer[96]);
        Vector128<byte> byteSwap = Vector128.Create((byte)3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12);
        Ssse3.Shuffle(Vector128.Create((ReadOnlySpan<byte>)buffer[..16]), byteSwap).CopyTo(destination);
        Ssse3.Shuffle(Vector128.Create((ReadOnlySpan<byte>)buffer[16..32]), byteSwap).CopyTo(destination[16..]);
    }

    /// <summary>The largest input hashed on the native path (the calls suppress the GC transition, so they must stay short: ~2 µs).</summary>
    public const int MaxPrefixedInput = 4096;

    /// <summary>Computes SHA-256(prefix ‖ data) without copying (for Merkle leaves: prefix 0x00 and the record bytes).</summary>
    /// <param name="prefix">The one-byte prefix.</param>
    /// <param name="data">The data, at most <see cref="MaxPrefixedInput"/> bytes.</param>
    /// <param name="destination">Receives 32 bytes.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // see HashNodeVector: keep the P/Invoke callers out of tier 0
    public static void HashPrefixed(byte prefix, ReadOnlySpan<byte> data, Span<byte> destination)
    {
        Span<byte> context = stackalloc byte[ContextSize];
        if (SHA256_Init(ref context[0]) != 1
            || SHA256_Update(ref context[0], in prefix, 1) != 1
            || (!data.IsEmpty && SHA256_Update(ref context[0], in data[0], (nuint)data.Length) != 1)
            || SHA256_Final(ref destination[0], ref context[0]) != 1)
        {
            throw new CryptographicException("OpenSSL SHA256 failed.");
        }
    }

    private static bool Probe()
    {
        if (!OperatingSystem.IsLinux() || AppContext.TryGetSwitch("MevDefense.Dna.DisableNativeSha256", out bool disabled) && disabled)
        {
            return false;
        }

        try
        {
            Span<byte> input = stackalloc byte[65];
            for (int i = 0; i < input.Length; i++)
            {
                input[i] = (byte)(i * 31);
            }

            Span<byte> a = stackalloc byte[32];
            Span<byte> b = stackalloc byte[32];
            Hash(input, a);
            SHA256.HashData(input, b);
            return a.SequenceEqual(b);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException or CryptographicException)
        {
            return false;
        }
    }

    private static bool ProbeNode()
    {
        try
        {
            Span<byte> input = stackalloc byte[65];
            input[0] = 1;
            for (int i = 1; i < input.Length; i++)
            {
                input[i] = (byte)(i * 57 + 3);
            }

            Span<byte> a = stackalloc byte[32];
            Span<byte> b = stackalloc byte[32];
            HashNode(input[1..33], input[33..], a);
            SHA256.HashData(input, b);
            return a.SequenceEqual(b);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            return false;
        }
    }

    // Classic DllImport with blittable by-ref arguments: pinned for the call, no unsafe code needed.
    [DllImport(Library, ExactSpelling = true)]
    [SuppressGCTransition]
    private static extern int SHA256_Init(ref byte c);

    [DllImport(Library, ExactSpelling = true)]
    [SuppressGCTransition]
    private static extern int SHA256_Update(ref byte c, in byte data, nuint length);

    [DllImport(Library, ExactSpelling = true)]
    [SuppressGCTransition]
    private static extern int SHA256_Final(ref byte md, ref byte c);

    [DllImport(Library, ExactSpelling = true)]
    [SuppressGCTransition]
    private static extern void SHA256_Transform(ref byte c, in byte data);
}
