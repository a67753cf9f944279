using System.Collections.Concurrent;
using System.Text.Json;

namespace MevDefense.Detection.Lookup;

/// <summary>An <see cref="IAddressLookupTableProvider"/> over tables supplied up front (for example <c>--alts ALTS.json</c>).</summary>
public sealed class StaticAddressLookupTableProvider : IAddressLookupTableProvider
{
    private readonly ConcurrentDictionary<Pubkey, Pubkey[]> _tables = new();

    /// <summary>Gets the number of known tables.</summary>
    public int Count => _tables.Count;

    /// <summary>Adds or replaces a table.</summary>
    /// <param name="table">The table account.</param>
    /// <param name="addresses">Its addresses in order; copied.</param>
    public void Add(Pubkey table, IEnumerable<Pubkey> addresses)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        _tables[table] = [.. addresses];
    }

    /// <summary>Parses a JSON object mapping table address (base58) to its address list: <c>{"&lt;table&gt;":["&lt;b58&gt;",...]}</c>.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>A provider with those tables.</returns>
    /// <exception cref="FormatException">The JSON is not such an object or holds an invalid address.</exception>
    public static StaticAddressLookupTableProvider FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var provider = new StaticAddressLookupTableProvider();
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("The lookup-table file must be a JSON object.");
            }

            foreach (var p in doc.RootElement.EnumerateObject())
            {
                if (!Pubkey.TryParse(p.Name, out var table) || p.Value.ValueKind != JsonValueKind.Array)
                {
                    throw new FormatException($"Bad lookup table entry '{p.Name}'.");
                }

                var list = new List<Pubkey>();
                foreach (var a in p.Value.EnumerateArray())
                {
                    if (a.ValueKind != JsonValueKind.String || !Pubkey.TryParse(a.GetString(), out var key))
                    {
                        throw new FormatException($"Bad address in lookup table '{p.Name}'.");
                    }

                    list.Add(key);
                }

                provider._tables[table] = [.. list];
            }
        }
        catch (JsonException ex)
        {
            throw new FormatException("The lookup-table file is not valid JSON.", ex);
        }

        return provider;
    }

    /// <inheritdoc/>
    public bool TryGetAddresses(in Pubkey table, out ReadOnlyMemory<Pubkey> addresses)
    {
        if (_tables.TryGetValue(table, out var a))
        {
            addresses = a;
            return true;
        }

        addresses = default;
        return false;
    }

    /// <inheritdoc/>
    public ValueTask<ReadOnlyMemory<Pubkey>?> GetAddressesAsync(Pubkey table, CancellationToken cancellationToken = default)
        => ValueTask.FromResult(TryGetAddresses(table, out var a) ? a : (ReadOnlyMemory<Pubkey>?)null);
}
