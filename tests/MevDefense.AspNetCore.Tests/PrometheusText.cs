namespace MevDefense.AspNetCore.Tests;

/// <summary>Reads samples out of Prometheus text exposition.</summary>
internal static class PrometheusText
{
    /// <summary>Returns whether a sample of <paramref name="metric"/> carries every given <c>label="value"</c> pair.</summary>
    public static bool HasSample(string text, string metric, params string[] labels) =>
        text.Split('\n').Any(line => line.StartsWith(metric + "{", StringComparison.Ordinal) && labels.All(l => line.Contains(l, StringComparison.Ordinal)));

    /// <summary>Sums the values of every sample of <paramref name="metric"/> carrying the given labels.</summary>
    public static double Sum(string text, string metric, params string[] labels)
    {
        double sum = 0;
        foreach (string line in text.Split('\n'))
        {
            if ((line.StartsWith(metric + "{", StringComparison.Ordinal) || line.StartsWith(metric + " ", StringComparison.Ordinal)) && labels.All(l => line.Contains(l, StringComparison.Ordinal)))
            {
                string rest = line.Contains('}', StringComparison.Ordinal) ? line[(line.LastIndexOf('}') + 1)..] : line[metric.Length..];
                sum += double.Parse(rest.Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return sum;
    }

    public static void AssertRejected(string text, string endpoint, string reason) =>
        Assert.True(Sum(text, "defensive_api_requests_rejected_total", $"endpoint=\"{endpoint}\"", $"reason=\"{reason}\"") >= 1,
            $"no defensive_api_requests_rejected_total{{endpoint=\"{endpoint}\",reason=\"{reason}\"}} in:\n{text}");
}
