using PrisonerReleaseTracker.Api.Features.Changes;
using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore.Query;

namespace PrisonerReleaseTracker.Api.Features.Releases;

/// <summary>The releases a <see cref="ReleaseFilter"/> selects: the one reading of the filter, for the list and the export.</summary>
public static class ReleaseFiltering
{
    public static IQueryable<Release> Matching(this IQueryable<Release> releases, ReleaseFilter filter, AppDbContext db) => releases
        .WhereGiven(filter.ReleasedFrom, from => r => r.ReleasedOn >= from)
        .WhereGiven(filter.ReleasedTo, to => r => r.ReleasedOn <= to)
        .WhereGiven(filter.Status, status => r => r.Status == status)
        .WhereGiven(filter.FacilityId, facilityId => r => r.FacilityId == facilityId)
        .WhereGiven(filter.Nationality, nationality => r => db.Detainees.Any(d => d.Id == r.DetaineeId && d.Nationalities.Contains(nationality)))
        .WhereGiven(filter.Category, category => r => db.Detainees.Any(d => d.Id == r.DetaineeId && d.Categories.Contains(category)));
}

/// <summary>Reads of releases and their verification histories, projected in SQL and shaped for the caller.</summary>
public sealed class ReleaseQueries(AppDbContext db, GenericPlanReads genericPlanReads)
{
    public async Task<Page<ReleaseResponse>> ListAsync(ReleaseFilter filter, RecordPageQuery page, Caller caller, CancellationToken ct)
    {
        var rows = await Project(db, page.Slice(db.Releases.AsNoTracking().Matching(filter, db).ChangedSince(page, db), r => r.Id), caller).ToListAsync(ct);
        return page.ToPage([.. rows.Select(row => row.ToResponse(caller))], r => r.Id);
    }

    /// <summary>One release as the caller may see it (read on <see cref="GenericPlanReads"/>: committed data only); null when there is none.</summary>
    public async Task<ReleaseResponse?> GetAsync(Guid id, Caller caller, CancellationToken ct)
    {
        await using var reads = genericPlanReads.Create();
        return await ById(reads, id, caller.Organization, caller.Role, ct) is { } row ? row.ToResponse(caller) : null;
    }

    /// <summary>The decisions on a release in the order made, as the caller may see them; null when there is no such release.</summary>
    public async Task<List<VerificationEventResponse>?> HistoryAsync(Guid releaseId, Caller caller, CancellationToken ct)
    {
        if (await PersonReleasedAsync(releaseId, caller, ct) is not { } person)
        {
            return null;
        }

        var events = await db.VerificationEvents.AsNoTracking().Where(e => e.ReleaseId == releaseId).OrderBy(e => e.Sequence).Select(Decision).ToListAsync(ct);
        return [.. events.Select(e => e.AsSeen(person))];
    }

    /// <summary>One decision on a release, as the caller may see it; null when there is none.</summary>
    public async Task<VerificationEventResponse?> DecisionAsync(Guid releaseId, int sequence, Caller caller, CancellationToken ct) =>
        await db.VerificationEvents.AsNoTracking().Where(e => e.ReleaseId == releaseId && e.Sequence == sequence).Select(Decision).SingleOrDefaultAsync(ct)
            is { } decision
            ? decision.AsSeen((await PersonReleasedAsync(releaseId, caller, ct))!.Value)
            : null;

    private static readonly Expression<Func<VerificationEvent, VerificationEventResponse>> Decision = e => new VerificationEventResponse(
        e.Id, e.Sequence, e.Status, e.Method, e.OccurredAt, e.RecordedAt, new ReporterDto(e.KeyId, e.Organization), e.Note, e.SourceIds,
        ETags.From(EF.Property<uint>(e, AppDbContext.RowVersion)));

    /// <summary>How the person a release freed appears to the caller; null when there is no such release.</summary>
    public async Task<Seen?> PersonReleasedAsync(Guid releaseId, Caller caller, CancellationToken ct)
    {
        var person = await (from r in db.Releases
                            where r.Id == releaseId
                            join d in db.Detainees on r.DetaineeId equals d.Id
                            select new { d.Id, d.IsProtected, d.Organization }).FirstOrDefaultAsync(ct);
        return person is null ? null : caller.See(person.Id, person.IsProtected, person.Organization);
    }

    /// <summary>
    /// A release's row as a reader may see it: the one projection, composed into the list's query
    /// (<see cref="Project"/>) and compiled once for a release by id (<see cref="ById"/>).
    /// </summary>
    private static readonly Expression<Func<AppDbContext, IQueryable<Release>, string, Role, IQueryable<ReleaseRow>>> Projection =
        (db, releases, organization, role) =>
            from r in releases
            join d in db.Detainees on r.DetaineeId equals d.Id
            select new ReleaseRow(r.Id, r.DetentionId, d.Id, d.FullName, d.IsProtected, d.Organization, d.Nationalities, r.ReleasedOn, r.Kind,
                r.Conditions.ChargesDropped, r.Conditions.TravelBan, r.Conditions.BarredFromPublicStatements, r.Conditions.MustReportToCourt,
                r.FacilityId,
                // The cited ids joined to the sources (unnest, by primary key), in the order cited.
                r.SourceIds.Join(db.Sources, id => id, s => s.Id,
                        (_, s) => new CitedSourceRow(s.Id, s.Url, s.Publisher, s.Title, Visibility.WithheldSource(db, organization, role, s.Id)))
                    .ToList(),
                r.Note, r.ReportedByKeyId, r.ReportedByOrganization, r.Status, r.StatusOccurredAt, r.StatusOrganization, r.CreatedAt,
                EF.Property<uint>(r, AppDbContext.RowVersion));

    private static IQueryable<ReleaseRow> Project(AppDbContext db, IQueryable<Release> releases, Caller caller)
    {
        // The reader's organization and role are read from an object, so that EF sends them as parameters.
        var reader = Expression.Constant(new Reader(caller.Organization, caller.Role));
        var body = Substitute(Projection, Expression.Constant(db), releases.Expression,
            Expression.Property(reader, nameof(Reader.Organization)), Expression.Property(reader, nameof(Reader.Role)));
        return releases.Provider.CreateQuery<ReleaseRow>(body);
    }

    /// <summary>
    /// A release by id, compiled once: a point read is short enough that building and looking up its LINQ query each time
    /// was a tenth of the API's work on it (bench/README.md).
    /// </summary>
    private static readonly Func<AppDbContext, Guid, string, Role, CancellationToken, Task<ReleaseRow?>> ById = EF.CompileAsyncQuery(ByIdQuery());

    private static Expression<Func<AppDbContext, Guid, string, Role, CancellationToken, ReleaseRow?>> ByIdQuery()
    {
        Expression<Func<AppDbContext, Guid, IQueryable<Release>>> one = (db, id) => db.Releases.AsNoTracking().Where(r => r.Id == id);
        var (db, id, organization, role, ct) = (one.Parameters[0], one.Parameters[1], Expression.Parameter(typeof(string), "organization"),
            Expression.Parameter(typeof(Role), "role"), Expression.Parameter(typeof(CancellationToken), "ct"));
        var rows = Substitute(Projection, db, one.Body, organization, role);
        var first = Expression.Call(typeof(Queryable), nameof(Queryable.FirstOrDefault), [typeof(ReleaseRow)], rows);
        return Expression.Lambda<Func<AppDbContext, Guid, string, Role, CancellationToken, ReleaseRow?>>(first, db, id, organization, role, ct);
    }

    /// <summary>The body of <paramref name="lambda"/> with its parameters replaced by <paramref name="arguments"/>, in order.</summary>
    private static Expression Substitute(LambdaExpression lambda, params Expression[] arguments) =>
        new ReplacingExpressionVisitor([.. lambda.Parameters], arguments).Visit(lambda.Body);

    private sealed record Reader(string Organization, Role Role);

    private sealed record CitedSourceRow(Guid Id, string Url, string? Publisher, string? Title, bool Withheld)
    {
        public CitedSource ToCited() => Withheld ? new CitedSource(Id, null, Publisher, null) : new CitedSource(Id, Url, Publisher, Title);
    }

    private sealed record ReleaseRow(
        Guid Id, Guid DetentionId, Guid DetaineeId, string FullName, bool IsProtected, string DetaineeOrganization, List<string> Nationalities,
        DateOnly ReleasedOn, ReleaseKind Kind, bool? ChargesDropped, bool TravelBan, bool BarredFromPublicStatements, bool MustReportToCourt,
        Guid? FacilityId, List<CitedSourceRow> Sources, string? Note, Guid ReportedByKeyId, string ReportedByOrganization,
        VerificationStatus Status, DateTimeOffset? StatusOccurredAt, string? StatusOrganization, DateTimeOffset CreatedAt, uint Version)
    {
        /// <summary>The answer for a caller: the person as the caller may see them; sources in the order cited.</summary>
        public ReleaseResponse ToResponse(Caller caller)
        {
            var person = caller.See(DetaineeId, IsProtected, DetaineeOrganization);
            return new ReleaseResponse(Id, DetentionId, new ReleasedPerson(DetaineeId, person.Name(FullName), Nationalities), ReleasedOn, Kind,
                new ReleaseConditionsDto(ChargesDropped, TravelBan, BarredFromPublicStatements, MustReportToCourt), FacilityId,
                person.Identifying([.. Sources.Select(s => s.ToCited())]),
                person.Identifying(Note), new ReporterDto(ReportedByKeyId, ReportedByOrganization), Status, StatusOccurredAt, StatusOrganization,
                CreatedAt, ETags.From(Version));
        }
    }
}
