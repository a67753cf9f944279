namespace MevDefense.Cli;

/// <summary>
/// Entry point of the <c>mevdefense</c> tool. Each command group lives in its own file and registers itself through one of the
/// partial <c>Register*</c> methods below, so the groups can evolve independently.
/// </summary>
internal static partial class Program
{
    public static async Task<int> Main(string[] args)
    {
        var commands = new SortedDictionary<string, CliCommand>(StringComparer.Ordinal);
        RegisterTx(commands);
        RegisterShreds(commands);
        RegisterDna(commands);
        RegisterDetect(commands);

        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            PrintUsage(commands, Console.Out);
            return args.Length == 0 ? 2 : 0;
        }

        CliCommand? command = null;
        int consumed = 0;
        if (args.Length >= 2 && commands.TryGetValue(args[0] + " " + args[1], out command))
        {
            consumed = 2;
        }
        else if (commands.TryGetValue(args[0], out command))
        {
            consumed = 1;
        }

        if (command is null)
        {
            await Console.Error.WriteLineAsync($"mevdefense: unknown command '{string.Join(' ', args.Take(2))}'.").ConfigureAwait(false);
            PrintUsage(commands, Console.Error);
            return 2;
        }

        using var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cts.Cancel();
        };

        try
        {
            return await command.Run(args[consumed..], Console.Out, Console.Error, cts.Token).ConfigureAwait(false);
        }
        catch (CliUsageException ex)
        {
            await Console.Error.WriteLineAsync($"mevdefense: {ex.Message}").ConfigureAwait(false);
            await Console.Error.WriteLineAsync($"usage: mevdefense {command.Usage}").ConfigureAwait(false);
            return 2;
        }
    }

    private static void PrintUsage(SortedDictionary<string, CliCommand> commands, TextWriter writer)
    {
        writer.WriteLine("mevdefense — defensive-only Solana MEV detection tools");
        writer.WriteLine();
        writer.WriteLine("commands:");
        foreach (var (_, c) in commands)
        {
            writer.WriteLine($"  mevdefense {c.Usage}");
            writer.WriteLine($"      {c.Description}");
        }
    }

    static partial void RegisterTx(IDictionary<string, CliCommand> commands);

    static partial void RegisterShreds(IDictionary<string, CliCommand> commands);

    static partial void RegisterDna(IDictionary<string, CliCommand> commands);

    static partial void RegisterDetect(IDictionary<string, CliCommand> commands);
}

/// <summary>A CLI command: usage line, description and handler (args after the command words, stdout, stderr, cancellation).</summary>
internal sealed record CliCommand(string Usage, string Description, Func<string[], TextWriter, TextWriter, CancellationToken, Task<int>> Run);

/// <summary>Thrown for bad command-line arguments; printed with the usage line, exit code 2.</summary>
internal sealed class CliUsageException(string message) : Exception(message);
