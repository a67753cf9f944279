// Child process of tests/MevDefense.Dna.Tests/Crash: appends signed records at full speed to a RocksDB-backed ledger from many
// concurrent tasks and writes every ACKNOWLEDGED record (sequence + chain hash) into a memory-mapped "ack log" only after
// DnaLedger.AppendAsync returned (i.e. after the synced write batch). The ack log needs no syscall per ack, so it keeps working
// while strace injects ENOSPC into write(2), and its pages survive SIGKILL (MAP_SHARED, page cache).
//
// usage: MevDefense.DnaCrashChild <store-dir> <ack-file> <max-records> [appenders]
// ack file layout: [0..8) status (1 open, 2 faulted, 3 finished, 4 open failed), [8..16) synced batch count of the store,
// then from offset 64 one 48-byte slot per acknowledgement: chain hash (32), reserved (8), sequence + 1 (8; written last, 0 = empty).
using System.IO.MemoryMappedFiles;
using MevDefense;
using MevDefense.Dna;
using MevDefense.Dna.Stores;

if (args.Length < 3)
{
    Console.Error.WriteLine("usage: MevDefense.DnaCrashChild <store-dir> <ack-file> <max-records> [appenders]");
    return 2;
}

string storeDir = args[0];
int maxRecords = int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture);
int appenders = args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 32;
using var map = MemoryMappedFile.CreateFromFile(args[1], FileMode.Open, null, 0, MemoryMappedFileAccess.ReadWrite);
using MemoryMappedViewAccessor ack = map.CreateViewAccessor();
long capacity = (ack.Capacity - 64) / 48;

RocksDbDnaStore store;
DnaLedger ledger;
using var signer = DnaSigner.FromSeed(Enumerable.Range(0, 32).Select(i => (byte)(i * 13 + 5)).ToArray());
try
{
    store = await RocksDbDnaStore.OpenAsync(storeDir);
    ledger = new DnaLedger(store, signer, new DnaLedgerOptions { Origin = "crash.test/dna", CheckpointEveryRecords = 2000, MaxBatchSize = 256 });
    await ledger.OpenAsync();
}
catch (Exception ex)
{
    ack.Write(0, 4L);
    Say($"OPEN FAILED {ex.GetType().Name}: {ex.Message}");
    return 4;
}

ack.Write(0, 1L);
Say("READY " + ledger.Count);
long slot = -1;
var errors = new System.Collections.Concurrent.ConcurrentDictionary<string, string>();
int faulted = 0;
int written = 0;
await Task.WhenAll(Enumerable.Range(0, appenders).Select(a => Task.Run(async () =>
{
    var random = new Random(a);
    byte[] buf = new byte[64];
    while (Volatile.Read(ref faulted) == 0 && Interlocked.Increment(ref written) <= maxRecords)
    {
        random.NextBytes(buf);
        DecisionRecord r;
        try
        {
            r = await ledger.AppendAsync(new DecisionDraft
            {
                EventType = DecisionEventTypes.SandwichDetected,
                Slot = 300_000_000UL + (ulong)random.Next(1000),
                Transactions = [new Signature(buf)],
                Confidence = 0.5,
                Detector = "crash-test",
            });
        }
        catch (Exception ex)
        {
            // The waiters of the failed batch get the store's IOException; appenders arriving after it see the faulted ledger.
            errors.TryAdd(ex.GetType().Name, ex.Message);
            if (Interlocked.Exchange(ref faulted, 1) == 0)
            {
                ack.Write(0, 2L);
            }

            return;
        }

        long i = Interlocked.Increment(ref slot);
        if (i >= capacity)
        {
            continue;
        }

        long at = 64 + (i * 48);
        ack.WriteArray(at, r.ChainHash.ToArray(), 0, 32);
        Thread.MemoryBarrier();
        ack.Write(at + 40, r.Sequence + 1);
    }
})));

ack.Write(8, store.SyncedBatchCount);
if (faulted != 0)
{
    foreach ((string type, string message) in errors.OrderBy(e => e.Key, StringComparer.Ordinal))
    {
        Say($"FAULT {type}: {message}");
    }

    return 3;
}

await ledger.DisposeAsync();
await store.DisposeAsync();
ack.Write(0, 3L);
Say("DONE");
return 0;

static void Say(string line)
{
    try
    {
        Console.WriteLine(line);
    }
    catch (IOException)
    {
        // stdout may itself be a target of the injected write errors; the ack file carries the status.
    }
}
