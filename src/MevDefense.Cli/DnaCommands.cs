using System.Globalization;
using System.Text;
using System.Text.Json;
using MevDefense.Dna;
using MevDefense.Dna.Checkpoints;
using MevDefense.Dna.Merkle;

namespace MevDefense.Cli;

/// <summary><c>mevdefense dna ...</c>: append, verify, prove and checkpoint a Decision DNA ledger.</summary>
internal static partial class Program
{
    private static readonly HashSet<string> DnaFlags = new(StringComparer.Ordinal);
    private static readonly JsonWriterOptions JsonOutput = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    static partial void RegisterDna(IDictionary<string, CliCommand> commands)
    {
        commands["dna append"] = new CliCommand(
            "dna append --store PATH --type T --json '{...}' [--key FILE] [--origin O]",
            "Sign and durably append one record; prints it as one JSON line (id, sequence, hash, parent, signature, keyId).",
            DnaAppendAsync);
        commands["dna verify"] = new CliCommand(
            "dna verify --store PATH [--key FILE] [--origin O] [--rpc URL]",
            "Recompute every record hash, parent link, signature, checkpoint root and anchor (on chain with --rpc or SOLANA_RPC); exit 0 only when all verify.",
            DnaVerifyAsync);
        commands["dna proof"] = new CliCommand(
            "dna proof --store PATH --id ID [--key FILE] [--origin O]",
            "Print the inclusion proof (and C2SP tlog-proof receipt) of a record as JSON.",
            DnaProofAsync);
        commands["dna checkpoint"] = new CliCommand(
            "dna checkpoint --store PATH [--key FILE] [--origin O]",
            "Sign a C2SP checkpoint for the current tree, store it, and print the signed note.",
            DnaCheckpointAsync);
    }

    private static async Task<int> DnaAppendAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        var a = new CliArgs(args, DnaFlags);
        string type = a.Require("--type");
        string json = a.Require("--json");
        DecisionDraft draft;
        try
        {
            draft = DraftFromJson(type, json);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or OverflowException)
        {
            throw new CliUsageException("--json: " + ex.Message);
        }

        await using var session = await DnaCliSession.OpenAsync(a, createKey: true, ct).ConfigureAwait(false);
        DecisionRecord r;
        try
        {
            r = await session.Ledger.AppendAsync(draft, ct).ConfigureAwait(false);
        }
        catch (ArgumentException ex)
        {
            throw new CliUsageException(ex.Message);
        }

        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, JsonOutput))
        {
            w.WriteStartObject();
            w.WriteString("id", r.Id.ToString());
            w.WriteNumber("sequence", r.Sequence);
            w.WriteString("type", r.EventType);
            w.WriteNumber("slot", r.Slot);
            w.WriteString("timestamp", r.Timestamp.ToString("O", CultureInfo.InvariantCulture));
            w.WriteString("hash", Convert.ToHexStringLower(r.ChainHash.AsSpan()));
            w.WriteString("parent", Convert.ToHexStringLower(r.ParentHash.AsSpan()));
            w.WriteString("signature", Convert.ToHexStringLower(r.Signature.AsSpan()));
            w.WriteString("keyId", r.KeyId);
            w.WriteString("leafHash", LeafHashHex(r));
            w.WriteEndObject();
        }

        await stdout.WriteLineAsync(Encoding.UTF8.GetString(buffer.ToArray())).ConfigureAwait(false);
        return 0;
    }

    private static async Task<int> DnaVerifyAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        var a = new CliArgs(args, DnaFlags);
        await using var session = await DnaCliSession.OpenAsync(a, createKey: false, ct, openLedger: false).ConfigureAwait(false);
        string? rpc = a.Get("--rpc") ?? Environment.GetEnvironmentVariable(MevDefense.Dna.Anchoring.SolanaAnchorOptions.RpcEnvironmentVariable);
        Uri? endpoint = null;
        if (!string.IsNullOrEmpty(rpc) && !Uri.TryCreate(rpc, UriKind.Absolute, out endpoint))
        {
            throw new CliUsageException("--rpc must be an absolute URL.");
        }

        using var anchors = endpoint is null ? null : new MevDefense.Dna.Anchoring.SolanaAnchorVerifier(new MevDefense.Dna.Anchoring.SolanaAnchorOptions { RpcEndpoint = endpoint });
        DnaVerificationResult result = await new DnaVerifier([session.Signer.PublicKey], session.Origin, anchors).VerifyAsync(session.Store, ct).ConfigureAwait(false);
        if (result.IsValid)
        {
            string onChain = anchors is null ? " (anchors matched to checkpoints only; pass --rpc or set SOLANA_RPC to check them on chain)" : " (anchors checked on chain)";
            await stdout.WriteLineAsync($"ok: {result.RecordCount} records, {result.CheckpointsVerified} checkpoints, {result.AnchorsVerified} anchors verified{(result.AnchorsVerified > 0 ? onChain : string.Empty)}").ConfigureAwait(false);
            return 0;
        }

        string where = result.FirstBadSequence is { } s ? $"sequence {s}" : "ledger";
        await stdout.WriteLineAsync($"FAIL at {where}: {result.Failure}").ConfigureAwait(false);
        return 1;
    }

    private static async Task<int> DnaProofAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        var a = new CliArgs(args, DnaFlags);
        if (!Guid.TryParse(a.Require("--id"), out Guid id))
        {
            throw new CliUsageException("--id must be a record id (UUID).");
        }

        await using var session = await DnaCliSession.OpenAsync(a, createKey: false, ct).ConfigureAwait(false);
        DecisionRecord? record = await session.Store.GetByIdAsync(id, ct).ConfigureAwait(false);
        if (record is null)
        {
            await stderr.WriteLineAsync($"mevdefense: no record with id {id}.").ConfigureAwait(false);
            return 1;
        }

        TlogProof receipt = await session.Ledger.GetReceiptAsync(record.Sequence, ct).ConfigureAwait(false);
        TlogCheckpoint checkpoint = TlogCheckpoint.Open(receipt.SignedCheckpoint, [session.Ledger.CheckpointVerifier]);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, JsonOutput))
        {
            w.WriteStartObject();
            w.WriteString("id", record.Id.ToString());
            w.WriteNumber("sequence", record.Sequence);
            w.WriteNumber("treeSize", checkpoint.Size);
            w.WriteString("leafHash", LeafHashHex(record));
            w.WriteString("rootHash", Convert.ToHexStringLower(checkpoint.RootHash.Span));
            w.WriteString("hashAlgorithm", "sha256-rfc6962");
            w.WriteStartArray("proof");
            foreach (ReadOnlyMemory<byte> h in receipt.Proof)
            {
                w.WriteStringValue(Convert.ToHexStringLower(h.Span));
            }

            w.WriteEndArray();
            w.WriteString("checkpoint", receipt.SignedCheckpoint);
            w.WriteString("vkey", session.Ledger.CheckpointVerifier.ToString());
            w.WriteString("tlogProof", receipt.ToString());
            w.WriteEndObject();
        }

        await stdout.WriteLineAsync(Encoding.UTF8.GetString(buffer.ToArray())).ConfigureAwait(false);
        return 0;
    }

    private static async Task<int> DnaCheckpointAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        var a = new CliArgs(args, DnaFlags);
        await using var session = await DnaCliSession.OpenAsync(a, createKey: false, ct).ConfigureAwait(false);
        DnaCheckpoint checkpoint = await session.Ledger.CheckpointAsync(ct).ConfigureAwait(false);
        await stdout.WriteAsync(checkpoint.SignedNote).ConfigureAwait(false);
        await stderr.WriteLineAsync("vkey: " + session.Ledger.CheckpointVerifier).ConfigureAwait(false);
        return 0;
    }

    private static string LeafHashHex(DecisionRecord record)
    {
        Span<byte> leaf = stackalloc byte[32];
        Rfc6962Hasher.Sha256.HashLeaf(record.ToCanonicalBytes(), leaf);
        return Convert.ToHexStringLower(leaf);
    }

    /// <summary>Maps the <c>--json</c> object to a draft. Known fields: slot, transactions, attacker, victims, pool, amounts
    /// (object of name to number or numeric string), confidence, detector, modelVersion, inputFingerprint (hex); the exact JSON
    /// text is also kept as the record payload.</summary>
    private static DecisionDraft DraftFromJson(string type, string json)
    {
        using JsonDocument doc = JsonDocument.Parse(json);
        JsonElement root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("expected a JSON object");
        }

        static Pubkey? Key(JsonElement o, string name) => o.TryGetProperty(name, out JsonElement e) && e.ValueKind == JsonValueKind.String ? Pubkey.Parse(e.GetString()) : null;

        var amounts = new List<DecisionAmount>();
        if (root.TryGetProperty("amounts", out JsonElement am) && am.ValueKind == JsonValueKind.Object)
        {
            foreach (JsonProperty p in am.EnumerateObject())
            {
                decimal value = p.Value.ValueKind == JsonValueKind.String
                    ? decimal.Parse(p.Value.GetString()!, NumberStyles.Number, CultureInfo.InvariantCulture)
                    : p.Value.GetDecimal();
                amounts.Add(new DecisionAmount(p.Name, value));
            }
        }

        return new DecisionDraft
        {
            EventType = type,
            Slot = root.TryGetProperty("slot", out JsonElement slot) ? slot.GetUInt64() : 0,
            Transactions = root.TryGetProperty("transactions", out JsonElement txs) ? [.. txs.EnumerateArray().Select(t => Signature.Parse(t.GetString()))] : [],
            Attacker = Key(root, "attacker"),
            Victims = root.TryGetProperty("victims", out JsonElement v) ? [.. v.EnumerateArray().Select(t => Pubkey.Parse(t.GetString()))] : [],
            Pool = Key(root, "pool"),
            Amounts = amounts,
            Confidence = root.TryGetProperty("confidence", out JsonElement c) ? c.GetDouble() : 0,
            Detector = root.TryGetProperty("detector", out JsonElement d) ? d.GetString() ?? string.Empty : "cli",
            ModelVersion = root.TryGetProperty("modelVersion", out JsonElement mv) ? mv.GetString() : null,
            InputFingerprint = root.TryGetProperty("inputFingerprint", out JsonElement fp) ? Convert.FromHexString(fp.GetString() ?? string.Empty) : default,
            Payload = Encoding.UTF8.GetBytes(json),
        };
    }
}

/// <summary>A store, signer and ledger opened for one CLI command.</summary>
internal sealed class DnaCliSession : IAsyncDisposable
{
    private DnaCliSession(IDnaStore store, DnaSigner signer, DnaLedger ledger, string origin)
    {
        Store = store;
        Signer = signer;
        Ledger = ledger;
        Origin = origin;
    }

    public IDnaStore Store { get; }

    public DnaSigner Signer { get; }

    public DnaLedger Ledger { get; }

    public string Origin { get; }

    /// <summary>Opens the store at <c>--store PATH</c> (see <see cref="OpenStoreAsync"/>) and the key (<c>--key</c>, default PATH/signing.key).</summary>
    public static async Task<DnaCliSession> OpenAsync(CliArgs a, bool createKey, CancellationToken ct, bool openLedger = true)
    {
        string path = a.Require("--store");
        string keyFile = a.Get("--key") ?? Path.Combine(path, DnaLedgerDefaults.KeyFileName);
        string origin = a.Get("--origin") ?? DnaLedgerDefaults.Origin;
        if (!createKey && !File.Exists(keyFile))
        {
            throw new CliUsageException($"key file {keyFile} does not exist (append creates it; or pass --key FILE).");
        }

        Directory.CreateDirectory(path);
        DnaSigner signer;
        try
        {
            signer = DnaSigner.LoadOrCreate(keyFile);
        }
        catch (FormatException ex)
        {
            throw new CliUsageException($"key file {keyFile}: {ex.Message}");
        }

        IDnaStore store = await OpenStoreAsync(path, ct).ConfigureAwait(false);
        DnaLedger ledger;
        try
        {
            ledger = new DnaLedger(store, signer, new DnaLedgerOptions { StorePath = path, Origin = origin, CheckpointEveryRecords = 0 });
        }
        catch (ArgumentException ex)
        {
            await store.DisposeAsync().ConfigureAwait(false);
            signer.Dispose();
            throw new CliUsageException("--origin: " + ex.Message);
        }

        var session = new DnaCliSession(store, signer, ledger, origin);
        if (openLedger)
        {
            try
            {
                await ledger.OpenAsync(ct).ConfigureAwait(false);
            }
            catch
            {
                await session.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }

        return session;
    }

    /// <summary>The store factory behind <c>--store PATH</c>: the embedded RocksDB store in PATH/rocksdb.</summary>
    public static async Task<IDnaStore> OpenStoreAsync(string path, CancellationToken ct)
    {
        try
        {
            return await MevDefense.Dna.Stores.RocksDbDnaStore.OpenAsync(Path.Combine(path, DnaLedgerDefaults.RocksDbDirectoryName), ct).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            throw new CliUsageException(ex.Message);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Ledger.DisposeAsync().ConfigureAwait(false);
        await Store.DisposeAsync().ConfigureAwait(false);
        Signer.Dispose();
    }
}
