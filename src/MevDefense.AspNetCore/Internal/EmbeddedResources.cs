using Microsoft.AspNetCore.Http;

namespace MevDefense.AspNetCore.Internal;

/// <summary>Serves the embedded static files (OpenAPI document, dashboard page).</summary>
internal static class EmbeddedResources
{
    public static byte[] Read(string name)
    {
        using Stream stream = typeof(EmbeddedResources).Assembly.GetManifestResourceStream("MevDefense.AspNetCore." + name)
            ?? throw new InvalidOperationException($"The embedded resource {name} is missing.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    public static IResult Result(string name, string contentType) => TypedResults.Bytes(Read(name), contentType);
}
