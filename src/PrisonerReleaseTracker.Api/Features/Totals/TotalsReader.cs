using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using PrisonerReleaseTracker.Api.Data;
using PrisonerReleaseTracker.Api.Features.Claims;
using PrisonerReleaseTracker.Domain.Claims;
using PrisonerReleaseTracker.Domain.Releases;
using Claim = PrisonerReleaseTracker.Domain.Claims.Claim;

namespace PrisonerReleaseTracker.Api.Features.Totals;

/// <summary>
/// Counts releases by verification status as of a moment, in the database. Two ways to know a release's
/// status: "as of now" reads the status stored on the release (kept in the same transaction as each
/// decision); "as of the past" takes, for each release, the latest decision that had occurred by then,
/// through the index on (release_id, occurred_at, recorded_at) that carries the status.
/// The SQL is written out because the same text is what the benchmark replays with pgbench.
/// </summary>
public sealed class TotalsReader(AppDbContext db, TimeProvider clock)
{
    private const string StoredStatus = "r.status";

    private const string StatusAsOf = """
        coalesce((SELECT e.status FROM verification_events e
                  WHERE e.release_id = r.id AND e.occurred_at <= @as_of AND (@verified_by IS NULL OR e.organization = @verified_by)
                  ORDER BY e.occurred_at DESC, e.recorded_at DESC LIMIT 1), 'Reported')
        """;

    private const string Summary = """
        SELECT count(*) FILTER (WHERE s.status = 'Verified'),
               count(*) FILTER (WHERE s.status = 'UnderVerification'),
               count(*) FILTER (WHERE s.status = 'Reported'),
               count(*) FILTER (WHERE s.status = 'Disputed'),
               count(*) FILTER (WHERE s.status = 'Rejected'),
               count(*) FILTER (WHERE s.status = 'Retracted'),
               count(DISTINCT s.detainee_id) FILTER (WHERE s.status = 'Verified'),
               count(*) FILTER (WHERE s.status = 'Verified' AND s.charges_dropped IS FALSE),
               count(*) FILTER (WHERE s.status = 'Verified' AND s.charges_dropped IS NULL)
        FROM (SELECT r.detainee_id, r.conditions_charges_dropped AS charges_dropped, {status} AS status
              FROM releases r WHERE r.released_on BETWEEN @from AND @to) s
        """;

    /// <summary>
    /// For each day of release and bucket of time between the moments asked about, how many releases became
    /// Verified (+1) or stopped being Verified (-1) by a decision in that bucket: every Verified decision and every
    /// retraction (<see cref="VerificationRules.VerifiedChange"/>), read from one partial index by day of release.
    /// </summary>
    private const string VerifiedChanges = """
        SELECT e.released_on, width_bucket(e.occurred_at, @after_moments), sum(CASE e.status WHEN 'Verified' THEN 1 ELSE -1 END)::int
        FROM verification_events e
        WHERE e.released_on BETWEEN @from AND @to AND e.status IN ('Verified', 'Retracted') AND e.occurred_at <= @until
        GROUP BY 1, 2
        """;

    /// <summary>
    /// The same changes counting one organization's decisions only. Its decisions alone do not follow the transition
    /// rules (another organization's may come between), so each release's are replayed in order (from the history
    /// index, without a sort) and a change is a move into or out of Verified.
    /// </summary>
    private const string VerifiedChangesByOrganization = """
        SELECT r.released_on, c.bucket, sum(c.change)::int
        FROM releases r
        CROSS JOIN LATERAL (
            SELECT width_bucket(e.occurred_at, @after_moments) AS bucket,
                   (e.status = 'Verified')::int
                   - (coalesce(lag(e.status) OVER (ORDER BY e.occurred_at, e.recorded_at), 'Reported') = 'Verified')::int AS change
            FROM verification_events e
            WHERE e.release_id = r.id AND e.occurred_at <= @until AND e.organization = @verified_by) c
        WHERE r.released_on BETWEEN @from AND @to AND c.change <> 0
        GROUP BY 1, 2
        """;

    private const string VerifiedReleases = """
        WITH verified AS (
            SELECT r.detainee_id, r.facility_id, r.kind, r.conditions_charges_dropped AS charges_dropped
            FROM releases r WHERE r.released_on BETWEEN @from AND @to AND {status} = 'Verified')
        """;

    private static readonly Dictionary<TotalsGroupBy, string> Breakdowns = new()
    {
        [TotalsGroupBy.Facility] = "SELECT coalesce(v.facility_id::text, 'unknown'), max(f.name), count(*) FROM verified v LEFT JOIN facilities f ON f.id = v.facility_id GROUP BY 1",
        [TotalsGroupBy.Nationality] = "SELECT coalesce(n.code, 'unknown'), NULL, count(*) FROM verified v JOIN detainees d ON d.id = v.detainee_id LEFT JOIN LATERAL unnest(d.nationalities) AS n(code) ON true GROUP BY 1",
        [TotalsGroupBy.Category] = "SELECT coalesce(c.name, 'unknown'), NULL, count(*) FROM verified v JOIN detainees d ON d.id = v.detainee_id LEFT JOIN LATERAL unnest(d.categories) AS c(name) ON true GROUP BY 1",
        [TotalsGroupBy.Gender] = "SELECT d.gender, NULL, count(*) FROM verified v JOIN detainees d ON d.id = v.detainee_id GROUP BY 1",
        [TotalsGroupBy.ReleaseKind] = "SELECT v.kind, NULL, count(*) FROM verified v GROUP BY 1",
        [TotalsGroupBy.ChargesDropped] = "SELECT CASE v.charges_dropped WHEN true THEN 'yes' WHEN false THEN 'no' ELSE 'unknown' END, NULL, count(*) FROM verified v GROUP BY 1",
    };

    private const string Timeline = """
        WITH scoped AS (
            SELECT r.released_on, {status} AS status FROM releases r WHERE r.released_on BETWEEN @from AND @to),
        buckets AS (
            SELECT DISTINCT greatest(date_trunc(@unit, day)::date, @from) AS bucket
            FROM generate_series(@from::timestamp, @to::timestamp, interval '1 day') AS day)
        SELECT b.bucket, count(s.status) FILTER (WHERE s.status = 'Verified'), count(s.status) FILTER (WHERE s.status = 'Reported')
        FROM buckets b LEFT JOIN scoped s ON greatest(date_trunc(@unit, s.released_on::timestamp)::date, @from) = b.bucket
        GROUP BY b.bucket ORDER BY b.bucket
        """;

    public async Task<TotalsResponse> TotalsAsync(DateOnly from, DateOnly? to, DateTimeOffset? asOf, TotalsGroupBy? groupBy, string? verifiedBy, CancellationToken ct)
    {
        var scope = Scope(from, to, asOf, verifiedBy);
        var summary = await ReadAsync(Summary, scope, ct, row => new
        {
            Counts = new StatusCounts(row.GetInt32(0), row.GetInt32(1), row.GetInt32(2), row.GetInt32(3), row.GetInt32(4), row.GetInt32(5)),
            Persons = row.GetInt32(6),
            ChargesNotDropped = row.GetInt32(7),
            ChargesUnknown = row.GetInt32(8),
        });
        var breakdown = groupBy is null
            ? []
            : await ReadAsync(VerifiedReleases + Breakdowns[groupBy.Value] + " ORDER BY 3 DESC, 1", scope, ct,
                row => new BreakdownItem(row.GetString(0), row.IsDBNull(1) ? null : row.GetString(1), row.GetInt32(2)));
        var claims = await ClaimsAsync(scope, ct);
        var first = summary[0];
        return new TotalsResponse(scope.From, scope.To, scope.AsOf, first.Counts, first.Persons,
            first.ChargesNotDropped + first.ChargesUnknown, first.ChargesNotDropped, first.ChargesUnknown, breakdown, claims);
    }

    public async Task<TimelineResponse> TimelineAsync(DateOnly from, DateOnly? to, DateTimeOffset? asOf, TimelineInterval interval, string? verifiedBy, CancellationToken ct)
    {
        var scope = Scope(from, to, asOf, verifiedBy);
        var buckets = await ReadAsync(Timeline, scope with { Unit = interval == TimelineInterval.Week ? "week" : "day" }, ct, row => (Date: DateOnly.FromDateTime(row.GetDateTime(0)), Verified: row.GetInt32(1), Reported: row.GetInt32(2)));
        var cumulative = 0;
        var points = buckets.Select(b => new TimelinePoint(b.Date, b.Verified, cumulative += b.Verified, b.Reported)).ToList();
        return new TimelineResponse(scope.From, scope.To, scope.AsOf, interval, points, await ClaimsAsync(scope, ct));
    }

    /// <summary>Whether an answer as of <paramref name="asOf"/> can come from the stored statuses.</summary>
    public bool IsNow(DateTimeOffset? asOf, string? verifiedBy) => verifiedBy is null && (asOf is null || asOf >= clock.GetUtcNow());

    private Scope Scope(DateOnly from, DateOnly? to, DateTimeOffset? asOf, string? verifiedBy)
    {
        var moment = asOf ?? clock.GetUtcNow();
        return new Scope(from, to ?? DateOnly.FromDateTime(moment.UtcDateTime), moment.ToUniversalTime(), verifiedBy, IsNow(asOf, verifiedBy), "day");
    }

    private async Task<List<ReconciledClaim>> ClaimsAsync(Scope scope, CancellationToken ct)
    {
        var claims = await db.Claims.AsNoTracking()
            .Where(c => c.Metric == ClaimMetric.Releases && c.StatedAt <= scope.AsOf
                && c.PeriodFrom <= scope.To && c.PeriodTo >= scope.From
                && (c.EndedAt == null || c.EndedAt > scope.AsOf))
            .OrderBy(c => c.StatedAt).ThenBy(c => c.Id)
            .ToListAsync(ct);
        if (claims.Count == 0)
        {
            return [];
        }

        var sweep = await VerifiedByMomentAsync(scope, claims, ct);
        return [.. claims.Select(claim =>
        {
            var atClaimTime = sweep.Count(claim.PeriodFrom, claim.PeriodTo, claim.StatedAt);
            var now = sweep.Count(claim.PeriodFrom, claim.PeriodTo, scope.AsOf);
            var lowerBound = claim.Count.LowerBound;
            return new ReconciledClaim(
                new ClaimSummary(claim.Id, claim.Claimant, claim.ClaimantKind, ClaimCountResponse.From(claim.Count), claim.OriginalText,
                    claim.StatedAtAsStated, new PeriodResponse(claim.PeriodFrom, claim.PeriodTo)),
                atClaimTime, now, lowerBound is { } bound ? Math.Max(0, bound - now) : null);
        })];
    }

    /// <summary>
    /// The verified counts every claim needs (its period as of its statement, and as of the answer's moment), in one
    /// pass over the releases of all the claims' periods rather than two queries per claim; see <see cref="VerifiedSweep"/>.
    /// </summary>
    private async Task<VerifiedSweep> VerifiedByMomentAsync(Scope scope, List<Claim> claims, CancellationToken ct)
    {
        var moments = claims.Select(c => c.StatedAt).Append(scope.AsOf).Distinct().Order().ToArray();
        var first = claims.Min(c => c.PeriodFrom);
        var last = claims.Max(c => c.PeriodTo);
        var changes = await ReadAsync(scope.VerifiedBy is null ? VerifiedChanges : VerifiedChangesByOrganization, scope with { From = first, To = last }, ct,
            row => new VerifiedSweep.Change(DateOnly.FromDateTime(row.GetDateTime(0)), row.GetInt32(1), row.GetInt32(2)),
            command =>
            {
                // Bucket k holds the decisions that occurred after moments[k - 1] and at or before moments[k]: width_bucket
                // counts the bounds at or below a value, and a bound one microsecond (timestamptz's precision) after
                // each moment puts a decision made exactly at a moment into that moment's bucket.
                command.Parameters.Add(new NpgsqlParameter("after_moments", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz)
                {
                    Value = moments.Select(m => m.AddTicks(TimeSpan.TicksPerMicrosecond)).ToArray(),
                });
                command.Parameters.Add(new NpgsqlParameter("until", NpgsqlDbType.TimestampTz) { Value = moments[^1] });
            });
        return new VerifiedSweep(moments, changes);
    }

    private async Task<List<T>> ReadAsync<T>(string sql, Scope scope, CancellationToken ct, Func<DbDataReader, T> read,
        Action<NpgsqlCommand>? addParameters = null)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = new NpgsqlCommand(sql.Replace("{status}", scope.IsNow ? StoredStatus : StatusAsOf, StringComparison.Ordinal), connection)
            {
                CommandTimeout = db.Database.GetCommandTimeout() ?? 30,
            };
            command.Parameters.Add(new NpgsqlParameter("from", NpgsqlDbType.Date) { Value = scope.From });
            command.Parameters.Add(new NpgsqlParameter("to", NpgsqlDbType.Date) { Value = scope.To });
            command.Parameters.Add(new NpgsqlParameter("as_of", NpgsqlDbType.TimestampTz) { Value = scope.AsOf });
            command.Parameters.Add(new NpgsqlParameter("verified_by", NpgsqlDbType.Text) { Value = (object?)scope.VerifiedBy ?? DBNull.Value });
            command.Parameters.Add(new NpgsqlParameter("unit", NpgsqlDbType.Text) { Value = scope.Unit });
            addParameters?.Invoke(command);
            await using var reader = await command.ExecuteReaderAsync(ct);
            var rows = new List<T>();
            while (await reader.ReadAsync(ct))
            {
                rows.Add(read(reader));
            }

            return rows;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}

/// <summary>The inputs every totals query shares.</summary>
internal sealed record Scope(DateOnly From, DateOnly To, DateTimeOffset AsOf, string? VerifiedBy, bool IsNow, string Unit);
