using PrisonerReleaseTracker.Domain.Detainees;
using PrisonerReleaseTracker.Domain.Imports;

namespace PrisonerReleaseTracker.Domain.Lists;

/// <summary>A column of a list's entries (CSV header names, JSON property names).</summary>
public enum ListColumn
{
    FullName,
    OtherNames,
    BirthDate,
    NationalId,
    ExternalId,
    Nationalities,
    Facility,
    ReleasedOn,
    Note,
}

/// <summary>The columns of a list's entries: <c>fullName</c> required; the columns an entries export adds are read past.</summary>
public static class ListColumns
{
    public static ColumnSet<ListColumn> Set { get; } = new(ListColumn.FullName,
        ["number", "outcome", "matchLevel", "decided", "personId", "personName"]);
}

/// <summary>One entry as the list published it: a person named, and what the list says of them.</summary>
/// <param name="Number">Its position in the upload, from 1 (the CSV header not counted).</param>
/// <param name="Line">Where it is in the upload: the CSV line (the header is line 1) or the JSON position.</param>
/// <param name="FullName">The name as listed.</param>
/// <param name="OtherNames">Other names as listed.</param>
/// <param name="BirthDate">The birth date as listed, to the precision given.</param>
/// <param name="NationalId">A national id: sensitive, compared only with the national ids the list's own organization holds.</param>
/// <param name="ExternalIds">Identifiers in other systems.</param>
/// <param name="Nationalities">ISO 3166-1 alpha-2 codes.</param>
/// <param name="Facility">Where the list says the person was held.</param>
/// <param name="ReleasedOn">The release date the list gives.</param>
/// <param name="Note">Anything else the list says.</param>
public sealed record ListedPerson(
    int Number,
    int Line,
    string FullName,
    IReadOnlyList<string> OtherNames,
    PartialDate? BirthDate,
    string? NationalId,
    IReadOnlyList<ExternalId> ExternalIds,
    IReadOnlyList<string> Nationalities,
    string? Facility,
    DateOnly? ReleasedOn,
    string? Note)
{
    /// <summary>Every name the entry gives, folded (<see cref="TextNormalizer.FoldForMatching"/>), each once.</summary>
    public IReadOnlyList<string> FoldedNames => MatchRules.Fold([FullName, .. OtherNames]);
}

/// <summary>The rules of one entry: the shared length limits, partial dates and ISO codes, nothing in the future.</summary>
public static class ListEntryParser
{
    /// <summary>Reads <paramref name="raw"/> as entry <paramref name="number"/>; null after adding its problems to <paramref name="errors"/>.</summary>
    public static ListedPerson? Parse(RawRow<ListColumn> raw, int number, DateOnly today, ICollection<ImportRowError> errors)
    {
        ArgumentNullException.ThrowIfNull(raw);
        var row = new RowReader<ListColumn>(raw, errors);
        var fullName = row.RequiredName(ListColumn.FullName);
        var otherNames = row.List(ListColumn.OtherNames, Limits.Name);
        var birthDate = row.PartialDate(ListColumn.BirthDate, today);
        var nationalId = row.Text(ListColumn.NationalId, Limits.NationalId);
        var externalIds = row.ExternalIds(ListColumn.ExternalId);
        var nationalities = row.Countries(ListColumn.Nationalities);
        var facility = row.Text(ListColumn.Facility, Limits.Name);
        var releasedOn = row.Date(ListColumn.ReleasedOn);
        if (releasedOn > today)
        {
            row.Fail(ListColumn.ReleasedOn, "Cannot be in the future.");
        }

        var note = row.Text(ListColumn.Note, Limits.Note);
        return row.Failed || fullName is null
            ? null
            : new ListedPerson(number, raw.Line, fullName, otherNames, birthDate, nationalId, externalIds, nationalities, facility, releasedOn, note);
    }
}
