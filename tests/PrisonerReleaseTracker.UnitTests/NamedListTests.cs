using PrisonerReleaseTracker.Domain;
using PrisonerReleaseTracker.Domain.Claims;
using PrisonerReleaseTracker.Domain.Detainees;
using PrisonerReleaseTracker.Domain.Imports;
using PrisonerReleaseTracker.Domain.Lists;
using PrisonerReleaseTracker.Domain.Releases;

namespace PrisonerReleaseTracker.UnitTests;

public sealed class MatchRulesTests
{
    private const string ListOrganization = "Foro Penal";

    private static ListedPerson Entry(string name, string? birth = null, string? nationalId = null, ExternalId? externalId = null, params string[] otherNames) =>
        new(1, 2, name, otherNames, birth is null ? null : PartialDate.Parse(birth), nationalId, externalId is { } id ? [id] : [], [], null, null, null);

    private static RecordPerson Person(string name, string? birth = null, string? nationalId = null, string organization = ListOrganization,
        ExternalId? externalId = null, params string[] otherNames) =>
        new(Guid.NewGuid(), name, otherNames, birth is null ? null : PartialDate.Parse(birth), externalId is { } id ? [id] : [], nationalId, organization);

    [Fact]
    public void An_external_id_the_record_holds_is_an_exact_match_whatever_the_name()
    {
        var id = new ExternalId("foro-penal", "FP-1");
        Assert.Equal(MatchLevel.Exact, MatchRules.LevelOf(Entry("Somebody Else", externalId: id), ListOrganization, Person("María Peña", externalId: id)));
    }

    [Fact]
    public void A_national_id_is_compared_only_with_those_the_lists_own_organization_holds()
    {
        Assert.Equal(MatchLevel.Exact, MatchRules.LevelOf(Entry("X", nationalId: "V-123"), ListOrganization, Person("Y", nationalId: "V-123")));
        Assert.Null(MatchRules.LevelOf(Entry("X", nationalId: "V-123"), ListOrganization, Person("Y", nationalId: "V-123", organization: "Other")));
    }

    [Theory]
    [InlineData("1980-05-02", "1980-05-02", MatchLevel.Strong)]
    [InlineData("1980", "1980-05-02", MatchLevel.Strong)]
    [InlineData("1980-05", "1980-05-31", MatchLevel.Strong)]
    [InlineData("1980-05-02", "1981-05-02", MatchLevel.Weak)]
    [InlineData(null, "1980-05-02", MatchLevel.Weak)]
    [InlineData("1980-05-02", null, MatchLevel.Weak)]
    public void A_folded_name_matches_strongly_only_with_birth_dates_on_both_sides_that_agree(string? listed, string? recorded, MatchLevel level)
    {
        Assert.Equal(level, MatchRules.LevelOf(Entry("MARIA  peña", listed), ListOrganization, Person("María Peña", recorded)));
    }

    [Fact]
    public void An_other_name_on_either_side_matches_and_a_different_name_does_not()
    {
        Assert.Equal(MatchLevel.Weak, MatchRules.LevelOf(Entry("La Negra"), ListOrganization, Person("María Peña", otherNames: "la negra")));
        Assert.Equal(MatchLevel.Weak, MatchRules.LevelOf(Entry("Maria P", otherNames: "Maria Pena"), ListOrganization, Person("María Peña")));
        Assert.Null(MatchRules.LevelOf(Entry("María Pérez"), ListOrganization, Person("María Peña")));
    }

    [Fact]
    public void The_best_level_decides_and_two_people_at_it_are_ambiguous()
    {
        Guid a = Guid.NewGuid(), b = Guid.NewGuid();
        Assert.Equal(new MatchResult(MatchLevel.Strong, a), MatchRules.Resolve([(a, MatchLevel.Strong), (b, MatchLevel.Weak)]));
        Assert.Equal(new MatchResult(MatchLevel.Ambiguous, null), MatchRules.Resolve([(a, MatchLevel.Weak), (b, MatchLevel.Weak)]));
        Assert.Equal(new MatchResult(MatchLevel.Exact, a), MatchRules.Resolve([(a, MatchLevel.Exact), (a, MatchLevel.Weak), (b, MatchLevel.Strong)]));
        Assert.Equal(MatchResult.Nobody, MatchRules.Resolve([]));
    }

    [Fact]
    public void Only_an_exact_or_strong_match_names_a_person_without_a_decision()
    {
        var a = Guid.NewGuid();
        Assert.Equal(a, new MatchResult(MatchLevel.Strong, a).Matched);
        Assert.Null(new MatchResult(MatchLevel.Weak, a).Matched);
    }

    [Fact]
    public void An_exact_match_is_overruled_only_by_who_holds_the_list_or_the_record()
    {
        Guid a = Guid.NewGuid(), b = Guid.NewGuid();
        var exact = new MatchResult(MatchLevel.Exact, a);
        Assert.False(MatchRules.MayOverrule(exact, b, deciderHoldsListOrMatch: false));
        Assert.False(MatchRules.MayOverrule(exact, null, deciderHoldsListOrMatch: false));
        Assert.True(MatchRules.MayOverrule(exact, a, deciderHoldsListOrMatch: false));
        Assert.True(MatchRules.MayOverrule(exact, null, deciderHoldsListOrMatch: true));
        Assert.True(MatchRules.MayOverrule(new MatchResult(MatchLevel.Strong, a), b, deciderHoldsListOrMatch: false));
    }
}

public sealed class DuplicateRulesTests
{
    private static EntryIdentity Id(Guid? person, string name, string? birth) => new(person, name, birth is null ? null : PartialDate.Parse(birth));

    [Fact]
    public void The_same_matched_person_or_name_with_a_complete_birth_date_repeats_and_a_name_alone_never_does()
    {
        var p = Guid.NewGuid();
        var marks = DuplicateRules.Mark([
            Id(p, "ana", null),
            Id(p, "ana b", null),                 // same person, another name
            Id(null, "luis", "1970-01-02"),
            Id(null, "luis", "1970-01-02"),       // same name and day
            Id(null, "jose", "1970"),
            Id(null, "jose", "1970"),             // a year is not a complete date
            Id(null, "pedro", null),
            Id(null, "pedro", null),              // a name alone
            Id(Guid.NewGuid(), "luis", "1970-01-03"),
        ]);
        Assert.Equal([false, true, false, true, false, false, false, false, false], marks);
    }
}

public sealed class OutcomeRulesTests
{
    private static readonly EntryMatch Matched = new(MatchLevel.Strong, false, Guid.NewGuid());

    private static PersonFacts Facts(bool held = false, bool houseArrest = false, bool anyRelease = false, params VerificationStatus[] inPeriod) =>
        new(inPeriod, held, houseArrest, anyRelease || inPeriod.Length > 0);

    [Theory]
    [InlineData(ListOutcome.ReleaseVerified, VerificationStatus.Rejected, VerificationStatus.Verified)]
    [InlineData(ListOutcome.ReleaseUnverified, VerificationStatus.Disputed)]
    [InlineData(ListOutcome.ReleaseUnverified, VerificationStatus.Reported, VerificationStatus.Retracted)]
    [InlineData(ListOutcome.ReleaseUnverified, VerificationStatus.UnderVerification)]
    [InlineData(ListOutcome.ReleaseRejected, VerificationStatus.Retracted)]
    [InlineData(ListOutcome.ReleaseRejected, VerificationStatus.Rejected)]
    public void A_release_in_the_period_decides_verified_before_unverified_before_rejected(ListOutcome expected, params VerificationStatus[] statuses)
    {
        Assert.Equal(expected, OutcomeRules.Of(false, Matched, Facts(held: true, inPeriod: statuses)));
    }

    [Fact]
    public void Without_a_release_in_the_period_a_detention_then_another_release_then_nothing()
    {
        Assert.Equal(ListOutcome.HouseArrest, OutcomeRules.Of(false, Matched, Facts(held: true, houseArrest: true)));
        Assert.Equal(ListOutcome.StillDetained, OutcomeRules.Of(false, Matched, Facts(held: true, anyRelease: true)));
        Assert.Equal(ListOutcome.ReleasedOutsidePeriod, OutcomeRules.Of(false, Matched, Facts(anyRelease: true)));
        Assert.Equal(ListOutcome.NoDetentionRecord, OutcomeRules.Of(false, Matched, Facts()));
    }

    [Fact]
    public void A_duplicate_an_unseen_and_an_undecided_weak_match_have_their_own_outcomes()
    {
        Assert.Equal(ListOutcome.DuplicateInList, OutcomeRules.Of(true, Matched, Facts(held: true)));
        Assert.Equal(ListOutcome.NoVisibleMatch, OutcomeRules.Of(false, new EntryMatch(MatchLevel.None, false, null), null));
        Assert.Equal(ListOutcome.Unresolved, OutcomeRules.Of(false, new EntryMatch(MatchLevel.Weak, false, null), null));
        Assert.Equal(ListOutcome.Unresolved, OutcomeRules.Of(false, new EntryMatch(MatchLevel.Ambiguous, false, null), null));
        Assert.Equal(ListOutcome.NoVisibleMatch, OutcomeRules.Of(false, new EntryMatch(MatchLevel.Weak, true, null), null));
    }
}

public sealed class NamedListTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 25, 12, 0, 0, TimeSpan.Zero);

    private static ListStatement Statement(DateOnly? to = null, ListMetric metric = ListMetric.Releases) => new(
        " The list ", "Government", ClaimantKind.Government, metric, new DateTimeOffset(2026, 1, 23, 18, 0, 0, TimeSpan.FromHours(-4)),
        new DateOnly(2026, 1, 8), to, []);

    [Fact]
    public void A_list_keeps_its_statement_and_its_period_ends_on_the_day_stated_when_not_given()
    {
        var list = NamedList.Publish(Statement(), null, "Org", Now);
        Assert.Equal("The list", list.Title);
        Assert.Equal(new DateOnly(2026, 1, 23), list.PeriodTo);
        Assert.Equal(-240, list.StatedAtOffsetMinutes);
        Assert.Equal(TimeSpan.Zero, list.StatedAt.Offset);
    }

    [Fact]
    public void A_period_ending_before_it_starts_is_refused()
    {
        Assert.Throws<DomainRuleException>(() => NamedList.Publish(Statement(new DateOnly(2026, 1, 1)), null, "Org", Now));
    }

    [Fact]
    public void Entries_are_accepted_once()
    {
        var list = NamedList.Publish(Statement(), null, "Org", Now);
        list.AcceptEntries(3, Now);
        Assert.Equal(3, list.EntryCount);
        Assert.Throws<DomainRuleException>(() => list.AcceptEntries(3, Now));
    }

    [Fact]
    public void Only_a_releases_claim_is_backed_by_a_list_of_releases()
    {
        Assert.True(NamedList.Counts(ClaimMetric.Releases, ListMetric.Releases));
        Assert.False(NamedList.Counts(ClaimMetric.Detained, ListMetric.Releases));
    }
}

public sealed class ListEntryParserTests
{
    private static readonly DateOnly Today = new(2026, 1, 28);

    private static (ListedPerson? Entry, List<ImportRowError> Errors) Parse(params (ListColumn Column, string Text)[] fields)
    {
        var raw = new RawRow<ListColumn>(3, ListColumns.Set);
        foreach (var (column, text) in fields)
        {
            raw.Set(column, text);
        }

        var errors = new List<ImportRowError>();
        return (ListEntryParser.Parse(raw, 2, Today, errors), errors);
    }

    [Fact]
    public void An_entry_keeps_what_the_list_says()
    {
        var (entry, errors) = Parse((ListColumn.FullName, " María Peña "), (ListColumn.OtherNames, "La Negra; Maria Pena"),
            (ListColumn.BirthDate, "1980-05"), (ListColumn.NationalId, "V-1"), (ListColumn.ExternalId, "gov:17"),
            (ListColumn.Nationalities, "VE"), (ListColumn.ReleasedOn, "2026-01-10"));
        Assert.Empty(errors);
        Assert.NotNull(entry);
        Assert.Equal(2, entry.Number);
        Assert.Equal(3, entry.Line);
        Assert.Equal("María Peña", entry.FullName);
        Assert.Equal(["La Negra", "Maria Pena"], entry.OtherNames);
        Assert.Equal(PartialDate.Parse("1980-05"), entry.BirthDate);
        Assert.Equal([new ExternalId("gov", "17")], entry.ExternalIds);
        Assert.Equal(["maria pena", "la negra"], entry.FoldedNames);
    }

    [Fact]
    public void A_missing_name_a_bad_country_and_a_future_date_are_row_errors()
    {
        var (entry, errors) = Parse((ListColumn.Nationalities, "XX"), (ListColumn.ReleasedOn, "2026-02-01"));
        Assert.Null(entry);
        Assert.Equal(["fullName", "nationalities", "releasedOn"], errors.Select(e => e.Field).Order());
        Assert.All(errors, e => Assert.Equal(3, e.Line));
    }
}
