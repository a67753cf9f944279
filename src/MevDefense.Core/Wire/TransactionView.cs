using System.Buffers.Binary;
using MevDefense.Crypto;

namespace MevDefense.Wire;

/// <summary>
/// A zero-copy view of one validated wire transaction: spans over the original bytes, nothing copied or allocated.
/// </summary>
/// <remarks>Create it with <see cref="Parse"/>, from a <see cref="TransactionLayout"/> returned by <see cref="TransactionReader"/>, or
/// from <see cref="Transaction.View"/>.</remarks>
public readonly ref struct TransactionView
{
    private readonly ReadOnlySpan<byte> _wire;
    private readonly TransactionLayout _layout;

    /// <summary>Creates a view over bytes that <see cref="TransactionReader"/> validated into <paramref name="layout"/>.</summary>
    /// <param name="wire">The bytes the layout was read from (extra bytes after the transaction are ignored).</param>
    /// <param name="layout">The layout.</param>
    /// <exception cref="ArgumentException"><paramref name="wire"/> is shorter than the layout.</exception>
    public TransactionView(ReadOnlySpan<byte> wire, scoped in TransactionLayout layout)
    {
        if (wire.Length < layout.Length || layout.Length == 0)
        {
            throw new ArgumentException("The bytes do not match the layout.", nameof(wire));
        }

        _wire = wire[..layout.Length];
        _layout = layout;
    }

    /// <summary>Parses a buffer that holds exactly one transaction.</summary>
    /// <param name="wire">The transaction bytes.</param>
    /// <returns>The view.</returns>
    /// <exception cref="FormatException">The bytes are not exactly one well-formed transaction.</exception>
    public static TransactionView Parse(ReadOnlySpan<byte> wire) => new(wire, TransactionReader.Read(wire));

    /// <summary>Tries to parse a buffer that holds exactly one transaction.</summary>
    /// <param name="wire">The transaction bytes.</param>
    /// <param name="view">The view when successful.</param>
    /// <returns><see langword="true"/> for exactly one well-formed transaction.</returns>
    public static bool TryParse(ReadOnlySpan<byte> wire, out TransactionView view)
    {
        if (TransactionReader.TryReadExact(wire, out var layout, out _))
        {
            view = new TransactionView(wire, layout);
            return true;
        }

        view = default;
        return false;
    }

    /// <summary>Gets the layout.</summary>
    public TransactionLayout Layout => _layout;

    /// <summary>Gets the transaction format.</summary>
    public TransactionVersion Version => _layout.Version;

    /// <summary>Gets the message header.</summary>
    public MessageHeader Header => _layout.Header;

    /// <summary>Gets the whole transaction bytes.</summary>
    public ReadOnlySpan<byte> Wire => _wire;

    /// <summary>Gets the number of signatures.</summary>
    public int SignatureCount => _layout.SignatureCount;

    /// <summary>Gets the number of static account keys.</summary>
    public int StaticKeyCount => _layout.StaticKeyCount;

    /// <summary>Gets the number of accounts loaded (static plus lookup indexes).</summary>
    public int TotalAccountCount => _layout.TotalAccountCount;

    /// <summary>Gets the message bytes: exactly what the signatures cover.</summary>
    public ReadOnlySpan<byte> MessageBytes => _wire.Slice(_layout.MessageOffset, _layout.MessageLength);

    /// <summary>Gets the recent blockhash (v1: the lifetime specifier).</summary>
    public ReadOnlySpan<byte> RecentBlockhash => _wire.Slice(_layout.RecentBlockhashOffset, Hash.Size);

    /// <summary>Gets the compiled instructions.</summary>
    public InstructionEnumerator Instructions => new(_wire, _layout);

    /// <summary>Gets the address-table lookups (empty unless v0).</summary>
    public LookupEnumerator Lookups => new(_wire, _layout);

    /// <summary>Gets the v1 configuration values (all absent for legacy and v0).</summary>
    public TransactionConfig Config
    {
        get
        {
            uint mask = _layout.ConfigMask;
            if (mask == 0)
            {
                return default;
            }

            var c = _wire[_layout.ConfigOffset..];
            int p = 0;
            ulong? fee = null;
            uint? cu = null, data = null, heap = null;
            if ((mask & 0b11) != 0)
            {
                fee = BinaryPrimitives.ReadUInt64LittleEndian(c);
                p += 8;
            }

            if ((mask & 0b100) != 0)
            {
                cu = BinaryPrimitives.ReadUInt32LittleEndian(c[p..]);
                p += 4;
            }

            if ((mask & 0b1000) != 0)
            {
                data = BinaryPrimitives.ReadUInt32LittleEndian(c[p..]);
                p += 4;
            }

            if ((mask & 0b10000) != 0)
            {
                heap = BinaryPrimitives.ReadUInt32LittleEndian(c[p..]);
            }

            return new TransactionConfig(fee, cu, data, heap);
        }
    }

    /// <summary>Gets signature <paramref name="index"/> (64 bytes).</summary>
    /// <param name="index">0 to <see cref="SignatureCount"/> - 1.</param>
    /// <returns>The signature bytes.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is out of range.</exception>
    public ReadOnlySpan<byte> GetSignature(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _layout.SignatureCount);
        return _wire.Slice(_layout.SignaturesOffset + (index * Signature.Size), Signature.Size);
    }

    /// <summary>Gets static key <paramref name="index"/> (32 bytes).</summary>
    /// <param name="index">0 to <see cref="StaticKeyCount"/> - 1.</param>
    /// <returns>The key bytes.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is out of range.</exception>
    public ReadOnlySpan<byte> GetStaticKey(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _layout.StaticKeyCount);
        return _wire.Slice(_layout.StaticKeysOffset + (index * Pubkey.Size), Pubkey.Size);
    }

    /// <summary>Gets whether account <paramref name="index"/> signs (the first <c>num_required_signatures</c> static keys).</summary>
    /// <param name="index">An account index.</param>
    /// <returns><see langword="true"/> for a signer.</returns>
    public bool IsSigner(int index) => index >= 0 && index < _layout.Header.NumRequiredSignatures;

    /// <summary>
    /// Gets whether account <paramref name="index"/> (static keys, then lookup writable, then lookup read-only) is writable as the
    /// message header declares it. The runtime additionally demotes program ids and reserved accounts; that is not applied here.
    /// </summary>
    /// <param name="index">An account index.</param>
    /// <returns><see langword="true"/> when declared writable.</returns>
    public bool IsWritable(int index)
    {
        var h = _layout.Header;
        if (index < 0 || index >= _layout.TotalAccountCount)
        {
            return false;
        }

        if (index < h.NumRequiredSignatures)
        {
            return index < h.NumRequiredSignatures - h.NumReadonlySigned;
        }

        if (index < _layout.StaticKeyCount)
        {
            return index < _layout.StaticKeyCount - h.NumReadonlyUnsigned;
        }

        return index - _layout.StaticKeyCount < _layout.LookupWritableCount;
    }

    /// <summary>Verifies signature <paramref name="index"/> against static key <paramref name="index"/> over <see cref="MessageBytes"/>.</summary>
    /// <param name="index">The signature index.</param>
    /// <returns><see langword="true"/> when the Ed25519 signature is valid.</returns>
    public bool VerifySignature(int index) => Ed25519Verifier.Verify(GetStaticKey(index), MessageBytes, GetSignature(index));

    /// <summary>Verifies every signature (Ed25519 via NSec/libsodium).</summary>
    /// <returns><see langword="true"/> when all signatures are valid.</returns>
    public bool VerifySignatures()
    {
        for (int i = 0; i < _layout.SignatureCount; i++)
        {
            if (!VerifySignature(i))
            {
                return false;
            }
        }

        return true;
    }
}
