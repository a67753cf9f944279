using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MevDefense.Ingest.Tests.Transport;

/// <summary>A JSON-RPC server on 127.0.0.1 that answers with a handler and records the requests.</summary>
internal sealed class RpcServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RpcServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    public List<JsonNode> Requests { get; } = [];

    /// <summary>Starts a server whose handler maps (method, params) to a 200 response body.</summary>
    public static Task<RpcServer> StartAsync(Func<string, JsonNode?, string> respond)
        => StartAsync(body => (StatusCodes.Status200OK, respond((string)body["method"]!, body["params"])));

    /// <summary>Starts a server whose handler maps the whole request to an HTTP status and a response body.</summary>
    public static async Task<RpcServer> StartAsync(Func<JsonNode, (int Status, string Body)> answer)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        RpcServer? self = null;
        app.MapPost("/", async (HttpContext ctx) =>
        {
            var body = (await JsonNode.ParseAsync(ctx.Request.Body))!;
            lock (self!.Requests)
            {
                self.Requests.Add(body);
            }

            var (status, text) = answer(body);
            ctx.Response.StatusCode = status;
            ctx.Response.ContentType = "application/json";
            await ctx.Response.WriteAsync(text);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        self = new RpcServer(app, new Uri(address + "/"));
        return self;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
