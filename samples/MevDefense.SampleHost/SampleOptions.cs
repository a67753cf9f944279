using System.Globalization;

namespace MevDefense.SampleHost;

/// <summary>Command-line flags of the sample host.</summary>
internal sealed class SampleOptions
{
    public int Port { get; private set; } = 8000;

    public string DataDirectory { get; private set; } = Path.GetFullPath("data");

    public int Slots { get; private set; } = 64;

    public int Seed { get; private set; } = 42;

    public string? ReplayFile { get; private set; }

    public int? UdpPort { get; private set; }

    public Uri? ShredStream { get; private set; }

    public Uri? Rpc { get; private set; }

    public bool ExitAfterReplay { get; private set; }

    public bool Quiet { get; private set; }

    public bool WaitForStreamClient { get; private set; }

    public bool FollowRpc { get; private set; }

    public bool IsLive => UdpPort is not null || ShredStream is not null || (FollowRpc && Rpc is not null);

    public static SampleOptions Parse(string[] args)
    {
        var o = new SampleOptions();
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--port": o.Port = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--data": o.DataDirectory = Path.GetFullPath(Next()); break;
                case "--slots": o.Slots = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--seed": o.Seed = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--replay": o.ReplayFile = Path.GetFullPath(Next()); break;
                case "--udp": o.UdpPort = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--shredstream": o.ShredStream = new Uri(Next()); break;
                case "--rpc": o.Rpc = new Uri(Next()); break;
                case "--follow-rpc": o.FollowRpc = true; break;
                case "--exit-after-replay": o.ExitAfterReplay = true; break;
                case "--quiet": o.Quiet = true; break;
                case "--wait-for-stream-client": o.WaitForStreamClient = true; break;
                case "-h" or "--help":
                    Console.WriteLine("""
                        MevDefense sample host: replays generated slots as real shreds through ingest -> detection -> Decision DNA,
                        and serves the API (http://127.0.0.1:8000/defensive/..., /metrics, dashboard at /defensive/dashboard).

                          --port N              HTTP port on 127.0.0.1 (default 8000)
                          --data DIR            ledger (RocksDB) and replay files (default ./data)
                          --slots N --seed N    size and seed of the generated replay (default 64 slots, seed 42)
                          --replay FILE         replay a shred capture instead (pcap, ar, length-prefixed, json)
                          --udp PORT            live: receive shreds on UDP PORT (0.0.0.0) instead of replaying
                          --shredstream URL     live: Jito ShredStream proxy (gRPC SubscribeEntries) instead of replaying
                          --rpc URL             Solana JSON-RPC (ledger anchoring, health, backfill)
                          --follow-rpc          live: follow the --rpc node's confirmed blocks (getSlot + getBlock) instead of replaying
                          --exit-after-replay   stop once the replay is done (CI)
                          --quiet               no per-detection lines
                          --wait-for-stream-client  start the replay once a /defensive/stream client is connected (demos, e2e tests)
                        """);
                    Environment.Exit(0);
                    break;
                default:
                    if (!args[i].StartsWith("--", StringComparison.Ordinal) || args[i].Contains('=', StringComparison.Ordinal))
                    {
                        break; // leave ASP.NET Core's own switches (e.g. --urls=...) alone
                    }

                    throw new ArgumentException($"Unknown option {args[i]} (see --help).");
            }
        }

        if (o.Slots is < 1 or > 4096)
        {
            throw new ArgumentException("--slots must be in [1, 4096].");
        }

        return o;
    }
}
