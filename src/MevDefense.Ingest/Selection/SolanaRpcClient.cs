using System.Buffers;
using System.Net.Http.Headers;
using System.Text.Json;
using MevDefense.Ingest.Selection.Internal;

namespace MevDefense.Ingest.Selection;

/// <summary>
/// A small Solana JSON-RPC client for ingest: <c>getBlock</c> (base64 transactions, for backfill) and <c>getLeaderSchedule</c>
/// (with <c>getEpochSchedule</c>, mapped to absolute slots).
/// </summary>
public sealed class SolanaRpcClient
{
    /// <summary>JSON-RPC error codes meaning "no block for this slot" (skipped, missing, not available yet).</summary>
    private static readonly int[] NoBlockCodes = [-32004, -32007, -32009];
    private static readonly MediaTypeHeaderValue JsonContentType = new("application/json");

    private readonly HttpClient _http;
    private long _id;

    /// <summary>Creates a client.</summary>
    /// <param name="httpClient">The HTTP client (its lifetime is the caller's).</param>
    /// <param name="endpoint">The JSON-RPC endpoint.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public SolanaRpcClient(HttpClient httpClient, Uri endpoint)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(endpoint);
        _http = httpClient;
        Endpoint = endpoint;
    }

    /// <summary>Gets the endpoint.</summary>
    public Uri Endpoint { get; }

    /// <summary>Fetches a confirmed block with its transactions as wire bytes.</summary>
    /// <param name="slot">The slot.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The block, or <see langword="null"/> when the slot was skipped or its block is not available.</returns>
    /// <exception cref="SolanaRpcException">The node returned another error or a malformed response.</exception>
    /// <exception cref="HttpRequestException">The request failed.</exception>
    public async Task<RpcBlock?> GetBlockAsync(ulong slot, CancellationToken cancellationToken = default)
    {
        using var doc = await CallAsync("getBlock", w =>
        {
            w.WriteNumberValue(slot);
            w.WriteStartObject();
            w.WriteString("encoding", "base64");
            w.WriteNumber("maxSupportedTransactionVersion", 0);
            w.WriteString("transactionDetails", "full");
            w.WriteBoolean("rewards", false);
            w.WriteString("commitment", "confirmed");
            w.WriteEndObject();
        }, allowNoBlock: true, cancellationToken).ConfigureAwait(false);
        if (doc is null)
        {
            return null;
        }

        var result = doc.RootElement.GetProperty("result");
        if (result.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        try
        {
            var txs = new List<RpcBlockTransaction>();
            if (result.TryGetProperty("transactions", out var array))
            {
                foreach (var t in array.EnumerateArray())
                {
                    var encoded = t.GetProperty("transaction");
                    if (encoded.ValueKind != JsonValueKind.Array || encoded.GetArrayLength() < 1 || encoded[0].ValueKind != JsonValueKind.String)
                    {
                        throw new SolanaRpcException("getBlock: a transaction is not base64 encoded.");
                    }

                    var wire = encoded[0].GetBytesFromBase64();
                    bool failed = false;
                    ulong? fee = null;
                    if (t.TryGetProperty("meta", out var meta) && meta.ValueKind == JsonValueKind.Object)
                    {
                        failed = meta.TryGetProperty("err", out var err) && err.ValueKind != JsonValueKind.Null;
                        fee = meta.TryGetProperty("fee", out var f) && f.TryGetUInt64(out var fv) ? fv : null;
                    }

                    string? version = t.TryGetProperty("version", out var ver)
                        ? ver.ValueKind == JsonValueKind.String ? ver.GetString() : ver.GetRawText()
                        : null;
                    txs.Add(new RpcBlockTransaction(wire, failed, fee, version));
                }
            }

            return new RpcBlock(
                slot,
                result.GetProperty("parentSlot").GetUInt64(),
                result.GetProperty("blockhash").GetString() ?? string.Empty,
                result.GetProperty("previousBlockhash").GetString() ?? string.Empty,
                result.TryGetProperty("blockTime", out var bt) && bt.ValueKind == JsonValueKind.Number ? bt.GetInt64() : null,
                result.TryGetProperty("blockHeight", out var bh) && bh.ValueKind == JsonValueKind.Number ? bh.GetUInt64() : null,
                txs);
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new SolanaRpcException("getBlock: malformed result.", e);
        }
    }

    /// <summary>Calls <c>getSlot</c> at <c>confirmed</c> commitment.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The latest confirmed slot.</returns>
    /// <exception cref="SolanaRpcException">The node answered with an error or a malformed result.</exception>
    public async Task<ulong> GetSlotAsync(CancellationToken cancellationToken = default)
    {
        using var doc = await CallAsync("getSlot", static w =>
        {
            w.WriteStartObject();
            w.WriteString("commitment", "confirmed");
            w.WriteEndObject();
        }, allowNoBlock: false, cancellationToken).ConfigureAwait(false);
        var result = doc!.RootElement.GetProperty("result");
        return result.ValueKind == JsonValueKind.Number && result.TryGetUInt64(out var slot)
            ? slot
            : throw new SolanaRpcException("getSlot: malformed result.");
    }

    /// <summary>Fetches the leader schedule of the epoch containing <paramref name="slot"/>, as absolute slot → leader.</summary>
    /// <param name="slot">A slot of the epoch.</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    /// <returns>The leader of every slot of the epoch (empty when the node has no schedule for it).</returns>
    /// <exception cref="SolanaRpcException">The node returned an error or a malformed response.</exception>
    /// <exception cref="HttpRequestException">A request failed.</exception>
    public async Task<IReadOnlyDictionary<ulong, Pubkey>> GetLeaderScheduleAsync(ulong slot, CancellationToken cancellationToken = default)
    {
        ulong slotsPerEpoch, firstNormalEpoch, firstNormalSlot;
        using (var schedule = await CallAsync("getEpochSchedule", null, allowNoBlock: false, cancellationToken).ConfigureAwait(false))
        {
            try
            {
                var r = schedule!.RootElement.GetProperty("result");
                slotsPerEpoch = r.GetProperty("slotsPerEpoch").GetUInt64();
                firstNormalEpoch = r.GetProperty("firstNormalEpoch").GetUInt64();
                firstNormalSlot = r.GetProperty("firstNormalSlot").GetUInt64();
            }
            catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException)
            {
                throw new SolanaRpcException("getEpochSchedule: malformed result.", e);
            }
        }

        var epochStart = EpochFirstSlot(slot, slotsPerEpoch, firstNormalEpoch, firstNormalSlot);
        using var doc = await CallAsync("getLeaderSchedule", w => w.WriteNumberValue(slot), allowNoBlock: false, cancellationToken).ConfigureAwait(false);
        var result = doc!.RootElement.GetProperty("result");
        var map = new Dictionary<ulong, Pubkey>();
        if (result.ValueKind == JsonValueKind.Null)
        {
            return map;
        }

        try
        {
            foreach (var leader in result.EnumerateObject())
            {
                var key = Pubkey.Parse(leader.Name);
                foreach (var index in leader.Value.EnumerateArray())
                {
                    map[epochStart + index.GetUInt64()] = key;
                }
            }
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            throw new SolanaRpcException("getLeaderSchedule: malformed result.", e);
        }

        return map;
    }

    /// <summary>Calls <c>getEpochSchedule</c>.</summary>
    /// <exception cref="SolanaRpcException">The node answered with an error or a malformed result.</exception>
    internal async Task<EpochSchedule> GetEpochScheduleAsync(CancellationToken cancellationToken)
    {
        using var doc = await CallAsync("getEpochSchedule", null, allowNoBlock: false, cancellationToken).ConfigureAwait(false);
        try
        {
            var r = doc!.RootElement.GetProperty("result");
            var schedule = new EpochSchedule(
                r.GetProperty("slotsPerEpoch").GetUInt64(),
                r.GetProperty("firstNormalEpoch").GetUInt64(),
                r.GetProperty("firstNormalSlot").GetUInt64());
            return schedule.IsValid ? schedule : throw new SolanaRpcException("getEpochSchedule: inconsistent epoch schedule.");
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new SolanaRpcException("getEpochSchedule: malformed result.", e);
        }
    }

    /// <summary>Calls <c>getEpochInfo</c> at <c>confirmed</c> commitment.</summary>
    /// <exception cref="SolanaRpcException">The node answered with an error or a malformed result.</exception>
    internal async Task<EpochInfo> GetEpochInfoAsync(CancellationToken cancellationToken)
    {
        using var doc = await CallAsync("getEpochInfo", static w =>
        {
            w.WriteStartObject();
            w.WriteString("commitment", "confirmed");
            w.WriteEndObject();
        }, allowNoBlock: false, cancellationToken).ConfigureAwait(false);
        try
        {
            var r = doc!.RootElement.GetProperty("result");
            var info = new EpochInfo(
                r.GetProperty("epoch").GetUInt64(),
                r.GetProperty("slotIndex").GetUInt64(),
                r.GetProperty("slotsInEpoch").GetUInt64(),
                r.GetProperty("absoluteSlot").GetUInt64());
            return info.SlotsInEpoch > 0 && info.SlotIndex < info.SlotsInEpoch && info.SlotIndex <= info.AbsoluteSlot
                ? info
                : throw new SolanaRpcException("getEpochInfo: inconsistent epoch info.");
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new SolanaRpcException("getEpochInfo: malformed result.", e);
        }
    }

    /// <summary>
    /// Calls <c>getLeaderSchedule</c> for the epoch starting at <paramref name="firstSlot"/> with <paramref name="slotCount"/> slots,
    /// as a compact table (distinct leaders + leader index per slot).
    /// </summary>
    /// <returns>The schedule, or <see langword="null"/> when the node has none for that epoch yet.</returns>
    /// <exception cref="SolanaRpcException">The node answered with an error, a malformed result, or a slot index outside the epoch.</exception>
    internal async Task<EpochLeaders?> GetEpochLeadersAsync(ulong epoch, ulong firstSlot, ulong slotCount, CancellationToken cancellationToken)
    {
        if (slotCount is 0 or > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(slotCount));
        }

        using var doc = await CallAsync("getLeaderSchedule", w =>
        {
            w.WriteNumberValue(firstSlot);
            w.WriteStartObject();
            w.WriteString("commitment", "confirmed");
            w.WriteEndObject();
        }, allowNoBlock: false, cancellationToken).ConfigureAwait(false);
        var result = doc!.RootElement.GetProperty("result");
        if (result.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        try
        {
            var slotLeader = new int[slotCount];
            Array.Fill(slotLeader, -1);
            var leaders = new List<Pubkey>();
            foreach (var entry in result.EnumerateObject())
            {
                int index = leaders.Count;
                leaders.Add(Pubkey.Parse(entry.Name));
                foreach (var slot in entry.Value.EnumerateArray())
                {
                    ulong offset = slot.GetUInt64();
                    if (offset >= slotCount)
                    {
                        throw new SolanaRpcException($"getLeaderSchedule: slot index {offset} outside the {slotCount}-slot epoch {epoch}.");
                    }

                    slotLeader[offset] = index;
                }
            }

            return new EpochLeaders(epoch, firstSlot, [.. leaders], slotLeader);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            throw new SolanaRpcException("getLeaderSchedule: malformed result.", e);
        }
    }

    /// <summary>The first slot of the epoch containing <paramref name="slot"/>, with warm-up epochs (32 × 2^epoch slots) before <paramref name="firstNormalSlot"/>.</summary>
    internal static ulong EpochFirstSlot(ulong slot, ulong slotsPerEpoch, ulong firstNormalEpoch, ulong firstNormalSlot)
    {
        if (slot >= firstNormalSlot)
        {
            return firstNormalSlot + ((slot - firstNormalSlot) / slotsPerEpoch * slotsPerEpoch);
        }

        // Warm-up: epoch e spans [32 (2^e - 1), 32 (2^(e+1) - 1)).
        ulong start = 0, length = 32;
        for (ulong e = 0; e < firstNormalEpoch && start + length <= slot; e++)
        {
            start += length;
            length *= 2;
        }

        return start;
    }

    private async Task<JsonDocument?> CallAsync(string method, Action<Utf8JsonWriter>? writeParams, bool allowNoBlock, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("jsonrpc", "2.0");
            w.WriteNumber("id", Interlocked.Increment(ref _id));
            w.WriteString("method", method);
            if (writeParams is not null)
            {
                w.WriteStartArray("params");
                writeParams(w);
                w.WriteEndArray();
            }

            w.WriteEndObject();
        }

        using var content = new ReadOnlyMemoryContent(buffer.WrittenMemory);
        content.Headers.ContentType = JsonContentType;
        using var response = await _http.PostAsync(Endpoint, content, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            JsonDocument doc;
            try
            {
                doc = await JsonDocument.ParseAsync(stream, default, cancellationToken).ConfigureAwait(false);
            }
            catch (JsonException e)
            {
                throw new SolanaRpcException($"{method}: the response is not JSON.", e);
            }

            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
            {
                var code = error.TryGetProperty("code", out var c) && c.TryGetInt32(out var ci) ? ci : 0;
                var message = error.TryGetProperty("message", out var m) ? m.GetString() ?? string.Empty : string.Empty;
                doc.Dispose();
                if (allowNoBlock && Array.IndexOf(NoBlockCodes, code) >= 0)
                {
                    return null;
                }

                throw new SolanaRpcException(code, message);
            }

            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("result", out _))
            {
                doc.Dispose();
                throw new SolanaRpcException($"{method}: the response has neither result nor error.");
            }

            return doc;
        }
    }
}
