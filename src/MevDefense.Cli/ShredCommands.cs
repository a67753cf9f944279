using System.Text.Json;
using MevDefense.Ingest.Deshred;
using MevDefense.Ingest.Merkle;
using MevDefense.Ingest.Pipeline;
using MevDefense.Ingest.Replay;
using MevDefense.Ingest.Shreds;

namespace MevDefense.Cli;

internal static partial class Program
{
    static partial void RegisterShreds(IDictionary<string, CliCommand> commands)
    {
        commands["shreds decode"] = new CliCommand(
            "shreds decode FILE [--format pcap|ar|lenprefix|json] [--leader B58] [--no-verify]",
            "Decode a shred capture: verify Merkle proofs (and the leader signature with --leader), recover FEC sets, deshred entry batches; prints JSON lines.",
            ShredCommands.DecodeAsync);
    }
}

/// <summary><c>mevdefense shreds decode</c>.</summary>
internal static class ShredCommands
{
    private static readonly HashSet<string> Flags = ["--no-verify"];

    public static async Task<int> DecodeAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var cli = new CliArgs(args, Flags);
        if (cli.Positional.Count != 1)
        {
            throw new CliUsageException("expected exactly one FILE");
        }

        string path = cli.Positional[0];
        ShredFileFormat? format = cli.Get("--format") switch
        {
            null => null,
            "pcap" => ShredFileFormat.Pcap,
            "ar" => ShredFileFormat.Ar,
            "lenprefix" => ShredFileFormat.LengthPrefixed,
            "json" => ShredFileFormat.Json,
            var other => throw new CliUsageException($"unknown format '{other}'"),
        };

        Pubkey? leader = null;
        if (cli.Get("--leader") is { } b58)
        {
            if (!Pubkey.TryParse(b58, out var key))
            {
                throw new CliUsageException("--leader is not a base58 public key");
            }

            leader = key;
        }

        if (!File.Exists(path))
        {
            await stderr.WriteLineAsync($"mevdefense: file not found: {path}").ConfigureAwait(false);
            return 1;
        }

        var collector = new Collector();
        var options = new ShredPipelineOptions
        {
            VerifySignatures = leader is not null && !cli.Has("--no-verify"),
            VerifyMerkleProofs = !cli.Has("--no-verify"),
            RejectInvalidSignatures = false,
            LeaderSchedule = leader is { } l ? new StaticLeaderScheduleProvider(l) : null,
        };

        using var pipeline = new ShredPipeline(options, collector);
        try
        {
            using var reader = ShredReplayReader.Open(path, format);
            long ts = 0;
            while (reader.TryRead(out var record))
            {
                cancellationToken.ThrowIfCancellationRequested();
                pipeline.Process(record.Datagram.Span, record.TimestampMicroseconds >= 0 ? record.TimestampMicroseconds : ts++, 0);
            }
        }
        catch (FormatException ex)
        {
            await stderr.WriteLineAsync($"mevdefense: {path}: {ex.Message}").ConfigureAwait(false);
            return 1;
        }

        pipeline.Flush();
        using var output = new MemoryStream();
        foreach (var f in collector.FecSets.OrderBy(f => f.Slot).ThenBy(f => f.FecSetIndex))
        {
            WriteLine(output, w =>
            {
                w.WriteString("type", "fecset");
                w.WriteNumber("slot", f.Slot);
                w.WriteNumber("fecSetIndex", f.FecSetIndex);
                w.WriteString("merkleRoot", Convert.ToHexStringLower(f.MerkleRoot.AsSpan()));
                if (f.SignatureValid is { } v)
                {
                    w.WriteBoolean("signatureValid", v);
                }
                else
                {
                    w.WriteNull("signatureValid");
                }

                w.WriteNumber("dataShreds", f.DataShreds);
                w.WriteNumber("codeShreds", f.CodeShreds);
                w.WriteNumber("recovered", f.Recovered);
                w.WriteBoolean("complete", f.Complete);
            });
        }

        foreach (var b in collector.Batches.OrderBy(b => b.Slot).ThenBy(b => b.First))
        {
            WriteLine(output, w =>
            {
                w.WriteString("type", "batch");
                w.WriteNumber("slot", b.Slot);
                w.WriteNumber("firstShred", b.First);
                w.WriteNumber("lastShred", b.Last);
                w.WriteNumber("entries", b.Entries);
                w.WriteNumber("transactions", b.Transactions);
                w.WriteStartArray("signatures");
                foreach (var s in b.Signatures)
                {
                    w.WriteStringValue(s);
                }

                w.WriteEndArray();
            });
        }

        var stats = pipeline.Stats;
        WriteLine(output, w =>
        {
            w.WriteString("type", "summary");
            w.WriteNumber("shreds", stats.Datagrams);
            w.WriteNumber("duplicates", stats.Duplicates);
            w.WriteStartObject("rejected");
            foreach (var reason in Enum.GetValues<ShredRejectReason>())
            {
                if (reason != ShredRejectReason.None && stats.GetRejected(reason) is var n and > 0)
                {
                    w.WriteNumber(ShredRejectReasonNames.Get(reason), n);
                }
            }

            w.WriteEndObject();
            w.WriteNumber("fecSets", stats.FecSets);
            w.WriteNumber("recovered", stats.Recovered);
            w.WriteNumber("batches", stats.Batches);
            w.WriteNumber("entries", stats.Entries);
            w.WriteNumber("transactions", stats.Transactions);
        });

        await stdout.WriteAsync(System.Text.Encoding.UTF8.GetString(output.ToArray())).ConfigureAwait(false);
        await stdout.FlushAsync(cancellationToken).ConfigureAwait(false);
        return 0;
    }

    private static void WriteLine(MemoryStream output, Action<Utf8JsonWriter> body)
    {
        using (var w = new Utf8JsonWriter(output))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }

        output.WriteByte((byte)'\n');
    }

    private sealed record BatchLine(ulong Slot, uint First, uint Last, int Entries, int Transactions, List<string> Signatures);

    private sealed class Collector : IShredPipelineObserver
    {
        public List<FecSetResult> FecSets { get; } = [];

        public List<BatchLine> Batches { get; } = [];

        public void OnEntryBatch(in EntryBatch batch)
        {
            var signatures = new List<string>();
            var firstSignatures = new List<Signature>();
            if (batch.IsDecoded && EntryBatchScanner.TryScan(batch.Payload, out _, out _, firstSignatures))
            {
                signatures.AddRange(firstSignatures.Select(s => s.ToString()));
            }

            Batches.Add(new BatchLine(batch.Slot, batch.FirstShredIndex, batch.LastShredIndex, batch.EntryCount, batch.TransactionCount, signatures));
        }

        public void OnFecSet(in FecSetResult result) => FecSets.Add(result);

        public void OnEquivocation(in ShredEquivocation equivocation)
        {
        }
    }
}
