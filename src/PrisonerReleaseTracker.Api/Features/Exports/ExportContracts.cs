using Microsoft.Net.Http.Headers;

namespace PrisonerReleaseTracker.Api.Features.Exports;

/// <summary>A detainee as exported: the import's columns, with the latest detention and its release, so the file can be imported again.</summary>
/// <param name="Id">The person's id (read past by an import).</param>
/// <param name="ExternalId">Identifiers in other systems, as <c>scheme:value</c>.</param>
/// <param name="FullName">Full name, or a stable pseudonym for a protected person the caller may not identify.</param>
/// <param name="OtherNames">Other spellings and names.</param>
/// <param name="Gender">Gender as recorded.</param>
/// <param name="BirthDate">Birth date at the precision known.</param>
/// <param name="Nationalities">ISO 3166-1 alpha-2 codes.</param>
/// <param name="Categories">Categories.</param>
/// <param name="IsProtected">Whether the person is protected.</param>
/// <param name="NationalId">Sensitive: only for the holding organization.</param>
/// <param name="Notes">Sensitive: only for the holding organization.</param>
/// <param name="ArrestedOn">The latest detention's arrest date.</param>
/// <param name="Facility">The latest detention's facility, by name.</param>
/// <param name="FacilityCountry">That facility's country.</param>
/// <param name="ArrestingAuthority">Who made the arrest.</param>
/// <param name="Charges">Charges, as stated.</param>
/// <param name="ReleasedOn">The day the latest detention ended, if it did.</param>
/// <param name="ReleaseKind">How it ended.</param>
/// <param name="ChargesDropped">Whether the charges were dropped; null when unknown.</param>
/// <param name="TravelBan">Barred from leaving the country.</param>
/// <param name="BarredFromPublicStatements">Barred from speaking in public.</param>
/// <param name="MustReportToCourt">Must report to a court.</param>
/// <param name="SourceUrl">The release's sources.</param>
/// <param name="Status">Detained, Released or Unknown (read past by an import).</param>
/// <param name="Organization">The organization that holds the record (read past by an import).</param>
public sealed record DetaineeExportRow(
    Guid Id, IReadOnlyList<string> ExternalId, string FullName, IReadOnlyList<string> OtherNames, Gender Gender, string? BirthDate,
    IReadOnlyList<string> Nationalities, IReadOnlyList<string> Categories, bool IsProtected, string? NationalId, string? Notes,
    string? ArrestedOn, string? Facility, string? FacilityCountry, string? ArrestingAuthority, IReadOnlyList<string> Charges,
    DateOnly? ReleasedOn, ReleaseKind? ReleaseKind, bool? ChargesDropped, bool? TravelBan, bool? BarredFromPublicStatements,
    bool? MustReportToCourt, IReadOnlyList<string> SourceUrl, DetaineeStatus Status, string Organization)
{
    internal static readonly string[] CsvHeader =
    [
        "id", .. ImportColumns.Names, "status", "organization",
    ];

    internal static DetaineeExportRow From(ExportRecord r, Caller caller)
    {
        var person = caller.See(r.PersonId, r.IsProtected, r.Organization);
        return new DetaineeExportRow(r.PersonId, person.Identifying(r.ExternalIds), person.Name(r.FullName), person.Identifying(r.OtherNames), r.Gender,
            person.Identifying(r.BirthDate)?.ToString(), r.Nationalities, r.Categories, r.IsProtected, person.Sensitive(r.NationalId),
            person.Sensitive(r.Notes), r.ArrestedOn?.ToString(), r.Facility, r.FacilityCountry?.Trim(), person.Identifying(r.ArrestingAuthority),
            person.Identifying(r.Charges ?? []), r.ReleasedOn, r.ReleaseKind, r.ChargesDropped, r.TravelBan, r.BarredFromPublicStatements,
            r.MustReportToCourt, person.Identifying(r.SourceUrls), r.Status, r.Organization);
    }

    internal string?[] ToCsv() =>
    [
        Id.ToString(), .. ExportCsv.Person(ExternalId, FullName, OtherNames, Gender, BirthDate, Nationalities, Categories, IsProtected, NationalId, Notes),
        .. ExportCsv.Detention(ArrestedOn, Facility, FacilityCountry, ArrestingAuthority, Charges, ReleasedOn, ReleaseKind, ChargesDropped, TravelBan,
            BarredFromPublicStatements, MustReportToCourt, SourceUrl),
        Status.ToString(), Organization,
    ];
}

/// <summary>A release as exported: the import's columns for the person, the detention and the release, and where its verification stands.</summary>
/// <param name="Id">The release's id (read past by an import).</param>
/// <param name="DetaineeId">The person's id (read past by an import).</param>
/// <param name="ExternalId">The person's identifiers in other systems, as <c>scheme:value</c>.</param>
/// <param name="FullName">Full name, or a stable pseudonym for a protected person the caller may not identify.</param>
/// <param name="OtherNames">Other spellings and names.</param>
/// <param name="Gender">Gender as recorded.</param>
/// <param name="BirthDate">Birth date at the precision known.</param>
/// <param name="Nationalities">ISO 3166-1 alpha-2 codes.</param>
/// <param name="Categories">Categories.</param>
/// <param name="IsProtected">Whether the person is protected.</param>
/// <param name="NationalId">Sensitive: only for the holding organization.</param>
/// <param name="Notes">Sensitive: only for the holding organization.</param>
/// <param name="ArrestedOn">The arrest date of the detention the release ended.</param>
/// <param name="Facility">The facility released from, by name.</param>
/// <param name="FacilityCountry">That facility's country.</param>
/// <param name="ArrestingAuthority">Who made the arrest.</param>
/// <param name="Charges">Charges, as stated.</param>
/// <param name="ReleasedOn">The day of the release.</param>
/// <param name="ReleaseKind">How the detention ended.</param>
/// <param name="ChargesDropped">Whether the charges were dropped; null when unknown.</param>
/// <param name="TravelBan">Barred from leaving the country.</param>
/// <param name="BarredFromPublicStatements">Barred from speaking in public.</param>
/// <param name="MustReportToCourt">Must report to a court.</param>
/// <param name="SourceUrl">The release's sources.</param>
/// <param name="VerificationStatus">The verification status now (read past by an import, whose releases start Reported).</param>
/// <param name="LastDecidedAt">When the decision behind the status was made.</param>
/// <param name="LastDecidedBy">The organization behind that decision.</param>
/// <param name="ReportedByOrganization">The organization that reported the release.</param>
/// <param name="CreatedAt">When the release was recorded.</param>
public sealed record ReleaseExportRow(
    Guid Id, Guid DetaineeId, IReadOnlyList<string> ExternalId, string FullName, IReadOnlyList<string> OtherNames, Gender Gender, string? BirthDate,
    IReadOnlyList<string> Nationalities, IReadOnlyList<string> Categories, bool IsProtected, string? NationalId, string? Notes,
    string? ArrestedOn, string? Facility, string? FacilityCountry, string? ArrestingAuthority, IReadOnlyList<string> Charges,
    DateOnly ReleasedOn, ReleaseKind ReleaseKind, bool? ChargesDropped, bool TravelBan, bool BarredFromPublicStatements, bool MustReportToCourt,
    IReadOnlyList<string> SourceUrl, VerificationStatus VerificationStatus, DateTimeOffset? LastDecidedAt, string? LastDecidedBy,
    string ReportedByOrganization, DateTimeOffset CreatedAt)
{
    internal static readonly string[] CsvHeader =
    [
        "id", "detaineeId", .. ImportColumns.Names, "verificationStatus", "lastDecidedAt", "lastDecidedBy", "reportedByOrganization", "createdAt",
    ];

    internal static ReleaseExportRow From(ExportRecord r, Caller caller)
    {
        var person = caller.See(r.PersonId, r.IsProtected, r.Organization);
        return new ReleaseExportRow(r.ReleaseId!.Value, r.PersonId, person.Identifying(r.ExternalIds), person.Name(r.FullName),
            person.Identifying(r.OtherNames), r.Gender, person.Identifying(r.BirthDate)?.ToString(), r.Nationalities, r.Categories, r.IsProtected,
            person.Sensitive(r.NationalId), person.Sensitive(r.Notes), r.ArrestedOn?.ToString(), r.Facility, r.FacilityCountry?.Trim(),
            person.Identifying(r.ArrestingAuthority), person.Identifying(r.Charges ?? []), r.ReleasedOn!.Value, r.ReleaseKind!.Value, r.ChargesDropped,
            r.TravelBan!.Value, r.BarredFromPublicStatements!.Value, r.MustReportToCourt!.Value, person.Identifying(r.SourceUrls),
            r.VerificationStatus!.Value, r.LastDecidedAt, r.LastDecidedBy, r.ReportedByOrganization!, r.ReleaseCreatedAt!.Value);
    }

    internal string?[] ToCsv() =>
    [
        Id.ToString(), DetaineeId.ToString(),
        .. ExportCsv.Person(ExternalId, FullName, OtherNames, Gender, BirthDate, Nationalities, Categories, IsProtected, NationalId, Notes),
        .. ExportCsv.Detention(ArrestedOn, Facility, FacilityCountry, ArrestingAuthority, Charges, ReleasedOn, ReleaseKind, ChargesDropped, TravelBan,
            BarredFromPublicStatements, MustReportToCourt, SourceUrl),
        VerificationStatus.ToString(), LastDecidedAt?.ToString("O", CultureInfo.InvariantCulture), LastDecidedBy, ReportedByOrganization,
        CreatedAt.ToString("O", CultureInfo.InvariantCulture),
    ];
}

/// <summary>Fields as the import reads them: lists joined by <c>;</c>, URLs by spaces, booleans as true/false, unknown as empty.</summary>
internal static class ExportCsv
{
    public static IEnumerable<string?> Person(IReadOnlyList<string> externalIds, string fullName, IReadOnlyList<string> otherNames, Gender gender,
        string? birthDate, IReadOnlyList<string> nationalities, IReadOnlyList<string> categories, bool isProtected, string? nationalId, string? notes) =>
    [
        string.Join(';', externalIds), fullName, string.Join(';', otherNames), gender.ToString(), birthDate, string.Join(';', nationalities),
        string.Join(';', categories), Bool(isProtected), nationalId, notes,
    ];

    public static IEnumerable<string?> Detention(string? arrestedOn, string? facility, string? facilityCountry, string? authority,
        IReadOnlyList<string> charges, DateOnly? releasedOn, ReleaseKind? kind, bool? chargesDropped, bool? travelBan, bool? barred,
        bool? mustReport, IReadOnlyList<string> sourceUrls) =>
    [
        arrestedOn, facility, facilityCountry, authority, string.Join(';', charges), releasedOn?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        kind?.ToString(), Bool(chargesDropped), Bool(travelBan), Bool(barred), Bool(mustReport), string.Join(' ', sourceUrls),
    ];

    private static string? Bool(bool? value) => value switch { true => "true", false => "false", null => null };
}

/// <summary>How to write an export.</summary>
public sealed record ExportFormatQuery
{
    /// <summary><c>csv</c> or <c>json</c>; when omitted, the <c>Accept</c> header decides (<c>text/csv</c> or <c>application/json</c>), else CSV.</summary>
    public ExportFormat? Format { get; init; }
}

/// <summary>The file an export writes.</summary>
public enum ExportFormat
{
    /// <summary>RFC 4180 CSV, UTF-8, a header row: the import's columns.</summary>
    [JsonStringEnumMemberName("csv")] Csv,
    /// <summary>A JSON array of objects with the same names; lists as arrays.</summary>
    [JsonStringEnumMemberName("json")] Json,
}

internal static class ExportFormats
{
    /// <summary>
    /// An explicit <c>format</c> wins; else the <c>Accept</c> header decides between <c>text/csv</c> and
    /// <c>application/json</c> by quality (CSV on a tie, as for <c>*/*</c>); else CSV.
    /// </summary>
    public static ExportFormat Choose(ExportFormat? format, IList<MediaTypeHeaderValue> accept)
    {
        if (format is { } explicitFormat)
        {
            return explicitFormat;
        }

        double Quality(string mediaType) => accept
            .Where(a => a.MatchesMediaType(mediaType))
            .Select(a => a.Quality ?? 1.0)
            .DefaultIfEmpty(0)
            .Max();

        var json = Quality("application/json");
        return json > 0 && json > Quality("text/csv") ? ExportFormat.Json : ExportFormat.Csv;
    }
}
