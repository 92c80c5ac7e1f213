using System.Collections.Frozen;

namespace PrisonerReleaseTracker.Domain.Imports;

/// <summary>A column of the bulk import format (CSV header names, JSON property names).</summary>
public enum ImportColumn
{
    ExternalId,
    FullName,
    OtherNames,
    Gender,
    BirthDate,
    Nationalities,
    Categories,
    IsProtected,
    NationalId,
    Notes,
    ArrestedOn,
    Facility,
    FacilityCountry,
    ArrestingAuthority,
    Charges,
    ReleasedOn,
    ReleaseKind,
    ChargesDropped,
    TravelBan,
    BarredFromPublicStatements,
    MustReportToCourt,
    SourceUrl,
}

/// <summary>
/// The names of the import columns, in the order exports write them, and the columns exports add that an
/// import reads past. Any other column is refused: a misspelt header would otherwise drop its data silently.
/// </summary>
public static class ImportColumns
{
    /// <summary>Every column, camelCase, in <see cref="ImportColumn"/> order.</summary>
    public static IReadOnlyList<string> Names { get; } =
        [.. Enum.GetValues<ImportColumn>().Select(c => char.ToLowerInvariant(c.ToString()[0]) + c.ToString()[1..])];

    /// <summary>Columns that exports write beside the import's; an import accepts and ignores them, so an export can be imported again.</summary>
    public static IReadOnlyList<string> ExportOnly { get; } =
    [
        "id", "detaineeId", "detentionId", "releaseId", "status", "organization", "createdAt", "facilityId",
        "verificationStatus", "lastDecidedAt", "lastDecidedBy", "reportedByKeyId", "reportedByOrganization",
    ];

    private static readonly FrozenDictionary<string, ImportColumn> ByName =
        Enum.GetValues<ImportColumn>().ToFrozenDictionary(c => Names[(int)c], c => c, StringComparer.OrdinalIgnoreCase);

    private static readonly FrozenSet<string> Ignored = ExportOnly.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    public static string NameOf(ImportColumn column) => Names[(int)column];

    /// <summary>The column a header names (case and surrounding spaces ignored), or null.</summary>
    public static ImportColumn? Find(string header) => ByName.TryGetValue(header.Trim(), out var column) ? column : null;

    /// <summary>Whether a header names a column that exports add and imports read past.</summary>
    public static bool IsIgnored(string header) => Ignored.Contains(header.Trim());
}
