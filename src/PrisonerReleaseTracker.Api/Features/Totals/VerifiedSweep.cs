namespace PrisonerReleaseTracker.Api.Features.Totals;

/// <summary>
/// How many releases were Verified as of each of a few moments, by day of release, from the changes the history
/// records: for each day and each time bucket, how many releases became Verified (+1) or stopped being Verified (-1).
/// Bucket k holds the decisions made after moment k - 1 and at or before moment k (bucket 0: at or before the first),
/// so the releases of a day verified as of moment k are the changes of buckets 0..k added up. Every release starts
/// Reported, so nothing is verified before its first decision.
/// </summary>
public sealed class VerifiedSweep
{
    private readonly DateTimeOffset[] _moments;
    private readonly Dictionary<DateOnly, int[]> _verifiedByDay = [];

    /// <param name="moments">The moments asked about, distinct and in order.</param>
    /// <param name="changes">The net changes by day of release and bucket.</param>
    public VerifiedSweep(DateTimeOffset[] moments, IEnumerable<Change> changes)
    {
        _moments = moments;
        foreach (var change in changes)
        {
            if (!_verifiedByDay.TryGetValue(change.Day, out var byBucket))
            {
                _verifiedByDay[change.Day] = byBucket = new int[moments.Length];
            }

            // A decision after the last moment changes nothing asked about.
            if (change.Bucket < moments.Length)
            {
                byBucket[change.Bucket] += change.Verified;
            }
        }

        foreach (var byBucket in _verifiedByDay.Values)
        {
            for (var k = 1; k < byBucket.Length; k++)
            {
                byBucket[k] += byBucket[k - 1];
            }
        }
    }

    /// <summary>Releases dated in [from, to] that were Verified as of <paramref name="moment"/>, one of the moments given.</summary>
    public int Count(DateOnly from, DateOnly to, DateTimeOffset moment)
    {
        var k = Array.BinarySearch(_moments, moment);
        if (k < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(moment), moment, "Not one of the moments the sweep was built for.");
        }

        var total = 0;
        foreach (var (day, verified) in _verifiedByDay)
        {
            if (day >= from && day <= to)
            {
                total += verified[k];
            }
        }

        return total;
    }

    /// <summary>Releases dated <paramref name="Day"/> that became Verified (positive) or stopped being Verified (negative) in bucket <paramref name="Bucket"/>.</summary>
    public readonly record struct Change(DateOnly Day, int Bucket, int Verified);
}
