using System.Net.WebSockets;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace MevDefense.AspNetCore.Internal;

/// <summary><c>GET /stream</c>: upgrades to a WebSocket and serves it from the <see cref="DefensiveStreamHub"/>.</summary>
internal static class StreamEndpoint
{
    public const string Endpoint = "stream";

    public static async Task HandleAsync(HttpContext context)
    {
        IServiceProvider sp = context.RequestServices;
        var metrics = sp.GetRequiredService<AspNetCoreMetrics>();
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await ApiProblems.Create(metrics, Endpoint, ApiProblems.Invalid, StatusCodes.Status400BadRequest, "A WebSocket request is required.",
                "Connect with a WebSocket client (ws://host/defensive/stream); the host must call app.UseWebSockets().").ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        var hub = sp.GetRequiredService<DefensiveStreamHub>();
        var options = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<MevDefenseAspNetCoreOptions>>().Value;
        if (hub.Connections >= options.MaxStreamClients)
        {
            await ApiProblems.Create(metrics, Endpoint, ApiProblems.Unavailable, StatusCodes.Status503ServiceUnavailable, "Too many stream clients.",
                $"{options.MaxStreamClients} clients are connected (MevDefense:AspNetCore:MaxStreamClients).").ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        using WebSocket socket = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(sp.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping);
        if (!await hub.RunAsync(socket, stopping.Token).ConfigureAwait(false))
        {
            await socket.CloseAsync(WebSocketCloseStatus.EndpointUnavailable, "too many clients", CancellationToken.None).ConfigureAwait(false);
        }
    }
}
