using Microsoft.EntityFrameworkCore;
using PrisonerReleaseTracker.Api.Data;
using PrisonerReleaseTracker.Api.Data.Configurations;
using PrisonerReleaseTracker.Api.Infrastructure;
using PrisonerReleaseTracker.Domain.Access;
using PrisonerReleaseTracker.Domain.Audit;
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
            // A name search must not reveal that a protected person is on record: no oracle.
            if (caller.Role != Role.Admin)
            {
                detainees = detainees.Where(d => !d.IsProtected || d.Organization == caller.Organization);
            }
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
        var page = query.ToPage([.. rows.Select(r => r.ToResponse(caller))], d => d.Id);
        await AuditSensitiveReadsAsync(rows.Where(r => page.Items.Any(i => i.Id == r.Id)), caller, ct);
        return page;
    }

    /// <summary>One detainee as <paramref name="caller"/> may see them; <paramref name="auditRead"/> is false when answering the caller's own write.</summary>
    public async Task<DetaineeResponse?> GetAsync(Guid id, Caller caller, CancellationToken ct, bool auditRead = true)
    {
        var row = await Project(db.Detainees.AsNoTracking().Where(d => d.Id == id)).SingleOrDefaultAsync(ct);
        if (row is null)
        {
            return null;
        }

        if (auditRead)
        {
            await AuditSensitiveReadsAsync([row], caller, ct);
        }

        return row.ToResponse(caller);
    }

    /// <summary>Who was shown a protected person, a national id or notes is in the audit log (field names only).</summary>
    private async Task AuditSensitiveReadsAsync(IEnumerable<DetaineeRow> rows, Caller caller, CancellationToken ct)
    {
        var revealed = rows.Select(r => (r.Id, Fields: r.SensitiveFieldsShownTo(caller))).Where(r => r.Fields.Count > 0).ToList();
        foreach (var (id, fields) in revealed)
        {
            db.RecordRead(new AuditEvent(AuditAction.Read, nameof(Detainee), id, fields));
        }

        if (revealed.Count > 0)
        {
            await db.SaveChangesAsync(ct);
        }
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
        /// <summary>
        /// Sensitive fields only reach the organization that holds the record, and Admins. Anyone else sees a
        /// protected person through a stable pseudonym, with nothing that identifies her.
        /// </summary>
        public DetaineeResponse ToResponse(Caller caller)
        {
            var holds = caller.Holds(Organization);
            if (IsProtected && !holds)
            {
                return new DetaineeResponse(Id, Visibility.ProtectedLabel(Id), [], Gender, null, Nationalities, Categories, [], true,
                    null, null, Status, CurrentFacilityId, Organization, CreatedAt, UpdatedAt, ETags.From(Version));
            }

            return new DetaineeResponse(Id, FullName, OtherNames, Gender, BirthDate, Nationalities, Categories, ExternalIds, IsProtected,
                holds ? NationalId : null, holds ? Notes : null, Status, CurrentFacilityId, Organization, CreatedAt, UpdatedAt, ETags.From(Version));
        }

        public List<string> SensitiveFieldsShownTo(Caller caller)
        {
            if (!caller.Holds(Organization))
            {
                return [];
            }

            List<string> fields = IsProtected ? ["fullName", "otherNames", "birthDate", "externalIds"] : [];
            if (NationalId is not null)
            {
                fields.Add("nationalId");
            }

            if (Notes is not null)
            {
                fields.Add("notes");
            }

            return fields;
        }
    }
}
