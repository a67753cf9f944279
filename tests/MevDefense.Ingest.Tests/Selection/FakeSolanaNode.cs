using System.Text;
using System.Text.Json.Nodes;
using MevDefense.Ingest.Tests.Transport;

namespace MevDefense.Ingest.Tests.Selection;

/// <summary>
/// A JSON-RPC node on 127.0.0.1 answering getEpochSchedule / getEpochInfo / getLeaderSchedule for a cluster without warm-up
/// (epoch e = slots [e·SlotsPerEpoch, (e+1)·SlotsPerEpoch)), leader of slot s = Leaders[s / 4 % 3]. Faults can be queued.
/// </summary>
internal sealed class FakeSolanaNode : IAsyncDisposable
{
    public const ulong SlotsPerEpoch = 64;

    private readonly Queue<Fault> _faults = new();
    private readonly List<(string Method, JsonNode? Params)> _requests = [];
    private RpcServer _server = null!;

    private FakeSolanaNode()
    {
    }

    public enum Fault
    {
        Http500,
        RpcError,
        NotJson,
        BadScheduleIndex,
        BadScheduleKey,
    }

    public static Pubkey[] Leaders { get; } = [Key(1), Key(2), Key(3)];

    public Uri Address => _server.Address;

    /// <summary>Gets or sets the node's current (confirmed) slot.</summary>
    public ulong Slot { get; set; }

    /// <summary>Gets or sets how many epochs past the current one the node has a schedule for.</summary>
    public ulong EpochsAhead { get; set; } = 1;

    /// <summary>Gets or sets a leader that replaces the rotation for every slot (e.g. a fixture's signer).</summary>
    public Pubkey? SingleLeader { get; set; }

    public static Pubkey ExpectedLeader(ulong slot) => Leaders[(int)(slot / 4 % 3)];

    public static async Task<FakeSolanaNode> StartAsync()
    {
        var node = new FakeSolanaNode();
        node._server = await RpcServer.StartAsync(body => node.Answer((string)body["method"]!, body["params"], (long)body["id"]!));
        return node;
    }

    public void Enqueue(params Fault[] faults)
    {
        lock (_faults)
        {
            foreach (var f in faults)
            {
                _faults.Enqueue(f);
            }
        }
    }

    public List<(string Method, JsonNode? Params)> Requests(string method)
    {
        lock (_requests)
        {
            return _requests.Where(r => r.Method == method).ToList();
        }
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private static Pubkey Key(byte b)
    {
        var bytes = new byte[32];
        bytes.AsSpan().Fill(b);
        return new Pubkey(bytes);
    }

    private static string Error(long id, int code, string message)
        => "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"error\":{\"code\":" + code + ",\"message\":\"" + message + "\"}}";

    private (int Status, string Body) Answer(string method, JsonNode? parameters, long id)
    {
        lock (_requests)
        {
            _requests.Add((method, parameters?.DeepClone()));
        }

        Fault? fault = null;
        lock (_faults)
        {
            if (_faults.Count > 0 && (_faults.Peek() is Fault.Http500 or Fault.RpcError or Fault.NotJson || method == "getLeaderSchedule"))
            {
                fault = _faults.Dequeue();
            }
        }

        switch (fault)
        {
            case Fault.Http500:
                return (500, "oops");
            case Fault.RpcError:
                return (200, Error(id, -32005, "Node is behind"));
            case Fault.NotJson:
                return (200, "{\"jsonrpc\":\"2.0\",\"result\":{");
        }

        string result;
        ulong slot = Slot;
        ulong epoch = slot / SlotsPerEpoch;
        switch (method)
        {
            case "getEpochSchedule":
                result = $$"""{"firstNormalEpoch":0,"firstNormalSlot":0,"leaderScheduleSlotOffset":{{SlotsPerEpoch}},"slotsPerEpoch":{{SlotsPerEpoch}},"warmup":false}""";
                break;
            case "getEpochInfo":
                result = $$"""{"absoluteSlot":{{slot}},"blockHeight":{{slot}},"epoch":{{epoch}},"slotIndex":{{slot % SlotsPerEpoch}},"slotsInEpoch":{{SlotsPerEpoch}},"transactionCount":1}""";
                break;
            case "getLeaderSchedule":
                ulong asked = parameters is JsonArray { Count: > 0 } p && p[0] is JsonValue v ? (ulong)v : slot;
                ulong askedEpoch = asked / SlotsPerEpoch;
                if (askedEpoch > epoch + EpochsAhead)
                {
                    result = "null";
                    break;
                }

                if (SingleLeader is { } single)
                {
                    result = "{\"" + single + "\":[" + string.Join(',', Enumerable.Range(0, (int)SlotsPerEpoch)) + "]}";
                    break;
                }

                var sb = new StringBuilder("{");
                for (int l = 0; l < Leaders.Length; l++)
                {
                    string key = fault == Fault.BadScheduleKey && l == 1 ? "not-base58-0OIl" : Leaders[l].ToString();
                    var slots = Enumerable.Range(0, (int)SlotsPerEpoch).Where(i => (int)((askedEpoch * SlotsPerEpoch + (ulong)i) / 4 % 3) == l).ToList();
                    if (fault == Fault.BadScheduleIndex && l == 0)
                    {
                        slots.Add((int)SlotsPerEpoch); // outside the epoch
                    }

                    sb.Append(l == 0 ? string.Empty : ",").Append('"').Append(key).Append("\":[").Append(string.Join(',', slots)).Append(']');
                }

                result = sb.Append('}').ToString();
                break;
            default:
                return (200, Error(id, -32601, "Method not found"));
        }

        return (200, $$"""{"jsonrpc":"2.0","id":{{id}},"result":{{result}}}""");
    }
}
