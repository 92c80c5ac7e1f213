using PrisonerReleaseTracker.Api.Features.Claims;
using Claim = PrisonerReleaseTracker.Domain.Claims.Claim;

namespace PrisonerReleaseTracker.Api.Features.Totals;

/// <summary>
/// Counts releases by verification status as of a moment, as known at a moment, in the database (the scope's
/// <see cref="TotalsStatements"/>), and sets the claims beside the counts. Each answer is computed for one
/// <see cref="TotalsScope"/>, made once from the query and one reading of the clock.
/// </summary>
public sealed class TotalsReader(AppDbContext db, TimeProvider clock)
{
    /// <summary>
    /// How far back a <c>knownAt</c> may be for a write still in flight to have been recorded before it: an answer known
    /// at a moment this recent first waits for the writer that holds the audit chain's lock (<see cref="RecordedMoment"/>).
    /// </summary>
    public static readonly TimeSpan WritesInFlight = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The scope of <paramref name="query"/> at now: the one reading of the clock behind an answer (or behind every
    /// answer of a page that shows several).
    /// </summary>
    public TotalsScope ScopeOf(TotalsScopeQuery query, TimelineInterval interval = TimelineInterval.Day) =>
        TotalsScope.Of(query, interval, clock.GetUtcNow());

    /// <summary>
    /// The totals a client asked for. Known now (no <c>knownAt</c>), the answer states no knownAt: its bytes then stay
    /// the same from one computation to the next while its figures do, and its ETag keeps answering 304.
    /// </summary>
    public async Task<TotalsResponse> TotalsAsync(TotalsQuery query, CancellationToken ct)
    {
        var answer = await TotalsAsync(ScopeOf(query), query.GroupBy, ct);
        return query.KnownAt is null ? answer with { KnownAt = null } : answer;
    }

    /// <summary>The totals of <paramref name="scope"/>, broken down by <paramref name="groupBy"/> when given.</summary>
    public async Task<TotalsResponse> TotalsAsync(TotalsScope scope, TotalsGroupBy? groupBy, CancellationToken ct)
    {
        var sql = TotalsStatements.Of(scope.Statuses);
        (scope, var claims) = await WithClaimsAsync(scope, sql, ct);
        var summary = (await ReadAsync<SummaryRow>(sql.Summary, scope, ct))[0];
        var breakdown = groupBy is { } by ? await ReadAsync<BreakdownItem>(sql.Breakdowns[by], scope, ct) : [];
        return new TotalsResponse(scope.From, scope.To, scope.AsOf, scope.KnownAt, summary.ToCounts(), summary.VerifiedPersons,
            summary.VerifiedWithChargesNotDropped + summary.VerifiedWithChargesUnknown, summary.VerifiedWithChargesNotDropped,
            summary.VerifiedWithChargesUnknown, breakdown, await ReconcileAsync(scope, sql, claims, ct));
    }

    /// <summary>The timeline a client asked for; known now, it states no knownAt (as <see cref="TotalsAsync(TotalsQuery, CancellationToken)"/>).</summary>
    public async Task<TimelineResponse> TimelineAsync(TimelineQuery query, CancellationToken ct)
    {
        var answer = await TimelineAsync(ScopeOf(query, query.Interval ?? TimelineInterval.Day), ct);
        return query.KnownAt is null ? answer with { KnownAt = null } : answer;
    }

    public async Task<TimelineResponse> TimelineAsync(TotalsScope scope, CancellationToken ct)
    {
        var sql = TotalsStatements.Of(scope.Statuses);
        (scope, var claims) = await WithClaimsAsync(scope, sql, ct);
        var buckets = await ReadAsync<TimelineRow>(sql.Timeline, scope, ct);
        var cumulative = 0;
        var points = buckets.Select(b => new TimelinePoint(b.Bucket, b.Verified, cumulative += b.Verified, b.Reported)).ToList();
        return new TimelineResponse(scope.From, scope.To, scope.AsOf, scope.KnownAt, scope.Interval, points, await ReconcileAsync(scope, sql, claims, ct));
    }

    /// <summary>
    /// The claims set beside the answer; their moments join the scope. An answer known at a recent moment first waits
    /// for the writes in flight, so that none recorded before it lands after it is read.
    /// </summary>
    private async Task<(TotalsScope Scope, List<Claim> Claims)> WithClaimsAsync(TotalsScope scope, TotalsStatements sql, CancellationToken ct)
    {
        // The answer's statements share one connection, returned to the pool once, when the request's context ends: EF
        // otherwise returns it after each statement, and the pool resets the session on every return (a statement the
        // server runs each time, three times per answer).
        await db.Database.OpenConnectionAsync(ct);
        await WaitForRecentWritesAsync(scope, ct);
        var beside = db.Database.SqlQueryRaw<Guid>(sql.ClaimsBeside, TotalsSql.Parameters(scope));
        var claims = await db.Claims.AsNoTracking().Where(c => beside.Contains(c.Id)).OrderBy(c => c.StatedAt).ThenBy(c => c.Id).ToListAsync(ct);
        return (scope with { ClaimMoments = [.. claims.Select(c => c.StatedAt).Distinct().Order()] }, claims);
    }

    /// <summary>
    /// Each claim with the verified counts of its period as of its statement and as of the answer's moment: as of now,
    /// the counts the database keeps per claim; otherwise from one pass over the changes the history records (see
    /// <see cref="VerifiedSweep"/>) rather than two queries per claim.
    /// </summary>
    private async Task<List<ReconciledClaim>> ReconcileAsync(TotalsScope scope, TotalsStatements sql, List<Claim> claims, CancellationToken ct)
    {
        if (claims.Count == 0)
        {
            return [];
        }

        if (sql.ClaimCounts is { } kept)
        {
            var counts = (await ReadAsync<ClaimCount>(kept, scope, ct)).ToDictionary(c => c.ClaimId);
            return [.. claims.Select(claim => counts.TryGetValue(claim.Id, out var count)
                ? Reconciled(claim, count.VerifiedAtStatement, count.VerifiedNow) : Reconciled(claim, 0, 0))];
        }

        var periods = scope with { From = claims.Min(c => c.PeriodFrom), To = claims.Max(c => c.PeriodTo) };
        var changes = await ReadAsync<VerifiedChange>(
            scope.VerifiedBy is null ? sql.VerifiedChanges : sql.VerifiedChangesByOrganization, periods, ct);
        var sweep = new VerifiedSweep([.. scope.ClaimMoments.Append(scope.AsOf).Distinct().Order()],
            changes.Select(c => new VerifiedSweep.Change(c.ReleasedOn, c.Bucket, c.Verified)));
        return [.. claims.Select(claim =>
            Reconciled(claim, sweep.Count(claim.PeriodFrom, claim.PeriodTo, claim.StatedAt), sweep.Count(claim.PeriodFrom, claim.PeriodTo, scope.AsOf)))];
    }

    private static ReconciledClaim Reconciled(Claim claim, int atClaimTime, int now)
    {
        var lowerBound = claim.Count.LowerBound;
        return new ReconciledClaim(
            new ClaimSummary(claim.Id, claim.Claimant, claim.ClaimantKind, ClaimCountResponse.From(claim.Count), claim.OriginalText,
                claim.StatedAtAsStated, new PeriodResponse(claim.PeriodFrom, claim.PeriodTo)),
            atClaimTime, now, lowerBound is { } bound ? Math.Max(0, bound - now) : null);
    }

    /// <summary>
    /// One row per release <paramref name="scope"/> counts, replaying the record as known at its moment (whatever its
    /// source of statuses): what a tally's manifest is made of. In the order of release days.
    /// </summary>
    public async Task<List<CountedRelease>> CountedReleasesAsync(TotalsScope scope, CancellationToken ct)
    {
        await WaitForRecentWritesAsync(scope, ct);
        return await ReadAsync<CountedRelease>(ReplaySql.Releases, scope, ct);
    }

    /// <summary>Rows of <paramref name="sql"/> for <paramref name="scope"/>, read by column name.</summary>
    private Task<List<T>> ReadAsync<T>(string sql, TotalsScope scope, CancellationToken ct) =>
        db.Database.SqlQueryRaw<T>(sql, TotalsSql.Parameters(scope)).ToListAsync(ct);

    /// <summary>An answer known at a recent moment first waits for the writes in flight, so that none recorded before it lands after it is read.</summary>
    private async Task WaitForRecentWritesAsync(TotalsScope scope, CancellationToken ct)
    {
        if (scope.Statuses == StatusSource.Replay && scope.KnownAt > clock.GetUtcNow() - WritesInFlight && db.Database.CurrentTransaction is null)
        {
            await AuditTrail.WaitForWritesInFlightAsync(db, ct);
        }
    }

    private sealed record SummaryRow(int Verified, int UnderVerification, int Reported, int Disputed, int Rejected, int Retracted,
        int VerifiedPersons, int VerifiedWithChargesNotDropped, int VerifiedWithChargesUnknown)
    {
        public StatusCounts ToCounts() => new(Verified, UnderVerification, Reported, Disputed, Rejected, Retracted);
    }

    private sealed record TimelineRow(DateOnly Bucket, int Verified, int Reported);

    private sealed record VerifiedChange(DateOnly ReleasedOn, int Bucket, int Verified);

    private sealed record ClaimCount(Guid ClaimId, int VerifiedAtStatement, int VerifiedNow);
}

/// <summary>A release a replayed answer counts, with every field a breakdown may use, as known at the answer's moment.</summary>
public sealed record CountedRelease(Guid ReleaseId, DateOnly ReleasedOn, string Status, Guid? FacilityId, string Kind, bool? ChargesDropped, string Gender,
    string[] Nationalities, string[] Categories);
