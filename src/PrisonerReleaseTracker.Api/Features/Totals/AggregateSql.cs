using static PrisonerReleaseTracker.Api.Features.Totals.TotalsSql;

namespace PrisonerReleaseTracker.Api.Features.Totals;

/// <summary>
/// The totals as of now, known now (<see cref="StatusSource.Stored"/>), read from the aggregates the database keeps in
/// the same transaction as every write (<see cref="Data.TotalsAggregates"/>), and the fold that compacts them. Every
/// read sums insert-only deltas over the days (or claims) it covers: its cost grows with days and keys, not with the
/// releases and decisions of the period. The parameters are <see cref="TotalsSql.Parameters"/>'s. What is not here
/// (breakdowns by facility, kind and person, the history and replay paths) reads the records
/// (<see cref="TotalsSql"/>, <see cref="ReplaySql"/>).
/// </summary>
internal static class AggregateSql
{
    private const string UnderVerification = nameof(VerificationStatus.UnderVerification);

    /// <summary>
    /// The whole months of the period, <c>months.first</c> (the first 1st on or after <c>@from</c>) up to, not
    /// including, <c>months.after</c> (the 1st after the last month that ends by <c>@to</c>); none when no month fits.
    /// </summary>
    private const string Months = """
        months AS (
            SELECT f.first, greatest(f.first, date_trunc('month', (@to::date + 1)::timestamp)::date) AS after
            FROM (SELECT (date_trunc('month', (@from::date - 1)::timestamp) + interval '1 month')::date AS first) f)
        """;

    /// <summary>
    /// The release counts of the period (status, state of charges, delta) on <see cref="Months"/>: its whole months from
    /// the counts by month, the days before and after them from the counts by day. Three range reads, so that a period
    /// of years reads about twelve rows a key a year and at most two months of days.
    /// </summary>
    private const string ReleaseCounts = """
        SELECT m.status, m.charges_dropped, m.delta FROM release_count_month_deltas m, months
        WHERE m.month >= months.first AND m.month < months.after
        UNION ALL
        SELECT d.status, d.charges_dropped, d.delta FROM release_count_deltas d, months
        WHERE d.released_on >= @from AND d.released_on < least(months.first, @to::date + 1)
        UNION ALL
        SELECT d.status, d.charges_dropped, d.delta FROM release_count_deltas d, months
        WHERE d.released_on >= greatest(months.after, @from) AND d.released_on <= @to
        """;

    /// <summary>
    /// The summary: releases of the period by status and state of charges, and the people among the verified, one row
    /// for each person's last verified day in the period: their last of all, or one whose next verified day is after
    /// <c>@to</c> (none when <c>@to</c> is today).
    /// </summary>
    public const string Summary = $"""
        WITH {Months}, counts AS (SELECT status, charges_dropped, sum(delta) AS n FROM ({ReleaseCounts}) c GROUP BY 1, 2)
        SELECT coalesce(sum(n) FILTER (WHERE status = '{Verified}'), 0)::int AS verified,
               coalesce(sum(n) FILTER (WHERE status = '{UnderVerification}'), 0)::int AS under_verification,
               coalesce(sum(n) FILTER (WHERE status = '{Reported}'), 0)::int AS reported,
               coalesce(sum(n) FILTER (WHERE status = '{nameof(VerificationStatus.Disputed)}'), 0)::int AS disputed,
               coalesce(sum(n) FILTER (WHERE status = '{nameof(VerificationStatus.Rejected)}'), 0)::int AS rejected,
               coalesce(sum(n) FILTER (WHERE status = '{Retracted}'), 0)::int AS retracted,
               ((SELECT coalesce(sum(delta), 0) FROM verified_person_deltas
                 WHERE next_verified_on IS NULL AND released_on BETWEEN @from AND @to)
                + (SELECT coalesce(sum(delta), 0) FROM verified_person_deltas
                   WHERE next_verified_on > @to AND released_on BETWEEN @from AND @to))::int AS verified_persons,
               coalesce(sum(n) FILTER (WHERE status = '{Verified}' AND charges_dropped IS FALSE), 0)::int AS verified_with_charges_not_dropped,
               coalesce(sum(n) FILTER (WHERE status = '{Verified}' AND charges_dropped IS NULL), 0)::int AS verified_with_charges_unknown
        FROM counts
        """;

    /// <summary>Verified releases by whether the charges were dropped, from the counts.</summary>
    public const string ByChargesDropped = $"""
        WITH {Months}
        SELECT CASE charges_dropped WHEN true THEN 'yes' WHEN false THEN 'no' ELSE 'unknown' END AS key, NULL AS label, sum(delta)::int AS verified
        FROM ({ReleaseCounts}) c WHERE status = '{Verified}'
        GROUP BY 1 HAVING sum(delta) <> 0 ORDER BY verified DESC, key
        """;

    /// <summary>Verified and reported releases per bucket of the period, from the counts.</summary>
    public const string Timeline = $"""
        WITH buckets AS (
            SELECT DISTINCT greatest(date_trunc(@unit, day)::date, @from) AS bucket
            FROM generate_series(@from::timestamp, @to::timestamp, interval '1 day') AS day),
        days AS (
            SELECT released_on, sum(delta) FILTER (WHERE status = '{Verified}') AS verified, sum(delta) FILTER (WHERE status = '{Reported}') AS reported
            FROM release_count_deltas WHERE released_on BETWEEN @from AND @to GROUP BY released_on)
        SELECT b.bucket, coalesce(sum(d.verified), 0)::int AS verified, coalesce(sum(d.reported), 0)::int AS reported
        FROM buckets b LEFT JOIN days d ON greatest(date_trunc(@unit, d.released_on::timestamp)::date, @from) = b.bucket
        GROUP BY b.bucket ORDER BY b.bucket
        """;

    /// <summary>
    /// The claims beside the answer as <see cref="TotalsSql.ClaimsShown"/> shows them, each with its verified counts as
    /// of its statement and as of now (no decision is dated in the future), kept by the database: the releases of its
    /// period made Verified less those retracted, by decisions at or before its statement, and by all. One statement,
    /// the claims read once: about half the cost of the claims and their counts read apart (bench/README.md).
    /// </summary>
    public const string ClaimsShown = $"""
        SELECT {ClaimColumns}, k.verified_at_statement, k.verified_now
        FROM claims c CROSS JOIN LATERAL (
            SELECT coalesce(sum(d.delta) FILTER (WHERE d.at_statement), 0)::int AS verified_at_statement, coalesce(sum(d.delta), 0)::int AS verified_now
            FROM claim_verified_deltas d WHERE d.claim_id = c.id) k
        WHERE {ClaimsBeside} ORDER BY c.stated_at, c.id
        """;

    /// <summary>The days with more rows than keys, each key's rows replaced by one holding their sum (none when it is 0).</summary>
    public static readonly string FoldReleaseCounts = Fold("release_count_deltas", "released_on", "status", "charges_dropped");

    /// <summary>As <see cref="FoldReleaseCounts"/>, for the counts by month.</summary>
    public static readonly string FoldReleaseMonthCounts = Fold("release_count_month_deltas", "month", "status", "charges_dropped");

    /// <summary>As <see cref="FoldReleaseCounts"/>, for the persons' verified days.</summary>
    public static readonly string FoldVerifiedPersons = Fold("verified_person_deltas", "released_on", "next_verified_on");

    /// <summary>As <see cref="FoldReleaseCounts"/>, for the claims' counts.</summary>
    public static readonly string FoldClaimCounts = Fold("claim_verified_deltas", "claim_id", "at_statement");

    /// <summary>
    /// The fold of an aggregate's deltas: where a <paramref name="group"/> (a day, a month, a claim) holds more rows than
    /// keys, the rows of each key become one holding their sum, none when it is 0. One statement: a reader sees it whole
    /// or not at all. Built from names written here, never from a value.
    /// </summary>
    private static string Fold(string table, string group, params string[] keys) => $"""
        WITH dirty AS (
            SELECT {group} FROM {table} GROUP BY {group} HAVING count(*) > count(DISTINCT ROW({string.Join(", ", keys)}))),
        folded AS (
            DELETE FROM {table} d USING dirty WHERE d.{group} = dirty.{group}
            RETURNING d.{group}, {string.Join(", ", keys.Select(k => "d." + k))}, d.delta)
        INSERT INTO {table} ({group}, {string.Join(", ", keys)}, delta)
        SELECT {group}, {string.Join(", ", keys)}, sum(delta) FROM folded GROUP BY {group}, {string.Join(", ", keys)} HAVING sum(delta) <> 0
        """;
}
