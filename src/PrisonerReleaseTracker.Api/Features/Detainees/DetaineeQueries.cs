using NpgsqlTypes;
using PrisonerReleaseTracker.Api.Features.Changes;
using PrisonerReleaseTracker.Api.Data.Configurations;

namespace PrisonerReleaseTracker.Api.Features.Detainees;

/// <summary>The people a <see cref="DetaineeFilter"/> selects: the one reading of the filter, for the list and the export.</summary>
public static class DetaineeFiltering
{
    public static IQueryable<Detainee> Matching(this IQueryable<Detainee> detainees, DetaineeFilter filter, Caller caller)
    {
        if (!string.IsNullOrWhiteSpace(filter.Q))
        {
            var words = filter.Q;
            // A name search must not reveal that a protected person is on record: no oracle.
            detainees = detainees.IdentifiableBy(caller)
                .Where(d => EF.Property<NpgsqlTsVector>(d, DetaineeConfiguration.SearchWords).Matches(AppDbContext.NameQuery(words)));
        }

        return detainees
            .WhereGiven(filter.Nationality, nationality => d => d.Nationalities.Contains(nationality))
            .WhereGiven(filter.Category, category => d => d.Categories.Contains(category))
            .WhereGiven(filter.Status, status => d => d.Status == status)
            .WhereGiven(filter.FacilityId, facilityId => d => d.Detentions.Any(x => x.ReleasedOn == null && x.FacilityId == facilityId))
            .WhereGiven(filter.ArrestedFrom, from => d => d.Detentions.Any(x => EF.Property<DateOnly?>(x, DetentionConfiguration.ArrestedTo) >= from))
            .WhereGiven(filter.ArrestedTo, to => d => d.Detentions.Any(x => EF.Property<DateOnly?>(x, DetentionConfiguration.ArrestedFrom) <= to));
    }
}

/// <summary>Reads of detainees, projected in SQL and shaped for the caller.</summary>
public sealed class DetaineeQueries(AppDbContext db)
{
    public async Task<Page<DetaineeResponse>> ListAsync(DetaineeFilter filter, RecordPageQuery page, Caller caller, CancellationToken ct)
    {
        var rows = await Project(page.Slice(db.Detainees.AsNoTracking().Matching(filter, caller).ChangedSince(page, db), d => d.Id)).ToListAsync(ct);
        var shown = page.ToPage([.. rows.Select(r => r.ToResponse(caller))], d => d.Id);
        await AuditSensitiveReadsAsync(rows.Where(r => shown.Items.Any(i => i.Id == r.Id)), caller, ct);
        return shown;
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

    private sealed record DetaineeRow(
        Guid Id, string FullName, List<string> OtherNames, Gender Gender, Domain.PartialDate? BirthDate, List<string> Nationalities,
        List<string> Categories, List<ExternalIdDto> ExternalIds, bool IsProtected, string? NationalId, string? Notes,
        DetaineeStatus Status, Guid? CurrentFacilityId, string Organization, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, uint Version)
    {
        public DetaineeResponse ToResponse(Caller caller)
        {
            var seen = caller.See(Id, IsProtected, Organization);
            return new DetaineeResponse(Id, seen.Name(FullName), seen.Identifying(OtherNames), Gender, seen.Identifying(BirthDate), Nationalities,
                Categories, seen.Identifying(ExternalIds), IsProtected, seen.Sensitive(NationalId), seen.Sensitive(Notes), Status, CurrentFacilityId,
                Organization, CreatedAt, UpdatedAt, ETags.From(Version));
        }

        public List<string> SensitiveFieldsShownTo(Caller caller)
        {
            if (!caller.See(Id, IsProtected, Organization).Held)
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
