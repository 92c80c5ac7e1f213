using Npgsql;
using NpgsqlTypes;

namespace PrisonerReleaseTracker.Api.Features.Totals;

/// <summary>
/// The SQL of the totals on the path of answers known now (<see cref="StatusSource.Stored"/> and
/// <see cref="StatusSource.History"/>), written out because it is what the benchmark replays with pgbench; answers known
/// at a past moment take <see cref="ReplaySql"/>, which shares the bodies here. As of now, the summary, the timeline,
/// the charges breakdown and the claims' counts read the aggregates instead (<see cref="AggregateSql"/>): the texts here
/// that count stored statuses are the other breakdowns'. Every text takes the same parameters,
/// bound from one <see cref="TotalsScope"/> by <see cref="Parameters"/>: <c>@from</c>, <c>@to</c>, <c>@as_of</c>,
/// <c>@known_at</c>, <c>@verified_by</c>, <c>@unit</c> and <c>@claim_moments</c>. A statement is a source of statuses
/// (the <c>scoped</c> releases of the period with their status), the people it may read (<c>persons</c>) and one
/// body; each text is whole and constant (a plan that reads the stored status from the covering index alone stays that
/// plan, prepared or not); <see cref="TotalsStatements"/> chooses the texts for a scope. Names of tables and columns are
/// checked against the model by a test; enum values come from the enums; columns are named as the records that read them.
/// </summary>
internal static class TotalsSql
{
    internal const string Verified = nameof(VerificationStatus.Verified);
    internal const string Retracted = nameof(VerificationStatus.Retracted);
    internal const string Reported = nameof(VerificationStatus.Reported);

    /// <summary>The releases of the period with the status stored on each (kept in the same transaction as each decision).</summary>
    private const string StoredStatuses = """
        scoped AS (
            SELECT r.detainee_id, r.facility_id, r.kind, r.conditions_charges_dropped AS charges_dropped, r.released_on, r.status
            FROM releases r WHERE r.released_on BETWEEN @from AND @to)
        """;

    /// <summary>
    /// The releases of the period with their status as of <c>@as_of</c>: the latest decision that had occurred by then
    /// (by <c>@verified_by</c>, when given), found through the index on (release_id, occurred_at, recorded_at) that
    /// carries the status; <c>Reported</c> before any. Materialized: each release's status is looked up once, not once
    /// for each aggregate that filters on it (the summary's nine <c>FILTER</c>s; 19,153 against 2,617 buffers on the
    /// quick bench data, and the replay's nine lookups a release at full scale in <c>bench/explain/totals-knownat-past.txt</c>).
    /// </summary>
    private const string HistoryStatuses = $"""
        scoped AS MATERIALIZED (
            SELECT r.detainee_id, r.facility_id, r.kind, r.conditions_charges_dropped AS charges_dropped, r.released_on,
                   coalesce((SELECT e.status FROM verification_events e
                             WHERE e.release_id = r.id AND e.occurred_at <= @as_of AND (@verified_by IS NULL OR e.organization = @verified_by)
                             ORDER BY e.occurred_at DESC, e.recorded_at DESC LIMIT 1),
                            '{Reported}') AS status
            FROM releases r WHERE r.released_on BETWEEN @from AND @to)
        """;

    /// <summary>The verified releases of the scope.</summary>
    internal const string VerifiedOfScoped = $", verified AS (SELECT * FROM scoped WHERE status = '{Verified}')";

    /// <summary>The people the breakdowns read, as they stand now (inlined by the planner: a join on the person's id).</summary>
    private const string CurrentPersons = ", persons AS (SELECT d.id, d.gender, d.nationalities, d.categories FROM detainees d)";

    /// <summary>Releases of the period by status, the people among the verified, and the verified whose charges were not dropped or are not known to be.</summary>
    internal const string CountsOfScoped = $"""

        SELECT count(*) FILTER (WHERE status = '{Verified}')::int AS verified,
               count(*) FILTER (WHERE status = '{nameof(VerificationStatus.UnderVerification)}')::int AS under_verification,
               count(*) FILTER (WHERE status = '{Reported}')::int AS reported,
               count(*) FILTER (WHERE status = '{nameof(VerificationStatus.Disputed)}')::int AS disputed,
               count(*) FILTER (WHERE status = '{nameof(VerificationStatus.Rejected)}')::int AS rejected,
               count(*) FILTER (WHERE status = '{Retracted}')::int AS retracted,
               count(DISTINCT detainee_id) FILTER (WHERE status = '{Verified}')::int AS verified_persons,
               count(*) FILTER (WHERE status = '{Verified}' AND charges_dropped IS FALSE)::int AS verified_with_charges_not_dropped,
               count(*) FILTER (WHERE status = '{Verified}' AND charges_dropped IS NULL)::int AS verified_with_charges_unknown
        FROM scoped
        """;

    public const string SummaryHistory = $"WITH {HistoryStatuses}{CountsOfScoped}";

    private const string Ranked = "ORDER BY verified DESC, key";

    internal const string ByFacility = $"""

        SELECT coalesce(v.facility_id::text, 'unknown') AS key, max(f.name) AS label, count(*)::int AS verified
        FROM verified v LEFT JOIN facilities f ON f.id = v.facility_id GROUP BY 1 {Ranked}
        """;

    internal const string ByNationality = $"""

        SELECT coalesce(n.code, 'unknown') AS key, NULL AS label, count(*)::int AS verified
        FROM verified v JOIN persons d ON d.id = v.detainee_id LEFT JOIN LATERAL unnest(d.nationalities) AS n(code) ON true GROUP BY 1 {Ranked}
        """;

    internal const string ByCategory = $"""

        SELECT coalesce(c.name, 'unknown') AS key, NULL AS label, count(*)::int AS verified
        FROM verified v JOIN persons d ON d.id = v.detainee_id LEFT JOIN LATERAL unnest(d.categories) AS c(name) ON true GROUP BY 1 {Ranked}
        """;

    internal const string ByGender = $"""

        SELECT d.gender AS key, NULL AS label, count(*)::int AS verified
        FROM verified v JOIN persons d ON d.id = v.detainee_id GROUP BY 1 {Ranked}
        """;

    internal const string ByReleaseKind = $"""

        SELECT v.kind AS key, NULL AS label, count(*)::int AS verified FROM verified v GROUP BY 1 {Ranked}
        """;

    internal const string ByChargesDropped = $"""

        SELECT CASE v.charges_dropped WHEN true THEN 'yes' WHEN false THEN 'no' ELSE 'unknown' END AS key, NULL AS label, count(*)::int AS verified
        FROM verified v GROUP BY 1 {Ranked}
        """;

    private const string StoredBreakdown = $"WITH {StoredStatuses}{VerifiedOfScoped}{CurrentPersons}";
    private const string HistoryBreakdown = $"WITH {HistoryStatuses}{VerifiedOfScoped}{CurrentPersons}";

    public const string ByFacilityStored = $"{StoredBreakdown}{ByFacility}";
    public const string ByFacilityHistory = $"{HistoryBreakdown}{ByFacility}";
    public const string ByNationalityStored = $"{StoredBreakdown}{ByNationality}";
    public const string ByNationalityHistory = $"{HistoryBreakdown}{ByNationality}";
    public const string ByCategoryStored = $"{StoredBreakdown}{ByCategory}";
    public const string ByCategoryHistory = $"{HistoryBreakdown}{ByCategory}";
    public const string ByGenderStored = $"{StoredBreakdown}{ByGender}";
    public const string ByGenderHistory = $"{HistoryBreakdown}{ByGender}";
    public const string ByReleaseKindStored = $"{StoredBreakdown}{ByReleaseKind}";
    public const string ByReleaseKindHistory = $"{HistoryBreakdown}{ByReleaseKind}";
    public const string ByChargesDroppedHistory = $"{HistoryBreakdown}{ByChargesDropped}";

    /// <summary>One bucket per day or week (<c>@unit</c>) of the period, empty ones included; weeks cut at <c>@from</c>.</summary>
    internal const string BucketsOfScoped = $"""
        , buckets AS (
            SELECT DISTINCT greatest(date_trunc(@unit, day)::date, @from) AS bucket
            FROM generate_series(@from::timestamp, @to::timestamp, interval '1 day') AS day)
        SELECT b.bucket, count(s.status) FILTER (WHERE s.status = '{Verified}')::int AS verified,
               count(s.status) FILTER (WHERE s.status = '{Reported}')::int AS reported
        FROM buckets b LEFT JOIN scoped s ON greatest(date_trunc(@unit, s.released_on::timestamp)::date, @from) = b.bucket
        GROUP BY b.bucket ORDER BY b.bucket
        """;

    public const string TimelineHistory = $"WITH {HistoryStatuses}{BucketsOfScoped}";

    /// <summary>The claims about releases (<c>claims c</c>) stated by the moment whose period overlaps the scope's; the path adds which still stand.</summary>
    internal const string ClaimsOfPeriod = $"""
        c.metric = '{nameof(Domain.Claims.ClaimMetric.Releases)}' AND c.stated_at <= @as_of
          AND c.period_from <= @to AND c.period_to >= @from
        """;

    /// <summary>The active claims about releases (<c>claims c</c>), stated by the moment, whose period overlaps the scope's.</summary>
    internal const string ClaimsBeside = $"{ClaimsOfPeriod} AND (c.ended_at IS NULL OR c.ended_at > @as_of)";

    /// <summary>What an answer shows of each claim beside it (read by <c>TotalsReader</c>'s claim rows, by column name).</summary>
    internal const string ClaimColumns = """
        c.id, c.claimant, c.claimant_kind, c.count_qualifier, c.count_value, c.count_upper_value, c.original_text,
               c.stated_at, c.stated_at_offset_minutes, c.period_from, c.period_to
        """;

    /// <summary>The claims of <see cref="ClaimsBeside"/> as an answer shows them, in the order shown (by statement, then id).</summary>
    public const string ClaimsShown = $"""
        SELECT {ClaimColumns}
        FROM claims c WHERE {ClaimsBeside} ORDER BY c.stated_at, c.id
        """;

    /// <summary>
    /// For each day of release and bucket of time between the claims' moments (<c>@claim_moments</c>) and the scope's,
    /// how many releases became Verified (+1) or stopped being Verified (-1) by a decision in that bucket: every
    /// Verified decision and every retraction (<see cref="VerificationRules.VerifiedChange"/>), read from one partial
    /// index by day of release.
    /// </summary>
    public const string VerifiedChanges = $"{VerifiedChangesOf}\n{VerifiedChangesGrouped}";

    internal const string VerifiedChangesOf = $"""
        SELECT e.released_on, width_bucket(e.occurred_at, @claim_moments::timestamptz[]) AS bucket,
               sum(CASE e.status WHEN '{Verified}' THEN 1 ELSE -1 END)::int AS verified
        FROM verification_events e
        WHERE e.released_on BETWEEN @from AND @to AND e.status IN ('{Verified}', '{Retracted}') AND e.occurred_at <= @as_of
        """;

    internal const string VerifiedChangesGrouped = "GROUP BY 1, 2";

    /// <summary>
    /// The same changes counting one organization's decisions only. Its decisions alone do not follow the transition
    /// rules (another organization's may come between), so each release's are replayed in order (from the history
    /// index, without a sort) and a change is a move into or out of Verified.
    /// </summary>
    public const string VerifiedChangesByOrganization = $"{OrganizationChangesOf}{OrganizationChangesGrouped}";

    internal const string OrganizationChangesOf = $"""
        SELECT r.released_on, c.bucket, sum(c.change)::int AS verified
        FROM releases r
        CROSS JOIN LATERAL (
            SELECT width_bucket(e.occurred_at, @claim_moments::timestamptz[]) AS bucket,
                   (e.status = '{Verified}')::int
                   - (coalesce(lag(e.status) OVER (ORDER BY e.occurred_at, e.recorded_at), '{Reported}') = '{Verified}')::int AS change
            FROM verification_events e
            WHERE e.release_id = r.id AND e.occurred_at <= @as_of AND e.organization = @verified_by
        """;

    internal const string OrganizationChangesGrouped = """
        ) c
        WHERE r.released_on BETWEEN @from AND @to AND c.change <> 0
        GROUP BY 1, 2
        """;

    /// <summary>The one way the scope reaches SQL: every text above gets these, whichever it uses.</summary>
    public static object[] Parameters(TotalsScope scope) =>
    [
        new NpgsqlParameter("from", NpgsqlDbType.Date) { Value = scope.From },
        new NpgsqlParameter("to", NpgsqlDbType.Date) { Value = scope.To },
        new NpgsqlParameter("as_of", NpgsqlDbType.TimestampTz) { Value = scope.AsOf },
        new NpgsqlParameter("known_at", NpgsqlDbType.TimestampTz) { Value = scope.KnownAt },
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
    /// <summary>The status stored on the release: right for "as of now, known now", when every decision already happened.</summary>
    Stored,

    /// <summary>The verification history, as of the moment (and, with <c>verifiedBy</c>, one organization's decisions), as known now.</summary>
    History,

    /// <summary>
    /// The record replayed as it was known at a past moment (<see cref="ReplaySql"/>): releases reported by then,
    /// decisions recorded by then, fields as they then stood.
    /// </summary>
    Replay,
}

/// <summary>
/// Everything a totals answer depends on, decided once per request from the query and one reading of the clock, and
/// carried whole to SQL (<see cref="TotalsSql.Parameters"/>).
/// </summary>
/// <param name="From">First release day counted.</param>
/// <param name="To">Last release day counted.</param>
/// <param name="AsOf">The moment the answer is true at, UTC.</param>
/// <param name="KnownAt">The moment the answer is known at, UTC: never after now.</param>
/// <param name="VerifiedBy">Only this organization's decisions count, when given.</param>
/// <param name="Statuses">Where each release's status is read.</param>
/// <param name="Interval">The timeline's buckets.</param>
/// <param name="ClaimMoments">When the claims beside the answer were stated, distinct and in order; none until they are read.</param>
public sealed record TotalsScope(DateOnly From, DateOnly To, DateTimeOffset AsOf, DateTimeOffset KnownAt, string? VerifiedBy, StatusSource Statuses,
    TimelineInterval Interval, IReadOnlyList<DateTimeOffset> ClaimMoments)
{
    /// <summary>
    /// The scope of <paramref name="query"/> at <paramref name="now"/>: as of now and known now when <c>asOf</c> and
    /// <c>knownAt</c> are omitted (a later <c>knownAt</c> is now: nothing later is known yet); <c>to</c> is the day of
    /// <c>asOf</c> when omitted.
    /// </summary>
    public static TotalsScope Of(TotalsScopeQuery query, TimelineInterval interval, DateTimeOffset now)
    {
        var asOf = (query.AsOf?.Instant ?? now).ToUniversalTime();
        var knownAt = query.KnownAt?.Instant.ToUniversalTime() is { } given && given < now ? given : now.ToUniversalTime();
        return Of(query.From!.Value, query.To ?? DateOnly.FromDateTime(asOf.UtcDateTime), asOf, knownAt, query.VerifiedBy, interval, now);
    }

    /// <summary>
    /// The scope of the given moments at <paramref name="now"/>. An answer known at a past moment replays the record
    /// as it was then; known now, as of now (or later: no decision is dated in the future), it reads the stored
    /// statuses, unless it counts one organization's decisions only; known now, as of a past moment, the history.
    /// </summary>
    public static TotalsScope Of(DateOnly from, DateOnly to, DateTimeOffset asOf, DateTimeOffset knownAt, string? verifiedBy, TimelineInterval interval,
        DateTimeOffset now)
    {
        var statuses = knownAt < now ? StatusSource.Replay
            : verifiedBy is null && asOf >= now ? StatusSource.Stored
            : StatusSource.History;
        return new TotalsScope(from, to, asOf, knownAt, verifiedBy, statuses, interval, []);
    }

    /// <summary>The scope that replays the record as known at <paramref name="knownAt"/>, however recent (a tally's own moment).</summary>
    public static TotalsScope Replayed(DateOnly from, DateOnly to, DateTimeOffset asOf, DateTimeOffset knownAt, string? verifiedBy) =>
        new(from, to, asOf.ToUniversalTime(), knownAt.ToUniversalTime(), verifiedBy, StatusSource.Replay, TimelineInterval.Day, []);
}
