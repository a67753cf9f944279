namespace MevDefense.AspNetCore;

/// <summary>Options of the ASP.NET Core add-on (configuration section <c>MevDefense:AspNetCore</c>).</summary>
public sealed class MevDefenseAspNetCoreOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "MevDefense:AspNetCore";

    /// <summary>The name of the rate-limiter policy applied to the API endpoints.</summary>
    public const string RateLimiterPolicyName = "MevDefense";

    /// <summary>Gets or sets the API key that write endpoints (<c>POST /detect</c>, <c>POST /dna/event</c>) require; no key is required when empty.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? ApiKey { get; set; }

    /// <summary>Gets or sets the request header that carries the API key.</summary>
    /// <value>The default value is <c>X-Api-Key</c>.</value>
    public string ApiKeyHeader { get; set; } = "X-Api-Key";

    /// <summary>Gets or sets the largest accepted request body in bytes; larger bodies get 413.</summary>
    /// <value>The default value is 4 MiB.</value>
    public int MaxRequestBodyBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Gets or sets the largest number of transactions one <c>POST /detect</c> request may carry.</summary>
    /// <value>The default value is 4096.</value>
    public int MaxDetectTransactions { get; set; } = 4096;

    /// <summary>Gets or sets the number of messages each WebSocket client may have queued; a client whose queue is full is disconnected.</summary>
    /// <value>The default value is 256.</value>
    public int StreamQueueCapacity { get; set; } = 256;

    /// <summary>Gets or sets the largest number of concurrent WebSocket clients; further clients are refused with 503.</summary>
    /// <value>The default value is 1024.</value>
    public int MaxStreamClients { get; set; } = 1024;

    /// <summary>Gets or sets how long a slow client's close handshake may take before its connection is aborted.</summary>
    /// <value>The default value is 5 seconds.</value>
    public TimeSpan SlowClientCloseTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets a value indicating whether the live dashboard page is served at <c>{prefix}/dashboard</c>.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool EnableDashboard { get; set; }

    /// <summary>Gets or sets the path of the Prometheus scrape endpoint mapped by <c>MapMevDefense</c>; <see langword="null"/> or empty maps none.</summary>
    /// <value>The default value is <c>/metrics</c>.</value>
    public string? MetricsPath { get; set; } = "/metrics";

    /// <summary>Gets or sets a value indicating whether the API endpoints are rate limited (the host must call <c>app.UseRateLimiter()</c>).</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool RateLimitingEnabled { get; set; } = true;

    /// <summary>Gets or sets the number of API requests each client address may make per <see cref="RateLimitWindow"/>.</summary>
    /// <value>The default value is 200.</value>
    public int RateLimitPermits { get; set; } = 200;

    /// <summary>Gets or sets the fixed rate-limit window.</summary>
    /// <value>The default value is 1 second.</value>
    public TimeSpan RateLimitWindow { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the timeout of the anchor RPC health probe.</summary>
    /// <value>The default value is 2 seconds.</value>
    public TimeSpan RpcHealthTimeout { get; set; } = TimeSpan.FromSeconds(2);
}
