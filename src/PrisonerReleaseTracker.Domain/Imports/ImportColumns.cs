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
    /// <summary>The import's columns: <c>fullName</c> required, the columns exports add read past.</summary>
    public static ColumnSet<ImportColumn> Set { get; } = new(ImportColumn.FullName,
    [
        "id", "detaineeId", "detentionId", "releaseId", "status", "organization", "createdAt", "facilityId",
        "verificationStatus", "lastDecidedAt", "lastDecidedBy", "reportedByKeyId", "reportedByOrganization",
    ]);

    /// <summary>Every column, camelCase, in <see cref="ImportColumn"/> order.</summary>
    public static IReadOnlyList<string> Names => Set.Names;

    /// <summary>Columns that exports write beside the import's; an import accepts and ignores them, so an export can be imported again.</summary>
    public static IReadOnlyList<string> ExportOnly => Set.Ignored;

    public static string NameOf(ImportColumn column) => Set.NameOf(column);

    /// <summary>The column a header names (case and surrounding spaces ignored), or null.</summary>
    public static ImportColumn? Find(string header) => Set.Find(header);

    /// <summary>Whether a header names a column that exports add and imports read past.</summary>
    public static bool IsIgnored(string header) => Set.IsIgnored(header);
}
