using System.Buffers.Binary;
using System.Diagnostics;
using MevDefense.TestUtils;

namespace MevDefense.Dna.Tests.Crash;

/// <summary>Runs tools/MevDefense.DnaCrashChild and reads its memory-mapped ack log.</summary>
internal sealed class CrashChild : IDisposable
{
    public const long StatusOpen = 1;
    public const long StatusFaulted = 2;
    public const long StatusFinished = 3;
    public const long StatusOpenFailed = 4;
    private const int Capacity = 200_000;
    private const int SlotSize = 48;

    private readonly Process _process;
    private readonly string _ackFile;
    private readonly System.Text.StringBuilder _output = new();

    private CrashChild(Process process, string ackFile)
    {
        _process = process;
        _ackFile = ackFile;
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static string ChildDll
    {
        get
        {
            // <artifacts>/bin/MevDefense.Dna.Tests/<pivot>/ -> <artifacts>/bin/MevDefense.DnaCrashChild/<pivot>/
            var testDir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            string path = Path.Combine(testDir.Parent!.Parent!.FullName, "MevDefense.DnaCrashChild", testDir.Name, "MevDefense.DnaCrashChild.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException("The crash child was not built next to the tests.", path);
        }
    }

    public static string? StracePath => new[] { "/usr/bin/strace", "/bin/strace", "/usr/local/bin/strace" }.FirstOrDefault(File.Exists);

    /// <summary>Starts the child; <paramref name="straceArgs"/> runs it under strace with those arguments.</summary>
    public static CrashChild Start(string storeDir, string ackFile, int maxRecords, IReadOnlyList<string>? straceArgs = null)
    {
        using (var f = new FileStream(ackFile, FileMode.Create, FileAccess.Write))
        {
            f.SetLength(64 + ((long)Capacity * SlotSize));
        }

        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        var psi = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (straceArgs is null)
        {
            psi.FileName = dotnet;
        }
        else
        {
            psi.FileName = StracePath ?? throw new InvalidOperationException("strace is not installed.");
            foreach (string a in straceArgs)
            {
                psi.ArgumentList.Add(a);
            }

            psi.ArgumentList.Add(dotnet);
        }

        psi.ArgumentList.Add(ChildDll);
        psi.ArgumentList.Add(storeDir);
        psi.ArgumentList.Add(ackFile);
        psi.ArgumentList.Add(maxRecords.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var process = new Process { StartInfo = psi };
        var child = new CrashChild(process, ackFile);
        process.OutputDataReceived += (_, e) => child.Append(e.Data);
        process.ErrorDataReceived += (_, e) => child.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public long ReadStatus() => ReadHeader(0);

    public long ReadSyncedBatches() => ReadHeader(8);

    /// <summary>Gets whether the child has recorded at least one acknowledged record (the first ack slot is filled).</summary>
    public bool HasAcknowledged => ReadHeader(64 + 40) != 0;

    /// <summary>Waits until the child opened the store (or exited).</summary>
    public async Task WaitUntilOpenAsync(TimeSpan timeout)
    {
        var sw = Stopwatch.StartNew();
        while (ReadStatus() == 0 && !_process.HasExited)
        {
            if (sw.Elapsed > timeout)
            {
                throw new TimeoutException("The crash child did not open its store in time. Output: " + Output);
            }

            await Task.Delay(10);
        }
    }

    /// <summary>SIGKILL (Process.Kill sends SIGKILL on Unix) and wait for the exit.</summary>
    public async Task KillAsync()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // already exited
        }

        await _process.WaitForExitAsync();
    }

    public async Task WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            await KillAsync();
            throw new TimeoutException("The crash child did not finish in time. Output: " + Output);
        }
    }

    /// <summary>Every acknowledged (sequence, chain hash) the child recorded.</summary>
    public List<(ulong Sequence, Hash ChainHash)> ReadAcks()
    {
        byte[] all = File.ReadAllBytes(_ackFile);
        var acks = new List<(ulong, Hash)>();
        for (int i = 0; i < Capacity; i++)
        {
            int at = 64 + (i * SlotSize);
            ulong seqPlusOne = BinaryPrimitives.ReadUInt64LittleEndian(all.AsSpan(at + 40));
            if (seqPlusOne != 0)
            {
                acks.Add((seqPlusOne - 1, new Hash(all.AsSpan(at, 32))));
            }
        }

        return acks;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            try
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
            catch (InvalidOperationException)
            {
            }
        }

        _process.Dispose();
    }

    private long ReadHeader(int offset)
    {
        using var f = new FileStream(_ackFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        Span<byte> b = stackalloc byte[8];
        f.Position = offset;
        f.ReadExactly(b);
        return BinaryPrimitives.ReadInt64LittleEndian(b);
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}

/// <summary>A fact that needs strace: skipped with a message when it is absent, failing under CI=true.</summary>
public sealed class StraceFactAttribute : FactAttribute
{
    public StraceFactAttribute()
    {
        if (CrashChild.StracePath is null && !SharedFixtures.IsCi)
        {
            Skip = "strace is not installed (apt-get install strace); the fault-injection test is skipped.";
        }
    }
}
