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

    /// <summary>Characters that make a spreadsheet read a cell as a formula; exports put a <c>'</c> before them.</summary>
    private const string FormulaStarts = "=+-@\t\r";

    /// <summary>Reads <paramref name="raw"/>; returns the row, or null after adding its problems to <paramref name="errors"/>.</summary>
    public static ImportRow? Parse(RawImportRow raw, DateOnly today, ICollection<ImportRowError> errors)
    {
        ArgumentNullException.ThrowIfNull(raw);
        ArgumentNullException.ThrowIfNull(errors);
        var row = new RowReader(raw, errors);

        var fullName = row.Text(ImportColumn.FullName, Limits.Name);
        if (fullName is null && !row.HasError(ImportColumn.FullName))
        {
            row.Fail(ImportColumn.FullName, "Required.");
        }

        var externalIds = row.List(ImportColumn.ExternalId, Limits.ShortText + Limits.Code + 1).Select(ReadExternalId).Distinct().ToList();
        foreach (var id in externalIds.Where(id => id.Value.Length > Limits.ShortText))
        {
            row.Fail(ImportColumn.ExternalId, $"A value has at most {Limits.ShortText} characters.");
        }

        var otherNames = row.List(ImportColumn.OtherNames, Limits.Name);
        var gender = row.Enum(ImportColumn.Gender, Gender.Unknown);
        var birthDate = row.PartialDate(ImportColumn.BirthDate, today);
        var nationalities = row.List(ImportColumn.Nationalities, 2).Distinct().ToList();
        foreach (var code in nationalities.Where(code => !CountryCodes.IsValid(code)))
        {
            row.Fail(ImportColumn.Nationalities, $"'{code}' is not an ISO 3166-1 alpha-2 code, such as VE.");
        }

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

    private static List<string> ReadSourceUrls(RowReader row)
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

    private static ImportedDetention? ReadDetention(RowReader row, DateOnly today)
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

    private static ImportedRelease? ReadRelease(RowReader row, DateOnly today, PartialDate? arrestedOn)
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

    /// <summary>Reads the fields of one row and collects its problems.</summary>
    private sealed class RowReader(RawImportRow raw, ICollection<ImportRowError> errors)
    {
        private readonly HashSet<ImportColumn> _failed = [];

        public bool Failed => _failed.Count > 0;

        public bool HasError(ImportColumn column) => _failed.Contains(column);

        public void Fail(ImportColumn column, string message)
        {
            _failed.Add(column);
            errors.Add(new ImportRowError(raw.Line, ImportColumns.NameOf(column), message));
        }

        public bool IsGiven(ImportColumn column) => Clean(raw.Text(column)) is not null || raw.List(column) is { Count: > 0 };

        public string? Text(ImportColumn column, int maxLength)
        {
            if (raw.List(column) is not null)
            {
                Fail(column, "Must be a single value, not a list.");
                return null;
            }

            var text = Clean(raw.Text(column));
            if (text is not null && text.Length > maxLength)
            {
                Fail(column, $"At most {maxLength} characters.");
                return null;
            }

            return text;
        }

        /// <summary>A JSON array, or text whose items are separated by <c>;</c>; empty items are dropped.</summary>
        public List<string> List(ImportColumn column, int maxItemLength)
        {
            var items = (raw.List(column) ?? Clean(raw.Text(column))?.Split(';') ?? [])
                .Select(Clean).OfType<string>().ToList();
            if (items.Count > Limits.ListItems)
            {
                Fail(column, $"At most {Limits.ListItems} items.");
                return [];
            }

            if (items.Any(item => item.Length > maxItemLength))
            {
                Fail(column, $"Each item has at most {maxItemLength} characters.");
                return [];
            }

            return items;
        }

        /// <summary>Items separated by whitespace (URLs), or a JSON array.</summary>
        public List<string> Words(ImportColumn column)
        {
            var items = (raw.List(column) ?? Clean(raw.Text(column))?.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries) ?? [])
                .Select(Clean).OfType<string>().ToList();
            if (items.Count > Limits.ListItems)
            {
                Fail(column, $"At most {Limits.ListItems} items.");
                return [];
            }

            return items;
        }

        public bool? Boolean(ImportColumn column)
        {
            var text = Text(column, 5);
            switch (text?.ToUpperInvariant())
            {
                case null:
                    return null;
                case "TRUE" or "YES" or "1":
                    return true;
                case "FALSE" or "NO" or "0":
                    return false;
                default:
                    Fail(column, "Must be true, false, yes, no, 1 or 0.");
                    return null;
            }
        }

        public T Enum<T>(ImportColumn column, T whenEmpty) where T : struct, Enum
        {
            var text = Text(column, 32);
            if (text is null)
            {
                return whenEmpty;
            }

            // Names only: Enum.TryParse would also take "3" or "1,2".
            if (char.IsAsciiLetter(text[0]) && System.Enum.TryParse<T>(text, ignoreCase: true, out var value) && System.Enum.IsDefined(value)
                && !text.Contains(',', StringComparison.Ordinal))
            {
                return value;
            }

            Fail(column, $"Must be one of {string.Join(", ", System.Enum.GetNames<T>())}.");
            return whenEmpty;
        }

        public PartialDate? PartialDate(ImportColumn column, DateOnly today)
        {
            var text = Text(column, 32);
            if (text is null)
            {
                return null;
            }

            if (!Domain.PartialDate.TryParse(text, out var date, out var error))
            {
                Fail(column, error!);
                return null;
            }

            if (date.IsAfter(today))
            {
                Fail(column, "Cannot be in the future.");
                return null;
            }

            return date;
        }

        public DateOnly? Date(ImportColumn column)
        {
            var text = Text(column, 32);
            if (text is null)
            {
                return null;
            }

            if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                Fail(column, "Expected a date as YYYY-MM-DD.");
                return null;
            }

            return date;
        }

        /// <summary>Trims, treats empty as absent, and undoes the <c>'</c> an export puts before a formula-like value.</summary>
        private static string? Clean(string? text)
        {
            var trimmed = text?.Trim();
            if (string.IsNullOrEmpty(trimmed))
            {
                return null;
            }

            return trimmed.Length > 1 && trimmed[0] == '\'' && FormulaStarts.Contains(trimmed[1], StringComparison.Ordinal) ? trimmed[1..] : trimmed;
        }
    }
}
