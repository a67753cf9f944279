using System.Net.Http.Headers;
using System.Text.Json;
using MevDefense.Dna.Anchoring;

namespace MevDefense.Dna.Internal;

/// <summary>The latest blockhash and the last block height at which transactions using it are accepted.</summary>
internal readonly record struct SolanaBlockhash(Hash Blockhash, ulong LastValidBlockHeight);

/// <summary>A signature status (<c>getSignatureStatuses</c>).</summary>
internal sealed record SolanaSignatureStatus(ulong Slot, string? ConfirmationStatus, string? Error);

/// <summary>One compiled instruction of a fetched transaction.</summary>
internal sealed record SolanaInstructionInfo(int ProgramIdIndex, int[] Accounts, byte[] Data);

/// <summary>A fetched transaction (<c>getTransaction</c>, json encoding).</summary>
internal sealed record SolanaTransactionInfo(
    ulong Slot, DateTimeOffset? BlockTime, string? Error, int NumRequiredSignatures, IReadOnlyList<Pubkey> AccountKeys, IReadOnlyList<SolanaInstructionInfo> Instructions);

/// <summary>
/// A minimal Solana JSON-RPC client (HttpClient + System.Text.Json, no reflection serialization): exactly the methods the ledger
/// anchoring needs. It never sends anything but the transactions it is given.
/// </summary>
internal sealed class SolanaRpcClient(HttpClient http, Uri endpoint)
{
    private long _id;

    public Uri Endpoint => endpoint;

    public async Task<SolanaBlockhash> GetLatestBlockhashAsync(string commitment, CancellationToken cancellationToken)
    {
        using JsonDocument doc = await CallAsync("getLatestBlockhash", w =>
        {
            w.WriteStartObject();
            w.WriteString("commitment", commitment);
            w.WriteEndObject();
        }, cancellationToken).ConfigureAwait(false);
        return Shape("getLatestBlockhash", () =>
        {
            JsonElement value = Result(doc).GetProperty("value");
            return new SolanaBlockhash(Hash.Parse(value.GetProperty("blockhash").GetString()), value.GetProperty("lastValidBlockHeight").GetUInt64());
        });
    }

    public async Task<ulong> GetBlockHeightAsync(string commitment, CancellationToken cancellationToken)
    {
        using JsonDocument doc = await CallAsync("getBlockHeight", w =>
        {
            w.WriteStartObject();
            w.WriteString("commitment", commitment);
            w.WriteEndObject();
        }, cancellationToken).ConfigureAwait(false);
        return Shape("getBlockHeight", () => Result(doc).GetUInt64());
    }

    public async Task<Signature> SendTransactionAsync(ReadOnlyMemory<byte> wire, string preflightCommitment, CancellationToken cancellationToken)
    {
        string base64 = Convert.ToBase64String(wire.Span);
        using JsonDocument doc = await CallAsync("sendTransaction", w =>
        {
            w.WriteStringValue(base64);
            w.WriteStartObject();
            w.WriteString("encoding", "base64");
            w.WriteBoolean("skipPreflight", false);
            w.WriteString("preflightCommitment", preflightCommitment);
            w.WriteNumber("maxRetries", 0); // we re-broadcast ourselves until the blockhash expires
            w.WriteEndObject();
        }, cancellationToken).ConfigureAwait(false);
        return Shape("sendTransaction", () => Signature.Parse(Result(doc).GetString()));
    }

    public async Task<SolanaSignatureStatus?> GetSignatureStatusAsync(Signature signature, CancellationToken cancellationToken)
    {
        string sig = signature.ToString();
        using JsonDocument doc = await CallAsync("getSignatureStatuses", w =>
        {
            w.WriteStartArray();
            w.WriteStringValue(sig);
            w.WriteEndArray();
            w.WriteStartObject();
            w.WriteBoolean("searchTransactionHistory", true);
            w.WriteEndObject();
        }, cancellationToken).ConfigureAwait(false);
        return Shape<SolanaSignatureStatus?>("getSignatureStatuses", () =>
        {
            JsonElement values = Result(doc).GetProperty("value");
            if (values.GetArrayLength() != 1)
            {
                throw new FormatException("getSignatureStatuses returned a value array of the wrong length.");
            }

            JsonElement s = values[0];
            if (s.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            string? status = s.TryGetProperty("confirmationStatus", out JsonElement cs) && cs.ValueKind == JsonValueKind.String ? cs.GetString() : null;
            return new SolanaSignatureStatus(s.GetProperty("slot").GetUInt64(), status, ErrorText(s, "err"));
        });
    }

    public async Task<SolanaTransactionInfo?> GetTransactionAsync(Signature signature, string commitment, CancellationToken cancellationToken)
    {
        string sig = signature.ToString();
        using JsonDocument doc = await CallAsync("getTransaction", w =>
        {
            w.WriteStringValue(sig);
            w.WriteStartObject();
            w.WriteString("encoding", "json");
            w.WriteString("commitment", commitment);
            w.WriteNumber("maxSupportedTransactionVersion", 0);
            w.WriteEndObject();
        }, cancellationToken).ConfigureAwait(false);
        return Shape("getTransaction", () =>
        {
            JsonElement r = Result(doc);
            if (r.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            JsonElement message = r.GetProperty("transaction").GetProperty("message");
            var keys = new List<Pubkey>();
            foreach (JsonElement k in message.GetProperty("accountKeys").EnumerateArray())
            {
                keys.Add(Pubkey.Parse(k.GetString()));
            }

            var instructions = new List<SolanaInstructionInfo>();
            foreach (JsonElement ix in message.GetProperty("instructions").EnumerateArray())
            {
                int[] accounts = [.. ix.GetProperty("accounts").EnumerateArray().Select(a => a.GetInt32())];
                instructions.Add(new SolanaInstructionInfo(ix.GetProperty("programIdIndex").GetInt32(), accounts, Base58.Decode(ix.GetProperty("data").GetString())));
            }

            DateTimeOffset? blockTime = r.TryGetProperty("blockTime", out JsonElement bt) && bt.ValueKind == JsonValueKind.Number
                ? DateTimeOffset.FromUnixTimeSeconds(bt.GetInt64())
                : null;
            string? error = r.TryGetProperty("meta", out JsonElement meta) && meta.ValueKind == JsonValueKind.Object ? ErrorText(meta, "err") : "missing meta";
            int required = message.GetProperty("header").GetProperty("numRequiredSignatures").GetInt32();
            return new SolanaTransactionInfo(r.GetProperty("slot").GetUInt64(), blockTime, error, required, keys, instructions);
        });
    }

    /// <summary>Maps a malformed answer (missing property, wrong JSON type, bad base58) to <see cref="FormatException"/>.</summary>
    private static T Shape<T>(string method, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or ArgumentException)
        {
            throw new FormatException($"{method}: unexpected RPC answer shape: {ex.Message}", ex);
        }
    }

    private static string? ErrorText(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out JsonElement e) && e.ValueKind != JsonValueKind.Null ? e.GetRawText() : null;

    private static JsonElement Result(JsonDocument doc) => doc.RootElement.GetProperty("result");

    private async Task<JsonDocument> CallAsync(string method, Action<Utf8JsonWriter> writeParams, CancellationToken cancellationToken)
    {
        using var body = new MemoryStream();
        using (var w = new Utf8JsonWriter(body))
        {
            w.WriteStartObject();
            w.WriteString("jsonrpc", "2.0");
            w.WriteNumber("id", Interlocked.Increment(ref _id));
            w.WriteString("method", method);
            w.WritePropertyName("params");
            w.WriteStartArray();
            writeParams(w);
            w.WriteEndArray();
            w.WriteEndObject();
        }

        using var content = new ByteArrayContent(body.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using HttpResponseMessage response = await http.PostAsync(endpoint, content, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        await using Stream stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        JsonDocument doc;
        try
        {
            doc = await JsonDocument.ParseAsync(stream, default, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"{method}: the RPC node answered with invalid JSON.", ex);
        }

        if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("error", out JsonElement error) && error.ValueKind == JsonValueKind.Object)
        {
            int code = error.TryGetProperty("code", out JsonElement c) && c.TryGetInt32(out int ci) ? ci : 0;
            string msg = error.TryGetProperty("message", out JsonElement m) ? m.GetString() ?? string.Empty : string.Empty;
            string? txError = error.TryGetProperty("data", out JsonElement data) && data.ValueKind == JsonValueKind.Object && data.TryGetProperty("err", out JsonElement err) && err.ValueKind != JsonValueKind.Null
                ? (err.ValueKind == JsonValueKind.String ? err.GetString() : err.GetRawText())
                : null;
            doc.Dispose();
            throw new SolanaRpcException(method, code, msg, txError);
        }

        if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("result", out _))
        {
            doc.Dispose();
            throw new FormatException($"{method}: the RPC answer has neither result nor error.");
        }

        return doc;
    }
}
