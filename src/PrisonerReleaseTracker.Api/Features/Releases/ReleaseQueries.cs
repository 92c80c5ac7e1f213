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

        var rows = await Project(releases.OrderBy(r => r.Id).Take(query.Limit + 1)).ToListAsync(ct);
        return query.ToPage(await ShapeAsync(rows, caller, ct), r => r.Id);
    }

    public async Task<ReleaseResponse?> GetAsync(Guid id, Caller caller, CancellationToken ct)
    {
        var rows = await Project(db.Releases.AsNoTracking().Where(r => r.Id == id)).ToListAsync(ct);
        return rows.Count == 0 ? null : (await ShapeAsync(rows, caller, ct))[0];
    }

    public Task<List<VerificationEventResponse>> HistoryAsync(Guid releaseId, CancellationToken ct) =>
        db.VerificationEvents.AsNoTracking().Where(e => e.ReleaseId == releaseId).OrderBy(e => e.Sequence)
            .Select(e => new VerificationEventResponse(e.Id, e.Sequence, e.Status, e.Method, e.OccurredAt, e.RecordedAt,
                new ReporterDto(e.KeyId, e.Organization), e.Note, e.SourceIds))
            .ToListAsync(ct);

    private IQueryable<ReleaseRow> Project(IQueryable<Release> releases) =>
        from r in releases
        join d in db.Detainees on r.DetaineeId equals d.Id
        select new ReleaseRow(r.Id, r.DetentionId, d.Id, d.FullName, d.IsProtected, d.Organization, d.Nationalities, r.ReleasedOn, r.Kind,
            r.Conditions.ChargesDropped, r.Conditions.TravelBan, r.Conditions.BarredFromPublicStatements, r.Conditions.MustReportToCourt,
            r.FacilityId, r.SourceIds, r.Note, r.ReportedByKeyId, r.ReportedByOrganization, r.Status, r.StatusOccurredAt, r.StatusOrganization, r.CreatedAt);

    private async Task<List<ReleaseResponse>> ShapeAsync(List<ReleaseRow> rows, Caller caller, CancellationToken ct)
    {
        var sourceIds = rows.SelectMany(r => r.SourceIds).Distinct().ToList();
        var sources = sourceIds.Count == 0
            ? []
            : await db.Sources.AsNoTracking().Where(s => sourceIds.Contains(s.Id))
                .Select(s => new CitedSource(s.Id, s.Url, s.Publisher, s.Title)).ToDictionaryAsync(s => s.Id, ct);
        return [.. rows.Select(r => new ReleaseResponse(
            r.Id, r.DetentionId,
            new ReleasedPerson(r.DetaineeId, Visibility.NameFor(caller, r.DetaineeId, r.FullName, r.IsProtected, r.DetaineeOrganization), r.Nationalities),
            r.ReleasedOn, r.Kind, new ReleaseConditionsDto(r.ChargesDropped, r.TravelBan, r.BarredFromPublicStatements, r.MustReportToCourt),
            r.FacilityId, [.. r.SourceIds.Where(sources.ContainsKey).Select(id => sources[id])], r.Note,
            new ReporterDto(r.ReportedByKeyId, r.ReportedByOrganization), r.Status, r.StatusOccurredAt, r.StatusOrganization, r.CreatedAt))];
    }

    private sealed record ReleaseRow(
        Guid Id, Guid DetentionId, Guid DetaineeId, string FullName, bool IsProtected, string DetaineeOrganization, List<string> Nationalities,
        DateOnly ReleasedOn, ReleaseKind Kind, bool? ChargesDropped, bool TravelBan, bool BarredFromPublicStatements, bool MustReportToCourt,
        Guid? FacilityId, List<Guid> SourceIds, string? Note, Guid ReportedByKeyId, string ReportedByOrganization,
        VerificationStatus Status, DateTimeOffset? StatusOccurredAt, string? StatusOrganization, DateTimeOffset CreatedAt);
}
