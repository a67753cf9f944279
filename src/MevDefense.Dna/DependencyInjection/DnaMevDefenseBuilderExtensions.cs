using MevDefense.Dna;
using MevDefense.Dna.Internal;
using MevDefense.Dna.Stores;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MevDefense;

/// <summary>Registers the Decision DNA ledger on an <see cref="IMevDefenseBuilder"/>.</summary>
public static class DnaMevDefenseBuilderExtensions
{
    /// <summary>
    /// Adds the Decision DNA ledger: <see cref="DnaLedgerOptions"/> (section <c>MevDefense:Dna</c>, validated on start), the store
    /// selected by <see cref="DnaLedgerOptions.StoreKind"/>, the signing key, the <see cref="DnaLedger"/> (opened when the host starts)
    /// an <see cref="IDetectionEventSink"/> that records every detection, and a background service that anchors the latest checkpoint
    /// on Solana every <see cref="DnaLedgerOptions.AnchorEveryRecords"/> records or <see cref="DnaLedgerOptions.AnchorInterval"/> when
    /// <see cref="DnaLedgerOptions.AnchorPayerKeyFile"/> is set (endpoint <see cref="DnaLedgerOptions.AnchorRpcEndpoint"/> or <c>SOLANA_RPC</c>).
    /// </summary>
    /// <param name="builder">The MevDefense builder.</param>
    /// <returns>The same builder instance so that multiple calls can be chained.</returns>
    /// <remarks>Idempotent. Defaults use <c>TryAdd</c>, so a store or signer the host registered first wins; see <see cref="UseDnaStore{TStore}"/>.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static IMevDefenseBuilder AddDnaLedger(this IMevDefenseBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        IServiceCollection services = builder.Services;
        if (services.Any(static d => d.ServiceType == typeof(DnaLedgerMarker)))
        {
            return builder;
        }

        services.AddSingleton<DnaLedgerMarker>();
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptionsWithValidateOnStart<DnaLedgerOptions, DnaLedgerOptionsValidator>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DnaLedgerOptions>, DnaLedgerOptionsCrossValidator>());
        services.TryAddKeyedSingleton<IDnaStore>(DnaStoreKind.InMemory, static (_, _) => new InMemoryDnaStore());
        services.TryAddKeyedSingleton<IDnaStore>(DnaStoreKind.RocksDb, static (sp, _) =>
        {
            DnaLedgerOptions o = sp.GetRequiredService<IOptions<DnaLedgerOptions>>().Value;
            var storeOptions = new RocksDbDnaStoreOptions { Path = Path.Combine(o.StorePath!, DnaLedgerDefaults.RocksDbDirectoryName) };
            ILogger<RocksDbDnaStore>? logger = sp.GetService<ILogger<RocksDbDnaStore>>();
            return new DeferredDnaStore(async ct => await RocksDbDnaStore.OpenAsync(storeOptions, logger, ct).ConfigureAwait(false));
        });
        services.TryAddKeyedSingleton<IDnaStore>(DnaStoreKind.PostgreSql, static (sp, _) =>
        {
            DnaLedgerOptions o = sp.GetRequiredService<IOptions<DnaLedgerOptions>>().Value;
            var storeOptions = new PostgresDnaStoreOptions { ConnectionString = o.ConnectionString, ChainId = o.Origin };
            ILogger<PostgresDnaStore>? logger = sp.GetService<ILogger<PostgresDnaStore>>();
            return new DeferredDnaStore(async ct => await PostgresDnaStore.OpenAsync(storeOptions, logger, ct).ConfigureAwait(false));
        });
        services.TryAddSingleton<IDnaStore>(static sp =>
        {
            DnaStoreKind kind = sp.GetRequiredService<IOptions<DnaLedgerOptions>>().Value.StoreKind;
            return sp.GetKeyedService<IDnaStore>(kind)
                ?? throw new InvalidOperationException($"No Decision DNA store is registered for StoreKind {kind}. Register one with UseDnaStore<T>() or a keyed IDnaStore service.");
        });
        services.TryAddSingleton(static sp =>
        {
            DnaLedgerOptions o = sp.GetRequiredService<IOptions<DnaLedgerOptions>>().Value;
            string? keyFile = o.KeyFile ?? (o.StorePath is { Length: > 0 } dir ? Path.Combine(dir, DnaLedgerDefaults.KeyFileName) : null);
            if (keyFile is null)
            {
                return DnaSigner.Generate(); // in-memory ledger without a key file: an ephemeral key
            }

            bool existed = File.Exists(keyFile);
            DnaSigner signer = DnaSigner.LoadOrCreate(keyFile);
            if (!existed)
            {
                DnaLog.SigningKeyCreated(sp.GetRequiredService<ILoggerFactory>().CreateLogger<DnaLedger>(), signer.KeyId, keyFile);
            }

            return signer;
        });
        services.TryAddSingleton(static sp => new DnaLedger(
            sp.GetRequiredService<IDnaStore>(),
            sp.GetRequiredService<DnaSigner>(),
            sp.GetRequiredService<IOptions<DnaLedgerOptions>>().Value,
            sp.GetService<TimeProvider>(),
            sp.GetService<ILogger<DnaLedger>>(),
            sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDetectionEventSink, DnaLedgerDetectionSink>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, DnaLedgerHostedService>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, DnaAnchorService>());
        return builder;
    }

    /// <summary>Adds the Decision DNA ledger and configures its options.</summary>
    /// <param name="builder">The MevDefense builder.</param>
    /// <param name="configure">Configures <see cref="DnaLedgerOptions"/>.</param>
    /// <returns>The same builder instance so that multiple calls can be chained.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static IMevDefenseBuilder AddDnaLedger(this IMevDefenseBuilder builder, Action<DnaLedgerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.AddDnaLedger();
        builder.Services.Configure(configure);
        return builder;
    }

    /// <summary>Adds the Decision DNA ledger and binds its options from configuration (for example the <c>MevDefense:Dna</c> section).</summary>
    /// <param name="builder">The MevDefense builder.</param>
    /// <param name="configuration">The configuration section to bind.</param>
    /// <returns>The same builder instance so that multiple calls can be chained.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static IMevDefenseBuilder AddDnaLedger(this IMevDefenseBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        builder.AddDnaLedger();
        builder.Services.Configure<DnaLedgerOptions>(configuration);
        return builder;
    }

    /// <summary>Replaces the ledger's store with <typeparamref name="TStore"/> (a singleton).</summary>
    /// <typeparam name="TStore">The store type.</typeparam>
    /// <param name="builder">The MevDefense builder.</param>
    /// <returns>The same builder instance so that multiple calls can be chained.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static IMevDefenseBuilder UseDnaStore<TStore>(this IMevDefenseBuilder builder)
        where TStore : class, IDnaStore
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<IDnaStore, TStore>());
        return builder;
    }
}
