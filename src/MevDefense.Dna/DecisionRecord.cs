using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Text;
using Google.Protobuf;
using MevDefense.Dna.Internal;
using MevDefense.Dna.Internal.Protos;

namespace MevDefense.Dna;

/// <summary>
/// One entry of the Decision DNA ledger: what was decided, about which transactions and accounts, by which detector, on which
/// inputs, when, and its place in the signed hash chain.
/// </summary>
/// <remarks>
/// <para>The canonical bytes (<see cref="ToCanonicalBytes"/>) are a deterministic protobuf encoding
/// (<c>Protos/decision_record.proto</c>). The chain hash is
/// <c>Blake3("mevdefense/dna/record/v1\n" ‖ parent hash ‖ body bytes)</c>, where the body bytes are the canonical bytes with
/// <see cref="ChainHash"/> and <see cref="Signature"/> left empty, and <see cref="Signature"/> is Ed25519 over the 32-byte chain hash.</para>
/// <para>Instances are immutable; list properties are copied on initialization.</para>
/// </remarks>
public sealed class DecisionRecord
{
    /// <summary>The maximum size of <see cref="Payload"/> in bytes.</summary>
    public const int MaxPayloadBytes = 64 * 1024;

    /// <summary>The maximum length of <see cref="Detector"/>, <see cref="ModelVersion"/> and amount names.</summary>
    public const int MaxNameLength = 256;

    /// <summary>The maximum number of entries in each list property.</summary>
    public const int MaxListCount = 1024;

    private readonly IReadOnlyList<Signature> _transactions = [];
    private readonly IReadOnlyList<Pubkey> _victims = [];
    private readonly IReadOnlyList<DecisionAmount> _amounts = [];
    private readonly DateTimeOffset _timestamp;
    private readonly double _confidence;
    private byte[]? _canonical;
    private Hash _leafHash; // valid once _hasLeafHash is set (inline: no 32-byte array per record)
    private bool _hasLeafHash;
    private Hash _chainHash;
    private Signature _signature;

    /// <summary>Gets the record id: a UUIDv7 (time-ordered) "decision fingerprint".</summary>
    public required Guid Id { get; init; }

    /// <summary>Gets the 0-based position of the record in its chain; equals its Merkle leaf index.</summary>
    public required ulong Sequence { get; init; }

    /// <summary>Gets the event type (see <see cref="DecisionEventTypes"/>; user-defined values allowed).</summary>
    public required string EventType { get; init; }

    /// <summary>Gets the slot the decision concerns.</summary>
    public ulong Slot { get; init; }

    /// <summary>Gets every transaction involved, in block order.</summary>
    public IReadOnlyList<Signature> Transactions { get => _transactions; init => _transactions = [.. value]; }

    /// <summary>Gets the attacker key, when known.</summary>
    public Pubkey? Attacker { get; init; }

    /// <summary>Gets the victim keys.</summary>
    public IReadOnlyList<Pubkey> Victims { get => _victims; init => _victims = [.. value]; }

    /// <summary>Gets the pool key, when known.</summary>
    public Pubkey? Pool { get; init; }

    /// <summary>Gets the named amounts (for example the estimated victim loss).</summary>
    public IReadOnlyList<DecisionAmount> Amounts { get => _amounts; init => _amounts = [.. value]; }

    /// <summary>Gets the confidence in [0, 1].</summary>
    public double Confidence { get => _confidence; init => _confidence = value == 0d ? 0d : value; }

    /// <summary>Gets the detector that made the decision (for example <c>rules/sandwich</c>); empty for user events.</summary>
    public string Detector { get; init; } = string.Empty;

    /// <summary>Gets the model version, when a model contributed.</summary>
    public string? ModelVersion { get; init; }

    /// <summary>Gets the Blake3 fingerprint (32 bytes) of the exact inputs the decision saw, or empty.</summary>
    public ReadOnlyMemory<byte> InputFingerprint { get; init; }

    /// <summary>Gets the time the record was made (UTC, 100 ns resolution; stored as ticks since the Unix epoch).</summary>
    public DateTimeOffset Timestamp { get => _timestamp; init => _timestamp = value.ToUniversalTime(); }

    /// <summary>Gets opaque application bytes (for example the UTF-8 JSON posted to the API), at most <see cref="MaxPayloadBytes"/>.</summary>
    public ReadOnlyMemory<byte> Payload { get; init; }

    /// <summary>Gets the chain hash of the previous record (all zero for the first record).</summary>
    public Hash ParentHash { get; init; }

    /// <summary>Gets the id of the signing key: the first 8 bytes of SHA-256 of the raw 32-byte Ed25519 public key, as 16 lowercase hex digits.</summary>
    public string KeyId { get; init; } = string.Empty;

    /// <summary>Gets the chain hash: Blake3 over the domain tag, <see cref="ParentHash"/> and the body bytes.</summary>
    public Hash ChainHash { get => _chainHash; init => _chainHash = value; }

    /// <summary>Gets the Ed25519 signature over <see cref="ChainHash"/>.</summary>
    public Signature Signature { get => _signature; init => _signature = value; }

    /// <summary>Gets a value indicating whether the record carries a chain hash and a signature.</summary>
    public bool IsSealed => !ChainHash.IsZero && !Signature.IsZero;

    /// <summary>Returns the canonical bytes of the record (including chain hash and signature); this is the stored form and the Merkle leaf data.</summary>
    /// <returns>A new array holding the canonical bytes.</returns>
    /// <exception cref="ArgumentException">A field is out of range (see the limits on this type).</exception>
    public byte[] ToCanonicalBytes() => (byte[])GetCanonicalBytesCached().Clone();

    /// <summary>Parses canonical bytes strictly: any encoding other than the canonical one is rejected.</summary>
    /// <param name="canonicalBytes">The bytes.</param>
    /// <returns>The record.</returns>
    /// <exception cref="FormatException">The bytes are not a canonical record encoding.</exception>
    public static DecisionRecord Parse(ReadOnlySpan<byte> canonicalBytes)
    {
        DecisionRecordMessage message;
        try
        {
            message = DecisionRecordMessage.Parser.ParseFrom(canonicalBytes);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new FormatException("Not a Decision DNA record: " + ex.Message, ex);
        }

        DecisionRecord record = FromMessage(message);
        byte[] again;
        try
        {
            again = record.GetCanonicalBytesCached();
        }
        catch (ArgumentException ex)
        {
            throw new FormatException("Decision DNA record field out of range: " + ex.Message, ex);
        }

        if (!canonicalBytes.SequenceEqual(again))
        {
            throw new FormatException("Decision DNA record bytes are not canonical (unknown, duplicated or non-minimal fields).");
        }

        return record;
    }

    /// <summary>Tries to parse canonical bytes strictly.</summary>
    /// <param name="canonicalBytes">The bytes.</param>
    /// <param name="record">The record, when the bytes are canonical.</param>
    /// <returns><see langword="true"/> when the bytes are a canonical record encoding.</returns>
    public static bool TryParse(ReadOnlySpan<byte> canonicalBytes, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out DecisionRecord? record)
    {
        try
        {
            record = Parse(canonicalBytes);
            return true;
        }
        catch (FormatException)
        {
            record = null;
            return false;
        }
    }

    /// <summary>Returns the record as seen by the hash: canonical bytes with the chain hash and signature left empty.</summary>
    internal byte[] GetBodyBytes() => ToMessage(includeSeal: false).ToByteArray();

    /// <summary>Returns the cached canonical bytes (callers must not mutate).</summary>
    internal byte[] GetCanonicalBytesCached() => _canonical ??= ToMessage(includeSeal: true).ToByteArray();

    /// <summary>Returns the cached RFC 6962 leaf hash <c>SHA-256(0x00 ‖ canonical bytes)</c> (computed once, shared by the store and the ledger's tree).</summary>
    /// <remarks>Two threads may both compute it; they write the same bytes, and the flag is published after them.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // once per appended record
    internal ReadOnlySpan<byte> GetLeafHashCached()
    {
        if (!Volatile.Read(ref _hasLeafHash))
        {
            Span<byte> leaf = stackalloc byte[Hash.Size];
            Merkle.Rfc6962Hasher.Sha256.HashLeaf(GetCanonicalBytesCached(), leaf);
            _leafHash = new Hash(leaf);
            Volatile.Write(ref _hasLeafHash, true);
        }

        return _leafHash.AsSpan();
    }

    /// <summary>Computes the size of the body bytes (canonical encoding without the seal fields), validating every field.</summary>
    /// <exception cref="ArgumentException">A field is out of range.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // once per appended record: do not run at tier 0
    internal int ComputeBodySize()
    {
        Validate();
        int size = 0;
        size += 1 + 1 + 16; // id
        size += Sequence != 0 ? 1 + VarintSize(Sequence) : 0;
        size += 1 + StringSize(EventType);
        size += Slot != 0 ? 1 + VarintSize(Slot) : 0;
        size += _transactions.Count * (1 + 1 + Signature.Size);
        size += Attacker is not null ? 1 + 1 + Pubkey.Size : 0;
        size += _victims.Count * (1 + 1 + Pubkey.Size);
        size += Pool is not null ? 1 + 1 + Pubkey.Size : 0;
        Span<char> text = stackalloc char[64];
        foreach (DecisionAmount amount in _amounts)
        {
            int inner = 1 + StringSize(amount.Name);
            int valueLength = AmountText(amount.Value, text).Length;
            inner += valueLength == 0 ? 0 : 1 + VarintSize((ulong)valueLength) + valueLength; // invariant decimal text is ASCII
            size += 1 + VarintSize((ulong)inner) + inner;
        }

        size += _confidence != 0d ? 1 + 8 : 0;
        size += Detector.Length != 0 ? 1 + StringSize(Detector) : 0;
        size += ModelVersion is { Length: > 0 } mv ? 1 + StringSize(mv) : 0;
        size += InputFingerprint.Length != 0 ? 1 + 1 + InputFingerprint.Length : 0;
        long ticks = _timestamp.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        size += ticks != 0 ? 1 + VarintSize(unchecked((ulong)ticks)) : 0;
        size += Payload.Length != 0 ? 1 + VarintSize((ulong)Payload.Length) + Payload.Length : 0;
        size += 2 + 1 + Hash.Size; // parent hash (always 32 bytes)
        size += KeyId.Length != 0 ? 2 + 1 + DnaKeyIds.Size : 0;
        return size;
    }

    /// <summary>Writes the body bytes: byte-identical to Google.Protobuf's encoding of <see cref="ToMessage"/> without the seal fields
    /// (proto3 field order, defaults omitted), but straight into <paramref name="destination"/> with no intermediate objects.</summary>
    /// <param name="destination">Exactly <see cref="ComputeBodySize"/> bytes or more.</param>
    /// <returns>The number of bytes written.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // once per appended record: do not run at tier 0
    internal int WriteBody(Span<byte> destination)
    {
        int p = 0;
        destination[p++] = 10;
        destination[p++] = 16;
        Id.TryWriteBytes(destination.Slice(p, 16), bigEndian: true, out _);
        p += 16;
        if (Sequence != 0)
        {
            destination[p++] = 16;
            p += WriteVarint(destination[p..], Sequence);
        }

        p += WriteString(destination[p..], 26, EventType);
        if (Slot != 0)
        {
            destination[p++] = 32;
            p += WriteVarint(destination[p..], Slot);
        }

        foreach (Signature tx in _transactions)
        {
            p += WriteBytes(destination[p..], 42, tx.AsSpan());
        }

        if (Attacker is { } attacker)
        {
            p += WriteBytes(destination[p..], 50, attacker.AsSpan());
        }

        foreach (Pubkey victim in _victims)
        {
            p += WriteBytes(destination[p..], 58, victim.AsSpan());
        }

        if (Pool is { } pool)
        {
            p += WriteBytes(destination[p..], 66, pool.AsSpan());
        }

        Span<char> text = stackalloc char[64];
        Span<byte> ascii = stackalloc byte[64];
        foreach (DecisionAmount amount in _amounts)
        {
            ReadOnlySpan<char> value = AmountText(amount.Value, text);
            int inner = 1 + StringSize(amount.Name) + (value.Length == 0 ? 0 : 1 + VarintSize((ulong)value.Length) + value.Length);
            destination[p++] = 74;
            p += WriteVarint(destination[p..], (ulong)inner);
            p += WriteString(destination[p..], 10, amount.Name);
            if (value.Length != 0)
            {
                int n = Encoding.ASCII.GetBytes(value, ascii);
                p += WriteBytes(destination[p..], 18, ascii[..n]);
            }
        }

        if (_confidence != 0d)
        {
            destination[p++] = 81;
            BinaryPrimitives.WriteDoubleLittleEndian(destination[p..], _confidence);
            p += 8;
        }

        if (Detector.Length != 0)
        {
            p += WriteString(destination[p..], 90, Detector);
        }

        if (ModelVersion is { Length: > 0 } modelVersion)
        {
            p += WriteString(destination[p..], 98, modelVersion);
        }

        if (InputFingerprint.Length != 0)
        {
            p += WriteBytes(destination[p..], 106, InputFingerprint.Span);
        }

        long ticks = _timestamp.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        if (ticks != 0)
        {
            destination[p++] = 112;
            p += WriteVarint(destination[p..], unchecked((ulong)ticks));
        }

        if (Payload.Length != 0)
        {
            p += WriteBytes(destination[p..], 122, Payload.Span);
        }

        destination[p++] = 130;
        destination[p++] = 1;
        destination[p++] = Hash.Size;
        ParentHash.CopyTo(destination[p..]);
        p += Hash.Size;
        if (KeyId.Length != 0)
        {
            destination[p++] = 138;
            destination[p++] = 1;
            destination[p++] = DnaKeyIds.Size;
            Convert.FromHexString(KeyId, destination.Slice(p, DnaKeyIds.Size), out _, out _);
            p += DnaKeyIds.Size;
        }

        return p;
    }

    /// <summary>Sets the seal of a record that nobody else references yet (the ledger's freshly built record), with its full
    /// canonical bytes (body followed by the two seal fields, written by the caller through <see cref="WriteSealFields"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // once per appended record: do not run at tier 0
    internal void SealInPlace(Hash chainHash, Signature signature, byte[] canonical)
    {
        _chainHash = chainHash;
        _signature = signature;
        _canonical = canonical;
        _hasLeafHash = false;
    }

    /// <summary>Writes fields 30 (chain hash) and 31 (signature): <see cref="SealFieldsSize"/> bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // once per appended record: do not run at tier 0
    internal static void WriteSealFields(Span<byte> destination, ReadOnlySpan<byte> chainHash, ReadOnlySpan<byte> signature)
    {
        destination[0] = 0xF2; // field 30, wire type 2
        destination[1] = 0x01;
        destination[2] = Hash.Size;
        chainHash.CopyTo(destination[3..]);
        int p = 3 + Hash.Size;
        destination[p++] = 0xFA; // field 31, wire type 2
        destination[p++] = 0x01;
        destination[p++] = Signature.Size;
        signature.CopyTo(destination[p..]);
    }

    /// <summary>The size of the two seal fields.</summary>
    internal const int SealFieldsSize = 3 + Hash.Size + 3 + Signature.Size;

    private static ReadOnlySpan<char> AmountText(decimal value, Span<char> buffer) =>
        value.TryFormat(buffer, out int written, default, CultureInfo.InvariantCulture) ? buffer[..written] : throw new ArgumentException("An amount does not format.");

    private static int VarintSize(ulong value) => value < 0x80 ? 1 : (70 - BitOperations.LeadingZeroCount(value)) / 7;

    private static int StringSize(string value)
    {
        int n = Encoding.UTF8.GetByteCount(value);
        return VarintSize((ulong)n) + n;
    }

    private static int WriteVarint(Span<byte> destination, ulong value)
    {
        int i = 0;
        while (value >= 0x80)
        {
            destination[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        destination[i++] = (byte)value;
        return i;
    }

    private static int WriteBytes(Span<byte> destination, byte tag, ReadOnlySpan<byte> value)
    {
        destination[0] = tag;
        int p = 1 + WriteVarint(destination[1..], (ulong)value.Length);
        value.CopyTo(destination[p..]);
        return p + value.Length;
    }

    private static int WriteString(Span<byte> destination, byte tag, string value)
    {
        destination[0] = tag;
        int n = Encoding.UTF8.GetByteCount(value);
        int p = 1 + WriteVarint(destination[1..], (ulong)n);
        return p + Encoding.UTF8.GetBytes(value, destination[p..]);
    }

    /// <summary>Creates a copy with the seal fields set, reusing the body bytes: fields 30 and 31 come last in the canonical
    /// encoding, so the full bytes are the body followed by their two length-delimited fields.</summary>
    internal DecisionRecord WithSeal(Hash chainHash, Signature signature, byte[] bodyBytes)
    {
        byte[] full = new byte[bodyBytes.Length + 3 + Hash.Size + 3 + Signature.Size];
        bodyBytes.CopyTo(full, 0);
        int p = bodyBytes.Length;
        full[p++] = 0xF2; // field 30, wire type 2
        full[p++] = 0x01;
        full[p++] = Hash.Size;
        chainHash.CopyTo(full.AsSpan(p));
        p += Hash.Size;
        full[p++] = 0xFA; // field 31, wire type 2
        full[p++] = 0x01;
        full[p++] = Signature.Size;
        signature.CopyTo(full.AsSpan(p));
        DecisionRecord sealedRecord = WithSeal(chainHash, signature);
        sealedRecord._canonical = full;
        return sealedRecord;
    }

    /// <summary>Creates a copy with the seal fields set.</summary>
    internal DecisionRecord WithSeal(Hash chainHash, Signature signature) => new()
    {
        Id = Id,
        Sequence = Sequence,
        EventType = EventType,
        Slot = Slot,
        Transactions = _transactions,
        Attacker = Attacker,
        Victims = _victims,
        Pool = Pool,
        Amounts = _amounts,
        Confidence = _confidence,
        Detector = Detector,
        ModelVersion = ModelVersion,
        InputFingerprint = InputFingerprint,
        Timestamp = _timestamp,
        Payload = Payload,
        ParentHash = ParentHash,
        KeyId = KeyId,
        ChainHash = chainHash,
        Signature = signature,
    };

    private DecisionRecordMessage ToMessage(bool includeSeal)
    {
        Validate();
        return ToMessageCore(includeSeal, _timestamp.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // once per appended record: do not run at tier 0
    private void Validate()
    {
        if (string.IsNullOrEmpty(EventType) || EventType.Length > DecisionEventTypes.MaxLength)
        {
            throw new ArgumentException($"EventType must have 1..{DecisionEventTypes.MaxLength} characters.", nameof(EventType));
        }

        CheckName(Detector, nameof(Detector));
        CheckName(ModelVersion, nameof(ModelVersion));
        if (!double.IsFinite(_confidence) || _confidence < 0 || _confidence > 1)
        {
            throw new ArgumentException("Confidence must be a finite number in [0, 1].", nameof(Confidence));
        }

        if (InputFingerprint.Length is not 0 and not 32)
        {
            throw new ArgumentException("InputFingerprint must be empty or 32 bytes.", nameof(InputFingerprint));
        }

        if (Payload.Length > MaxPayloadBytes)
        {
            throw new ArgumentException($"Payload exceeds {MaxPayloadBytes} bytes.", nameof(Payload));
        }

        if (_transactions.Count > MaxListCount || _victims.Count > MaxListCount || _amounts.Count > MaxListCount)
        {
            throw new ArgumentException($"Lists are limited to {MaxListCount} entries.");
        }

        if (KeyId.Length != 0 && !DnaKeyIds.IsValid(KeyId))
        {
            throw new ArgumentException("KeyId must be 16 lowercase hex digits.", nameof(KeyId));
        }

        foreach (DecisionAmount amount in _amounts)
        {
            if (string.IsNullOrEmpty(amount.Name) || amount.Name.Length > MaxNameLength)
            {
                throw new ArgumentException($"Amount names must have 1..{MaxNameLength} characters.", nameof(Amounts));
            }
        }
    }

    private DecisionRecordMessage ToMessageCore(bool includeSeal, long ticks)
    {
        Span<byte> idBytes = stackalloc byte[16];
        Id.TryWriteBytes(idBytes, bigEndian: true, out _);
        var m = new DecisionRecordMessage
        {
            Id = ByteString.CopyFrom(idBytes),
            Sequence = Sequence,
            EventType = EventType,
            Slot = Slot,
            Attacker = Attacker is { } a ? ByteString.CopyFrom(a.AsSpan()) : ByteString.Empty,
            Pool = Pool is { } p ? ByteString.CopyFrom(p.AsSpan()) : ByteString.Empty,
            Confidence = _confidence,
            Detector = Detector,
            ModelVersion = ModelVersion ?? string.Empty,
            InputFingerprint = ByteString.CopyFrom(InputFingerprint.Span),
            TimestampUnixTicks = ticks,
            Payload = ByteString.CopyFrom(Payload.Span),
            ParentHash = ByteString.CopyFrom(ParentHash.AsSpan()),
            KeyId = KeyId.Length == 0 ? ByteString.Empty : ByteString.CopyFrom(Convert.FromHexString(KeyId)),
        };
        foreach (Signature s in _transactions)
        {
            m.Transactions.Add(ByteString.CopyFrom(s.AsSpan()));
        }

        foreach (Pubkey v in _victims)
        {
            m.Victims.Add(ByteString.CopyFrom(v.AsSpan()));
        }

        foreach (DecisionAmount amount in _amounts)
        {
            if (string.IsNullOrEmpty(amount.Name) || amount.Name.Length > MaxNameLength)
            {
                throw new ArgumentException($"Amount names must have 1..{MaxNameLength} characters.", nameof(Amounts));
            }

            m.Amounts.Add(new AmountMessage { Name = amount.Name, Value = amount.Value.ToString(CultureInfo.InvariantCulture) });
        }

        if (includeSeal)
        {
            if (!ChainHash.IsZero)
            {
                m.ChainHash = ByteString.CopyFrom(ChainHash.AsSpan());
            }

            if (!Signature.IsZero)
            {
                m.Signature = ByteString.CopyFrom(Signature.AsSpan());
            }
        }

        return m;
    }

    private static void CheckName(string? value, string name)
    {
        if (value is not null && value.Length > MaxNameLength)
        {
            throw new ArgumentException($"{name} exceeds {MaxNameLength} characters.", name);
        }
    }

    private static DecisionRecord FromMessage(DecisionRecordMessage m)
    {
        if (m.Id.Length != 16)
        {
            throw new FormatException("Record id must be 16 bytes.");
        }

        if (m.ParentHash.Length != Hash.Size)
        {
            throw new FormatException("Parent hash must be 32 bytes.");
        }

        if (m.ChainHash.Length is not 0 and not Hash.Size)
        {
            throw new FormatException("Chain hash must be 32 bytes.");
        }

        if (m.Signature.Length is not 0 and not Signature.Size)
        {
            throw new FormatException("Signature must be 64 bytes.");
        }

        if (m.KeyId.Length is not 0 and not DnaKeyIds.Size)
        {
            throw new FormatException("Key id must be 8 bytes.");
        }

        long unixTicks = m.TimestampUnixTicks;
        if (unixTicks < DateTimeOffset.MinValue.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks || unixTicks > DateTimeOffset.MaxValue.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks)
        {
            throw new FormatException("Timestamp is out of range.");
        }

        var transactions = new Signature[m.Transactions.Count];
        for (int i = 0; i < transactions.Length; i++)
        {
            transactions[i] = m.Transactions[i].Length == Signature.Size ? new Signature(m.Transactions[i].Span) : throw new FormatException("Transaction signatures must be 64 bytes.");
        }

        var victims = new Pubkey[m.Victims.Count];
        for (int i = 0; i < victims.Length; i++)
        {
            victims[i] = ReadKey(m.Victims[i]) ?? throw new FormatException("Victim keys must be 32 bytes.");
        }

        var amounts = new DecisionAmount[m.Amounts.Count];
        for (int i = 0; i < amounts.Length; i++)
        {
            if (!decimal.TryParse(m.Amounts[i].Value, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal value))
            {
                throw new FormatException("Amount value is not an invariant decimal.");
            }

            amounts[i] = new DecisionAmount(m.Amounts[i].Name, value);
        }

        if (m.EventType.Length == 0)
        {
            throw new FormatException("Event type is empty.");
        }

        return new DecisionRecord
        {
            Id = new Guid(m.Id.Span, bigEndian: true),
            Sequence = m.Sequence,
            EventType = m.EventType,
            Slot = m.Slot,
            Transactions = transactions,
            Attacker = m.Attacker.Length == 0 ? null : ReadKey(m.Attacker) ?? throw new FormatException("Attacker key must be 32 bytes."),
            Victims = victims,
            Pool = m.Pool.Length == 0 ? null : ReadKey(m.Pool) ?? throw new FormatException("Pool key must be 32 bytes."),
            Amounts = amounts,
            Confidence = m.Confidence,
            Detector = m.Detector,
            ModelVersion = m.ModelVersion.Length == 0 ? null : m.ModelVersion,
            InputFingerprint = m.InputFingerprint.ToByteArray(),
            Timestamp = new DateTimeOffset(unixTicks + DateTimeOffset.UnixEpoch.UtcTicks, TimeSpan.Zero),
            Payload = m.Payload.ToByteArray(),
            ParentHash = new Hash(m.ParentHash.Span),
            KeyId = m.KeyId.Length == 0 ? string.Empty : Convert.ToHexStringLower(m.KeyId.Span),
            ChainHash = m.ChainHash.Length == 0 ? default : new Hash(m.ChainHash.Span),
            Signature = m.Signature.Length == 0 ? default : new Signature(m.Signature.Span),
        };
    }

    private static Pubkey? ReadKey(ByteString bytes) => bytes.Length == Pubkey.Size ? new Pubkey(bytes.Span) : null;
}
