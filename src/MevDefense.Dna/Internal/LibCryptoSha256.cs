using System.Buffers.Binary;
using System.Runtime.InteropServices;
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
    public static void HashNode(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right, Span<byte> destination)
    {
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

    /// <summary>The largest input hashed on the native path (the calls suppress the GC transition, so they must stay short: ~2 µs).</summary>
    public const int MaxPrefixedInput = 4096;

    /// <summary>Computes SHA-256(prefix ‖ data) without copying (for Merkle leaves: prefix 0x00 and the record bytes).</summary>
    /// <param name="prefix">The one-byte prefix.</param>
    /// <param name="data">The data, at most <see cref="MaxPrefixedInput"/> bytes.</param>
    /// <param name="destination">Receives 32 bytes.</param>
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
