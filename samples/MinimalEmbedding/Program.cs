// MevDefense without DI or ASP.NET Core: plain constructors only.
// Decode transactions, detect MEV with the rule detectors combined with the shipped ONNX model, and record every detection
// in a signed, hash-chained Decision DNA ledger; then check one record's inclusion receipt offline.
using MevDefense;
using MevDefense.Detection;
using MevDefense.Detection.Decoding;
using MevDefense.Detection.Dex;
using MevDefense.Detection.Model;
using MevDefense.Detection.Scenarios;
using MevDefense.Dna;
using MevDefense.Dna.Checkpoints;
using MevDefense.Dna.Stores;

// 1. Some realistic input: generated slots of real signed transactions (use your own wire bytes in practice).
ScenarioDataset data = ScenarioGenerator.Generate(new ScenarioOptions { Seed = 3, Slots = 4 });

// 2. Detection: rules + model.
using var model = new OnnxDetector();
var pipeline = new DetectionPipeline(new DetectionOptions(), detectors: null, scorer: model, sinks: null, loggerFactory: null, meterFactory: null, timeProvider: null);
var decoder = new TransactionDecoder(SwapDecoderRegistry.CreateDefault(), data.LookupTables);

// 3. The ledger: an in-memory store and an ephemeral key (use RocksDbDnaStore and DnaSigner.LoadOrCreate(path) to persist).
await using var store = new InMemoryDnaStore();
using DnaSigner signer = DnaSigner.Generate();
await using var ledger = new DnaLedger(store, signer, new DnaLedgerOptions { StoreKind = DnaStoreKind.InMemory, Origin = "example.org/minimal" });
await ledger.OpenAsync();

var window = new DetectionWindow { AccountState = data.AccountState };
DecisionRecord? last = null;
foreach (GeneratedSlot slot in data.Slots)
{
    window.Clear();
    for (int i = 0; i < slot.Transactions.Count; i++)
    {
        if (!decoder.TryDecode(slot.Transactions[i].Wire, slot.Slot, i, window.AddNew()))
        {
            window.RemoveLast(); // not a well-formed transaction: skipped
        }
    }

    foreach (DetectionEvent d in pipeline.Detect(window))
    {
        last = await ledger.AppendAsync(DecisionDraft.FromDetection(d)); // durable when it returns
        Console.WriteLine($"slot {d.Slot}: {d.Kind} (confidence {d.Confidence:0.00}, {d.Detector}) -> record #{last.Sequence} {last.Id}");
    }
}

if (last is null)
{
    Console.WriteLine("no detections");
    return 1;
}

// 4. An offline-verifiable receipt (C2SP tlog-proof) for the last record.
TlogProof receipt = await ledger.GetReceiptAsync(last.Sequence);
string? problem = receipt.Verify(last.ToCanonicalBytes(), [ledger.CheckpointVerifier], ledger.Origin);
Console.WriteLine(problem is null ? $"receipt for record #{last.Sequence} verifies against the signed checkpoint ({ledger.Count} records)" : $"receipt FAILED: {problem}");
return problem is null ? 0 : 1;
