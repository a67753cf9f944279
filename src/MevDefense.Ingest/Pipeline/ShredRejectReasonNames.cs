using MevDefense.Ingest.Shreds;

namespace MevDefense.Ingest.Pipeline;

/// <summary>Stable snake_case names of <see cref="ShredRejectReason"/> for metrics tags and JSON output.</summary>
public static class ShredRejectReasonNames
{
    private static readonly string[] Names = BuildNames();

    /// <summary>Gets the stable name of a reason (e.g. <c>too_short</c>, <c>invalid_merkle_proof</c>).</summary>
    /// <param name="reason">The reason.</param>
    /// <returns>The snake_case name.</returns>
    public static string Get(ShredRejectReason reason) => (uint)reason < (uint)Names.Length ? Names[(int)reason] : "unknown";

    private static string[] BuildNames()
    {
        var values = Enum.GetValues<ShredRejectReason>();
        var names = new string[values.Length];
        foreach (var v in values)
        {
            var s = v.ToString();
            var sb = new System.Text.StringBuilder(s.Length + 4);
            for (int i = 0; i < s.Length; i++)
            {
                if (char.IsUpper(s[i]) && i > 0)
                {
                    sb.Append('_');
                }

                sb.Append(char.ToLowerInvariant(s[i]));
            }

            names[(int)v] = sb.ToString();
        }

        return names;
    }
}
