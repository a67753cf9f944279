using System.Runtime.CompilerServices;

namespace MevDefense.Dna;

/// <summary>
/// What a caller asks the ledger to record. The ledger adds the id (UUIDv7), sequence, timestamp, parent hash, chain hash,
/// signature and key id, producing a <see cref="DecisionRecord"/>.
/// </summary>
public sealed record DecisionDraft
{
    /// <summary>Gets the event type (see <see cref="DecisionEventTypes"/>; user-defined values allowed).</summary>
    public required string EventType { get; init; }

    /// <summary>Gets the slot the decision concerns.</summary>
    public ulong Slot { get; init; }

    /// <summary>Gets every transaction involved, in block order.</summary>
    public IReadOnlyList<Signature> Transactions { get; init; } = [];

    /// <summary>Gets the attacker key, when known.</summary>
    public Pubkey? Attacker { get; init; }

    /// <summary>Gets the victim keys.</summary>
    public IReadOnlyList<Pubkey> Victims { get; init; } = [];

    /// <summary>Gets the pool key, when known.</summary>
    public Pubkey? Pool { get; init; }

    /// <summary>Gets the named amounts.</summary>
    public IReadOnlyList<DecisionAmount> Amounts { get; init; } = [];

    /// <summary>Gets the confidence in [0, 1].</summary>
    public double Confidence { get; init; }

    /// <summary>Gets the detector name; empty for user events.</summary>
    public string Detector { get; init; } = string.Empty;

    /// <summary>Gets the model version, when a model contributed.</summary>
    public string? ModelVersion { get; init; }

    /// <summary>Gets the Blake3 fingerprint (32 bytes) of the exact inputs, or empty.</summary>
    public ReadOnlyMemory<byte> InputFingerprint { get; init; }

    /// <summary>Gets opaque application bytes (for example UTF-8 JSON), at most <see cref="DecisionRecord.MaxPayloadBytes"/>.</summary>
    public ReadOnlyMemory<byte> Payload { get; init; }

    /// <summary>Converts a detection into a draft: kind to event type, all involved transactions (or front, victims, back), attacker,
    /// pool, the estimated victim loss as the amount <c>estimatedVictimLoss</c>, confidence, detector, model version and input fingerprint.</summary>
    /// <param name="detection">The detection.</param>
    /// <returns>The draft.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="detection"/> is <see langword="null"/>.</exception>
    public static DecisionDraft FromDetection(DetectionEvent detection)
    {
        ArgumentNullException.ThrowIfNull(detection);
        IReadOnlyList<Signature> transactions = detection.Transactions;
        if (transactions.Count == 0)
        {
            var list = new List<Signature>();
            if (detection.Front is { } front)
            {
                list.Add(front);
            }

            list.AddRange(detection.Victims);
            if (detection.Back is { } back)
            {
                list.Add(back);
            }

            transactions = list;
        }

        return new DecisionDraft
        {
            EventType = DecisionEventTypes.FromKind(detection.Kind),
            Slot = detection.Slot,
            Transactions = transactions,
            Attacker = detection.Attacker,
            Pool = detection.Pool,
            Amounts = detection.EstimatedVictimLoss is { } loss ? [new DecisionAmount("estimatedVictimLoss", loss)] : [],
            Confidence = detection.Confidence,
            Detector = detection.Detector,
            ModelVersion = detection.ModelVersion,
            InputFingerprint = detection.InputFingerprint,
        };
    }

    /// <summary>The unsealed record for this draft at a given position of a chain.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // once per appended record: do not run at tier 0
    internal DecisionRecord ToUnsealedRecord(Guid id, ulong sequence, DateTimeOffset timestamp, Hash parent, string keyId) => new()
    {
        Id = id,
        Sequence = sequence,
        EventType = EventType,
        Slot = Slot,
        Transactions = Transactions,
        Attacker = Attacker,
        Victims = Victims,
        Pool = Pool,
        Amounts = Amounts,
        Confidence = Confidence,
        Detector = Detector,
        ModelVersion = ModelVersion,
        InputFingerprint = InputFingerprint,
        Timestamp = timestamp,
        Payload = Payload,
        ParentHash = parent,
        KeyId = keyId,
    };
}
