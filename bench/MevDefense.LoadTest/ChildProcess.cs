using System.Diagnostics;

namespace MevDefense.LoadTest;

/// <summary>Starts this harness again as a child process (optionally under <c>taskset</c>) for measurements that need their own process.</summary>
internal static class ChildProcess
{
    /// <summary>Creates the start info for <c>[taskset -c cpus] dotnet MevDefense.LoadTest.dll args...</c>.</summary>
    public static ProcessStartInfo Create(string? cpus, IEnumerable<string> args)
    {
        string process = Environment.ProcessPath ?? "dotnet";
        var all = new List<string>();
        if (Path.GetFileNameWithoutExtension(process) == "dotnet")
        {
            all.Add(typeof(ChildProcess).Assembly.Location);
        }

        all.AddRange(args);
        ProcessStartInfo info;
        if (cpus is null)
        {
            info = new ProcessStartInfo(process);
        }
        else
        {
            info = new ProcessStartInfo("taskset");
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add(cpus);
            info.ArgumentList.Add(process);
        }

        foreach (var a in all)
        {
            info.ArgumentList.Add(a);
        }

        info.RedirectStandardOutput = true;
        info.RedirectStandardInput = true;
        info.UseShellExecute = false;
        return info;
    }

    /// <summary>Runs a child to completion and returns the payload of its last <c>RESULT </c> line.</summary>
    public static async Task<string> RunForResultAsync(string? cpus, IEnumerable<string> args, TimeSpan timeout)
    {
        using var p = Process.Start(Create(cpus, args)) ?? throw new InvalidOperationException("could not start the child harness");
        string? result = null;
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (await p.StandardOutput.ReadLineAsync(cts.Token).ConfigureAwait(false) is { } line)
            {
                if (line.StartsWith("RESULT ", StringComparison.Ordinal))
                {
                    result = line["RESULT ".Length..];
                }
                else
                {
                    Console.WriteLine("    | " + line);
                }
            }

            await p.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"child harness did not finish within {timeout}");
        }

        if (p.ExitCode != 0 || result is null)
        {
            throw new InvalidOperationException($"child harness failed (exit code {p.ExitCode})");
        }

        return result;
    }
}
