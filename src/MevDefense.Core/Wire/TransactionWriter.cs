using System.Buffers.Binary;
using MevDefense.Crypto;

namespace MevDefense.Wire;

/// <summary>Serializes <see cref="TransactionMessage"/>s and signed transactions in the legacy, v0 and v1 wire formats.</summary>
public static class TransactionWriter
{
    /// <summary>Returns the serialized length of a message.</summary>
    /// <param name="message">The message.</param>
    /// <returns>The length in bytes.</returns>
    public static int GetMessageLength(TransactionMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Version == TransactionVersion.V1)
        {
            int len = 1 + 3 + 4 + 32 + 1 + 1 + (message.StaticKeys.Count * Pubkey.Size) + message.Config.EncodedLength + (4 * message.Instructions.Count);
            foreach (var ix in message.Instructions)
            {
                len += ix.Accounts.Length + ix.Data.Length;
            }

            return len;
        }

        int n = (message.Version == TransactionVersion.V0 ? 1 : 0) + 3 + ShortVec.GetEncodedLength(message.StaticKeys.Count)
            + (message.StaticKeys.Count * Pubkey.Size) + Hash.Size + ShortVec.GetEncodedLength(message.Instructions.Count);
        foreach (var ix in message.Instructions)
        {
            n += 1 + ShortVec.GetEncodedLength(ix.Accounts.Length) + ix.Accounts.Length + ShortVec.GetEncodedLength(ix.Data.Length) + ix.Data.Length;
        }

        if (message.Version == TransactionVersion.V0)
        {
            n += ShortVec.GetEncodedLength(message.Lookups.Count);
            foreach (var l in message.Lookups)
            {
                n += Pubkey.Size + ShortVec.GetEncodedLength(l.WritableIndexes.Length) + l.WritableIndexes.Length
                    + ShortVec.GetEncodedLength(l.ReadonlyIndexes.Length) + l.ReadonlyIndexes.Length;
            }
        }

        return n;
    }

    /// <summary>Writes the message bytes (what signatures cover).</summary>
    /// <param name="message">The message.</param>
    /// <param name="destination">At least <see cref="GetMessageLength"/> bytes.</param>
    /// <returns>The number of bytes written.</returns>
    /// <exception cref="ArgumentException">The destination is too small, or a count does not fit the format.</exception>
    public static int WriteMessage(TransactionMessage message, Span<byte> destination)
    {
        int len = GetMessageLength(message);
        if (destination.Length < len)
        {
            throw new ArgumentException("Destination is too small.", nameof(destination));
        }

        var d = destination;
        int p = 0;
        var h = message.Header;
        if (message.Version == TransactionVersion.V1)
        {
            if (message.StaticKeys.Count > byte.MaxValue || message.Instructions.Count > byte.MaxValue)
            {
                throw new ArgumentException("Too many keys or instructions for v1.", nameof(message));
            }

            d[p++] = TransactionReader.V1Prefix;
            d[p++] = h.NumRequiredSignatures;
            d[p++] = h.NumReadonlySigned;
            d[p++] = h.NumReadonlyUnsigned;
            var c = message.Config;
            BinaryPrimitives.WriteUInt32LittleEndian(d[p..], c.Mask);
            p += 4;
            message.RecentBlockhash.CopyTo(d[p..]);
            p += Hash.Size;
            d[p++] = (byte)message.Instructions.Count;
            d[p++] = (byte)message.StaticKeys.Count;
            foreach (var k in message.StaticKeys)
            {
                k.CopyTo(d[p..]);
                p += Pubkey.Size;
            }

            if (c.PriorityFee is { } fee)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(d[p..], fee);
                p += 8;
            }

            foreach (uint? v in (ReadOnlySpan<uint?>)[c.ComputeUnitLimit, c.LoadedAccountsDataSizeLimit, c.HeapSize])
            {
                if (v is { } x)
                {
                    BinaryPrimitives.WriteUInt32LittleEndian(d[p..], x);
                    p += 4;
                }
            }

            foreach (var ix in message.Instructions)
            {
                if (ix.Accounts.Length > byte.MaxValue || ix.Data.Length > ushort.MaxValue)
                {
                    throw new ArgumentException("A v1 instruction has too many accounts or too much data.", nameof(message));
                }

                d[p++] = ix.ProgramIdIndex;
                d[p++] = (byte)ix.Accounts.Length;
                BinaryPrimitives.WriteUInt16LittleEndian(d[p..], (ushort)ix.Data.Length);
                p += 2;
            }

            foreach (var ix in message.Instructions)
            {
                ix.Accounts.Span.CopyTo(d[p..]);
                p += ix.Accounts.Length;
                ix.Data.Span.CopyTo(d[p..]);
                p += ix.Data.Length;
            }

            return p;
        }

        if (message.Version == TransactionVersion.V0)
        {
            d[p++] = TransactionReader.V0Prefix;
        }

        d[p++] = h.NumRequiredSignatures;
        d[p++] = h.NumReadonlySigned;
        d[p++] = h.NumReadonlyUnsigned;
        p += ShortVec.Write(d[p..], message.StaticKeys.Count);
        foreach (var k in message.StaticKeys)
        {
            k.CopyTo(d[p..]);
            p += Pubkey.Size;
        }

        message.RecentBlockhash.CopyTo(d[p..]);
        p += Hash.Size;
        p += ShortVec.Write(d[p..], message.Instructions.Count);
        foreach (var ix in message.Instructions)
        {
            d[p++] = ix.ProgramIdIndex;
            p += WriteBytes(d[p..], ix.Accounts.Span);
            p += WriteBytes(d[p..], ix.Data.Span);
        }

        if (message.Version == TransactionVersion.V0)
        {
            p += ShortVec.Write(d[p..], message.Lookups.Count);
            foreach (var l in message.Lookups)
            {
                l.TableKey.CopyTo(d[p..]);
                p += Pubkey.Size;
                p += WriteBytes(d[p..], l.WritableIndexes.Span);
                p += WriteBytes(d[p..], l.ReadonlyIndexes.Span);
            }
        }

        return p;
    }

    /// <summary>Serializes a message into a new array.</summary>
    /// <param name="message">The message.</param>
    /// <returns>The message bytes.</returns>
    public static byte[] SerializeMessage(TransactionMessage message)
    {
        var bytes = new byte[GetMessageLength(message)];
        WriteMessage(message, bytes);
        return bytes;
    }

    /// <summary>Serializes a transaction from a message and its signatures, and checks the result with <see cref="TransactionReader"/>.</summary>
    /// <param name="message">The message.</param>
    /// <param name="signatures">One signature per required signer, in static-key order (use <see cref="Signature.Zero"/> for missing ones).</param>
    /// <returns>The wire bytes.</returns>
    /// <exception cref="ArgumentException">The signature count is wrong or the result is not a valid transaction.</exception>
    public static byte[] Serialize(TransactionMessage message, IReadOnlyList<Signature> signatures)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(signatures);
        int msgLen = GetMessageLength(message);
        bool v1 = message.Version == TransactionVersion.V1;
        int prefix = v1 ? 0 : ShortVec.GetEncodedLength(signatures.Count);
        var wire = new byte[prefix + (signatures.Count * Signature.Size) + msgLen];
        int sigOffset = v1 ? msgLen : prefix;
        int msgOffset = v1 ? 0 : prefix + (signatures.Count * Signature.Size);
        if (!v1)
        {
            ShortVec.Write(wire, signatures.Count);
        }

        for (int i = 0; i < signatures.Count; i++)
        {
            signatures[i].CopyTo(wire.AsSpan(sigOffset + (i * Signature.Size)));
        }

        WriteMessage(message, wire.AsSpan(msgOffset));
        if (!TransactionReader.TryReadExact(wire, out _, out string? error))
        {
            throw new ArgumentException($"The message does not form a valid transaction: {error}.", nameof(message));
        }

        return wire;
    }

    /// <summary>Signs a message with the required signers and serializes the transaction.</summary>
    /// <param name="message">The message.</param>
    /// <param name="signers">Keypairs for every one of the first <c>num_required_signatures</c> static keys, in any order.</param>
    /// <returns>The signed transaction.</returns>
    /// <exception cref="ArgumentException">A required signer is missing.</exception>
    public static Transaction Sign(TransactionMessage message, IEnumerable<Ed25519Keypair> signers)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(signers);
        var byKey = new Dictionary<Pubkey, Ed25519Keypair>();
        foreach (var s in signers)
        {
            byKey.TryAdd(s.PublicKey, s);
        }

        byte[] msg = SerializeMessage(message);
        int required = message.Header.NumRequiredSignatures;
        var signatures = new Signature[required];
        for (int i = 0; i < required; i++)
        {
            if (i >= message.StaticKeys.Count || !byKey.TryGetValue(message.StaticKeys[i], out var kp))
            {
                throw new ArgumentException($"No keypair for required signer {i}.", nameof(signers));
            }

            signatures[i] = kp.Sign(msg);
        }

        return Transaction.Parse(Serialize(message, signatures));
    }

    private static int WriteBytes(Span<byte> d, ReadOnlySpan<byte> bytes)
    {
        int n = ShortVec.Write(d, bytes.Length);
        bytes.CopyTo(d[n..]);
        return n + bytes.Length;
    }
}
