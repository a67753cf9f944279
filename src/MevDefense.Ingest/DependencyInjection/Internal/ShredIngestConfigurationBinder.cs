using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace MevDefense.Ingest.DependencyInjection.Internal;

/// <summary>Binds the <c>MevDefense:Ingest</c> section when the container has an <see cref="IConfiguration"/> (a generic host); otherwise does nothing.</summary>
internal sealed class ShredIngestConfigurationBinder(IServiceProvider services) : IConfigureOptions<ShredIngestOptions>
{
    public void Configure(ShredIngestOptions options)
    {
        if (services.GetService(typeof(IConfiguration)) is IConfiguration configuration)
        {
            configuration.GetSection(ShredIngestOptions.SectionName).Bind(options);
        }
    }
}
