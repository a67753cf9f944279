using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using MevDefense.Wire;

namespace MevDefense.Cli;

internal static partial class Program
{
    static partial void RegisterTx(IDictionary<string, CliCommand> commands)
    {
        commands["tx decode"] = new CliCommand(
            "tx decode [--base64 B64 | --file F]",
            "Decode legacy/v0/v1 wire transactions (base64; --file: one per line, '-' or no option: stdin) into one JSON object per line; exit 0 only if all decoded.",
            TxCommands.DecodeAsync);
    }
}

/// <summary><c>mevdefense tx decode</c>: the black-box transaction decoder.</summary>
internal static class TxCommands
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static async Task<int> DecodeAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var cli = new CliArgs(args, new HashSet<string>());
        if (cli.Positional.Count > 0)
        {
            throw new CliUsageException($"unexpected argument '{cli.Positional[0]}'");
        }

        string? b64 = cli.Get("--base64");
        string? file = cli.Get("--file");
        if (b64 is not null && file is not null)
        {
            throw new CliUsageException("use either --base64 or --file");
        }

        if (b64 is not null)
        {
            string line = DecodeLine(b64, out bool ok);
            await stdout.WriteLineAsync(line.AsMemory(), cancellationToken).ConfigureAwait(false);
            return ok ? 0 : 1;
        }

        TextReader reader;
        if (file is null or "-")
        {
            reader = Console.In;
        }
        else
        {
            if (!File.Exists(file))
            {
                await stderr.WriteLineAsync($"mevdefense: file not found: {file}").ConfigureAwait(false);
                return 1;
            }

            reader = new StreamReader(file);
        }

        bool allOk = true;
        try
        {
            while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
            {
                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }

                string output = DecodeLine(line, out bool ok);
                allOk &= ok;
                await stdout.WriteLineAsync(output.AsMemory(), cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            if (file is not null and not "-")
            {
                reader.Dispose();
            }
        }

        return allOk ? 0 : 1;
    }

    /// <summary>Decodes one base64 transaction into the documented JSON line, or <c>{"error":"..."}</c>.</summary>
    public static string DecodeLine(string base64, out bool ok)
    {
        ok = false;
        byte[] wire;
        try
        {
            wire = Convert.FromBase64String(base64.Trim());
        }
        catch (FormatException)
        {
            return Error("invalid base64");
        }

        if (!TransactionReader.TryReadExact(wire, out var layout, out string? error))
        {
            return Error("invalid transaction: " + error);
        }

        ok = true;
        return Format(new TransactionView(wire, layout));
    }

    /// <summary>Formats a transaction exactly as issue 2 specifies (key order included).</summary>
    public static string Format(TransactionView v)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("version", v.Version switch { TransactionVersion.V0 => "v0", TransactionVersion.V1 => "v1", _ => "legacy" });
            w.WriteStartArray("signatures");
            for (int i = 0; i < v.SignatureCount; i++)
            {
                w.WriteStringValue(Base58.Encode(v.GetSignature(i)));
            }

            w.WriteEndArray();
            w.WriteStartObject("header");
            w.WriteNumber("numRequiredSignatures", v.Header.NumRequiredSignatures);
            w.WriteNumber("numReadonlySigned", v.Header.NumReadonlySigned);
            w.WriteNumber("numReadonlyUnsigned", v.Header.NumReadonlyUnsigned);
            w.WriteEndObject();
            w.WriteStartArray("staticKeys");
            for (int i = 0; i < v.StaticKeyCount; i++)
            {
                w.WriteStringValue(Base58.Encode(v.GetStaticKey(i)));
            }

            w.WriteEndArray();
            w.WriteString("recentBlockhash", Base58.Encode(v.RecentBlockhash));
            w.WriteStartArray("instructions");
            foreach (var ix in v.Instructions)
            {
                w.WriteStartObject();
                w.WriteNumber("programIdIndex", ix.ProgramIdIndex);
                WriteIndexes(w, "accounts", ix.Accounts);
                w.WriteString("data", Convert.ToBase64String(ix.Data));
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("lookups");
            foreach (var l in v.Lookups)
            {
                w.WriteStartObject();
                w.WriteString("table", Base58.Encode(l.TableKey));
                WriteIndexes(w, "writable", l.WritableIndexes);
                WriteIndexes(w, "readonly", l.ReadonlyIndexes);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteBoolean("signaturesValid", v.VerifySignatures());
            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteIndexes(Utf8JsonWriter w, string name, ReadOnlySpan<byte> indexes)
    {
        w.WriteStartArray(name);
        foreach (byte b in indexes)
        {
            w.WriteNumberValue(b);
        }

        w.WriteEndArray();
    }

    private static string Error(string reason)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("error", reason);
            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
