using MevDefense.TestUtils;

namespace MevDefense.Cli.Tests;

public class TxDecodeCommandTests
{
    private static string Vectors => Path.Combine(SharedFixtures.RepoRoot, "tests", "vectors");

    private static async Task<(int Code, string[] Lines)> Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        int code = await TxCommands.DecodeAsync(args, stdout, stderr, CancellationToken.None);
        return (code, stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Decode_VectorFile_OutputEqualsWeb3Expectations()
    {
        var (code, lines) = await Run("--file", Path.Combine(Vectors, "transactions.b64"));
        Assert.Equal(0, code);
        Assert.Equal(File.ReadAllLines(Path.Combine(Vectors, "transactions.expected.jsonl")), lines);
    }

    [Fact]
    public async Task Decode_V1VectorFile_OutputEqualsKitExpectations()
    {
        var (code, lines) = await Run("--file", Path.Combine(Vectors, "transactions-v1.b64"));
        Assert.Equal(0, code);
        Assert.Equal(File.ReadAllLines(Path.Combine(Vectors, "transactions-v1.expected.jsonl")), lines);
    }

    [Fact]
    public async Task Decode_Base64_PrintsOneObjectInExactKeyOrder()
    {
        string b64 = File.ReadLines(Path.Combine(Vectors, "transactions.b64")).First();
        var (code, lines) = await Run("--base64", b64);
        Assert.Equal(0, code);
        string line = Assert.Single(lines);
        string[] keys = ["\"version\":", "\"signatures\":", "\"header\":{\"numRequiredSignatures\":", "\"numReadonlySigned\":", "\"numReadonlyUnsigned\":",
            "\"staticKeys\":", "\"recentBlockhash\":", "\"instructions\":", "\"lookups\":", "\"signaturesValid\":"];
        int at = -1;
        foreach (string k in keys)
        {
            int next = line.IndexOf(k, StringComparison.Ordinal);
            Assert.True(next > at, k);
            at = next;
        }
    }

    [Fact]
    public async Task Decode_BadLines_ErrorObjectsContinueAndExitNonZero()
    {
        string good = File.ReadLines(Path.Combine(Vectors, "transactions.b64")).First();
        string path = Path.GetTempFileName();
        try
        {
            await File.WriteAllLinesAsync(path, ["%%%", good, "AAAA", Convert.ToBase64String(Convert.FromBase64String(good).Concat(new byte[] { 0 }).ToArray())]);
            var (code, lines) = await Run("--file", path);
            Assert.Equal(1, code);
            Assert.Equal(4, lines.Length);
            Assert.Equal("{\"error\":\"invalid base64\"}", lines[0]);
            Assert.StartsWith("{\"version\":\"", lines[1], StringComparison.Ordinal);
            Assert.StartsWith("{\"error\":\"invalid transaction: ", lines[2], StringComparison.Ordinal);
            Assert.Equal("{\"error\":\"invalid transaction: trailing bytes after the transaction\"}", lines[3]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [FixtureFact]
    public async Task Decode_Transaction3_SignaturesValidFalse()
    {
        string b64 = Convert.ToBase64String(SharedFixtures.ReadBytes("shreds/txn/transaction3.bin"));
        var (code, lines) = await Run("--base64", b64);
        Assert.Equal(0, code);
        Assert.EndsWith("\"signaturesValid\":false}", Assert.Single(lines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Decode_BothOptions_UsageError()
    {
        await Assert.ThrowsAsync<CliUsageException>(() => Run("--base64", "AA", "--file", "x"));
    }
}
