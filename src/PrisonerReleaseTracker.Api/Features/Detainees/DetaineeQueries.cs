using Microsoft.EntityFrameworkCore;
using PrisonerReleaseTracker.Api.Data;
using PrisonerReleaseTracker.Api.Data.Configurations;
using PrisonerReleaseTracker.Api.Infrastructure;
using PrisonerReleaseTracker.Domain.Detainees;

namespace PrisonerReleaseTracker.Api.Features.Detainees;

/// <summary>Reads of detainees, projected in SQL and shaped for the caller.</summary>
public sealed class DetaineeQueries(AppDbContext db)
{
    public async Task<Page<DetaineeResponse>> ListAsync(DetaineeListQuery query, Caller caller, CancellationToken ct)
    {
        query.TryReadCursor(out var after);
        var detainees = db.Detainees.AsNoTracking();
        if (after is { } start)
        {
            detainees = detainees.Where(d => d.Id > start);
        }

        if (!string.IsNullOrWhiteSpace(query.Q))
        {
            var pattern = "%" + EscapeLike(query.Q) + "%";
            detainees = detainees.Where(d => EF.Functions.Like(EF.Property<string>(d, DetaineeConfiguration.SearchText), AppDbContext.Fold(pattern), "\\"));
        }

        if (query.Nationality is { } nationality)
        {
            detainees = detainees.Where(d => d.Nationalities.Contains(nationality));
        }

        if (query.Category is { } category)
        {
            detainees = detainees.Where(d => d.Categories.Contains(category));
        }

        if (query.Status is { } status)
        {
            detainees = detainees.Where(d => d.Status == status);
        }

        if (query.FacilityId is { } facilityId)
        {
            detainees = detainees.Where(d => d.Detentions.Any(x => x.ReleasedOn == null && x.FacilityId == facilityId));
        }

        if (query.ArrestedFrom is { } from)
        {
            detainees = detainees.Where(d => d.Detentions.Any(x => EF.Property<DateOnly?>(x, DetentionConfiguration.ArrestedTo) >= from));
        }

        if (query.ArrestedTo is { } to)
        {
            detainees = detainees.Where(d => d.Detentions.Any(x => EF.Property<DateOnly?>(x, DetentionConfiguration.ArrestedFrom) <= to));
        }

        var rows = await Project(detainees.OrderBy(d => d.Id).Take(query.Limit + 1)).ToListAsync(ct);
        return query.ToPage([.. rows.Select(r => r.ToResponse(caller))], d => d.Id);
    }

    public async Task<(DetaineeResponse Detainee, uint Version)?> GetAsync(Guid id, Caller caller, CancellationToken ct)
    {
        var row = await Project(db.Detainees.AsNoTracking().Where(d => d.Id == id)).SingleOrDefaultAsync(ct);
        return row is null ? null : (row.ToResponse(caller), row.Version);
    }

    private static IQueryable<DetaineeRow> Project(IQueryable<Detainee> detainees) => detainees.Select(d => new DetaineeRow(
        d.Id, d.FullName, d.OtherNames, d.Gender, d.BirthDate, d.Nationalities, d.Categories,
        d.ExternalIds.Select(e => new ExternalIdDto(e.Scheme, e.Value)).ToList(),
        d.IsProtected, d.NationalId, d.Notes, d.Status,
        d.Detentions.Where(x => x.ReleasedOn == null).Select(x => x.FacilityId).FirstOrDefault(),
        d.Organization, d.CreatedAt, d.UpdatedAt, EF.Property<uint>(d, AppDbContext.RowVersion)));

    /// <summary>A typed <c>%</c> or <c>_</c> is a character to find, not a wildcard.</summary>
    private static string EscapeLike(string text) => text.Trim().Replace("\\", "\\\\", StringComparison.Ordinal)
        .Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);

    private sealed record DetaineeRow(
        Guid Id, string FullName, List<string> OtherNames, Gender Gender, Domain.PartialDate? BirthDate, List<string> Nationalities,
        List<string> Categories, List<ExternalIdDto> ExternalIds, bool IsProtected, string? NationalId, string? Notes,
        DetaineeStatus Status, Guid? CurrentFacilityId, string Organization, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, uint Version)
    {
        /// <summary>Sensitive fields only reach the organization that holds the record, and Admins.</summary>
        public DetaineeResponse ToResponse(Caller caller)
        {
            var holds = caller.Holds(Organization);
            return new DetaineeResponse(Id, FullName, OtherNames, Gender, BirthDate, Nationalities, Categories, ExternalIds, IsProtected,
                holds ? NationalId : null, holds ? Notes : null, Status, CurrentFacilityId, Organization, CreatedAt, UpdatedAt);
        }
    }
}
