using System.Buffers.Binary;
using System.Numerics;

namespace MevDefense.Wire;

/// <summary>
/// Validates wire transactions (legacy, v0 and v1/SIMD-0385) without copying or allocating and returns their
/// <see cref="TransactionLayout"/>.
/// </summary>
/// <remarks>
/// Checks applied: canonical compact-u16 lengths; every length within the buffer; signature count equal to
/// <c>num_required_signatures</c>; read-only signed keys fewer than required signatures; required signatures plus read-only unsigned
/// keys at most the static key count; program id index inside the static keys and not 0 (the fee payer); every account index below the
/// total account count (static keys plus lookup indexes); every lookup using at least one index; at most 256 accounts; at most
/// <see cref="MaxLegacyTransactionSize"/> bytes for legacy/v0 and <see cref="MaxV1TransactionSize"/> for v1; for v1 also at most 12
/// signatures, 64 instructions and 64 addresses, and a configuration mask using only bits 0-4 with both priority-fee bits or neither.
/// </remarks>
public static class TransactionReader
{
    /// <summary>The largest legacy or v0 transaction (the packet data size).</summary>
    public const int MaxLegacyTransactionSize = 1232;

    /// <summary>The largest v1 transaction.</summary>
    public const int MaxV1TransactionSize = 4096;

    /// <summary>The most accounts a transaction may load.</summary>
    public const int MaxAccounts = 256;

    /// <summary>The most signatures in a v1 transaction.</summary>
    public const int MaxV1Signatures = 12;

    /// <summary>The most instructions in a v1 transaction.</summary>
    public const int MaxV1Instructions = 64;

    /// <summary>The most addresses in a v1 transaction.</summary>
    public const int MaxV1Addresses = 64;

    /// <summary>The v1 message version byte.</summary>
    public const byte V1Prefix = 0x81;

    /// <summary>The v0 message version byte.</summary>
    public const byte V0Prefix = 0x80;

    /// <summary>Tries to read the transaction at the start of <paramref name="source"/>; bytes after it are allowed (entries hold several).</summary>
    /// <param name="source">The bytes.</param>
    /// <param name="layout">The layout when successful.</param>
    /// <param name="bytesConsumed">The transaction's length when successful.</param>
    /// <param name="error">Why the bytes were rejected, or <see langword="null"/>.</param>
    /// <returns><see langword="true"/> for a well-formed transaction.</returns>
    public static bool TryRead(ReadOnlySpan<byte> source, out TransactionLayout layout, out int bytesConsumed, out string? error)
    {
        layout = default;
        bytesConsumed = 0;
        if (source.IsEmpty)
        {
            error = "empty input";
            return false;
        }

        byte first = source[0];
        error = first < 0x80 ? ReadLegacyOrV0(source, out layout) : first == V1Prefix ? ReadV1(source, out layout) : "unsupported transaction version";
        if (error is not null)
        {
            layout = default;
            return false;
        }

        bytesConsumed = layout.Length;
        return true;
    }

    /// <summary>Reads a buffer that holds exactly one transaction.</summary>
    /// <param name="wire">The transaction bytes.</param>
    /// <returns>The layout.</returns>
    /// <exception cref="FormatException">The bytes are not one well-formed transaction (including trailing bytes).</exception>
    public static TransactionLayout Read(ReadOnlySpan<byte> wire)
    {
        if (!TryRead(wire, out var layout, out int consumed, out string? error))
        {
            throw new FormatException($"Invalid transaction: {error}.");
        }

        if (consumed != wire.Length)
        {
            throw new FormatException($"Invalid transaction: {wire.Length - consumed} trailing bytes.");
        }

        return layout;
    }

    /// <summary>Tries to read a buffer that holds exactly one transaction.</summary>
    /// <param name="wire">The transaction bytes.</param>
    /// <param name="layout">The layout when successful.</param>
    /// <param name="error">Why the bytes were rejected, or <see langword="null"/>.</param>
    /// <returns><see langword="true"/> for exactly one well-formed transaction.</returns>
    public static bool TryReadExact(ReadOnlySpan<byte> wire, out TransactionLayout layout, out string? error)
    {
        if (!TryRead(wire, out layout, out int consumed, out error))
        {
            return false;
        }

        if (consumed != wire.Length)
        {
            layout = default;
            error = "trailing bytes after the transaction";
            return false;
        }

        return true;
    }

    private static string? ReadLegacyOrV0(ReadOnlySpan<byte> s, out TransactionLayout layout)
    {
        layout = default;
        if (!ShortVec.TryRead(s, out ushort sigCount, out int pos))
        {
            return "bad signature count";
        }

        int sigOffset = pos;
        if ((long)sigCount * Signature.Size > s.Length - pos)
        {
            return "truncated signatures";
        }

        pos += sigCount * Signature.Size;
        int msgOffset = pos;
        if (pos >= s.Length)
        {
            return "truncated message";
        }

        var version = TransactionVersion.Legacy;
        if ((s[pos] & 0x80) != 0)
        {
            if (s[pos] != V0Prefix)
            {
                return "unsupported message version";
            }

            version = TransactionVersion.V0;
            pos++;
        }

        if (s.Length - pos < 3)
        {
            return "truncated header";
        }

        var header = new MessageHeader(s[pos], s[pos + 1], s[pos + 2]);
        pos += 3;
        if (header.NumRequiredSignatures != sigCount)
        {
            return "signature count differs from num_required_signatures";
        }

        if (header.NumReadonlySigned >= header.NumRequiredSignatures)
        {
            return "num_readonly_signed must be below num_required_signatures";
        }

        if (!ShortVec.TryRead(s[pos..], out ushort keyCount, out int n))
        {
            return "bad static key count";
        }

        pos += n;
        if (header.NumRequiredSignatures + header.NumReadonlyUnsigned > keyCount)
        {
            return "header counts exceed static keys";
        }

        if (keyCount > MaxAccounts)
        {
            return "too many accounts";
        }

        int keysOffset = pos;
        if ((long)keyCount * Pubkey.Size + Hash.Size > s.Length - pos)
        {
            return "truncated static keys or blockhash";
        }

        pos += keyCount * Pubkey.Size;
        int blockhashOffset = pos;
        pos += Hash.Size;

        if (!ShortVec.TryRead(s[pos..], out ushort ixCount, out n))
        {
            return "bad instruction count";
        }

        pos += n;
        int ixOffset = pos;
        int maxAccountIndex = -1;
        for (int i = 0; i < ixCount; i++)
        {
            if (pos >= s.Length)
            {
                return "truncated instruction";
            }

            int program = s[pos++];
            if (program == 0 || program >= keyCount)
            {
                return "program id index out of range";
            }

            if (!ShortVec.TryRead(s[pos..], out ushort accCount, out n) || accCount > s.Length - pos - n)
            {
                return "bad instruction accounts";
            }

            pos += n;
            var accounts = s.Slice(pos, accCount);
            if (!accounts.IsEmpty)
            {
                int max = MaxByte(accounts);
                if (max > maxAccountIndex)
                {
                    maxAccountIndex = max;
                }
            }

            pos += accCount;
            if (!ShortVec.TryRead(s[pos..], out ushort dataLen, out n) || dataLen > s.Length - pos - n)
            {
                return "bad instruction data";
            }

            pos += n + dataLen;
        }

        int lookupCount = 0, lookupOffset = 0, writable = 0, ro = 0;
        if (version == TransactionVersion.V0)
        {
            if (!ShortVec.TryRead(s[pos..], out ushort lc, out n))
            {
                return "bad lookup count";
            }

            lookupCount = lc;
            pos += n;
            lookupOffset = pos;
            for (int i = 0; i < lookupCount; i++)
            {
                if (s.Length - pos < Pubkey.Size)
                {
                    return "truncated lookup table key";
                }

                pos += Pubkey.Size;
                if (!ShortVec.TryRead(s[pos..], out ushort w, out n) || w > s.Length - pos - n)
                {
                    return "bad lookup writable indexes";
                }

                pos += n + w;
                if (!ShortVec.TryRead(s[pos..], out ushort r, out n) || r > s.Length - pos - n)
                {
                    return "bad lookup readonly indexes";
                }

                pos += n + r;
                if (w + r == 0)
                {
                    return "lookup without indexes";
                }

                writable += w;
                ro += r;
                if (keyCount + writable + ro > MaxAccounts)
                {
                    return "too many accounts";
                }
            }
        }

        int total = keyCount + writable + ro;
        if (total > MaxAccounts)
        {
            return "too many accounts";
        }

        if (maxAccountIndex >= total)
        {
            return "account index out of range";
        }

        if (pos > MaxLegacyTransactionSize)
        {
            return "transaction larger than 1232 bytes";
        }

        layout = new TransactionLayout
        {
            Version = version,
            Length = pos,
            Header = header,
            SignatureCount = sigCount,
            SignaturesOffset = sigOffset,
            MessageOffset = msgOffset,
            MessageLength = pos - msgOffset,
            StaticKeyCount = keyCount,
            StaticKeysOffset = keysOffset,
            RecentBlockhashOffset = blockhashOffset,
            InstructionCount = ixCount,
            InstructionsOffset = ixOffset,
            LookupCount = lookupCount,
            LookupsOffset = lookupOffset,
            LookupWritableCount = writable,
            LookupReadonlyCount = ro,
        };
        return null;
    }

    private static string? ReadV1(ReadOnlySpan<byte> s, out TransactionLayout layout)
    {
        layout = default;
        const int fixedPart = 1 + 3 + 4 + 32 + 1 + 1;
        if (s.Length < fixedPart)
        {
            return "truncated v1 message";
        }

        var header = new MessageHeader(s[1], s[2], s[3]);
        uint mask = BinaryPrimitives.ReadUInt32LittleEndian(s[4..]);
        int blockhashOffset = 8;
        int ixCount = s[40];
        int keyCount = s[41];
        int pos = fixedPart;
        if (header.NumRequiredSignatures == 0 || header.NumRequiredSignatures > MaxV1Signatures)
        {
            return "v1 signature count out of range";
        }

        if (header.NumReadonlySigned >= header.NumRequiredSignatures)
        {
            return "num_readonly_signed must be below num_required_signatures";
        }

        if ((mask & ~0x1Fu) != 0)
        {
            return "unknown v1 config mask bits";
        }

        if ((mask & 0b11) is 0b01 or 0b10)
        {
            return "v1 priority fee needs both mask bits";
        }

        if (ixCount > MaxV1Instructions)
        {
            return "too many v1 instructions";
        }

        if (keyCount > MaxV1Addresses)
        {
            return "too many v1 addresses";
        }

        if (header.NumRequiredSignatures + header.NumReadonlyUnsigned > keyCount)
        {
            return "header counts exceed static keys";
        }

        int keysOffset = pos;
        int configOffset = keysOffset + (keyCount * Pubkey.Size);
        int ixOffset = configOffset + (BitOperations.PopCount(mask) * 4);
        pos = ixOffset + (ixCount * 4);
        if (pos > s.Length)
        {
            return "truncated v1 message";
        }

        for (int i = 0; i < ixCount; i++)
        {
            var h = s.Slice(ixOffset + (i * 4), 4);
            int program = h[0];
            if (program == 0 || program >= keyCount)
            {
                return "program id index out of range";
            }

            int accCount = h[1];
            int dataLen = BinaryPrimitives.ReadUInt16LittleEndian(h[2..]);
            if (accCount + dataLen > s.Length - pos)
            {
                return "truncated v1 instruction payload";
            }

            if (accCount > 0 && MaxByte(s.Slice(pos, accCount)) >= keyCount)
            {
                return "account index out of range";
            }

            pos += accCount + dataLen;
        }

        int msgLen = pos;
        int sigBytes = header.NumRequiredSignatures * Signature.Size;
        if (sigBytes > s.Length - pos)
        {
            return "truncated signatures";
        }

        pos += sigBytes;
        if (pos > MaxV1TransactionSize)
        {
            return "transaction larger than 4096 bytes";
        }

        layout = new TransactionLayout
        {
            Version = TransactionVersion.V1,
            Length = pos,
            Header = header,
            SignatureCount = header.NumRequiredSignatures,
            SignaturesOffset = msgLen,
            MessageOffset = 0,
            MessageLength = msgLen,
            StaticKeyCount = keyCount,
            StaticKeysOffset = keysOffset,
            RecentBlockhashOffset = blockhashOffset,
            InstructionCount = ixCount,
            InstructionsOffset = ixOffset,
            ConfigMask = mask,
            ConfigOffset = configOffset,
        };
        return null;
    }

    private static int MaxByte(ReadOnlySpan<byte> bytes)
    {
        int max = 0;
        foreach (byte b in bytes)
        {
            if (b > max)
            {
                max = b;
            }
        }

        return max;
    }
}
