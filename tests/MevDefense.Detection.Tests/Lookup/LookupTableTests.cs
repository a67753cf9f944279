using System.Net;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using MevDefense.Detection.Decoding;
using MevDefense.Detection.Lookup;
using MevDefense.Detection.Scenarios;
using MevDefense.Detection.Tests.Rules;

namespace MevDefense.Detection.Tests.Lookup;

public sealed class LookupTableTests
{
    [FsCheck.Xunit.Property(MaxTest = 100)]
    public bool AccountData_RoundTrips(byte count, bool withAuthority)
    {
        var keys = Enumerable.Range(0, count % 40).Select(i => WindowBuilder.Key(i + 1)).ToArray();
        var data = AddressLookupTableAccount.Serialize(keys, withAuthority ? WindowBuilder.Key(999) : null);
        return AddressLookupTableAccount.TryParse(data, out var parsed, out var deactivation) && parsed.SequenceEqual(keys) && deactivation == ulong.MaxValue;
    }

    [FsCheck.Xunit.Property(MaxTest = 200)]
    public bool AccountData_ArbitraryBytes_NeverThrow(byte[] data)
    {
        AddressLookupTableAccount.TryParse(data ?? [], out _, out _);
        return true;
    }

    [Fact]
    public void AccountData_WrongTypeOrTruncated_Rejected()
    {
        var data = AddressLookupTableAccount.Serialize([WindowBuilder.Key(1), WindowBuilder.Key(2)]);
        Assert.False(AddressLookupTableAccount.TryParse(data.AsSpan(0, data.Length - 1), out _, out _));
        data[0] = 2;
        Assert.False(AddressLookupTableAccount.TryParse(data, out _, out _));
    }

    [Fact]
    public void StaticProvider_FromJson_ParsesAndRejectsBadInput()
    {
        var t = WindowBuilder.Key(7);
        var p = StaticAddressLookupTableProvider.FromJson($"{{\"{t}\":[\"{WindowBuilder.Key(8)}\",\"{WindowBuilder.Key(9)}\"]}}");
        Assert.True(p.TryGetAddresses(t, out var a));
        Assert.Equal([WindowBuilder.Key(8), WindowBuilder.Key(9)], a.ToArray());
        Assert.Throws<FormatException>(() => StaticAddressLookupTableProvider.FromJson("[1,2]"));
        Assert.Throws<FormatException>(() => StaticAddressLookupTableProvider.FromJson("{\"x\":[]}"));
        Assert.Throws<FormatException>(() => StaticAddressLookupTableProvider.FromJson("{"));
    }

    [Fact]
    public async Task RpcProvider_FetchesParsesAndCaches()
    {
        var table = WindowBuilder.Key(40);
        var keys = new[] { WindowBuilder.Key(41), WindowBuilder.Key(42) };
        var handler = new FakeRpc(Convert.ToBase64String(AddressLookupTableAccount.Serialize(keys)));
        using var http = new HttpClient(handler);
        var provider = new RpcAddressLookupTableProvider(http, new Uri("http://127.0.0.1:8899"), capacity: 1);
        Assert.False(provider.TryGetAddresses(table, out _));
        var got = await provider.GetAddressesAsync(table);
        Assert.Equal(keys, got!.Value.ToArray());
        Assert.True(provider.TryGetAddresses(table, out _));
        await provider.GetAddressesAsync(table);
        Assert.Equal(1, handler.Calls);
        Assert.Contains("getAccountInfo", handler.LastBody, StringComparison.Ordinal);
        Assert.Contains(table.ToString(), handler.LastBody, StringComparison.Ordinal);
        await provider.GetAddressesAsync(WindowBuilder.Key(43));
        Assert.Equal(1, provider.Count);
    }

    [Fact]
    public async Task RpcProvider_MissingAccount_ReturnsNull()
    {
        using var http = new HttpClient(new FakeRpc(null));
        var provider = new RpcAddressLookupTableProvider(http, new Uri("http://127.0.0.1:8899"));
        Assert.Null(await provider.GetAddressesAsync(WindowBuilder.Key(44)));
    }

    [FsCheck.Xunit.Property(MaxTest = 300)]
    public bool WireReader_ArbitraryBytes_NeverThrow(byte[] data)
    {
        var decoded = new DecodedTransaction();
        new TransactionDecoder().TryDecode(data ?? [], 1, 0, decoded);
        return true;
    }

    [Fact]
    public void Decoder_CorruptedGeneratedTransactions_AreRejectedOrStillWellFormed()
    {
        var dataset = ScenarioGenerator.Generate(new ScenarioOptions { Seed = 3, Slots = 2 });
        var decoder = new TransactionDecoder(Detection.Dex.SwapDecoderRegistry.CreateDefault(), dataset.LookupTables);
        var d = new DecodedTransaction();
        var rng = new Random(5);
        foreach (var t in dataset.Slots.SelectMany(s => s.Transactions))
        {
            var wire = (byte[])t.Wire.Clone();
            Assert.False(decoder.TryDecode(wire.AsSpan(0, wire.Length - 1), 1, 0, d), "truncation is detected");
            wire[rng.Next(wire.Length)] ^= (byte)(1 + rng.Next(255));
            decoder.TryDecode(wire, 1, 0, d); // must not throw
            Assert.True(MevDefense.Wire.TransactionReader.TryReadExact(t.Wire, out var layout, out _) && layout.Length == t.Wire.Length);
        }
    }

    [Fact]
    public void GetBlockReader_Base64AndLoadedAddresses_Read()
    {
        var dataset = ScenarioGenerator.Generate(new ScenarioOptions { Seed = 4, Slots = 1 });
        var slot = dataset.Slots[0];
        var json = $"{{\"jsonrpc\":\"2.0\",\"result\":{{\"parentSlot\":{slot.Slot - 1},\"transactions\":[" +
            string.Join(",", slot.Transactions.Select(t => $"{{\"transaction\":[\"{Convert.ToBase64String(t.Wire)}\",\"base64\"],\"meta\":{{\"loadedAddresses\":{{\"writable\":[],\"readonly\":[]}}}}}}")) + "]},\"id\":1}";
        using var doc = System.Text.Json.JsonDocument.Parse(json);
        var txs = GetBlockReader.Read(doc.RootElement, out var s);
        Assert.Equal(slot.Slot, s);
        Assert.Equal(slot.Transactions.Select(t => t.Wire), txs.Select(t => t.Wire));
        using var bad = System.Text.Json.JsonDocument.Parse("{\"result\":{}}");
        Assert.Throws<FormatException>(() => GetBlockReader.Read(bad.RootElement, out _));
    }

    private sealed class FakeRpc(string? base64) : HttpMessageHandler
    {
        public int Calls { get; private set; }

        public string LastBody { get; private set; } = string.Empty;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Calls++;
            LastBody = await request.Content!.ReadAsStringAsync(cancellationToken);
            var value = base64 is null ? "null" : $"{{\"data\":[\"{base64}\",\"base64\"],\"owner\":\"AddressLookupTab1e1111111111111111111111111\"}}";
            return new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StringContent($"{{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{{\"context\":{{\"slot\":1}},\"value\":{value}}}}}", Encoding.UTF8, "application/json"),
            };
        }
    }
}
