// A user-written Decision DNA store plugged into the ledger through DI. AddDnaLedger registers its stores with TryAdd, so an
// IDnaStore registered first wins (UseDnaStore<T>() does the same for store types DI can construct on its own).
// Run it twice: the second run reopens the file, re-verifies the chain and continues it.
using CustomLedgerStore;
using MevDefense;
using MevDefense.Dna;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

string dir = args.Length > 0 ? args[0] : Path.Combine(Path.GetTempPath(), "mevdefense-custom-store");
HostApplicationBuilder builder = Host.CreateApplicationBuilder();
builder.Services.AddSingleton<IDnaStore>(_ => new JsonLinesDnaStore(Path.Combine(dir, "ledger.jsonl")));
builder.Services.AddMevDefense()
    .AddDnaLedger(o =>
    {
        o.StoreKind = DnaStoreKind.InMemory; // the kind only matters for the built-in stores; ours replaces them
        o.KeyFile = Path.Combine(dir, "signing.key");
        o.Origin = "example.org/custom-store";
        o.CheckpointEveryRecords = 2;
    });

using IHost host = builder.Build();
await host.StartAsync(); // opens the ledger: loads and checks the chain from our store
DnaLedger ledger = host.Services.GetRequiredService<DnaLedger>();
for (int i = 0; i < 3; i++)
{
    DecisionRecord r = await ledger.AppendAsync(new DecisionDraft { EventType = "custom.Flagged", Slot = (ulong)(1000 + i), Confidence = 0.5 });
    Console.WriteLine($"appended #{r.Sequence} {r.Id}");
}

IDnaStore store = host.Services.GetRequiredService<IDnaStore>();
DnaVerificationResult result = await new DnaVerifier([ledger.PublicKey], ledger.Origin).VerifyAsync(store);
Console.WriteLine(result.IsValid ? $"verified {result.RecordCount} records and {result.CheckpointsVerified} checkpoints in {dir}" : $"verification FAILED at {result.FirstBadSequence}: {result.Failure}");
await host.StopAsync();
return result.IsValid ? 0 : 1;
