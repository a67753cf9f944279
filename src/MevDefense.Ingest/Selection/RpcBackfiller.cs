using MevDefense.Ingest.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MevDefense.Ingest.Selection;

/// <summary>
/// Backfills a slot the shred path could not complete: asks the <see cref="SourceSelector"/> to rank the JSON-RPC routes, fetches
/// <c>getBlock</c> from the best one, falls back to the next on failure, and rewards or penalizes each route it tried.
/// </summary>
public sealed class RpcBackfiller
{
    private readonly SourceSelector _selector;
    private readonly Dictionary<int, SolanaRpcClient> _routes;
    private readonly ILogger _logger;

    /// <summary>Creates a backfiller and registers the routes with the selector as <see cref="SourceKind.RpcRoute"/>s.</summary>
    /// <param name="selector">The selector that ranks the routes.</param>
    /// <param name="routes">The routes by source id.</param>
    /// <param name="logger">The logger, or <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public RpcBackfiller(SourceSelector selector, IReadOnlyDictionary<int, SolanaRpcClient> routes, ILogger<RpcBackfiller>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(selector);
        ArgumentNullException.ThrowIfNull(routes);
        _selector = selector;
        _routes = new Dictionary<int, SolanaRpcClient>(routes);
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        foreach (var (id, client) in _routes)
        {
            selector.Register(id, client.Endpoint.ToString(), SourceKind.RpcRoute);
        }
    }

    /// <summary>Fetches the block of a slot through the best-ranked route, trying the others in rank order on failure.</summary>
    /// <param name="slot">The slot.</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    /// <returns>The block and the id of the route that served it, or <see langword="null"/> when no route had it.</returns>
    public async Task<(RpcBlock Block, int RouteId)?> BackfillAsync(ulong slot, CancellationToken cancellationToken = default)
    {
        foreach (var id in _selector.Rank(SourceKind.RpcRoute))
        {
            var client = _routes[id];
            string reason;
            try
            {
                var block = await client.GetBlockAsync(slot, cancellationToken).ConfigureAwait(false);
                if (block is not null)
                {
                    _selector.RecordOutcome(id, success: true);
                    return (block, id);
                }

                reason = "no block for the slot";
            }
            catch (Exception e) when (e is HttpRequestException or SolanaRpcException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                reason = e.Message;
            }

            _selector.RecordOutcome(id, success: false);
            TransportLog.BackfillFailed(_logger, slot, client.Endpoint.ToString(), reason);
        }

        return null;
    }
}
