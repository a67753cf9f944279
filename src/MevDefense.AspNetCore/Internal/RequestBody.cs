using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MevDefense.AspNetCore.Internal;

/// <summary>Reads a JSON request body under the configured size limit; failures become problem results.</summary>
internal static class RequestBody
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 32, AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow };

    /// <summary>Reads and parses the body. Returns the document, or a 400/413/415 problem (counted).</summary>
    public static async Task<(JsonDocument? Document, byte[]? Bytes, ProblemHttpResult? Problem)> ReadJsonAsync(
        HttpRequest request, int limit, AspNetCoreMetrics metrics, string endpoint, CancellationToken cancellationToken)
    {
        if (request.ContentType is { } ct && !ct.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) && !ct.Contains("+json", StringComparison.OrdinalIgnoreCase))
        {
            return (null, null, ApiProblems.Create(metrics, endpoint, ApiProblems.Invalid, StatusCodes.Status415UnsupportedMediaType,
                "Unsupported media type.", $"Send the body as application/json (got '{ct}')."));
        }

        if (request.ContentLength > limit)
        {
            return (null, null, TooLarge(metrics, endpoint, limit));
        }

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = limit + 1L;
        }

        byte[] rented = ArrayPool<byte>.Shared.Rent(Math.Min(limit + 1, 64 * 1024));
        int length = 0;
        try
        {
            while (true)
            {
                if (length == rented.Length)
                {
                    if (length > limit)
                    {
                        return (null, null, TooLarge(metrics, endpoint, limit));
                    }

                    byte[] bigger = ArrayPool<byte>.Shared.Rent(Math.Min(Math.Max(rented.Length * 2, 1024), limit + 1));
                    rented.AsSpan(0, length).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(rented);
                    rented = bigger;
                }

                int n;
                try
                {
                    n = await request.Body.ReadAsync(rented.AsMemory(length), cancellationToken).ConfigureAwait(false);
                }
                catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
                {
                    return (null, null, TooLarge(metrics, endpoint, limit));
                }

                if (n == 0)
                {
                    break;
                }

                length += n;
                if (length > limit)
                {
                    return (null, null, TooLarge(metrics, endpoint, limit));
                }
            }

            if (length == 0)
            {
                return (null, null, ApiProblems.Create(metrics, endpoint, ApiProblems.MalformedJson, StatusCodes.Status400BadRequest,
                    "The request body is not valid JSON.", "The request body is empty."));
            }

            byte[] bytes = rented.AsSpan(0, length).ToArray();
            try
            {
                return (JsonDocument.Parse(bytes, DocumentOptions), bytes, null);
            }
            catch (JsonException ex)
            {
                string where = ex.LineNumber is { } line ? $" (line {line + 1}, byte {ex.BytePositionInLine + 1})" : string.Empty;
                return (null, null, ApiProblems.Create(metrics, endpoint, ApiProblems.MalformedJson, StatusCodes.Status400BadRequest,
                    "The request body is not valid JSON.", "The request body could not be parsed as JSON" + where + "."));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static ProblemHttpResult TooLarge(AspNetCoreMetrics metrics, string endpoint, int limit) =>
        ApiProblems.Create(metrics, endpoint, ApiProblems.TooLarge, StatusCodes.Status413PayloadTooLarge, "The request body is too large.",
            $"The request body exceeds the configured limit of {limit} bytes (MevDefense:AspNetCore:MaxRequestBodyBytes).");
}
