namespace MevDefense.LoadTest;

/// <summary>
/// HdrHistogram-style recorder: values in nanoseconds in log-linear buckets (each power of two split into 64 linear sub-buckets,
/// so a reported percentile is within 1/64 = 1.6% of the true value), fixed memory, no allocation per record.
/// </summary>
internal sealed class LatencyHistogram
{
    private const int SubBucketBits = 7;
    private const int SubBuckets = 1 << SubBucketBits;
    private const int MaxExponent = 40; // 2^40 ns = 18 minutes
    private readonly long[] _counts = new long[(MaxExponent + 1) * SubBuckets];
    private long _total;
    private long _max;
    private long _min = long.MaxValue;

    public long Count => _total;

    public void Record(long nanoseconds)
    {
        if (nanoseconds < 0)
        {
            nanoseconds = 0;
        }

        _counts[Index(nanoseconds)]++;
        _total++;
        _max = Math.Max(_max, nanoseconds);
        _min = Math.Min(_min, nanoseconds);
    }

    public void Add(LatencyHistogram other)
    {
        for (int i = 0; i < _counts.Length; i++)
        {
            _counts[i] += other._counts[i];
        }

        _total += other._total;
        _max = Math.Max(_max, other._max);
        _min = Math.Min(_min, other._min);
    }

    /// <summary>Returns the value at the given percentile (0..100) in nanoseconds (upper edge of its bucket, capped at max).</summary>
    public long Percentile(double percentile)
    {
        if (_total == 0)
        {
            return 0;
        }

        long rank = (long)Math.Ceiling(percentile / 100.0 * _total);
        rank = Math.Clamp(rank, 1, _total);
        long seen = 0;
        for (int i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
            {
                return Math.Min(UpperEdge(i), _max);
            }
        }

        return _max;
    }

    public long Max => _max;

    public long Min => _total == 0 ? 0 : _min;

    internal static int Index(long value)
    {
        if (value < SubBuckets)
        {
            return (int)value;
        }

        int exp = 63 - (int)long.LeadingZeroCount(value) - SubBucketBits + 1; // >= 1
        exp = Math.Min(exp, MaxExponent);
        long sub = (value >> exp) & (SubBuckets - 1);
        return Math.Min((exp * SubBuckets) + (int)sub, ((MaxExponent + 1) * SubBuckets) - 1);
    }

    internal static long UpperEdge(int index)
    {
        int exp = index / SubBuckets;
        long sub = index % SubBuckets;
        if (exp == 0)
        {
            return sub;
        }

        return ((sub + 1) << exp) - 1;
    }
}
