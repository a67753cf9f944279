using System.Security.Cryptography;
using System.Text.Json;
using MevDefense.Dna;

namespace MevDefense.AspNetCore.Internal;

/// <summary>Response bodies of the <c>/defensive/*</c> API (camelCase like the <c>mevdefense</c> CLI output).</summary>
internal static class Dtos
{
    internal sealed record RoleScores(float None, float Front, float Victim, float Back, float Arbitrage);

    internal sealed record TransactionScore(string Id, int Index, string Role, RoleScores Scores);

    internal sealed record DetectionResult
    {
        public required string Kind { get; init; }

        public required ulong Slot { get; init; }

        public string? Front { get; init; }

        public string? Back { get; init; }

        public IReadOnlyList<string> Victims { get; init; } = [];

        public IReadOnlyList<string> Transactions { get; init; } = [];

        public string? Attacker { get; init; }

        public string? Pool { get; init; }

        public required double Confidence { get; init; }

        public decimal? EstimatedVictimLoss { get; init; }

        public required string Detector { get; init; }

        public string? ModelVersion { get; init; }

        public string? RecordId { get; init; }

        public ulong? Sequence { get; init; }
    }

    internal sealed record DetectResponse(string Shape, string? ModelVersion, IReadOnlyList<TransactionScore> Transactions, IReadOnlyList<DetectionResult> Detections);

    internal sealed record RecordResponse
    {
        public required string Id { get; init; }

        public required ulong Sequence { get; init; }

        public required string EventType { get; init; }

        public required ulong Slot { get; init; }

        public required DateTimeOffset Timestamp { get; init; }

        public required IReadOnlyList<string> Transactions { get; init; }

        public string? Attacker { get; init; }

        public required IReadOnlyList<string> Victims { get; init; }

        public string? Pool { get; init; }

        public required IReadOnlyDictionary<string, decimal> Amounts { get; init; }

        public required double Confidence { get; init; }

        public required string Detector { get; init; }

        public string? ModelVersion { get; init; }

        public string? InputFingerprint { get; init; }

        public JsonElement? Payload { get; init; }

        public required string Hash { get; init; }

        public required string Parent { get; init; }

        public required string Signature { get; init; }

        public required string KeyId { get; init; }

        public required string LeafHash { get; init; }

        public static RecordResponse From(DecisionRecord r)
        {
            JsonElement? payload = null;
            if (!r.Payload.IsEmpty)
            {
                try
                {
                    using JsonDocument doc = JsonDocument.Parse(r.Payload);
                    payload = doc.RootElement.Clone();
                }
                catch (JsonException)
                {
                    payload = JsonSerializer.SerializeToElement(Convert.ToBase64String(r.Payload.Span));
                }
            }

            var amounts = new Dictionary<string, decimal>(StringComparer.Ordinal);
            foreach (DecisionAmount a in r.Amounts)
            {
                amounts[a.Name] = a.Value;
            }

            return new RecordResponse
            {
                Id = r.Id.ToString(),
                Sequence = r.Sequence,
                EventType = r.EventType,
                Slot = r.Slot,
                Timestamp = r.Timestamp,
                Transactions = [.. r.Transactions.Select(static t => t.ToString())],
                Attacker = r.Attacker?.ToString(),
                Victims = [.. r.Victims.Select(static v => v.ToString())],
                Pool = r.Pool?.ToString(),
                Amounts = amounts,
                Confidence = r.Confidence,
                Detector = r.Detector,
                ModelVersion = r.ModelVersion,
                InputFingerprint = r.InputFingerprint.IsEmpty ? null : Convert.ToHexStringLower(r.InputFingerprint.Span),
                Payload = payload,
                Hash = Convert.ToHexStringLower(r.ChainHash.AsSpan()),
                Parent = Convert.ToHexStringLower(r.ParentHash.AsSpan()),
                Signature = Convert.ToHexStringLower(r.Signature.AsSpan()),
                KeyId = r.KeyId,
                LeafHash = LeafHashHex(r),
            };
        }
    }

    internal sealed record ProofResponse(string Id, ulong Sequence, ulong TreeSize, string LeafHash, string RootHash, string HashAlgorithm,
        IReadOnlyList<string> Proof, string Checkpoint, string Vkey, string TlogProof);

    internal sealed record CheckpointResponse(string Origin, ulong Size, string RootHash, string SignedNote, string Vkey);

    internal sealed record HealthComponent(string Status, string? Description, double DurationMs, IReadOnlyDictionary<string, object> Data);

    internal sealed record HealthResponse(string Status, double TotalDurationMs, IReadOnlyDictionary<string, HealthComponent> Components);

    /// <summary>RFC 6962 leaf hash: SHA-256(0x00 ‖ canonical record bytes).</summary>
    public static string LeafHashHex(DecisionRecord r)
    {
        byte[] bytes = r.ToCanonicalBytes();
        using var h = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        h.AppendData([0]);
        h.AppendData(bytes);
        return Convert.ToHexStringLower(h.GetHashAndReset());
    }
}
