using System.Runtime.CompilerServices;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Running;

namespace MevDefense.Benchmarks;

/// <summary>
/// Runs the BenchmarkDotNet suites: <c>dotnet run -c Release --project bench/MevDefense.Benchmarks -- --filter '*'</c>
/// (CI: <c>--filter '*' --job Dry --inProcess</c>, see .ci/post.d/70-bench-dry.sh). Exits 1 when any benchmark failed or a
/// suite is invalid, 2 when the filter matched nothing.
/// </summary>
internal static class Program
{
    public static int Main(string[] args)
    {
        // BenchmarkDotNet's out-of-process toolchain finds this project's .csproj by searching, recursively, the first parent of
        // the *current directory* that holds a solution (else the current directory itself). Started from a folder outside the
        // repository (e.g. /tmp, where other clones live) it finds several MevDefense.Benchmarks.csproj and gives up. Run from the
        // repository root whatever the caller's directory; results still go under the caller's directory.
        string caller = Environment.CurrentDirectory;
        var config = DefaultConfig.Instance
            .AddDiagnoser(MemoryDiagnoser.Default)
            .WithArtifactsPath(Path.Combine(caller, "BenchmarkDotNet.Artifacts"));
        if (RepositoryRoot() is { } root && !IsUnder(caller, root))
        {
            Environment.CurrentDirectory = root;
        }

        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config).ToList();
        if (args.Contains("--list") || args.Contains("--help") || args.Contains("--version") || args.Contains("--info"))
        {
            return 0;
        }

        if (summaries.Count == 0)
        {
            Console.Error.WriteLine("No benchmark matched the filter.");
            return 2;
        }

        var failed = summaries
            .SelectMany(s => s.Reports.Where(r => !r.Success).Select(r => r.BenchmarkCase.DisplayInfo))
            .Concat(summaries.Where(s => s.HasCriticalValidationErrors).SelectMany(s => s.ValidationErrors.Where(e => e.IsCritical).Select(e => e.Message)))
            .ToList();
        foreach (var f in failed)
        {
            Console.Error.WriteLine("FAILED: " + f);
        }

        return failed.Count > 0 ? 1 : 0;
    }

    /// <summary>The repository root (folder with MevDefense.sln) this program was compiled from, if it still exists.</summary>
    private static string? RepositoryRoot([CallerFilePath] string source = "")
    {
        var dir = string.IsNullOrEmpty(source) ? null : new FileInfo(source).Directory;
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MevDefense.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName;
    }

    private static bool IsUnder(string path, string root) =>
        Path.GetFullPath(path).TrimEnd('/') is var p && (p == root.TrimEnd('/') || p.StartsWith(root.TrimEnd('/') + "/", StringComparison.Ordinal));
}
