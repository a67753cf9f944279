using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MevDefense.AspNetCore.Internal;

/// <summary>Requires <see cref="MevDefenseAspNetCoreOptions.ApiKey"/> (compared in constant time) on write endpoints when one is configured.</summary>
internal sealed class ApiKeyFilter(string endpoint) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        HttpContext http = context.HttpContext;
        MevDefenseAspNetCoreOptions options = http.RequestServices.GetRequiredService<IOptions<MevDefenseAspNetCoreOptions>>().Value;
        if (options.ApiKey is { Length: > 0 } expected)
        {
            string presented = http.Request.Headers[options.ApiKeyHeader].ToString();
            if (!CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), SHA256.HashData(Encoding.UTF8.GetBytes(expected))))
            {
                var metrics = http.RequestServices.GetRequiredService<AspNetCoreMetrics>();
                http.Response.Headers.WWWAuthenticate = $"ApiKey header=\"{options.ApiKeyHeader}\"";
                return ApiProblems.Create(metrics, endpoint, ApiProblems.Unauthorized, StatusCodes.Status401Unauthorized, "An API key is required.",
                    $"Send the API key in the '{options.ApiKeyHeader}' header.");
            }
        }

        return await next(context).ConfigureAwait(false);
    }
}
