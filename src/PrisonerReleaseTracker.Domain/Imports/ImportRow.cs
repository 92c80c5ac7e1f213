using PrisonerReleaseTracker.Domain.Detainees;
using PrisonerReleaseTracker.Domain.Releases;

namespace PrisonerReleaseTracker.Domain.Imports;

/// <summary>
/// One row as it was read, before any rule: per column, the text of a CSV field or of a JSON string,
/// number or boolean, or the items of a JSON array. Empty and absent are the same.
/// </summary>
public sealed class RawImportRow(int line)
{
    private readonly string?[] _texts = new string?[Enum.GetValues<ImportColumn>().Length];
    private readonly IReadOnlyList<string>?[] _lists = new IReadOnlyList<string>?[Enum.GetValues<ImportColumn>().Length];

    /// <summary>Where the row is: its line in a CSV file (the header is line 1), its position in a JSON array (from 1).</summary>
    public int Line { get; } = line;

    public void Set(ImportColumn column, string? text) => _texts[(int)column] = text;

    public void SetList(ImportColumn column, IReadOnlyList<string> items) => _lists[(int)column] = items;

    public string? Text(ImportColumn column) => _texts[(int)column];

    public IReadOnlyList<string>? List(ImportColumn column) => _lists[(int)column];
}

/// <summary>One problem of one row, named by the column as the client wrote it.</summary>
public sealed record ImportRowError(int Line, string Field, string Message);

/// <summary>A release that a row reports; it starts as <c>Reported</c> like any other.</summary>
public sealed record ImportedRelease(DateOnly ReleasedOn, ReleaseKind Kind, ReleaseConditions Conditions);

/// <summary>The detention a row describes: an arrest, a place, charges, and perhaps the release that ended it.</summary>
public sealed record ImportedDetention(
    PartialDate? ArrestedOn,
    string? Facility,
    string? FacilityCountry,
    string? ArrestingAuthority,
    IReadOnlyList<string> Charges,
    ImportedRelease? Release);

/// <summary>A row that passed every rule: a person, and perhaps a detention and its release.</summary>
public sealed record ImportRow(int Line, DetaineeDetails Person, ImportedDetention? Detention, IReadOnlyList<string> SourceUrls);
