using MevDefense.Dna.Internal;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace MevDefense.Dna.Internal;

/// <summary>Marks that the ledger was registered (makes <c>AddDnaLedger</c> idempotent).</summary>
internal sealed class DnaLedgerMarker;

/// <summary>Opens the ledger when the host starts and flushes it when the host stops.</summary>
internal sealed class DnaLedgerHostedService(DnaLedger ledger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => ledger.OpenAsync(cancellationToken);

    public async Task StopAsync(CancellationToken cancellationToken) => await ledger.DisposeAsync().ConfigureAwait(false);
}

/// <summary>Forwards detections to the ledger (registered with <c>TryAddEnumerable</c>).</summary>
internal sealed class DnaLedgerDetectionSink(DnaLedger ledger) : IDetectionEventSink
{
    public ValueTask OnDetectionAsync(DetectionEvent detection, CancellationToken cancellationToken = default) =>
        ledger.OnDetectionAsync(detection, cancellationToken);
}

/// <summary>Data-annotation validation of <see cref="DnaLedgerOptions"/> (source generated).</summary>
[OptionsValidator]
internal sealed partial class DnaLedgerOptionsValidator : IValidateOptions<DnaLedgerOptions>;

/// <summary>Cross-field rules of <see cref="DnaLedgerOptions"/>.</summary>
internal sealed class DnaLedgerOptionsCrossValidator : IValidateOptions<DnaLedgerOptions>
{
    public ValidateOptionsResult Validate(string? name, DnaLedgerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (!Enum.IsDefined(options.StoreKind))
        {
            failures.Add($"StoreKind {options.StoreKind} is not defined.");
        }

        if (options.StoreKind == DnaStoreKind.RocksDb && string.IsNullOrWhiteSpace(options.StorePath))
        {
            failures.Add("StorePath is required when StoreKind is RocksDb.");
        }

        if (options.StoreKind == DnaStoreKind.PostgreSql && string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            failures.Add("ConnectionString is required when StoreKind is PostgreSql.");
        }

        if (options.StoreKind == DnaStoreKind.PostgreSql && options.KeyFile is null && options.StorePath is null)
        {
            failures.Add("KeyFile (or StorePath) is required when StoreKind is PostgreSql: each host needs a persistent signing key.");
        }

        if (options.AnchorPayerKeyFile is not null)
        {
            if (options.AnchorEveryRecords == 0 && options.AnchorInterval == TimeSpan.Zero)
            {
                failures.Add("AnchorPayerKeyFile is set but AnchorEveryRecords and AnchorInterval are both 0: nothing would ever be anchored.");
            }

            try
            {
                _ = new Anchoring.SolanaAnchorOptions { RpcEndpoint = options.AnchorRpcEndpoint }.ResolveEndpoint();
            }
            catch (InvalidOperationException ex)
            {
                failures.Add("Anchoring is configured (AnchorPayerKeyFile) but: " + ex.Message);
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
