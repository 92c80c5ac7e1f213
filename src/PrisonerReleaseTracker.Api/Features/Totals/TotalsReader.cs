using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using PrisonerReleaseTracker.Api.Features.Claims;
using PrisonerReleaseTracker.Domain.Claims;

namespace PrisonerReleaseTracker.Api.Features.Totals;

/// <summary>
/// Counts releases by verification status as of a moment, as known at a moment, in the database (the scope's
/// <see cref="TotalsStatements"/>), and sets the claims beside the counts. Each answer is computed for one
/// <see cref="TotalsScope"/>, made once from the query and one reading of the clock.
/// </summary>
public sealed class TotalsReader(AppDbContext db, GenericPlanReads genericPlanReads, TimeProvider clock)
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
        var breakdownSql = groupBy is { } by ? sql.Breakdowns[by] : null;
        List<ClaimRow> claims;
        SummaryRow summary;
        List<BreakdownItem> breakdown = [];
        await using (var connection = await ConnectionAsync(scope, sql.ReadsAggregatesOnly(groupBy), ct))
        await using (var batch = Batch(connection, scope, [sql.ClaimsShown, sql.Summary, breakdownSql]))
        await using (var reader = await batch.ExecuteReaderAsync(ct))
        {
            claims = await ReadRowsAsync(reader, r => ClaimRow.Read(r, sql.ClaimsCounted), ct);
            summary = (await NextRowsAsync(reader, SummaryRow.Read, ct))[0];
            if (breakdownSql is not null)
            {
                breakdown = await NextRowsAsync(reader, ReadBreakdownItem, ct);
            }
        }

        scope = WithClaimMoments(scope, claims);
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
        List<ClaimRow> claims;
        List<TimelineRow> buckets;
        await using (var connection = await ConnectionAsync(scope, sql.ReadsAggregatesOnly(null), ct))
        await using (var batch = Batch(connection, scope, [sql.ClaimsShown, sql.Timeline]))
        await using (var reader = await batch.ExecuteReaderAsync(ct))
        {
            claims = await ReadRowsAsync(reader, r => ClaimRow.Read(r, sql.ClaimsCounted), ct);
            buckets = await NextRowsAsync(reader, TimelineRow.Read, ct);
        }

        scope = WithClaimMoments(scope, claims);
        var cumulative = 0;
        var points = buckets.Select(b => new TimelinePoint(b.Bucket, b.Verified, cumulative += b.Verified, b.Reported)).ToList();
        return new TimelineResponse(scope.From, scope.To, scope.AsOf, scope.KnownAt, scope.Interval, points, await ReconcileAsync(scope, sql, claims, ct));
    }

    /// <summary>
    /// The open connection an answer's statements run on: the request's, which EF returns to the pool when the request's
    /// context ends; or, for statements that read the aggregates only (<paramref name="aggregatesOnly"/>) outside any
    /// transaction of the request, one of <see cref="GenericPlanReads"/>, whose sessions plan them once rather than on
    /// every answer, handed back when the answer is read. An answer known at a recent moment first waits for the writes in
    /// flight, so that none recorded before it lands after it is read.
    /// </summary>
    private async Task<AnswerConnection> ConnectionAsync(TotalsScope scope, bool aggregatesOnly, CancellationToken ct)
    {
        var own = aggregatesOnly && db.Database.CurrentTransaction is null ? genericPlanReads.Create() : null;
        var context = own ?? db;
        try
        {
            await context.Database.OpenConnectionAsync(ct);
            await WaitForRecentWritesAsync(scope, ct);
        }
        catch
        {
            if (own is not null)
            {
                await own.DisposeAsync();
            }

            throw;
        }

        return new AnswerConnection((NpgsqlConnection)context.Database.GetDbConnection(),
            (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction(), own);
    }

    /// <summary>An answer's connection, with the request's transaction if any; a context of <see cref="GenericPlanReads"/> goes back to its pool on disposal.</summary>
    private sealed record AnswerConnection(NpgsqlConnection Connection, NpgsqlTransaction? Transaction, AppDbContext? Own) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Own?.DisposeAsync() ?? ValueTask.CompletedTask;
    }

    /// <summary>
    /// The statements of one answer (those given; a null is left out), sent in one round trip on <paramref name="connection"/>,
    /// with the scope's parameters and the request's statement timeout (the budget's, see <see cref="RequestBudgetMiddleware"/>).
    /// </summary>
    private NpgsqlBatch Batch(AnswerConnection connection, TotalsScope scope, string?[] statements)
    {
        var batch = new NpgsqlBatch(connection.Connection) { Transaction = connection.Transaction };
        if (db.Database.GetCommandTimeout() is { } timeout)
        {
            batch.Timeout = timeout;
        }

        foreach (var statement in statements.OfType<string>())
        {
            var command = new NpgsqlBatchCommand(statement);
            command.Parameters.AddRange(TotalsSql.Parameters(scope));
            batch.BatchCommands.Add(command);
        }

        return batch;
    }

    private static async Task<List<T>> ReadRowsAsync<T>(NpgsqlDataReader reader, Func<NpgsqlDataReader, T> read, CancellationToken ct)
    {
        var rows = new List<T>();
        while (await reader.ReadAsync(ct))
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    private static async Task<List<T>> NextRowsAsync<T>(NpgsqlDataReader reader, Func<NpgsqlDataReader, T> read, CancellationToken ct) =>
        await reader.NextResultAsync(ct) ? await ReadRowsAsync(reader, read, ct) : throw new InvalidOperationException("The batch answered fewer results than it has statements.");

    /// <summary>The claims' moments join the scope (the sweep of the history and replay paths buckets the changes by them).</summary>
    private static TotalsScope WithClaimMoments(TotalsScope scope, List<ClaimRow> claims) =>
        scope with { ClaimMoments = [.. claims.Select(c => c.StatedAt).Distinct().Order()] };

    /// <summary>
    /// Each claim with the verified counts of its period as of its statement and as of the answer's moment: as of now,
    /// the counts the database keeps per claim (<see cref="ClaimRow.Kept"/>, read with the claims); otherwise from one pass
    /// over the changes the history records (see <see cref="VerifiedSweep"/>) rather than two queries per claim.
    /// </summary>
    private async Task<List<ReconciledClaim>> ReconcileAsync(TotalsScope scope, TotalsStatements sql, List<ClaimRow> claims, CancellationToken ct)
    {
        if (claims.Count == 0)
        {
            return [];
        }

        if (sql.ClaimsCounted)
        {
            return [.. claims.Select(claim => Reconciled(claim, claim.Kept!.VerifiedAtStatement, claim.Kept.VerifiedNow))];
        }

        var periods = scope with { From = claims.Min(c => c.PeriodFrom), To = claims.Max(c => c.PeriodTo) };
        var changes = await ReadAsync<VerifiedChange>(
            scope.VerifiedBy is null ? sql.VerifiedChanges : sql.VerifiedChangesByOrganization, periods, ct);
        var sweep = new VerifiedSweep([.. scope.ClaimMoments.Append(scope.AsOf).Distinct().Order()],
            changes.Select(c => new VerifiedSweep.Change(c.ReleasedOn, c.Bucket, c.Verified)));
        return [.. claims.Select(claim =>
            Reconciled(claim, sweep.Count(claim.PeriodFrom, claim.PeriodTo, claim.StatedAt), sweep.Count(claim.PeriodFrom, claim.PeriodTo, scope.AsOf)))];
    }

    private static ReconciledClaim Reconciled(ClaimRow claim, int atClaimTime, int now)
    {
        var lowerBound = claim.Count.LowerBound;
        return new ReconciledClaim(
            new ClaimSummary(claim.Id, claim.Claimant, claim.ClaimantKind, ClaimCountResponse.From(claim.Count), claim.OriginalText,
                Statement.AsStated(claim.StatedAt, claim.StatedAtOffsetMinutes), new PeriodResponse(claim.PeriodFrom, claim.PeriodTo)),
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

    // The rows of an answer's statements, read by column name (the names the statements give their columns).

    private sealed record SummaryRow(int Verified, int UnderVerification, int Reported, int Disputed, int Rejected, int Retracted,
        int VerifiedPersons, int VerifiedWithChargesNotDropped, int VerifiedWithChargesUnknown)
    {
        public StatusCounts ToCounts() => new(Verified, UnderVerification, Reported, Disputed, Rejected, Retracted);

        public static SummaryRow Read(NpgsqlDataReader r) => new(Int(r, "verified"), Int(r, "under_verification"), Int(r, "reported"),
            Int(r, "disputed"), Int(r, "rejected"), Int(r, "retracted"), Int(r, "verified_persons"), Int(r, "verified_with_charges_not_dropped"),
            Int(r, "verified_with_charges_unknown"));
    }

    private static BreakdownItem ReadBreakdownItem(NpgsqlDataReader r)
    {
        var label = r.GetOrdinal("label");
        return new BreakdownItem(r.GetString(r.GetOrdinal("key")), r.IsDBNull(label) ? null : r.GetString(label), Int(r, "verified"));
    }

    private sealed record TimelineRow(DateOnly Bucket, int Verified, int Reported)
    {
        public static TimelineRow Read(NpgsqlDataReader r) => new(r.GetFieldValue<DateOnly>(r.GetOrdinal("bucket")), Int(r, "verified"), Int(r, "reported"));
    }

    private sealed record VerifiedChange(DateOnly ReleasedOn, int Bucket, int Verified);

    /// <summary>A claim's verified counts as of its statement and as of now, as the database keeps them (<see cref="TotalsStatements.ClaimsCounted"/>).</summary>
    private sealed record KeptCount(int VerifiedAtStatement, int VerifiedNow);

    /// <summary>
    /// A claim beside an answer, as the answer shows it (<see cref="TotalsSql.ClaimColumns"/>), with the counts the
    /// database keeps for it when the path's rows carry them (<see cref="Kept"/>; null otherwise).
    /// </summary>
    private sealed record ClaimRow(Guid Id, string Claimant, ClaimantKind ClaimantKind, Domain.Claims.ClaimCount Count, string OriginalText,
        DateTimeOffset StatedAt, int StatedAtOffsetMinutes, DateOnly PeriodFrom, DateOnly PeriodTo, KeptCount? Kept)
    {
        public static ClaimRow Read(NpgsqlDataReader r, bool counted)
        {
            var upper = r.GetOrdinal("count_upper_value");
            return new ClaimRow(r.GetGuid(r.GetOrdinal("id")), r.GetString(r.GetOrdinal("claimant")),
                Enum.Parse<ClaimantKind>(r.GetString(r.GetOrdinal("claimant_kind"))),
                new Domain.Claims.ClaimCount(Enum.Parse<CountQualifier>(r.GetString(r.GetOrdinal("count_qualifier"))), Int(r, "count_value"),
                    r.IsDBNull(upper) ? null : r.GetInt32(upper)),
                r.GetString(r.GetOrdinal("original_text")), r.GetFieldValue<DateTimeOffset>(r.GetOrdinal("stated_at")), Int(r, "stated_at_offset_minutes"),
                r.GetFieldValue<DateOnly>(r.GetOrdinal("period_from")), r.GetFieldValue<DateOnly>(r.GetOrdinal("period_to")),
                counted ? new KeptCount(Int(r, "verified_at_statement"), Int(r, "verified_now")) : null);
        }
    }

    private static int Int(NpgsqlDataReader r, string column) => r.GetInt32(r.GetOrdinal(column));
}

/// <summary>A release a replayed answer counts, with every field a breakdown may use, as known at the answer's moment.</summary>
public sealed record CountedRelease(Guid ReleaseId, DateOnly ReleasedOn, string Status, Guid? FacilityId, string Kind, bool? ChargesDropped, string Gender,
    string[] Nationalities, string[] Categories);
