using PrisonerReleaseTracker.Domain;
using PrisonerReleaseTracker.Domain.Detainees;
using PrisonerReleaseTracker.Domain.Imports;
using PrisonerReleaseTracker.Domain.Releases;

namespace PrisonerReleaseTracker.UnitTests;

public sealed class ImportRowParserTests
{
    private static readonly DateOnly Today = new(2026, 1, 28);

    private static (ImportRow? Row, List<ImportRowError> Errors) Parse(params (ImportColumn Column, string Text)[] fields)
    {
        var raw = new RawRow<ImportColumn>(7, ImportColumns.Set);
        foreach (var (column, text) in fields)
        {
            raw.Set(column, text);
        }

        var errors = new List<ImportRowError>();
        return (ImportRowParser.Parse(raw, Today, errors), errors);
    }

    [Fact]
    public void A_full_row_becomes_a_person_a_detention_and_a_release()
    {
        var (row, errors) = Parse(
            (ImportColumn.ExternalId, "foro-penal:FP-1; FP-2"),
            (ImportColumn.FullName, "  María Peña  "),
            (ImportColumn.OtherNames, "Maria Pena;;La Negra;"),
            (ImportColumn.Gender, "female"),
            (ImportColumn.BirthDate, "1968-10"),
            (ImportColumn.Nationalities, "VE;ES;VE"),
            (ImportColumn.IsProtected, "YES"),
            (ImportColumn.ArrestedOn, "2024-08"),
            (ImportColumn.Facility, "El Helicoide"),
            (ImportColumn.ReleasedOn, "2026-01-24"),
            (ImportColumn.ReleaseKind, "conditional"),
            (ImportColumn.ChargesDropped, ""),
            (ImportColumn.TravelBan, "1"),
            (ImportColumn.SourceUrl, "https://example.org/a  https://example.org/b https://example.org/a"));

        Assert.Empty(errors);
        Assert.NotNull(row);
        Assert.Equal("María Peña", row.Person.FullName);
        Assert.Equal([new ExternalId("foro-penal", "FP-1"), new ExternalId("import", "FP-2")], row.Person.ExternalIds);
        Assert.Equal(["Maria Pena", "La Negra"], row.Person.OtherNames);
        Assert.Equal(Gender.Female, row.Person.Gender);
        Assert.Equal(DatePrecision.Month, row.Person.BirthDate!.Value.Precision);
        Assert.Equal(["VE", "ES"], row.Person.Nationalities);
        Assert.True(row.Person.IsProtected);
        Assert.Equal(new ReleaseConditions(null, true, false, false), row.Detention!.Release!.Conditions);
        Assert.Equal(ReleaseKind.Conditional, row.Detention.Release.Kind);
        Assert.Equal(["https://example.org/a", "https://example.org/b"], row.SourceUrls);
    }

    [Fact]
    public void A_name_alone_is_a_person_without_a_detention()
    {
        var (row, errors) = Parse((ImportColumn.FullName, "Ana"));

        Assert.Empty(errors);
        Assert.Null(row!.Detention);
        Assert.Equal(Gender.Unknown, row.Person.Gender);
        Assert.False(row.Person.IsProtected);
    }

    [Theory]
    [InlineData(ImportColumn.BirthDate, "1954-02-29")]
    [InlineData(ImportColumn.BirthDate, "1952-08021")]
    [InlineData(ImportColumn.BirthDate, "19812")]
    [InlineData(ImportColumn.BirthDate, "2999")]
    [InlineData(ImportColumn.ArrestedOn, "2026-13")]
    [InlineData(ImportColumn.ReleasedOn, "2026-1-5")]
    [InlineData(ImportColumn.ReleasedOn, "2026-02-01")]
    [InlineData(ImportColumn.Nationalities, "VE;UK")]
    [InlineData(ImportColumn.Gender, "3")]
    [InlineData(ImportColumn.Gender, "Female,Male")]
    [InlineData(ImportColumn.IsProtected, "maybe")]
    [InlineData(ImportColumn.SourceUrl, "javascript:alert(1)")]
    [InlineData(ImportColumn.FacilityCountry, "XX")]
    public void An_invalid_value_is_reported_under_its_column_and_line(ImportColumn column, string text)
    {
        var (row, errors) = Parse((ImportColumn.FullName, "Ana"), (column, text));

        Assert.Null(row);
        var error = Assert.Single(errors);
        Assert.Equal((7, ImportColumns.NameOf(column)), (error.Line, error.Field));
    }

    [Fact]
    public void A_release_cannot_predate_its_arrest()
    {
        var (_, errors) = Parse((ImportColumn.FullName, "Ana"), (ImportColumn.ArrestedOn, "2025-06"), (ImportColumn.ReleasedOn, "2025-05-31"));

        Assert.Equal("releasedOn", Assert.Single(errors).Field);
    }

    [Fact]
    public void A_release_in_the_month_of_an_arrest_known_to_the_month_is_accepted()
    {
        var (row, errors) = Parse((ImportColumn.FullName, "Ana"), (ImportColumn.ArrestedOn, "2025-06"), (ImportColumn.ReleasedOn, "2025-06-01"));

        Assert.Empty(errors);
        Assert.NotNull(row!.Detention!.Release);
    }

    [Fact]
    public void Release_conditions_without_a_release_date_are_refused_but_a_false_says_nothing()
    {
        var (_, errors) = Parse((ImportColumn.FullName, "Ana"), (ImportColumn.ChargesDropped, "no"), (ImportColumn.TravelBan, "false"),
            (ImportColumn.ReleaseKind, "Exchange"));

        Assert.Equal(["chargesDropped", "releaseKind"], errors.Select(e => e.Field).Order());
    }

    [Fact]
    public void Every_problem_of_a_row_is_reported()
    {
        var (_, errors) = Parse((ImportColumn.FullName, ""), (ImportColumn.BirthDate, "1954-02-29"), (ImportColumn.Nationalities, "UK"));

        Assert.Equal(["birthDate", "fullName", "nationalities"], errors.Select(e => e.Field).Order());
    }

    [Fact]
    public void Lengths_and_list_sizes_follow_the_shared_limits()
    {
        var (_, errors) = Parse((ImportColumn.FullName, new string('a', Limits.Name + 1)),
            (ImportColumn.Categories, string.Join(';', Enumerable.Range(0, Limits.ListItems + 1))));

        Assert.Equal(["categories", "fullName"], errors.Select(e => e.Field).Order());
    }

    [Fact]
    public void A_quote_an_export_put_before_a_formula_is_taken_off()
    {
        var (row, _) = Parse((ImportColumn.FullName, "'=Ana"), (ImportColumn.Notes, "'not a formula"));

        Assert.Equal("=Ana", row!.Person.FullName);
        Assert.Equal("'not a formula", row.Person.Notes);
    }

    [Fact]
    public void A_json_list_is_read_as_its_items()
    {
        var raw = new RawRow<ImportColumn>(2, ImportColumns.Set);
        raw.Set(ImportColumn.FullName, "Ana");
        raw.SetList(ImportColumn.Nationalities, ["VE", "CO"]);
        raw.SetList(ImportColumn.Gender, ["Female"]);
        var errors = new List<ImportRowError>();

        ImportRowParser.Parse(raw, Today, errors);

        Assert.Equal("gender", Assert.Single(errors).Field);
    }

    [Theory]
    [InlineData("FP-1", "import", "FP-1")]
    [InlineData("case:FP-1", "case", "FP-1")]
    [InlineData("case:", "import", "case:")]
    [InlineData("1case:x", "import", "1case:x")]
    public void An_external_id_may_name_its_scheme(string text, string scheme, string value)
    {
        Assert.Equal(new ExternalId(scheme, value), ImportRowParser.ReadExternalId(text));
    }

    [Fact]
    public void Import_ids_are_uuid_v7_in_row_order()
    {
        var ids = new SequentialIds(new DateTimeOffset(2026, 1, 28, 12, 0, 0, TimeSpan.Zero));

        var generated = Enumerable.Range(0, 5000).Select(_ => ids.Next()).ToList();

        Assert.All(generated, id => Assert.Equal(7, id.Version));
        Assert.All(generated, id => Assert.Equal(0b10, id.Variant >> 2));
        Assert.Equal(generated, generated.Order());
        Assert.Equal(generated.Count, generated.Distinct().Count());
    }
}
