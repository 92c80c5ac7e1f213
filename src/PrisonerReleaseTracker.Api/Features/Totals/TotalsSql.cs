using Npgsql;
using NpgsqlTypes;
using PrisonerReleaseTracker.Domain.Releases;

namespace PrisonerReleaseTracker.Api.Features.Totals;

/// <summary>
/// The SQL of the totals, written out because it is what the benchmark replays with pgbench. Every text takes the same
/// parameters, bound from one <see cref="TotalsScope"/> by <see cref="Parameters"/>: <c>@from</c>, <c>@to</c>,
/// <c>@as_of</c>, <c>@verified_by</c>, <c>@unit</c> and <c>@claim_moments</c>. A count by status has a text for each
/// <see cref="StatusSource"/>, each whole and constant (a plan that reads the stored status from the covering index
/// alone stays that plan, prepared or not); the scope chooses the text. Names of tables and columns are checked
/// against the model by a test; enum values come from the enums; columns are named as the records that read them.
/// </summary>
internal static class TotalsSql
{
    private const string Verified = nameof(VerificationStatus.Verified);
    private const string Retracted = nameof(VerificationStatus.Retracted);

    /// <summary>The releases of the period with the status stored on each (kept in the same transaction as each decision).</summary>
    private const string StoredStatuses = """
        scoped AS (
            SELECT r.detainee_id, r.facility_id, r.kind, r.conditions_charges_dropped AS charges_dropped, r.released_on, r.status
            FROM releases r WHERE r.released_on BETWEEN @from AND @to)
        """;

    /// <summary>
    /// The releases of the period with their status as of <c>@as_of</c>: the latest decision that had occurred by then
    /// (by <c>@verified_by</c>, when given), found through the index on (release_id, occurred_at, recorded_at) that
    /// carries the status; <c>Reported</c> before any.
    /// </summary>
    private const string HistoryStatuses = $"""
        scoped AS (
            SELECT r.detainee_id, r.facility_id, r.kind, r.conditions_charges_dropped AS charges_dropped, r.released_on,
                   coalesce((SELECT e.status FROM verification_events e
                             WHERE e.release_id = r.id AND e.occurred_at <= @as_of AND (@verified_by IS NULL OR e.organization = @verified_by)
                             ORDER BY e.occurred_at DESC, e.recorded_at DESC LIMIT 1),
                            '{nameof(VerificationStatus.Reported)}') AS status
            FROM releases r WHERE r.released_on BETWEEN @from AND @to)
        """;

    /// <summary>Releases of the period by status, the people among the verified, and the verified whose charges were not dropped or are not known to be.</summary>
    private const string CountsOfScoped = $"""

        SELECT count(*) FILTER (WHERE status = '{Verified}')::int AS verified,
               count(*) FILTER (WHERE status = '{nameof(VerificationStatus.UnderVerification)}')::int AS under_verification,
               count(*) FILTER (WHERE status = '{nameof(VerificationStatus.Reported)}')::int AS reported,
               count(*) FILTER (WHERE status = '{nameof(VerificationStatus.Disputed)}')::int AS disputed,
               count(*) FILTER (WHERE status = '{nameof(VerificationStatus.Rejected)}')::int AS rejected,
               count(*) FILTER (WHERE status = '{Retracted}')::int AS retracted,
               count(DISTINCT detainee_id) FILTER (WHERE status = '{Verified}')::int AS verified_persons,
               count(*) FILTER (WHERE status = '{Verified}' AND charges_dropped IS FALSE)::int AS verified_with_charges_not_dropped,
               count(*) FILTER (WHERE status = '{Verified}' AND charges_dropped IS NULL)::int AS verified_with_charges_unknown
        FROM scoped
        """;

    public const string SummaryStored = $"WITH {StoredStatuses}{CountsOfScoped}";
    public const string SummaryHistory = $"WITH {HistoryStatuses}{CountsOfScoped}";

    private const string Ranked = "ORDER BY verified DESC, key";
    private const string VerifiedOfScoped = $", verified AS (SELECT * FROM scoped WHERE status = '{Verified}')";

    private const string ByFacility = $"""
        {VerifiedOfScoped}
        SELECT coalesce(v.facility_id::text, 'unknown') AS key, max(f.name) AS label, count(*)::int AS verified
        FROM verified v LEFT JOIN facilities f ON f.id = v.facility_id GROUP BY 1 {Ranked}
        """;

    private const string ByNationality = $"""
        {VerifiedOfScoped}
        SELECT coalesce(n.code, 'unknown') AS key, NULL AS label, count(*)::int AS verified
        FROM verified v JOIN detainees d ON d.id = v.detainee_id LEFT JOIN LATERAL unnest(d.nationalities) AS n(code) ON true GROUP BY 1 {Ranked}
        """;

    private const string ByCategory = $"""
        {VerifiedOfScoped}
        SELECT coalesce(c.name, 'unknown') AS key, NULL AS label, count(*)::int AS verified
        FROM verified v JOIN detainees d ON d.id = v.detainee_id LEFT JOIN LATERAL unnest(d.categories) AS c(name) ON true GROUP BY 1 {Ranked}
        """;

    private const string ByGender = $"""
        {VerifiedOfScoped}
        SELECT d.gender AS key, NULL AS label, count(*)::int AS verified
        FROM verified v JOIN detainees d ON d.id = v.detainee_id GROUP BY 1 {Ranked}
        """;

    private const string ByReleaseKind = $"""
        {VerifiedOfScoped}
        SELECT v.kind AS key, NULL AS label, count(*)::int AS verified FROM verified v GROUP BY 1 {Ranked}
        """;

    private const string ByChargesDropped = $"""
        {VerifiedOfScoped}
        SELECT CASE v.charges_dropped WHEN true THEN 'yes' WHEN false THEN 'no' ELSE 'unknown' END AS key, NULL AS label, count(*)::int AS verified
        FROM verified v GROUP BY 1 {Ranked}
        """;

    public const string ByFacilityStored = $"WITH {StoredStatuses}{ByFacility}";
    public const string ByFacilityHistory = $"WITH {HistoryStatuses}{ByFacility}";
    public const string ByNationalityStored = $"WITH {StoredStatuses}{ByNationality}";
    public const string ByNationalityHistory = $"WITH {HistoryStatuses}{ByNationality}";
    public const string ByCategoryStored = $"WITH {StoredStatuses}{ByCategory}";
    public const string ByCategoryHistory = $"WITH {HistoryStatuses}{ByCategory}";
    public const string ByGenderStored = $"WITH {StoredStatuses}{ByGender}";
    public const string ByGenderHistory = $"WITH {HistoryStatuses}{ByGender}";
    public const string ByReleaseKindStored = $"WITH {StoredStatuses}{ByReleaseKind}";
    public const string ByReleaseKindHistory = $"WITH {HistoryStatuses}{ByReleaseKind}";
    public const string ByChargesDroppedStored = $"WITH {StoredStatuses}{ByChargesDropped}";
    public const string ByChargesDroppedHistory = $"WITH {HistoryStatuses}{ByChargesDropped}";

    /// <summary>One bucket per day or week (<c>@unit</c>) of the period, empty ones included; weeks cut at <c>@from</c>.</summary>
    private const string BucketsOfScoped = $"""
        , buckets AS (
            SELECT DISTINCT greatest(date_trunc(@unit, day)::date, @from) AS bucket
            FROM generate_series(@from::timestamp, @to::timestamp, interval '1 day') AS day)
        SELECT b.bucket, count(s.status) FILTER (WHERE s.status = '{Verified}')::int AS verified,
               count(s.status) FILTER (WHERE s.status = '{nameof(VerificationStatus.Reported)}')::int AS reported
        FROM buckets b LEFT JOIN scoped s ON greatest(date_trunc(@unit, s.released_on::timestamp)::date, @from) = b.bucket
        GROUP BY b.bucket ORDER BY b.bucket
        """;

    public const string TimelineStored = $"WITH {StoredStatuses}{BucketsOfScoped}";
    public const string TimelineHistory = $"WITH {HistoryStatuses}{BucketsOfScoped}";

    /// <summary>The count by status, for the scope's source of statuses.</summary>
    public static string Summary(TotalsScope scope) => scope.Statuses == StatusSource.Stored ? SummaryStored : SummaryHistory;

    /// <summary>The timeline, for the scope's source of statuses.</summary>
    public static string Timeline(TotalsScope scope) => scope.Statuses == StatusSource.Stored ? TimelineStored : TimelineHistory;

    /// <summary>Verified releases by dimension, most first, for the scope's source of statuses.</summary>
    public static string Breakdown(TotalsGroupBy groupBy, TotalsScope scope) => Breakdowns[(groupBy, scope.Statuses)];

    private static readonly Dictionary<(TotalsGroupBy, StatusSource), string> Breakdowns = new()
    {
        [(TotalsGroupBy.Facility, StatusSource.Stored)] = ByFacilityStored,
        [(TotalsGroupBy.Facility, StatusSource.History)] = ByFacilityHistory,
        [(TotalsGroupBy.Nationality, StatusSource.Stored)] = ByNationalityStored,
        [(TotalsGroupBy.Nationality, StatusSource.History)] = ByNationalityHistory,
        [(TotalsGroupBy.Category, StatusSource.Stored)] = ByCategoryStored,
        [(TotalsGroupBy.Category, StatusSource.History)] = ByCategoryHistory,
        [(TotalsGroupBy.Gender, StatusSource.Stored)] = ByGenderStored,
        [(TotalsGroupBy.Gender, StatusSource.History)] = ByGenderHistory,
        [(TotalsGroupBy.ReleaseKind, StatusSource.Stored)] = ByReleaseKindStored,
        [(TotalsGroupBy.ReleaseKind, StatusSource.History)] = ByReleaseKindHistory,
        [(TotalsGroupBy.ChargesDropped, StatusSource.Stored)] = ByChargesDroppedStored,
        [(TotalsGroupBy.ChargesDropped, StatusSource.History)] = ByChargesDroppedHistory,
    };

    /// <summary>The ids of the active claims about releases, stated by the moment, whose period overlaps the scope's.</summary>
    public const string ClaimsBeside = $"""
        SELECT c.id AS "Value" FROM claims c
        WHERE c.metric = '{nameof(Domain.Claims.ClaimMetric.Releases)}' AND c.stated_at <= @as_of
          AND c.period_from <= @to AND c.period_to >= @from AND (c.ended_at IS NULL OR c.ended_at > @as_of)
        """;

    /// <summary>
    /// For each day of release and bucket of time between the claims' moments (<c>@claim_moments</c>) and the scope's,
    /// how many releases became Verified (+1) or stopped being Verified (-1) by a decision in that bucket: every
    /// Verified decision and every retraction (<see cref="VerificationRules.VerifiedChange"/>), read from one partial
    /// index by day of release.
    /// </summary>
    public const string VerifiedChanges = $"""
        SELECT e.released_on, width_bucket(e.occurred_at, @claim_moments::timestamptz[]) AS bucket,
               sum(CASE e.status WHEN '{Verified}' THEN 1 ELSE -1 END)::int AS verified
        FROM verification_events e
        WHERE e.released_on BETWEEN @from AND @to AND e.status IN ('{Verified}', '{Retracted}') AND e.occurred_at <= @as_of
        GROUP BY 1, 2
        """;

    /// <summary>
    /// The same changes counting one organization's decisions only. Its decisions alone do not follow the transition
    /// rules (another organization's may come between), so each release's are replayed in order (from the history
    /// index, without a sort) and a change is a move into or out of Verified.
    /// </summary>
    public const string VerifiedChangesByOrganization = $"""
        SELECT r.released_on, c.bucket, sum(c.change)::int AS verified
        FROM releases r
        CROSS JOIN LATERAL (
            SELECT width_bucket(e.occurred_at, @claim_moments::timestamptz[]) AS bucket,
                   (e.status = '{Verified}')::int
                   - (coalesce(lag(e.status) OVER (ORDER BY e.occurred_at, e.recorded_at), '{nameof(VerificationStatus.Reported)}') = '{Verified}')::int AS change
            FROM verification_events e
            WHERE e.release_id = r.id AND e.occurred_at <= @as_of AND e.organization = @verified_by) c
        WHERE r.released_on BETWEEN @from AND @to AND c.change <> 0
        GROUP BY 1, 2
        """;

    /// <summary>The one way the scope reaches SQL: every text above gets these, whichever it uses.</summary>
    public static object[] Parameters(TotalsScope scope) =>
    [
        new NpgsqlParameter("from", NpgsqlDbType.Date) { Value = scope.From },
        new NpgsqlParameter("to", NpgsqlDbType.Date) { Value = scope.To },
        new NpgsqlParameter("as_of", NpgsqlDbType.TimestampTz) { Value = scope.AsOf },
        new NpgsqlParameter("verified_by", NpgsqlDbType.Text) { Value = (object?)scope.VerifiedBy ?? DBNull.Value },
        new NpgsqlParameter("unit", NpgsqlDbType.Text) { Value = scope.Interval == TimelineInterval.Week ? "week" : "day" },
        // Bucket k holds the decisions that occurred after moment k - 1 and at or before moment k: width_bucket counts the
        // bounds at or below a value, and a bound one microsecond (timestamptz's precision) after each moment puts a
        // decision made exactly at a moment into that moment's bucket. The last bucket ends at @as_of.
        new NpgsqlParameter("claim_moments", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz)
        {
            Value = scope.ClaimMoments.Select(m => m.AddTicks(TimeSpan.TicksPerMicrosecond)).ToArray(),
        },
    ];
}

/// <summary>Where a release's status as of the scope's moment is read.</summary>
public enum StatusSource
{
    /// <summary>The status stored on the release: right for "now", when every decision already happened.</summary>
    Stored,

    /// <summary>The verification history, as of the moment (and, with <c>verifiedBy</c>, one organization's decisions).</summary>
    History,
}

/// <summary>
/// Everything a totals answer depends on, decided once per request from the query and one reading of the clock, and
/// carried whole to SQL (<see cref="TotalsSql.Parameters"/>).
/// </summary>
/// <param name="From">First release day counted.</param>
/// <param name="To">Last release day counted.</param>
/// <param name="AsOf">The moment the answer is true at, UTC.</param>
/// <param name="VerifiedBy">Only this organization's decisions count, when given.</param>
/// <param name="Statuses">Where each release's status is read.</param>
/// <param name="Interval">The timeline's buckets.</param>
/// <param name="ClaimMoments">When the claims beside the answer were stated, distinct and in order; none until they are read.</param>
public sealed record TotalsScope(DateOnly From, DateOnly To, DateTimeOffset AsOf, string? VerifiedBy, StatusSource Statuses, TimelineInterval Interval,
    IReadOnlyList<DateTimeOffset> ClaimMoments)
{
    /// <summary>
    /// The scope of <paramref name="query"/> at <paramref name="now"/>: as of now when <c>asOf</c> is omitted; <c>to</c>
    /// is the day of that moment when omitted. An answer as of now (or later: no decision is dated in the future) reads
    /// the stored statuses, unless it counts one organization's decisions only.
    /// </summary>
    public static TotalsScope Of(TotalsScopeQuery query, TimelineInterval interval, DateTimeOffset now)
    {
        var asOf = (query.AsOf?.Instant ?? now).ToUniversalTime();
        var statuses = query.VerifiedBy is null && asOf >= now ? StatusSource.Stored : StatusSource.History;
        return new TotalsScope(query.From!.Value, query.To ?? DateOnly.FromDateTime(asOf.UtcDateTime), asOf, query.VerifiedBy, statuses, interval, []);
    }
}
