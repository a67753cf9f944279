namespace MevDefense.Cli;

/// <summary>Minimal option parser: <c>--name value</c>, <c>--flag</c>, and positional arguments.</summary>
internal sealed class CliArgs
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);
    private readonly List<string> _positional = [];

    public CliArgs(string[] args, IReadOnlySet<string> flags)
    {
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            if (a.StartsWith("--", StringComparison.Ordinal))
            {
                if (flags.Contains(a))
                {
                    _options[a] = null;
                }
                else if (i + 1 < args.Length)
                {
                    _options[a] = args[++i];
                }
                else
                {
                    throw new CliUsageException($"option {a} needs a value");
                }
            }
            else
            {
                _positional.Add(a);
            }
        }
    }

    public IReadOnlyList<string> Positional => _positional;

    public bool Has(string name) => _options.ContainsKey(name);

    public string? Get(string name) => _options.TryGetValue(name, out var v) ? v : null;

    public string Require(string name) => Get(name) ?? throw new CliUsageException($"missing {name}");
}
