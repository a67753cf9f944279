using System.Globalization;
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
    public Hash ChainHash { get; init; }

    /// <summary>Gets the Ed25519 signature over <see cref="ChainHash"/>.</summary>
    public Signature Signature { get; init; }

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

        long ticks = _timestamp.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
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
