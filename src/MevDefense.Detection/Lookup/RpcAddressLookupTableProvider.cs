using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;

namespace MevDefense.Detection.Lookup;

/// <summary>
/// An <see cref="IAddressLookupTableProvider"/> that fetches tables with JSON-RPC <c>getAccountInfo</c> (base64) and
/// keeps them in a bounded in-memory cache. Tables only grow (addresses are appended, never changed), so a cached table
/// is refreshed only when a transaction refers to an index beyond it: call <see cref="Invalidate"/> and fetch again.
/// </summary>
public sealed class RpcAddressLookupTableProvider : IAddressLookupTableProvider
{
    private readonly HttpClient _http;
    private readonly Uri _endpoint;
    private readonly int _capacity;
    private readonly ConcurrentDictionary<Pubkey, Pubkey[]> _cache = new();
    private readonly ConcurrentQueue<Pubkey> _order = new();
    private long _requestId;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="httpClient">The HTTP client (owned by the caller).</param>
    /// <param name="endpoint">The JSON-RPC endpoint.</param>
    /// <param name="capacity">The maximum number of cached tables.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is less than 1.</exception>
    public RpcAddressLookupTableProvider(HttpClient httpClient, Uri endpoint, int capacity = 4096)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _http = httpClient;
        _endpoint = endpoint;
        _capacity = capacity;
    }

    /// <summary>Gets the number of cached tables.</summary>
    public int Count => _cache.Count;

    /// <inheritdoc/>
    public bool TryGetAddresses(in Pubkey table, out ReadOnlyMemory<Pubkey> addresses)
    {
        if (_cache.TryGetValue(table, out var a))
        {
            addresses = a;
            return true;
        }

        addresses = default;
        return false;
    }

    /// <summary>Drops a cached table so the next <see cref="GetAddressesAsync"/> fetches it again.</summary>
    /// <param name="table">The table.</param>
    public void Invalidate(Pubkey table) => _cache.TryRemove(table, out _);

    /// <inheritdoc/>
    public async ValueTask<ReadOnlyMemory<Pubkey>?> GetAddressesAsync(Pubkey table, CancellationToken cancellationToken = default)
    {
        if (_cache.TryGetValue(table, out var cached))
        {
            return cached;
        }

        var request = new
        {
            jsonrpc = "2.0",
            id = Interlocked.Increment(ref _requestId),
            method = "getAccountInfo",
            @params = new object[] { table.ToString(), new { encoding = "base64", commitment = "confirmed" } },
        };
        using var response = await _http.PostAsJsonAsync(_endpoint, request, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var doc = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!doc.RootElement.TryGetProperty("result", out var result)
            || !result.TryGetProperty("value", out var value) || value.ValueKind != JsonValueKind.Object
            || !value.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array || data.GetArrayLength() < 1)
        {
            return null;
        }

        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(data[0].GetString() ?? string.Empty);
        }
        catch (FormatException)
        {
            return null;
        }

        if (!AddressLookupTableAccount.TryParse(bytes, out var addresses, out _))
        {
            return null;
        }

        _cache[table] = addresses;
        _order.Enqueue(table);
        while (_cache.Count > _capacity && _order.TryDequeue(out var old))
        {
            if (old != table)
            {
                _cache.TryRemove(old, out _);
            }
        }

        return addresses;
    }
}
