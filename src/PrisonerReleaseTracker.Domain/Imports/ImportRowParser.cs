using System.Globalization;
using System.Text.RegularExpressions;
using PrisonerReleaseTracker.Domain.Detainees;
using PrisonerReleaseTracker.Domain.Releases;
using PrisonerReleaseTracker.Domain.Sources;

namespace PrisonerReleaseTracker.Domain.Imports;

/// <summary>
/// The rules of one import row, the same as the endpoints apply to a single record: partial dates that exist
/// and are not in the future, ISO country codes, the shared length limits, enum names, and a release that does
/// not predate its arrest. Every problem of a row is reported, each under the column it is in.
/// </summary>
public static partial class ImportRowParser
{
    /// <summary>The scheme of an <c>externalId</c> given without one (<c>FP-0412</c> rather than <c>foro-penal:FP-0412</c>).</summary>
    public const string DefaultScheme = "import";

    /// <summary>Reads <paramref name="raw"/>; returns the row, or null after adding its problems to <paramref name="errors"/>.</summary>
    public static ImportRow? Parse(RawRow<ImportColumn> raw, DateOnly today, ICollection<ImportRowError> errors)
    {
        ArgumentNullException.ThrowIfNull(raw);
        ArgumentNullException.ThrowIfNull(errors);
        var row = new RowReader<ImportColumn>(raw, errors);

        var fullName = row.RequiredName(ImportColumn.FullName);
        var externalIds = row.ExternalIds(ImportColumn.ExternalId);
        var otherNames = row.List(ImportColumn.OtherNames, Limits.Name);
        var gender = row.Enum(ImportColumn.Gender, Gender.Unknown);
        var birthDate = row.PartialDate(ImportColumn.BirthDate, today);
        var nationalities = row.Countries(ImportColumn.Nationalities);

        var categories = row.List(ImportColumn.Categories, Limits.Code).Distinct().ToList();
        var isProtected = row.Boolean(ImportColumn.IsProtected) ?? false;
        var nationalId = row.Text(ImportColumn.NationalId, Limits.NationalId);
        var notes = row.Text(ImportColumn.Notes, Limits.Note);
        var sourceUrls = ReadSourceUrls(row);
        var detention = ReadDetention(row, today);

        return row.Failed || fullName is null
            ? null
            : new ImportRow(raw.Line, new DetaineeDetails(fullName, otherNames, gender, birthDate, nationalities, categories, externalIds,
                isProtected, nationalId, notes), detention, sourceUrls);
    }

    /// <summary><c>scheme:value</c>, or a bare value under <see cref="DefaultScheme"/>.</summary>
    public static ExternalId ReadExternalId(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && SchemePattern().IsMatch(text[..colon]) && colon < text.Length - 1
            ? new ExternalId(text[..colon], text[(colon + 1)..].Trim())
            : new ExternalId(DefaultScheme, text);
    }

    /// <summary>The text form an export writes, which <see cref="ReadExternalId"/> reads back.</summary>
    public static string WriteExternalId(ExternalId id)
    {
        ArgumentNullException.ThrowIfNull(id);
        return $"{id.Scheme}:{id.Value}";
    }

    private static List<string> ReadSourceUrls(RowReader<ImportColumn> row)
    {
        var urls = row.Words(ImportColumn.SourceUrl);
        foreach (var url in urls)
        {
            if (url.Length > Limits.Url)
            {
                row.Fail(ImportColumn.SourceUrl, $"A URL has at most {Limits.Url} characters.");
            }
            else if (!Source.IsAcceptableUrl(url))
            {
                row.Fail(ImportColumn.SourceUrl, "Each URL must be an absolute http or https URL; separate several with spaces.");
            }
        }

        return [.. urls.Distinct(StringComparer.Ordinal)];
    }

    private static ImportedDetention? ReadDetention(RowReader<ImportColumn> row, DateOnly today)
    {
        var arrestedOn = row.PartialDate(ImportColumn.ArrestedOn, today);
        var facility = row.Text(ImportColumn.Facility, Limits.Name);
        var facilityCountry = row.Text(ImportColumn.FacilityCountry, 2);
        if (facilityCountry is not null && !CountryCodes.IsValid(facilityCountry))
        {
            row.Fail(ImportColumn.FacilityCountry, "Must be an ISO 3166-1 alpha-2 code, such as VE.");
        }

        var authority = row.Text(ImportColumn.ArrestingAuthority, Limits.ShortText);
        var charges = row.List(ImportColumn.Charges, Limits.ShortText);
        var release = ReadRelease(row, today, arrestedOn);
        var hasDetention = arrestedOn is not null || facility is not null || authority is not null || charges.Count > 0 || release is not null;
        return hasDetention ? new ImportedDetention(arrestedOn, facility, facilityCountry, authority, charges, release) : null;
    }

    private static ImportedRelease? ReadRelease(RowReader<ImportColumn> row, DateOnly today, PartialDate? arrestedOn)
    {
        var kind = row.Enum(ImportColumn.ReleaseKind, ReleaseKind.Unknown);
        var chargesDropped = row.Boolean(ImportColumn.ChargesDropped);
        var travelBan = row.Boolean(ImportColumn.TravelBan) ?? false;
        var barred = row.Boolean(ImportColumn.BarredFromPublicStatements) ?? false;
        var mustReport = row.Boolean(ImportColumn.MustReportToCourt) ?? false;
        var releasedOn = row.Date(ImportColumn.ReleasedOn);
        if (releasedOn is null)
        {
            // "false" in a condition column of a row without a release says nothing; anything else would be lost.
            foreach (var (column, given) in new[]
            {
                (ImportColumn.ReleaseKind, row.IsGiven(ImportColumn.ReleaseKind)),
                (ImportColumn.ChargesDropped, chargesDropped is not null),
                (ImportColumn.TravelBan, travelBan),
                (ImportColumn.BarredFromPublicStatements, barred),
                (ImportColumn.MustReportToCourt, mustReport),
            })
            {
                if (given && !row.HasError(ImportColumn.ReleasedOn) && !row.HasError(column))
                {
                    row.Fail(column, "Describes a release: needs releasedOn.");
                }
            }

            return null;
        }

        if (releasedOn > today)
        {
            row.Fail(ImportColumn.ReleasedOn, "Cannot be in the future.");
            return null;
        }

        if (arrestedOn is { } arrested && arrested.IsAfter(releasedOn.Value))
        {
            row.Fail(ImportColumn.ReleasedOn, $"A release cannot predate the arrest ({arrested}).");
            return null;
        }

        return new ImportedRelease(releasedOn.Value, kind, new ReleaseConditions(chargesDropped, travelBan, barred, mustReport));
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex SchemePattern();
}
