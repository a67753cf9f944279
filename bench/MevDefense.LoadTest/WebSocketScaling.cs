using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.WebSockets;
using MevDefense.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MevDefense.LoadTest;

/// <summary>
/// N WebSocket subscribers on <c>/defensive/stream</c> served by a real Kestrel on 127.0.0.1 (this process) and connected from a
/// child process (so client memory is not counted): managed-heap and working-set growth per subscriber, delivery rate of M messages.
/// </summary>
internal static class WebSocketScaling
{
    public static async Task<Result> MeasureAsync(int clients, int messages, IReadOnlyList<DetectionEvent> events)
    {
        if (events.Count == 0)
        {
            throw new InvalidOperationException("no detections to publish");
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Services.AddMevDefense().AddAspNetCore(o =>
        {
            o.MaxStreamClients = Math.Max(1024, clients + 16);
            o.StreamQueueCapacity = Math.Max(256, messages); // no client can be dropped for being slow: we measure delivery
        });
        await using var app = builder.Build();
        app.UseWebSockets();
        app.MapMevDefense();
        await app.StartAsync().ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var url = new Uri(address.Replace("http://", "ws://", StringComparison.Ordinal).TrimEnd('/') + "/defensive/stream");
        var hub = app.Services.GetRequiredService<DefensiveStreamHub>();

        // Warm the hub's serializer and Kestrel once with one client so JIT/first-use allocations are not charged per subscriber.
        await RunClientsAsync(url, 1, 2, hub, events).ConfigureAwait(false);
        return await RunClientsAsync(url, clients, messages, hub, events).ConfigureAwait(false);
    }

    private static async Task<Result> RunClientsAsync(Uri url, int clients, int messages, DefensiveStreamHub hub, IReadOnlyList<DetectionEvent> events)
    {
        // The previous round's clients must be gone (their aborted connections would otherwise count as slow clients here).
        var gone = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 10;
        while (hub.Connections > 0 && Stopwatch.GetTimestamp() < gone)
        {
            await Task.Delay(10).ConfigureAwait(false);
        }

        long managedBefore = GC.GetTotalMemory(forceFullCollection: true);
        long wsBefore = WorkingSet();
        using var child = Process.Start(ChildProcess.Create(null, ["ws-clients", "--url", url.ToString(), "--clients", clients.ToString(CultureInfo.InvariantCulture), "--messages", messages.ToString(CultureInfo.InvariantCulture)]))
            ?? throw new InvalidOperationException("could not start the client process");
        try
        {
            string? line;
            while ((line = await child.StandardOutput.ReadLineAsync().ConfigureAwait(false)) is not null && line != "CONNECTED")
            {
                Console.WriteLine("    | " + line);
            }

            var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 60;
            while (hub.Connections < clients && Stopwatch.GetTimestamp() < deadline)
            {
                await Task.Delay(10).ConfigureAwait(false);
            }

            if (hub.Connections < clients)
            {
                throw new InvalidOperationException($"only {hub.Connections} of {clients} clients connected");
            }

            await Task.Delay(200).ConfigureAwait(false);
            long managedAfter = GC.GetTotalMemory(forceFullCollection: true);
            long wsAfter = WorkingSet();
            long slowBefore = hub.SlowClientsDisconnected;
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < messages; i++)
            {
                await hub.OnDetectionAsync(events[i % events.Count] with { InputReceivedTimestamp = Stopwatch.GetTimestamp() }).ConfigureAwait(false);
            }

            double publishUs = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            string? result = null;
            while ((line = await child.StandardOutput.ReadLineAsync().ConfigureAwait(false)) is not null)
            {
                if (line.StartsWith("RESULT ", StringComparison.Ordinal))
                {
                    result = line;
                    break;
                }
            }

            await child.StandardInput.WriteLineAsync("quit").ConfigureAwait(false);
            await child.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token).ConfigureAwait(false);
            var kv = (result ?? throw new InvalidOperationException("client process gave no result"))["RESULT ".Length..]
                .Split(' ').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
            return new(
                (managedAfter - managedBefore) / (double)clients,
                (wsAfter - wsBefore) / (double)clients,
                long.Parse(kv["received"], CultureInfo.InvariantCulture),
                double.Parse(kv["seconds"], CultureInfo.InvariantCulture),
                publishUs,
                hub.SlowClientsDisconnected - slowBefore);
        }
        finally
        {
            if (!child.HasExited)
            {
                child.Kill(entireProcessTree: true);
            }
        }
    }

    private static long WorkingSet()
    {
        using var self = Process.GetCurrentProcess();
        return self.WorkingSet64;
    }

    /// <summary>Child mode: connects N clients, prints CONNECTED, counts messages until each has M (or 60 s), prints RESULT, closes on "quit".</summary>
    public static async Task<int> RunClientsChildAsync(string[] args)
    {
        var url = new Uri(Program.Str(args, "--url") ?? throw new ArgumentException("--url is required"));
        int clients = Program.Int(args, "--clients", 10);
        int messages = Program.Int(args, "--messages", 256);
        var sockets = new ClientWebSocket[clients];
        for (int i = 0; i < clients; i += 50)
        {
            await Task.WhenAll(Enumerable.Range(i, Math.Min(50, clients - i)).Select(async j =>
            {
                var ws = new ClientWebSocket();
                await ws.ConnectAsync(url, CancellationToken.None).ConfigureAwait(false);
                sockets[j] = ws;
            })).ConfigureAwait(false);
        }

        long first = 0, last = 0, received = 0;
        using var cts = new CancellationTokenSource();
        var readers = sockets.Select(ws => Task.Run(async () =>
        {
            var buffer = new byte[64 * 1024];
            int got = 0;
            try
            {
                while (got < messages)
                {
                    var r = await ws.ReceiveAsync(buffer, cts.Token).ConfigureAwait(false);
                    if (r.MessageType == WebSocketMessageType.Close)
                    {
                        break;
                    }

                    if (r.EndOfMessage)
                    {
                        got++;
                        long now = Stopwatch.GetTimestamp();
                        Interlocked.CompareExchange(ref first, now, 0);
                        long seen;
                        do
                        {
                            seen = Interlocked.Read(ref last);
                        }
                        while (now > seen && Interlocked.CompareExchange(ref last, now, seen) != seen);
                        Interlocked.Increment(ref received);
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
            catch (WebSocketException)
            {
            }
        })).ToArray();

        Console.WriteLine("CONNECTED");
        cts.CancelAfter(TimeSpan.FromSeconds(60));
        await Task.WhenAll(readers).ConfigureAwait(false);
        double seconds = first == 0 ? 0 : (last - first) / (double)Stopwatch.Frequency;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT received={Interlocked.Read(ref received)} seconds={seconds:F6}"));
        await Console.In.ReadLineAsync().ConfigureAwait(false);
        foreach (var ws in sockets)
        {
            ws.Abort();
            ws.Dispose();
        }

        return 0;
    }

    internal sealed record Result(double ManagedPerClient, double WorkingSetPerClient, long Received, double Seconds, double PublishMicroseconds, long Slow);
}
