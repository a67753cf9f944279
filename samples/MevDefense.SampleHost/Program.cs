// MevDefense sample host: `dotnet run --project samples/MevDefense.SampleHost`
// Replays generated slots as real shreds through ingest -> detection -> Decision DNA (RocksDB under ./data) and serves the
// API on http://127.0.0.1:8000. Defensive only: it observes, scores and records; it never sends a transaction.
using MevDefense;
using MevDefense.AspNetCore;
using MevDefense.Detection;
using MevDefense.Dna;
using MevDefense.Ingest.Pipeline;
using MevDefense.Ingest.ShredStream;
using MevDefense.SampleHost;

SampleOptions sample;
try
{
    sample = SampleOptions.Parse(args);
}
catch (Exception ex) when (ex is ArgumentException or FormatException or UriFormatException)
{
    Console.Error.WriteLine($"MevDefense.SampleHost: {ex.Message}");
    return 2;
}

WebApplicationBuilder builder = WebApplication.CreateBuilder(args);
builder.WebHost.UseUrls($"http://127.0.0.1:{sample.Port}");
builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning).AddFilter("Microsoft.Hosting", LogLevel.Warning);
if (sample.Rpc is not null)
{
    builder.Configuration["MevDefense:SolanaRpc"] = sample.Rpc.ToString();
}

IMevDefenseBuilder mevDefense = builder.Services.AddMevDefense();
if (sample.UdpPort is not null || sample.ShredStream is not null)
{
    mevDefense.AddShredIngest(o =>
    {
        o.UdpEnabled = sample.UdpPort is not null;
        o.Port = sample.UdpPort ?? o.Port;
        o.ShredStreamEndpoint = sample.ShredStream;
        if (sample.Rpc is not null)
        {
            o.BackfillRpcEndpoints.Add(sample.Rpc);
        }
    });
}

mevDefense
    .AddOnnxDetector()
    .AddDetection()
    .AddDnaLedger(o =>
    {
        o.StoreKind = DnaStoreKind.RocksDb;
        o.StorePath = Path.Combine(sample.DataDirectory, "dna");
        o.Origin = "mevdefense.local/sample-host";
        o.CheckpointEveryRecords = 64;
    })
    .AddAspNetCore(o => o.EnableDashboard = true);

builder.Services.AddSingleton(sample);
builder.Services.AddSingleton(new ConsoleReporter(sample.Quiet));
builder.Services.AddSingleton(static sp => new SlotDetector(
    sp.GetRequiredService<DetectionPipeline>(),
    sp.GetRequiredService<DnaLedger>(),
    sp.GetRequiredService<DefensiveStreamHub>(),
    sp.GetRequiredService<ConsoleReporter>()));
builder.Services.AddSingleton<IShredPipelineObserver>(static sp => sp.GetRequiredService<SlotDetector>());
builder.Services.AddSingleton<IEntryBatchSink>(static sp => sp.GetRequiredService<SlotDetector>());
builder.Services.AddHostedService<ReplayService>();

WebApplication app = builder.Build();
app.UseWebSockets();
app.UseRateLimiter();
app.MapMevDefense();
app.MapGet("/", static () => Results.Redirect("/defensive/dashboard"));
await app.RunAsync();
return 0;
