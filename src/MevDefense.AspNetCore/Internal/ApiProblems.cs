using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MevDefense.AspNetCore.Internal;

/// <summary>RFC 7807 / RFC 9457 problem responses of the API; every one is counted by endpoint and reason.</summary>
internal static class ApiProblems
{
    public const string MalformedJson = "malformed_json";
    public const string Invalid = "invalid";
    public const string TooLarge = "too_large";
    public const string NotFound = "not_found";
    public const string Unauthorized = "unauthorized";
    public const string RateLimited = "rate_limited";
    public const string Unavailable = "unavailable";

    public static ProblemHttpResult Create(AspNetCoreMetrics metrics, string endpoint, string reason, int status, string title, string detail,
        IDictionary<string, string[]>? errors = null)
    {
        metrics.Rejected(endpoint, reason);
        var extensions = new Dictionary<string, object?> { ["reason"] = reason };
        if (errors is not null)
        {
            extensions["errors"] = errors;
        }

        return TypedResults.Problem(detail: detail, statusCode: status, title: title, type: TypeFor(status), extensions: extensions);
    }

    public static ProblemHttpResult BadRequest(AspNetCoreMetrics metrics, string endpoint, string detail, IDictionary<string, string[]>? errors = null) =>
        Create(metrics, endpoint, Invalid, StatusCodes.Status400BadRequest, "The request is invalid.", detail, errors);

    public static ProblemHttpResult NotFoundProblem(AspNetCoreMetrics metrics, string endpoint, string detail) =>
        Create(metrics, endpoint, NotFound, StatusCodes.Status404NotFound, "Not found.", detail);

    public static ProblemHttpResult LedgerUnavailable(AspNetCoreMetrics metrics, string endpoint, string detail) =>
        Create(metrics, endpoint, Unavailable, StatusCodes.Status503ServiceUnavailable, "The Decision DNA ledger is unavailable.", detail);

    private static string TypeFor(int status) => status switch
    {
        400 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.1",
        401 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.2",
        404 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.5",
        413 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.14",
        415 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.16",
        429 => "https://www.rfc-editor.org/rfc/rfc6585#section-4",
        503 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.6.4",
        _ => "about:blank",
    };
}
