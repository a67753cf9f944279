using System.Reflection;
using Xunit;

namespace MevDefense.TestUtils;

/// <summary>
/// Locates ../shared/fixtures. Tests read fixtures in place; where the folder is absent they skip with a clear
/// message, except under CI=true where they fail.
/// </summary>
public static class SharedFixtures
{
    private static readonly Lazy<string?> Root = new(FindRoot);

    /// <summary>True when running under CI (CI=true), where missing fixtures are a failure.</summary>
    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The repository root (where MevDefense.sln is).</summary>
    public static string RepoRoot
    {
        get
        {
            var attr = typeof(SharedFixtures).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .FirstOrDefault(a => a.Key == "MevDefense.RepoRoot");
            if (attr?.Value is { Length: > 0 } v && Directory.Exists(v))
            {
                return Path.GetFullPath(v);
            }

            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MevDefense.sln")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? throw new InvalidOperationException("Cannot find the repository root (MevDefense.sln).");
        }
    }

    /// <summary>The shared directory, or null when absent.</summary>
    public static string? SharedDir => Root.Value;

    /// <summary>Returns the message used to skip fixture tests, or null when fixtures exist.</summary>
    public static string? SkipReason => Root.Value is null && !IsCi
        ? "../shared/fixtures is not present beside this clone (set MEVDEFENSE_SHARED to its path); fixture tests are skipped."
        : null;


    /// <summary>Full path of a file under ../shared/fixtures.</summary>
    public static string Fixture(string relative) => Path.Combine(RequireRoot(), "fixtures", relative);

    /// <summary>Reads a fixture file's bytes.</summary>
    public static byte[] ReadBytes(string relative) => File.ReadAllBytes(Fixture(relative));

    /// <summary>Reads a fixture file's text.</summary>
    public static string ReadText(string relative) => File.ReadAllText(Fixture(relative));

    private static string RequireRoot() => Root.Value
        ?? throw new InvalidOperationException("../shared/fixtures is missing (CI=true requires it). Set MEVDEFENSE_SHARED or place shared/ beside the clone.");

    private static string? FindRoot()
    {
        var env = Environment.GetEnvironmentVariable("MEVDEFENSE_SHARED");
        if (!string.IsNullOrEmpty(env) && Directory.Exists(Path.Combine(env, "fixtures")))
        {
            return Path.GetFullPath(env);
        }

        try
        {
            var candidate = Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared"));
            return Directory.Exists(Path.Combine(candidate, "fixtures")) ? candidate : null;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }
}

/// <summary>A fact that needs ../shared/fixtures: skipped with a message when absent, failing under CI=true.</summary>
public sealed class FixtureFactAttribute : FactAttribute
{
    /// <summary>Creates the attribute.</summary>
    public FixtureFactAttribute()
    {
        if (SharedFixtures.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}

/// <summary>A theory that needs ../shared/fixtures: skipped with a message when absent, failing under CI=true.</summary>
public sealed class FixtureTheoryAttribute : TheoryAttribute
{
    /// <summary>Creates the attribute.</summary>
    public FixtureTheoryAttribute()
    {
        if (SharedFixtures.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
