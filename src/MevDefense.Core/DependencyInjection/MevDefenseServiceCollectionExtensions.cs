using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MevDefense;

/// <summary>Registers MevDefense in an <see cref="IServiceCollection"/>.</summary>
public static class MevDefenseServiceCollectionExtensions
{
    /// <summary>Adds the MevDefense core services and returns a builder for its features.</summary>
    /// <param name="services">The service collection.</param>
    /// <returns>A builder for chaining feature registrations.</returns>
    /// <remarks>Idempotent: safe to call multiple times, including from other libraries.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    public static IMevDefenseBuilder AddMevDefense(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<MevDefenseOptions>()
            .Configure(static o =>
            {
                if (o.SolanaRpc is null && Uri.TryCreate(Environment.GetEnvironmentVariable("SOLANA_RPC"), UriKind.Absolute, out var rpc))
                {
                    o.SolanaRpc = rpc;
                }
            });
        services.TryAddSingleton<MevDefenseMarker>();
        return new MevDefenseBuilder(services);
    }

    /// <summary>Adds the MevDefense core services with options and returns a builder for its features.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures <see cref="MevDefenseOptions"/>.</param>
    /// <returns>A builder for chaining feature registrations.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static IMevDefenseBuilder AddMevDefense(this IServiceCollection services, Action<MevDefenseOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var builder = services.AddMevDefense();
        services.Configure(configure);
        return builder;
    }

    private sealed record MevDefenseBuilder(IServiceCollection Services) : IMevDefenseBuilder;
}

/// <summary>Marks that <see cref="MevDefenseServiceCollectionExtensions.AddMevDefense(IServiceCollection)"/> ran (checked by <c>MapMevDefense</c>).</summary>
public sealed class MevDefenseMarker
{
}
