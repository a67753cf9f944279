using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using MevDefense.TestUtils;

namespace MevDefense.Dna.Tests.Anchoring;

/// <summary>Runs tests/svm-peer/server.mjs (LiteSVM behind JSON-RPC) on 127.0.0.1 for one test.</summary>
internal sealed class SvmPeer : IAsyncDisposable
{
    private readonly Process _process;

    private SvmPeer(Process process, Uri endpoint)
    {
        _process = process;
        Endpoint = endpoint;
    }

    public Uri Endpoint { get; }

    public static string PeerDir => Path.Combine(SharedFixtures.RepoRoot, "tests", "svm-peer");

    public static string? NodePath => (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
        .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Select(d => Path.Combine(d, "node"))
        .FirstOrDefault(File.Exists);

    public static string? SkipReason =>
        NodePath is null ? "node is not installed; the Solana anchoring tests against LiteSVM are skipped."
        : !Directory.Exists(Path.Combine(PeerDir, "node_modules", "litesvm")) ? "tests/svm-peer/node_modules is missing (run .ci/setup.d/30-svm-peer.sh); the Solana anchoring tests are skipped."
        : null;

    public static async Task<SvmPeer> StartAsync(params string[] args)
    {
        var psi = new ProcessStartInfo(NodePath ?? throw new InvalidOperationException("node is not installed."))
        {
            WorkingDirectory = PeerDir,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("server.mjs");
        psi.ArgumentList.Add("--port");
        psi.ArgumentList.Add("0");
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        Process process = Process.Start(psi)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            while (true)
            {
                string? line = await process.StandardOutput.ReadLineAsync(timeout.Token);
                if (line is null)
                {
                    throw new InvalidOperationException("The SVM peer exited: " + await process.StandardError.ReadToEndAsync(timeout.Token));
                }

                if (line.StartsWith("LISTENING ", StringComparison.Ordinal))
                {
                    int port = int.Parse(line.AsSpan(10), System.Globalization.CultureInfo.InvariantCulture);
                    return new SvmPeer(process, new Uri($"http://127.0.0.1:{port}/"));
                }
            }
        }
        catch
        {
            process.Kill();
            process.Dispose();
            throw;
        }
    }

    public async Task<JsonElement> CallAsync(string method, params object[] parameters)
    {
        using var http = new HttpClient();
        using HttpResponseMessage response = await http.PostAsJsonAsync(Endpoint, new { jsonrpc = "2.0", id = 1, method, @params = parameters });
        using JsonDocument doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.GetProperty("result").Clone();
    }

    public async Task<ulong> GetBalanceAsync(Pubkey address) => (await CallAsync("getBalance", address.ToString())).GetProperty("value").GetUInt64();

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close(); // the peer exits when its stdin ends
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill();
        }

        _process.Dispose();
    }
}

/// <summary>A fact that needs node + tests/svm-peer/node_modules: skipped with a message locally when absent, failing under CI=true.</summary>
public sealed class SvmPeerFactAttribute : FactAttribute
{
    public SvmPeerFactAttribute()
    {
        if (SvmPeer.SkipReason is { } reason && !SharedFixtures.IsCi)
        {
            Skip = reason;
        }
    }
}
