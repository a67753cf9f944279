using System.Text.Json;
using MevDefense.AspNetCore.Internal;
using MevDefense.Detection;
using MevDefense.Detection.Model;
using MevDefense.Dna;
using Microsoft.Extensions.DependencyInjection;

namespace MevDefense.AspNetCore.Tests;

public sealed class DetectEndpointTests
{
    [Fact]
    public async Task Detect_SolanaSlotWithSandwich_ScoresEveryTransactionAndRecordsEachDetection()
    {
        var (json, slot) = ScenarioData.SolanaSlotWithSandwich();
        await using TestApp app = await TestApp.StartAsync();
        JsonElement r = await app.PostJsonAsync("/defensive/detect", json, 200);
        Assert.Equal("solana", r.GetProperty("shape").GetString());
        JsonElement txs = r.GetProperty("transactions");
        Assert.Equal(slot.Transactions.Count, txs.GetArrayLength());
        for (int i = 0; i < slot.Transactions.Count; i++)
        {
            Assert.Equal(slot.Transactions[i].Signature.ToString(), txs[i].GetProperty("id").GetString());
            JsonElement s = txs[i].GetProperty("scores");
            double sum = s.GetProperty("none").GetDouble() + s.GetProperty("front").GetDouble() + s.GetProperty("victim").GetDouble()
                + s.GetProperty("back").GetDouble() + s.GetProperty("arbitrage").GetDouble();
            Assert.InRange(sum, 0.99, 1.01);
        }

        JsonElement detections = r.GetProperty("detections");
        Assert.True(detections.GetArrayLength() > 0, "the labelled sandwich was not detected");
        string front = slot.Transactions.First(t => t.Role == Detection.Scenarios.ScenarioRole.Front).Signature.ToString();
        Assert.Contains(detections.EnumerateArray(), d => d.GetProperty("kind").GetString() == "sandwich" && d.GetProperty("front").GetString() == front);
        Assert.Equal((ulong)detections.GetArrayLength(), app.Ledger.Count);
        foreach (JsonElement d in detections.EnumerateArray())
        {
            string id = d.GetProperty("recordId").GetString()!;
            var (status, record, _) = await app.GetAsync($"/defensive/dna/events/{id}");
            Assert.Equal(200, status);
            Assert.Equal(d.GetProperty("sequence").GetUInt64(), record.GetProperty("sequence").GetUInt64());
            Assert.Equal(d.GetProperty("front").GetString(), record.GetProperty("transactions")[0].GetString());
            Assert.Equal(64, record.GetProperty("inputFingerprint").GetString()!.Length);
        }

        string scrape = await app.ScrapeAsync();
        Assert.True(PrometheusText.Sum(scrape, "defensive_detections_total") >= detections.GetArrayLength());
        Assert.True(PrometheusText.HasSample(scrape, "defensive_detection_latency_seconds_bucket", "le=\"+Inf\""));
        Assert.True(PrometheusText.Sum(scrape, "defensive_dna_operations_total", "operation=\"append\"", "outcome=\"ok\"") >= detections.GetArrayLength());
        Assert.Equal(slot.Transactions.Count, PrometheusText.Sum(scrape, "defensive_api_transactions_scored_total", "shape=\"solana\""));
    }

    [Fact]
    public async Task Detect_FeatureShape_ScoresEqualTheModelAndDetectionsAreRecorded()
    {
        var (_, slot) = ScenarioData.SolanaSlotWithSandwich();
        string json = ScenarioData.FeatureJson(slot);
        await using TestApp app = await TestApp.StartAsync();
        JsonElement r = await app.PostJsonAsync("/defensive/detect", json, 200);
        Assert.Equal("features", r.GetProperty("shape").GetString());
        int n = Math.Min(slot.Transactions.Count, 64);
        JsonElement scored = r.GetProperty("transactions");
        Assert.Equal(n, scored.GetArrayLength());

        // The API scores exactly what the library's OnnxDetector gives for the same feature rows.
        using JsonDocument request = JsonDocument.Parse(json);
        float[] features = [.. request.RootElement.EnumerateArray().SelectMany(t => t.GetProperty("features").EnumerateArray().Select(f => f.GetSingle()))];
        float[] expected = new float[n * 5];
        using (var model = new OnnxDetector())
        {
            model.Score(features, n, expected);
        }

        string[] roles = ["none", "front", "victim", "back", "arbitrage"];
        for (int i = 0; i < n; i++)
        {
            for (int k = 0; k < 5; k++)
            {
                Assert.Equal(expected[(i * 5) + k], scored[i].GetProperty("scores").GetProperty(roles[k]).GetSingle(), 5);
            }
        }

        JsonElement detections = r.GetProperty("detections");
        Assert.Equal((ulong)detections.GetArrayLength(), app.Ledger.Count);
        foreach (JsonElement d in detections.EnumerateArray())
        {
            var (status, record, _) = await app.GetAsync($"/defensive/dna/events/{d.GetProperty("recordId").GetString()}");
            Assert.Equal(200, status);
            Assert.Equal("POST /defensive/detect", record.GetProperty("payload").GetProperty("source").GetString());
        }
    }

    [Fact]
    public void AssembleFeatureDetections_ModelRoles_SandwichPerPoolAndArbitrage()
    {
        // tx: 0 front(pool A), 1 victim(A), 2 victim(B: other pool), 3 back(A), 4 arbitrage, 5 front(B) without back
        DetectEndpoint.FeatureTransaction[] txs =
        [
            new("f", 10, "att", "A"), new("v", 10, "u1", "A"), new("o", 10, "u2", "B"), new("b", 11, "att", "A"), new("x", 11, "arb", "C"), new("g", 11, "att", "B"),
        ];
        float[] p =
        [
            0.05f, 0.9f, 0.02f, 0.02f, 0.01f,
            0.1f, 0.0f, 0.85f, 0.05f, 0.0f,
            0.1f, 0.0f, 0.85f, 0.05f, 0.0f,
            0.05f, 0.02f, 0.03f, 0.9f, 0.0f,
            0.1f, 0.0f, 0.0f, 0.0f, 0.9f,
            0.1f, 0.9f, 0.0f, 0.0f, 0.0f,
        ];
        var found = DetectEndpoint.AssembleFeatureDetections(txs, p, new DetectionOptions(), "onnx", "v1");
        Assert.Equal(2, found.Count);
        Dtos.DetectionResult sandwich = found[0].Result;
        Assert.Equal("sandwich", sandwich.Kind);
        Assert.Equal(("f", "b"), (sandwich.Front, sandwich.Back));
        Assert.Equal(["v"], sandwich.Victims);
        Assert.Equal(11UL, sandwich.Slot);
        Assert.Equal("att", sandwich.Attacker);
        Assert.Equal("A", sandwich.Pool);
        Assert.Equal(Math.Round(0.9 * Math.Cbrt(0.9f * 0.9f * 0.85f), 4), sandwich.Confidence);
        Assert.Equal(DecisionEventTypes.SandwichDetected, found[0].Draft.EventType);
        Assert.Equal("arbitrage", found[1].Result.Kind);
        Assert.Equal("x", found[1].Result.Front);
        Assert.Equal(DecisionEventTypes.ArbitrageDetected, found[1].Draft.EventType);

        // below the thresholds nothing is reported
        float[] low = [.. p.Select(v => v * 0.5f)];
        Assert.Empty(DetectEndpoint.AssembleFeatureDetections(txs, low, new DetectionOptions(), "onnx", "v1"));
    }

    [Fact]
    public async Task Detect_ZeroFeatures_ReturnsScoresWithoutDetections()
    {
        await using TestApp app = await TestApp.StartAsync();
        JsonElement r = await app.PostJsonAsync("/defensive/detect", ScenarioData.ZeroFeatures(3), 200);
        Assert.Equal(3, r.GetProperty("transactions").GetArrayLength());
        Assert.Equal("0x0002", r.GetProperty("transactions")[2].GetProperty("id").GetString());
    }

    public static TheoryData<string, string, string> BadBodies() => new()
    {
        { "[{\"hash\":\"0x1\",", "malformed_json", "$" },
        { "{\"slot\":1,\"transactions\":[\"AAAA\"]", "malformed_json", "$" },
        { "42", "invalid", "$" },
        { "[]", "invalid", "$" },
        { ScenarioData.ZeroFeatures(1, 127), "invalid", "[0].features" },
        { ScenarioData.ZeroFeatures(1, 129), "invalid", "[0].features" },
        { "[{\"hash\":5,\"block_number\":1,\"features\":[]}]", "invalid", "[0].hash" },
        { "[{\"hash\":\"h\",\"block_number\":\"1\",\"features\":[]}]", "invalid", "[0].block_number" },
        { "[{\"hash\":\"h\",\"block_number\":1}]", "invalid", "[0].features" },
        { "[{\"hash\":\"h\",\"block_number\":1,\"features\":\"x\"}]", "invalid", "[0].features" },
        { "[{\"hash\":\"h\",\"block_number\":1,\"value\":\"12x\",\"features\":[]}]", "invalid", "[0].value" },
        { "[{\"hash\":\"h\",\"block_number\":1,\"gas_price\":-3,\"features\":[]}]", "invalid", "[0].gas_price" },
        { "[{\"hash\":\"h\",\"block_number\":1,\"from\":7,\"features\":[]}]", "invalid", "[0].from" },
        { "[1]", "invalid", "[0]" },
        { "{\"transactions\":[]}", "invalid", "slot" },
        { "{\"slot\":1}", "invalid", "transactions" },
        { "{\"slot\":-1,\"transactions\":[\"AAAA\"]}", "invalid", "slot" },
        { "{\"slot\":1,\"transactions\":[]}", "invalid", "transactions" },
        { "{\"slot\":1,\"transactions\":[\"***\"]}", "invalid", "transactions[0]" },
        { "{\"slot\":1,\"transactions\":[7]}", "invalid", "transactions[0]" },
        { "{\"slot\":1,\"transactions\":[\"AAAAAAAA\"]}", "invalid", "transactions[0]" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Detect_BadInput_ProblemDetailsCountedNothingWritten(string body, string reason, string errorKey)
    {
        await using TestApp app = await TestApp.StartAsync();
        JsonElement problem = await app.PostJsonAsync("/defensive/detect", body, 400);
        Assert.Equal(reason, problem.GetProperty("reason").GetString());
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        if (reason == "invalid")
        {
            Assert.True(problem.GetProperty("errors").TryGetProperty(errorKey, out _), problem.GetRawText());
        }

        Assert.Equal(0UL, app.Ledger.Count);
        PrometheusText.AssertRejected(await app.ScrapeAsync(), "detect", reason);
    }

    [Fact]
    public async Task Detect_OneBadTransactionAmongGoodOnes_NothingScoredOrWritten()
    {
        var (_, slot) = ScenarioData.SolanaSlotWithSandwich();
        string json = ScenarioData.SolanaJson(slot).Replace("]}", ",\"AQID\"]}", StringComparison.Ordinal);
        await using TestApp app = await TestApp.StartAsync();
        JsonElement problem = await app.PostJsonAsync("/defensive/detect", json, 400);
        Assert.True(problem.GetProperty("errors").TryGetProperty($"transactions[{slot.Transactions.Count}]", out _));
        Assert.Equal(0UL, app.Ledger.Count);
        Assert.Equal(0L, app.Hub.MessagesPublished);
    }

    [Fact]
    public async Task Detect_TooManyTransactions_400()
    {
        await using TestApp app = await TestApp.StartAsync(o => o.MaxDetectTransactions = 2);
        await app.PostJsonAsync("/defensive/detect", ScenarioData.ZeroFeatures(3), 400);
    }

    [Fact]
    public async Task Detect_OversizedBody_413Counted()
    {
        await using TestApp app = await TestApp.StartAsync(o => o.MaxRequestBodyBytes = 4096);
        JsonElement problem = await app.PostJsonAsync("/defensive/detect", ScenarioData.ZeroFeatures(20), 413);
        Assert.Equal("too_large", problem.GetProperty("reason").GetString());
        PrometheusText.AssertRejected(await app.ScrapeAsync(), "detect", "too_large");
    }

    [Fact]
    public async Task WriteEndpoints_ApiKeyConfigured_RequireTheHeader()
    {
        const string Key = "0123456789abcdef-test-key";
        await using TestApp app = await TestApp.StartAsync(o => o.ApiKey = Key);
        JsonElement p1 = await app.PostJsonAsync("/defensive/detect", ScenarioData.ZeroFeatures(1), 401);
        Assert.Equal("unauthorized", p1.GetProperty("reason").GetString());
        await app.PostJsonAsync("/defensive/dna/event", "{\"event_type\":\"X\"}", 401, apiKey: "wrong-key-wrong-key");
        Assert.Equal(0UL, app.Ledger.Count);
        await app.PostJsonAsync("/defensive/dna/event", "{\"event_type\":\"X\"}", 201, apiKey: Key);
        await app.PostJsonAsync("/defensive/detect", ScenarioData.ZeroFeatures(1), 200, apiKey: Key);
        Assert.Equal(200, (await app.GetAsync("/defensive/dna/checkpoint")).Status); // reads need no key
    }

    [Fact]
    public async Task Api_RateLimitExceeded_429ProblemCounted()
    {
        await using TestApp app = await TestApp.StartAsync(o =>
        {
            o.RateLimitPermits = 2;
            o.RateLimitWindow = TimeSpan.FromHours(1);
        });
        await app.PostJsonAsync("/defensive/dna/event", "{\"event_type\":\"X\"}", 201);
        await app.PostJsonAsync("/defensive/dna/event", "{\"event_type\":\"X\"}", 201);
        JsonElement problem = await app.PostJsonAsync("/defensive/dna/event", "{\"event_type\":\"X\"}", 429);
        Assert.Equal("rate_limited", problem.GetProperty("reason").GetString());
        Assert.Equal(2UL, app.Ledger.Count);
        Assert.Equal(200, (await app.GetAsync("/defensive/health")).Status); // health is not rate limited
        PrometheusText.AssertRejected(await app.ScrapeAsync(), "dna_event", "rate_limited");
    }
}
