using System.Linq.Expressions;
using PrisonerReleaseTracker.Api.Features.Detainees;
using PrisonerReleaseTracker.Api.Features.Releases;

namespace PrisonerReleaseTracker.Api.Features.Exports;

/// <summary>
/// Reads for exports: the list's filter, one query each, streamed row by row as the database sends them, so an export
/// of a million rows holds one row in memory. Every row is shaped for the caller as the API shapes it.
/// </summary>
public sealed class ExportQueries(AppDbContext db, TimeProvider clock)
{
    /// <summary>Notes in the audit log that the caller exported records, and which sensitive fields an export can carry.</summary>
    public async Task RecordExportAsync(string what, CancellationToken ct)
    {
        db.RecordRead(new AuditEvent(AuditAction.Read, what, Guid.CreateVersion7(clock.GetUtcNow()), ["fullName", "otherNames", "birthDate", "externalIds", "nationalId", "notes"]));
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Each person with the latest detention (the open one, else the most recent: ids are time-ordered) and its release.</summary>
    public IAsyncEnumerable<DetaineeExportRow> DetaineesAsync(DetaineeFilter filter, Caller caller, CancellationToken ct)
    {
        var joined =
            from d in db.Detainees.AsNoTracking().Matching(filter, caller)
            from x in db.Detentions.Where(x => x.Id == db.Detentions.Where(l => l.DetaineeId == d.Id)
                .OrderByDescending(l => l.ReleasedOn == null).ThenByDescending(l => l.Id).Select(l => (Guid?)l.Id).FirstOrDefault()).DefaultIfEmpty()
            from f in db.Facilities.Where(f => f.Id == x!.FacilityId).DefaultIfEmpty()
            from r in db.Releases.Where(r => r.DetentionId == x!.Id).DefaultIfEmpty()
            orderby d.Id
            select new ExportJoin { Person = d, Detention = x, Facility = f, Release = r };
        return ReadAsync(joined, caller, record => DetaineeExportRow.From(record, caller), ct);
    }

    /// <summary>Each release with the detention it ended, its person, and the facility released from.</summary>
    public IAsyncEnumerable<ReleaseExportRow> ReleasesAsync(ReleaseFilter filter, Caller caller, CancellationToken ct)
    {
        var joined =
            from r in db.Releases.AsNoTracking().Matching(filter, db)
            join x in db.Detentions on r.DetentionId equals x.Id
            join d in db.Detainees on r.DetaineeId equals d.Id
            from f in db.Facilities.Where(f => f.Id == (r.FacilityId ?? x.FacilityId)).DefaultIfEmpty()
            orderby r.Id
            select new ExportJoin { Person = d, Detention = x, Facility = f, Release = r };
        return ReadAsync(joined, caller, record => ReleaseExportRow.From(record, caller), ct);
    }

    private async IAsyncEnumerable<T> ReadAsync<T>(IQueryable<ExportJoin> joined, Caller caller, Func<ExportRecord, T> shape,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        // No statement timeout of 30 s for a file of a million rows; the request's own timeout ends it.
        db.Database.SetCommandTimeout(TimeSpan.FromMinutes(30));
        await foreach (var record in joined.Select(Columns(caller)).AsAsyncEnumerable().WithCancellation(ct))
        {
            yield return shape(record);
        }
    }

    /// <summary>The columns both exports read: the person, the detention, its facility, the release and its sources.</summary>
    private Expression<Func<ExportJoin, ExportRecord>> Columns(Caller caller)
    {
        var (organization, role) = (caller.Organization, caller.Role);
        return j => new ExportRecord(
            j.Person.Id, j.Person.FullName, j.Person.OtherNames, j.Person.Gender, j.Person.BirthDate, j.Person.Nationalities, j.Person.Categories,
            j.Person.IsProtected, j.Person.NationalId, j.Person.Notes, j.Person.Organization, j.Person.Status,
            j.Person.ExternalIds.OrderBy(e => EF.Property<int>(e, "Id")).Select(e => e.Scheme + ":" + e.Value).ToList(),
            j.Detention!.ArrestedOn, j.Detention.ArrestingAuthority, j.Detention.Charges, j.Facility!.Name, j.Facility.Country,
            j.Release!.Id, (DateOnly?)j.Release.ReleasedOn, (ReleaseKind?)j.Release.Kind, j.Release.Conditions.ChargesDropped,
            (bool?)j.Release.Conditions.TravelBan, (bool?)j.Release.Conditions.BarredFromPublicStatements, (bool?)j.Release.Conditions.MustReportToCourt,
            j.Release.SourceIds.Join(db.Sources, id => id, s => s.Id,
                (_, s) => new ExportSource(s.Id, s.Url, Visibility.WithheldSource(db, organization, role, s.Id))).ToList(),
            (VerificationStatus?)j.Release.Status, j.Release.StatusOccurredAt, j.Release.StatusOrganization, j.Release.ReportedByOrganization,
            (DateTimeOffset?)j.Release.CreatedAt);
    }

    /// <summary>The rows an export joins, by name, so that one projection serves both.</summary>
    private sealed class ExportJoin
    {
        public required Detainee Person { get; init; }
        public Detention? Detention { get; init; }
        public Facility? Facility { get; init; }
        public Release? Release { get; init; }
    }
}

/// <summary>A cited source as an export reads it.</summary>
public sealed record ExportSource(Guid Id, string Url, bool Withheld);

/// <summary>What both exports read of a person, a detention, its facility and its release, before it is shaped for the caller.</summary>
public sealed record ExportRecord(
    Guid PersonId, string FullName, List<string> OtherNames, Gender Gender, PartialDate? BirthDate, List<string> Nationalities,
    List<string> Categories, bool IsProtected, string? NationalId, string? Notes, string Organization, DetaineeStatus Status,
    List<string> ExternalIds, PartialDate? ArrestedOn, string? ArrestingAuthority, List<string>? Charges, string? Facility, string? FacilityCountry,
    Guid? ReleaseId, DateOnly? ReleasedOn, ReleaseKind? ReleaseKind, bool? ChargesDropped, bool? TravelBan, bool? BarredFromPublicStatements,
    bool? MustReportToCourt, List<ExportSource> Sources, VerificationStatus? VerificationStatus,
    DateTimeOffset? LastDecidedAt, string? LastDecidedBy, string? ReportedByOrganization, DateTimeOffset? ReleaseCreatedAt)
{
    /// <summary>The release's source urls in the order cited, but those the caller may not see.</summary>
    public IReadOnlyList<string> SourceUrls => [.. Sources.Where(s => !s.Withheld).Select(s => s.Url)];
}
