using System.Text.RegularExpressions;
using MevDefense.Dna.Stores;

namespace MevDefense.Dna.Tests.Crash;

/// <summary>
/// Durability of the RocksDB store through the ledger, with a real child process: SIGKILL at random moments, and syscall fault
/// injection with strace (the method Tessera uses), since SIGKILL alone cannot tell a synced write from an unsynced one.
/// Assertions do not depend on timing: every acknowledged record must be present with its chain hash, the chain and all
/// signatures must verify, and a failed sync must be surfaced and never acknowledged.
/// </summary>
[Collection(nameof(CrashRecoveryTests))]
public sealed partial class CrashRecoveryTests : IDisposable
{
    private const string Origin = "crash.test/dna";
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "mevdefense-crash-" + Guid.NewGuid().ToString("N"));

    public CrashRecoveryTests() => Directory.CreateDirectory(_dir);

    private static Pubkey ChildKey
    {
        get
        {
            using DnaSigner signer = DnaSigner.FromSeed(Enumerable.Range(0, 32).Select(i => (byte)(i * 13 + 5)).ToArray());
            return signer.PublicKey;
        }
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public Task Sigkill_AtRandomMoments_EveryAcknowledgedRecordSurvives_ChainVerifies() => SigkillRoundsAsync(20, format: null);

    /// <summary>The same on a store in the format of earlier builds (format 1, created here first; the child keeps its format).</summary>
    [Fact]
    public Task Sigkill_Format1Store_EveryAcknowledgedRecordSurvives_ChainVerifies() => SigkillRoundsAsync(8, format: 1);

    /// <summary>The same on a format-2 store (the fourth session's builds: one slot index entry per record).</summary>
    [Fact]
    public Task Sigkill_Format2Store_EveryAcknowledgedRecordSurvives_ChainVerifies() => SigkillRoundsAsync(6, format: 2);

    [StraceFact]
    public Task FailedFdatasync_Format1Store_IsSurfacedAndNeverAcknowledged_StoreConsistentAfterRestart() => RunFaultAsync("fdatasync", "EIO", 3, format: 1);

    private async Task SigkillRoundsAsync(int rounds, int? format)
    {
        string store = Path.Combine(_dir, "db");
        string ackFile = Path.Combine(_dir, "acks");
        if (format is { } f)
        {
            await using RocksDbDnaStore created = await RocksDbDnaStore.OpenAsync(new RocksDbDnaStoreOptions { Path = store, CreateFormatVersion = f });
        }

        var random = new Random(20261124); // fixed schedule of kill delays
        int totalAcked = 0;
        int killedWhileRunning = 0;
        for (int round = 0; round < rounds; round++)
        {
            using (CrashChild child = CrashChild.Start(store, ackFile, maxRecords: 1_000_000))
            {
                await child.WaitUntilOpenAsync(TimeSpan.FromSeconds(60));
                Assert.Equal(CrashChild.StatusOpen, child.ReadStatus());
                if (round % 2 == 1)
                {
                    // Odd rounds kill only after the child's first acknowledgement, so the test proves something however slow
                    // its start is on a loaded machine (the first acknowledgement can take longer than the delays below); even
                    // rounds keep killing at any moment, start-up included.
                    var firstAck = DateTime.UtcNow.AddSeconds(60);
                    while (!child.HasAcknowledged && !child.HasExited && DateTime.UtcNow < firstAck)
                    {
                        await Task.Delay(5);
                    }
                }

                await Task.Delay(random.Next(20, 250));
                killedWhileRunning += child.HasExited ? 0 : 1;
                await child.KillAsync();
                List<(ulong Sequence, Hash ChainHash)> acks = child.ReadAcks();
                totalAcked += acks.Count;
                await AssertRecoveredAsync(store, acks, $"round {round}", format ?? RocksDbDnaStore.CurrentFormatVersion);
            }
        }

        Assert.Equal(rounds, killedWhileRunning);
        Assert.True(totalAcked > 0, "the child never acknowledged a record, so the crash test proved nothing");
    }

    [StraceFact]
    public async Task FailedFdatasync_IsSurfacedAndNeverAcknowledged_StoreConsistentAfterRestart()
    {
        foreach (int when in new[] { 2, 4 })
        {
            await RunFaultAsync("fdatasync", "EIO", when);
        }
    }

    [StraceFact]
    public async Task FailedWalWrite_Enospc_IsSurfacedAndNeverAcknowledged_StoreConsistentAfterRestart()
    {
        foreach (int when in new[] { 2, 5 })
        {
            await RunFaultAsync("write", "ENOSPC", when);
        }
    }

    private async Task RunFaultAsync(string syscall, string error, int when, int? format = null)
    {
        // A fresh store has its write-ahead log in 000004.log. -P limits tracing and injection to that file, so the runtime's own
        // writes (stdout, thread wake-up pipes) are not hit. `when=N+` fails the N-th and every later call in a thread.
        // A store created here first (format 1) is reopened by the child, which starts a new log numbered above every file so far.
        string store = Path.Combine(_dir, $"fault-{syscall}-{when}-{format}");
        string ackFile = Path.Combine(_dir, $"acks-{syscall}-{when}");
        string log = Path.Combine(_dir, $"strace-{syscall}-{when}.log");
        var logs = new List<string> { "-P", Path.Combine(store, "000004.log") };
        if (format is { } f)
        {
            await using (await RocksDbDnaStore.OpenAsync(new RocksDbDnaStoreOptions { Path = store, CreateFormatVersion = f }))
            {
            }

            int highest = Directory.GetFiles(store).Select(Path.GetFileName).Select(n => n!.Split('.')[0])
                .Select(n => int.TryParse(n, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int v) ? v : 0).Max();
            logs = [.. Enumerable.Range(highest + 1, 8).SelectMany(n => new[] { "-P", Path.Combine(store, $"{n:D6}.log") })];
        }

        string[] strace =
        [
            "-f", "--seccomp-bpf", "-qq", "-o", log,
            .. logs,
            "-e", $"trace={syscall},fdatasync",
            "-e", $"inject={syscall}:error={error}:when={when}+",
        ];
        using (CrashChild child = CrashChild.Start(store, ackFile, maxRecords: 20_000, strace))
        {
            await child.WaitForExitAsync(TimeSpan.FromSeconds(90));
            string context = $"{syscall}:{error}:when={when}; output: {child.Output}";
            Assert.True(child.ReadStatus() == CrashChild.StatusFaulted, "the injected failure was not surfaced to the appenders: " + context);
            Assert.Equal(3, child.ExitCode);
            Assert.Contains("FAULT IOException", child.Output, StringComparison.Ordinal);

            string[] trace = await File.ReadAllLinesAsync(log);
            Assert.Contains(trace, l => l.Contains("(INJECTED)", StringComparison.Ordinal));
            int successfulSyncs = trace.Count(l => FdatasyncOk().IsMatch(l));

            // Every acknowledged batch was synced: the store never counts (or acknowledges) a batch whose sync failed.
            Assert.True(child.ReadSyncedBatches() <= successfulSyncs, $"{child.ReadSyncedBatches()} batches acknowledged but only {successfulSyncs} WAL syncs succeeded; " + context);
            List<(ulong Sequence, Hash ChainHash)> acks = child.ReadAcks();
            Assert.True(acks.Count < 20_000, "the store kept acknowledging after the injected failure; " + context);
            await AssertRecoveredAsync(store, acks, context, format ?? RocksDbDnaStore.CurrentFormatVersion);
        }
    }

    private static async Task AssertRecoveredAsync(string path, List<(ulong Sequence, Hash ChainHash)> acks, string context, int format)
    {
        await using RocksDbDnaStore store = await RocksDbDnaStore.OpenAsync(path);
        Assert.Equal(format, store.FormatVersion);
        DnaStoreHead head = await store.GetHeadAsync();
        foreach ((ulong sequence, Hash chainHash) in acks)
        {
            Assert.True(sequence < head.Count, $"{context}: acknowledged record {sequence} is beyond the recovered head {head.Count}");
            DecisionRecord? stored = await store.GetBySequenceAsync(sequence);
            Assert.True(stored is not null, $"{context}: acknowledged record {sequence} is missing after recovery");
            Assert.Equal(chainHash, stored.ChainHash);
        }

        // No torn record: every stored entry parses canonically, links to its parent, and is signed by the child's key.
        DnaVerificationResult result = await new DnaVerifier([ChildKey], Origin).VerifyAsync(store);
        Assert.True(result.IsValid, $"{context}: {result.Failure} (first bad sequence {result.FirstBadSequence})");
        Assert.Equal(head.Count, result.RecordCount);
    }

    [GeneratedRegex(@"fdatasync\(\d+\)\s+= 0$")]
    private static partial Regex FdatasyncOk();
}
