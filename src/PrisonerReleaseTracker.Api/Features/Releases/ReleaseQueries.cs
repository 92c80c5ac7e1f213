using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using PrisonerReleaseTracker.Api.Data;
using PrisonerReleaseTracker.Api.Infrastructure;
using PrisonerReleaseTracker.Domain.Releases;

namespace PrisonerReleaseTracker.Api.Features.Releases;

/// <summary>Reads of releases and their verification histories, projected in SQL.</summary>
public sealed class ReleaseQueries(AppDbContext db)
{
    public async Task<Page<ReleaseResponse>> ListAsync(ReleaseListQuery query, Caller caller, CancellationToken ct)
    {
        query.TryReadCursor(out var after);
        var releases = db.Releases.AsNoTracking();
        if (after is { } start)
        {
            releases = releases.Where(r => r.Id > start);
        }

        if (query.ReleasedFrom is { } from)
        {
            releases = releases.Where(r => r.ReleasedOn >= from);
        }

        if (query.ReleasedTo is { } to)
        {
            releases = releases.Where(r => r.ReleasedOn <= to);
        }

        if (query.Status is { } status)
        {
            releases = releases.Where(r => r.Status == status);
        }

        if (query.FacilityId is { } facilityId)
        {
            releases = releases.Where(r => r.FacilityId == facilityId);
        }

        if (query.Nationality is { } nationality)
        {
            releases = releases.Where(r => db.Detainees.Any(d => d.Id == r.DetaineeId && d.Nationalities.Contains(nationality)));
        }

        if (query.Category is { } category)
        {
            releases = releases.Where(r => db.Detainees.Any(d => d.Id == r.DetaineeId && d.Categories.Contains(category)));
        }

        var rows = await Project(db, releases.OrderBy(r => r.Id).Take(query.Limit + 1)).ToListAsync(ct);
        return query.ToPage([.. rows.Select(row => Shape(row, caller))], r => r.Id);
    }

    public async Task<ReleaseResponse?> GetAsync(Guid id, Caller caller, CancellationToken ct) =>
        await ById(db, id, ct) is { } row ? Shape(row, caller) : null;

    /// <summary>
    /// The hottest read, compiled once: <see cref="Project"/> for one id. A compiled query cannot call a method, so
    /// the projection is spelled out again here; keep the two the same.
    /// </summary>
    private static readonly Func<AppDbContext, Guid, CancellationToken, Task<ReleaseRow?>> ById = EF.CompileAsyncQuery(
        (AppDbContext db, Guid id, CancellationToken _) => (
            from r in db.Releases.AsNoTracking()
            where r.Id == id
            join d in db.Detainees on r.DetaineeId equals d.Id
            select new ReleaseRow(r.Id, r.DetentionId, d.Id, d.FullName, d.IsProtected, d.Organization, d.Nationalities, r.ReleasedOn, r.Kind,
                r.Conditions.ChargesDropped, r.Conditions.TravelBan, r.Conditions.BarredFromPublicStatements, r.Conditions.MustReportToCourt,
                r.FacilityId, r.SourceIds,
                db.Sources.Where(s => r.SourceIds.Contains(s.Id)).Select(s => new CitedSource(s.Id, s.Url, s.Publisher, s.Title)).ToList(),
                r.Note, r.ReportedByKeyId, r.ReportedByOrganization, r.Status, r.StatusOccurredAt, r.StatusOrganization, r.CreatedAt,
                EF.Property<uint>(r, AppDbContext.RowVersion))).FirstOrDefault());

    public Task<List<VerificationEventResponse>> HistoryAsync(Guid releaseId, CancellationToken ct) =>
        db.VerificationEvents.AsNoTracking().Where(e => e.ReleaseId == releaseId).OrderBy(e => e.Sequence).Select(Decision).ToListAsync(ct);

    public Task<VerificationEventResponse?> DecisionAsync(Guid releaseId, int sequence, CancellationToken ct) =>
        db.VerificationEvents.AsNoTracking().Where(e => e.ReleaseId == releaseId && e.Sequence == sequence).Select(Decision).SingleOrDefaultAsync(ct);

    private static readonly Expression<Func<VerificationEvent, VerificationEventResponse>> Decision = e => new VerificationEventResponse(
        e.Id, e.Sequence, e.Status, e.Method, e.OccurredAt, e.RecordedAt, new ReporterDto(e.KeyId, e.Organization), e.Note, e.SourceIds,
        ETags.From(EF.Property<uint>(e, AppDbContext.RowVersion)));

    private static IQueryable<ReleaseRow> Project(AppDbContext db, IQueryable<Release> releases) =>
        from r in releases
        join d in db.Detainees on r.DetaineeId equals d.Id
        select new ReleaseRow(r.Id, r.DetentionId, d.Id, d.FullName, d.IsProtected, d.Organization, d.Nationalities, r.ReleasedOn, r.Kind,
            r.Conditions.ChargesDropped, r.Conditions.TravelBan, r.Conditions.BarredFromPublicStatements, r.Conditions.MustReportToCourt,
            r.FacilityId, r.SourceIds,
            db.Sources.Where(s => r.SourceIds.Contains(s.Id)).Select(s => new CitedSource(s.Id, s.Url, s.Publisher, s.Title)).ToList(),
            r.Note, r.ReportedByKeyId, r.ReportedByOrganization, r.Status, r.StatusOccurredAt, r.StatusOrganization, r.CreatedAt,
            EF.Property<uint>(r, AppDbContext.RowVersion));

    /// <summary>The answer for a caller: a protected person's name only for those who may see it; sources in the order cited.</summary>
    private static ReleaseResponse Shape(ReleaseRow r, Caller caller) => new(
        r.Id, r.DetentionId,
        new ReleasedPerson(r.DetaineeId, Visibility.NameFor(caller, r.DetaineeId, r.FullName, r.IsProtected, r.DetaineeOrganization), r.Nationalities),
        r.ReleasedOn, r.Kind, new ReleaseConditionsDto(r.ChargesDropped, r.TravelBan, r.BarredFromPublicStatements, r.MustReportToCourt),
        r.FacilityId, [.. r.SourceIds.Select(id => r.Sources.Find(s => s.Id == id)).OfType<CitedSource>()], r.Note,
        new ReporterDto(r.ReportedByKeyId, r.ReportedByOrganization), r.Status, r.StatusOccurredAt, r.StatusOrganization, r.CreatedAt,
        ETags.From(r.Version));

    private sealed record ReleaseRow(
        Guid Id, Guid DetentionId, Guid DetaineeId, string FullName, bool IsProtected, string DetaineeOrganization, List<string> Nationalities,
        DateOnly ReleasedOn, ReleaseKind Kind, bool? ChargesDropped, bool TravelBan, bool BarredFromPublicStatements, bool MustReportToCourt,
        Guid? FacilityId, List<Guid> SourceIds, List<CitedSource> Sources, string? Note, Guid ReportedByKeyId, string ReportedByOrganization,
        VerificationStatus Status, DateTimeOffset? StatusOccurredAt, string? StatusOrganization, DateTimeOffset CreatedAt, uint Version);
}
