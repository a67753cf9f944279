using System.Text.Json;
using MevDefense.Dna;
using MevDefense.Dna.Checkpoints;
using Microsoft.Extensions.DependencyInjection;

namespace MevDefense.AspNetCore.Tests;

public sealed class DnaEndpointTests
{
    private const string Event = """{"event_type":"SandwichDetected","transaction_hash":"0xabc","block_number":123,"confidence_score":0.93,"note":"from a test"}""";

    [Fact]
    public async Task PostEvent_Valid_ReturnsSignedDurableRecord()
    {
        await using TestApp app = await TestApp.StartAsync();
        JsonElement r = await app.PostJsonAsync("/defensive/dna/event", Event, 201);
        Assert.Equal(0UL, r.GetProperty("sequence").GetUInt64());
        Assert.Equal("SandwichDetected", r.GetProperty("eventType").GetString());
        Assert.Equal(123UL, r.GetProperty("slot").GetUInt64());
        Assert.Equal(0.93, r.GetProperty("confidence").GetDouble());
        Assert.Equal(64, r.GetProperty("hash").GetString()!.Length);
        Assert.Equal(new string('0', 64), r.GetProperty("parent").GetString());
        Assert.Equal(128, r.GetProperty("signature").GetString()!.Length);
        Assert.Equal(app.Ledger.KeyId, r.GetProperty("keyId").GetString());
        Assert.Equal("from a test", r.GetProperty("payload").GetProperty("note").GetString());
        Assert.Equal(1UL, app.Ledger.Count);

        // the signature verifies over the chain hash with the ledger's key
        Guid id = Guid.Parse(r.GetProperty("id").GetString()!);
        DecisionRecord stored = (await app.Services.GetRequiredService<IDnaStore>().GetByIdAsync(id))!;
        Assert.True(DnaSigner.Verify(app.Ledger.PublicKey, stored.ChainHash.AsSpan(), stored.Signature.AsSpan()));
        Assert.Equal(Convert.ToHexStringLower(stored.ChainHash.AsSpan()), r.GetProperty("hash").GetString());

        JsonElement second = await app.PostJsonAsync("/defensive/dna/event", Event, 201);
        Assert.Equal(1UL, second.GetProperty("sequence").GetUInt64());
        Assert.Equal(r.GetProperty("hash").GetString(), second.GetProperty("parent").GetString());
    }

    [Fact]
    public async Task GetRecordProofCheckpoint_RoundTrip_ProofVerifiesAgainstSignedCheckpoint()
    {
        await using TestApp app = await TestApp.StartAsync();
        var ids = new List<string>();
        for (int i = 0; i < 5; i++)
        {
            ids.Add((await app.PostJsonAsync("/defensive/dna/event", Event, 201)).GetProperty("id").GetString()!);
        }

        var (status, record, _) = await app.GetAsync($"/defensive/dna/events/{ids[3]}");
        Assert.Equal(200, status);
        Assert.Equal(3UL, record.GetProperty("sequence").GetUInt64());

        var (ps, proof, _) = await app.GetAsync($"/defensive/dna/events/{ids[3]}/proof");
        Assert.Equal(200, ps);
        Assert.Equal(5UL, proof.GetProperty("treeSize").GetUInt64());
        Assert.Equal("sha256-rfc6962", proof.GetProperty("hashAlgorithm").GetString());
        TlogProof receipt = TlogProof.Parse(proof.GetProperty("tlogProof").GetString()!);
        DecisionRecord stored = (await app.Services.GetRequiredService<IDnaStore>().GetByIdAsync(Guid.Parse(ids[3])))!;
        Assert.Null(receipt.Verify(stored.ToCanonicalBytes(), [app.Ledger.CheckpointVerifier], app.Ledger.Origin));
        Assert.NotNull(receipt.Verify(stored.ToCanonicalBytes().Reverse().ToArray(), [app.Ledger.CheckpointVerifier], app.Ledger.Origin));

        var (cs, checkpoint, _) = await app.GetAsync("/defensive/dna/checkpoint");
        Assert.Equal(200, cs);
        Assert.Equal(5UL, checkpoint.GetProperty("size").GetUInt64());
        Assert.Equal(proof.GetProperty("rootHash").GetString(), checkpoint.GetProperty("rootHash").GetString());
        TlogCheckpoint opened = TlogCheckpoint.Open(checkpoint.GetProperty("signedNote").GetString()!, [app.Ledger.CheckpointVerifier]);
        Assert.Equal(5UL, opened.Size);
    }

    [Theory]
    [InlineData("/defensive/dna/events/0197a0e4-0000-7000-8000-000000000000", 404, "not_found")]
    [InlineData("/defensive/dna/events/0197a0e4-0000-7000-8000-000000000000/proof", 404, "not_found")]
    [InlineData("/defensive/dna/events/not-a-uuid", 400, "invalid")]
    [InlineData("/defensive/dna/events/not-a-uuid/proof", 400, "invalid")]
    public async Task GetRecord_UnknownOrBadId_ProblemDetails(string path, int status, string reason)
    {
        await using TestApp app = await TestApp.StartAsync();
        var (s, body, contentType) = await app.GetAsync(path);
        Assert.Equal(status, s);
        Assert.Equal("application/problem+json", contentType);
        Assert.Equal(status, body.GetProperty("status").GetInt32());
        Assert.Equal(reason, body.GetProperty("reason").GetString());
        Assert.StartsWith("https://www.rfc-editor.org/", body.GetProperty("type").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"event_type\":\"X\",", 400, "malformed_json")]
    [InlineData("not json at all", 400, "malformed_json")]
    [InlineData("", 400, "malformed_json")]
    [InlineData("[1,2,3]", 400, "invalid")]
    [InlineData("{}", 400, "invalid")]
    [InlineData("{\"event_type\":42}", 400, "invalid")]
    [InlineData("{\"event_type\":\"\"}", 400, "invalid")]
    [InlineData("{\"event_type\":\"X\",\"block_number\":-1}", 400, "invalid")]
    [InlineData("{\"event_type\":\"X\",\"block_number\":\"12\"}", 400, "invalid")]
    [InlineData("{\"event_type\":\"X\",\"confidence_score\":1.5}", 400, "invalid")]
    [InlineData("{\"event_type\":\"X\",\"confidence_score\":\"high\"}", 400, "invalid")]
    [InlineData("{\"event_type\":\"X\",\"attacker\":\"not base58 !!\"}", 400, "invalid")]
    [InlineData("{\"event_type\":\"X\",\"transaction_hash\":7}", 400, "invalid")]
    public async Task PostEvent_BadInput_ProblemAndNothingWritten(string body, int status, string reason)
    {
        await using TestApp app = await TestApp.StartAsync();
        JsonElement problem = await app.PostJsonAsync("/defensive/dna/event", body, status);
        Assert.Equal(reason, problem.GetProperty("reason").GetString());
        Assert.Equal(0UL, app.Ledger.Count);
        string scrape = await app.ScrapeAsync();
        PrometheusText.AssertRejected(scrape, "dna_event", reason);
    }

    [Fact]
    public async Task PostEvent_WrongContentType_415()
    {
        await using TestApp app = await TestApp.StartAsync();
        using var content = new StringContent(Event, System.Text.Encoding.UTF8, "text/plain");
        using HttpResponseMessage r = await app.Client.PostAsync("/defensive/dna/event", content);
        Assert.Equal(415, (int)r.StatusCode);
        Assert.Equal(0UL, app.Ledger.Count);
    }

    [Fact]
    public async Task PostEvent_BodyOverConfiguredLimit_413AndNothingWritten()
    {
        await using TestApp app = await TestApp.StartAsync(o => o.MaxRequestBodyBytes = 2048);
        string big = "{\"event_type\":\"X\",\"pad\":\"" + new string('a', 4000) + "\"}";
        JsonElement problem = await app.PostJsonAsync("/defensive/dna/event", big, 413);
        Assert.Equal("too_large", problem.GetProperty("reason").GetString());
        Assert.Equal(0UL, app.Ledger.Count);
        await app.PostJsonAsync("/defensive/dna/event", Event, 201); // still serving
    }

    [Fact]
    public async Task PostEvent_PayloadOverRecordLimit_413()
    {
        await using TestApp app = await TestApp.StartAsync();
        string big = "{\"event_type\":\"X\",\"pad\":\"" + new string('a', DecisionRecord.MaxPayloadBytes) + "\"}";
        await app.PostJsonAsync("/defensive/dna/event", big, 413);
        Assert.Equal(0UL, app.Ledger.Count);
    }

    [Fact]
    public async Task DnaEndpoints_WithoutLedger_503()
    {
        await using TestApp app = await TestApp.StartAsync(ledger: false);
        JsonElement problem = await app.PostJsonAsync("/defensive/dna/event", Event, 503);
        Assert.Equal("unavailable", problem.GetProperty("reason").GetString());
        Assert.Equal(503, (await app.GetAsync("/defensive/dna/checkpoint")).Status);
    }

    [Fact]
    public void ParseEvent_KeepsBodyAsPayload_IndexesSolanaSignature()
    {
        string sig = new Signature(Enumerable.Range(1, 64).Select(i => (byte)i).ToArray()).ToString();
        byte[] body = System.Text.Encoding.UTF8.GetBytes($"{{\"event_type\":\"T\",\"transaction_hash\":\"{sig}\",\"block_number\":5}}");
        using var doc = JsonDocument.Parse(body);
        var errors = new Dictionary<string, string[]>();
        DecisionDraft draft = Internal.DnaEndpoints.ParseEvent(doc.RootElement, body, errors)!;
        Assert.Empty(errors);
        Assert.Equal(sig, Assert.Single(draft.Transactions).ToString());
        Assert.Equal(5UL, draft.Slot);
        Assert.True(draft.Payload.Span.SequenceEqual(body));
    }
}
