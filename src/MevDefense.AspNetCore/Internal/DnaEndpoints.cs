using System.Text.Json;
using MevDefense.Dna;
using MevDefense.Dna.Checkpoints;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MevDefense.AspNetCore.Internal;

/// <summary>Handlers of <c>POST /dna/event</c>, <c>GET /dna/events/{id}</c>, <c>GET /dna/events/{id}/proof</c> and <c>GET /dna/checkpoint</c>.</summary>
internal static class DnaEndpoints
{
    public const string EventEndpoint = "dna_event";
    public const string RecordEndpoint = "dna_record";
    public const string ProofEndpoint = "dna_proof";
    public const string CheckpointEndpoint = "dna_checkpoint";

    public static async Task<Results<Created<Dtos.RecordResponse>, ProblemHttpResult>> PostEventAsync(HttpContext context, CancellationToken cancellationToken)
    {
        IServiceProvider sp = context.RequestServices;
        var metrics = sp.GetRequiredService<AspNetCoreMetrics>();
        MevDefenseAspNetCoreOptions options = sp.GetRequiredService<IOptions<MevDefenseAspNetCoreOptions>>().Value;
        DnaLedger? ledger = sp.GetService<DnaLedger>();
        if (ledger is null || !ledger.IsWritable)
        {
            return ApiProblems.LedgerUnavailable(metrics, EventEndpoint, ledger is null ? "No ledger is registered (call AddDnaLedger())." : "The ledger is not open or is faulted.");
        }

        var (document, bytes, problem) = await RequestBody.ReadJsonAsync(context.Request, options.MaxRequestBodyBytes, metrics, EventEndpoint, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        using (document)
        {
            var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
            DecisionDraft? draft = ParseEvent(document!.RootElement, bytes!, errors);
            if (draft is null)
            {
                if (bytes!.Length > DecisionRecord.MaxPayloadBytes && errors.Count == 0)
                {
                    return ApiProblems.Create(metrics, EventEndpoint, ApiProblems.TooLarge, StatusCodes.Status413PayloadTooLarge, "The event is too large.",
                        $"An event is stored as the record payload, at most {DecisionRecord.MaxPayloadBytes} bytes.");
                }

                return ApiProblems.BadRequest(metrics, EventEndpoint, "The event does not match the documented shape {event_type, transaction_hash, block_number, confidence_score, ...}.", errors);
            }

            DecisionRecord record;
            try
            {
                record = await ledger.AppendAsync(draft, cancellationToken).ConfigureAwait(false);
            }
            catch (ArgumentException ex)
            {
                return ApiProblems.BadRequest(metrics, EventEndpoint, ex.Message);
            }
            catch (Exception ex) when (ex is InvalidOperationException or IOException)
            {
                return ApiProblems.LedgerUnavailable(metrics, EventEndpoint, "The ledger could not make the record durable; nothing was acknowledged.");
            }

            sp.GetRequiredService<DefensiveStreamHub>().PublishRecord(record);
            return TypedResults.Created($"{context.Request.PathBase}{context.Request.Path.Value![..^"/event".Length]}/events/{record.Id}", Dtos.RecordResponse.From(record));
        }
    }

    public static async Task<Results<Ok<Dtos.RecordResponse>, ProblemHttpResult>> GetRecordAsync(string id, HttpContext context, CancellationToken cancellationToken)
    {
        IServiceProvider sp = context.RequestServices;
        var metrics = sp.GetRequiredService<AspNetCoreMetrics>();
        var (record, problem) = await FindAsync(sp, metrics, RecordEndpoint, id, cancellationToken).ConfigureAwait(false);
        return problem is not null ? problem : TypedResults.Ok(Dtos.RecordResponse.From(record!));
    }

    public static async Task<Results<Ok<Dtos.ProofResponse>, ProblemHttpResult>> GetProofAsync(string id, HttpContext context, CancellationToken cancellationToken)
    {
        IServiceProvider sp = context.RequestServices;
        var metrics = sp.GetRequiredService<AspNetCoreMetrics>();
        var (record, problem) = await FindAsync(sp, metrics, ProofEndpoint, id, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        DnaLedger ledger = sp.GetRequiredService<DnaLedger>();
        TlogProof receipt;
        try
        {
            receipt = await ledger.GetReceiptAsync(record!.Sequence, cancellationToken).ConfigureAwait(false);
        }
        catch (ArgumentOutOfRangeException)
        {
            return ApiProblems.NotFoundProblem(metrics, ProofEndpoint, $"Record {id} is not covered by this ledger's tree.");
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException)
        {
            return ApiProblems.LedgerUnavailable(metrics, ProofEndpoint, "The ledger could not sign a checkpoint for the proof.");
        }

        TlogCheckpoint checkpoint = TlogCheckpoint.Open(receipt.SignedCheckpoint, [ledger.CheckpointVerifier]);
        return TypedResults.Ok(new Dtos.ProofResponse(
            record.Id.ToString(),
            record.Sequence,
            checkpoint.Size,
            Dtos.LeafHashHex(record),
            Convert.ToHexStringLower(checkpoint.RootHash.Span),
            "sha256-rfc6962",
            [.. receipt.Proof.Select(static p => Convert.ToHexStringLower(p.Span))],
            receipt.SignedCheckpoint,
            ledger.CheckpointVerifier.ToString(),
            receipt.ToString()));
    }

    public static async Task<Results<Ok<Dtos.CheckpointResponse>, ProblemHttpResult>> GetCheckpointAsync(HttpContext context, CancellationToken cancellationToken)
    {
        IServiceProvider sp = context.RequestServices;
        var metrics = sp.GetRequiredService<AspNetCoreMetrics>();
        DnaLedger? ledger = sp.GetService<DnaLedger>();
        if (ledger is null)
        {
            return ApiProblems.LedgerUnavailable(metrics, CheckpointEndpoint, "No ledger is registered (call AddDnaLedger()).");
        }

        DnaCheckpoint checkpoint;
        try
        {
            checkpoint = await ledger.CheckpointAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or ObjectDisposedException)
        {
            return ApiProblems.LedgerUnavailable(metrics, CheckpointEndpoint, "The ledger is not open or could not sign a checkpoint.");
        }

        return TypedResults.Ok(new Dtos.CheckpointResponse(checkpoint.Origin, checkpoint.Size, Convert.ToHexStringLower(checkpoint.RootHash.AsSpan()),
            checkpoint.SignedNote, ledger.CheckpointVerifier.ToString()));
    }

    /// <summary>Validates an event body; returns <see langword="null"/> and fills <paramref name="errors"/> when it does not fit.</summary>
    internal static DecisionDraft? ParseEvent(JsonElement root, byte[] body, Dictionary<string, string[]> errors)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            errors["$"] = ["The body must be a JSON object."];
            return null;
        }

        string? eventType = null;
        ulong slot = 0;
        double confidence = 0;
        var transactions = new List<Signature>();
        Pubkey? attacker = null;
        Pubkey? pool = null;
        foreach (JsonProperty p in root.EnumerateObject())
        {
            switch (p.Name)
            {
                case "event_type":
                    if (p.Value.ValueKind != JsonValueKind.String || p.Value.GetString() is not { Length: > 0 and <= DecisionEventTypes.MaxLength } t || t.Any(char.IsControl))
                    {
                        errors["event_type"] = [$"Must be a non-empty string of at most {DecisionEventTypes.MaxLength} characters."];
                    }
                    else
                    {
                        eventType = t;
                    }

                    break;
                case "block_number":
                    if (p.Value.ValueKind != JsonValueKind.Number || !p.Value.TryGetUInt64(out slot))
                    {
                        errors["block_number"] = ["Must be a non-negative integer."];
                    }

                    break;
                case "confidence_score":
                    if (p.Value.ValueKind != JsonValueKind.Number || !p.Value.TryGetDouble(out confidence) || !double.IsFinite(confidence) || confidence is < 0 or > 1)
                    {
                        errors["confidence_score"] = ["Must be a number in [0, 1]."];
                    }

                    break;
                case "transaction_hash":
                    if (p.Value.ValueKind != JsonValueKind.String || p.Value.GetString() is not { Length: > 0 and <= 128 } h)
                    {
                        errors["transaction_hash"] = ["Must be a non-empty string of at most 128 characters."];
                    }
                    else if (Signature.TryParse(h, out Signature sig))
                    {
                        transactions.Add(sig); // a Solana signature is indexed; any other hash stays in the payload
                    }

                    break;
                case "attacker":
                case "pool":
                    if (p.Value.ValueKind == JsonValueKind.Null)
                    {
                        break;
                    }

                    if (p.Value.ValueKind != JsonValueKind.String || !Pubkey.TryParse(p.Value.GetString(), out Pubkey key))
                    {
                        errors[p.Name] = ["Must be a base58 public key."];
                    }
                    else if (p.Name == "attacker")
                    {
                        attacker = key;
                    }
                    else
                    {
                        pool = key;
                    }

                    break;
            }
        }

        if (eventType is null && !errors.ContainsKey("event_type"))
        {
            errors["event_type"] = ["Required."];
        }

        if (errors.Count > 0 || body.Length > DecisionRecord.MaxPayloadBytes)
        {
            return null;
        }

        return new DecisionDraft
        {
            EventType = eventType!,
            Slot = slot,
            Confidence = confidence,
            Transactions = transactions,
            Attacker = attacker,
            Pool = pool,
            Detector = "api",
            Payload = body,
        };
    }

    private static async Task<(DecisionRecord? Record, ProblemHttpResult? Problem)> FindAsync(IServiceProvider sp, AspNetCoreMetrics metrics, string endpoint, string id, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out Guid guid))
        {
            return (null, ApiProblems.BadRequest(metrics, endpoint, "The id must be a record id (UUID).", new Dictionary<string, string[]> { ["id"] = ["Not a UUID."] }));
        }

        IDnaStore? store = sp.GetService<IDnaStore>();
        DnaLedger? ledger = sp.GetService<DnaLedger>();
        if (store is null || ledger is null)
        {
            return (null, ApiProblems.LedgerUnavailable(metrics, endpoint, "No ledger is registered (call AddDnaLedger())."));
        }

        DecisionRecord? record;
        try
        {
            record = await store.GetByIdAsync(guid, cancellationToken).ConfigureAwait(false);
        }
        catch (FormatException)
        {
            return (null, ApiProblems.LedgerUnavailable(metrics, endpoint, $"The stored record {guid} is corrupt; run 'mevdefense dna verify'."));
        }

        return record is null ? (null, ApiProblems.NotFoundProblem(metrics, endpoint, $"No record with id {guid}.")) : (record, null);
    }
}
