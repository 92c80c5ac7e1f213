using PrisonerReleaseTracker.Domain;
using PrisonerReleaseTracker.Domain.Claims;

namespace PrisonerReleaseTracker.UnitTests;

public class ClaimTests
{
    private const string Organization = "Foro Penal";

    private static readonly DateTimeOffset Now = new(2026, 1, 25, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Caracas = TimeSpan.FromHours(-4);
    private static readonly DateTimeOffset StatedAt = new(2026, 1, 23, 18, 0, 0, Caracas);
    private static readonly DateOnly PeriodFrom = new(2026, 1, 8);

    [Theory]
    [InlineData(CountQualifier.Exactly, 600, null, 600, "600")]
    [InlineData(CountQualifier.AtLeast, 80, null, 80, "at least 80")]
    [InlineData(CountQualifier.MoreThan, 600, null, 601, "more than 600")]
    [InlineData(CountQualifier.Approximately, 100, null, null, "about 100")]
    [InlineData(CountQualifier.AtMost, 50, null, null, "at most 50")]
    [InlineData(CountQualifier.Between, 80, 104, 80, "between 80 and 104")]
    public void A_count_has_the_lower_bound_and_display_of_its_qualifier(
        CountQualifier qualifier, int value, int? upperValue, int? lowerBound, string display)
    {
        var count = new ClaimCount(qualifier, value, upperValue);

        Assert.Equal(lowerBound, count.LowerBound);
        Assert.Equal(display, count.Display);
        Assert.Equal(qualifier, count.Qualifier);
        Assert.Equal(value, count.Value);
        Assert.Equal(upperValue, count.UpperValue);
    }

    [Fact]
    public void A_large_count_is_displayed_without_thousands_separators()
    {
        Assert.Equal("more than 27702", new ClaimCount(CountQualifier.MoreThan, 27702, null).Display);
    }

    [Theory]
    [InlineData(CountQualifier.Exactly)]
    [InlineData(CountQualifier.AtLeast)]
    [InlineData(CountQualifier.MoreThan)]
    [InlineData(CountQualifier.Approximately)]
    [InlineData(CountQualifier.AtMost)]
    public void An_upper_value_is_refused_for_any_qualifier_but_between(CountQualifier qualifier)
    {
        var refused = Assert.Throws<DomainRuleException>(() => new ClaimCount(qualifier, 80, 104));

        Assert.Equal("Only a Between count has an upper value, and it exceeds the value", refused.Rule);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(80)]
    [InlineData(79)]
    public void A_between_count_needs_an_upper_value_greater_than_its_value(int? upperValue)
    {
        var refused = Assert.Throws<DomainRuleException>(() => new ClaimCount(CountQualifier.Between, 80, upperValue));

        Assert.Equal("Only a Between count has an upper value, and it exceeds the value", refused.Rule);
    }

    [Fact]
    public void A_between_count_with_an_upper_value_one_above_is_accepted()
    {
        var count = new ClaimCount(CountQualifier.Between, 80, 81);

        Assert.Equal("between 80 and 81", count.Display);
    }

    [Theory]
    [InlineData(CountQualifier.Exactly)]
    [InlineData(CountQualifier.AtLeast)]
    [InlineData(CountQualifier.MoreThan)]
    [InlineData(CountQualifier.Approximately)]
    [InlineData(CountQualifier.AtMost)]
    public void A_negative_count_is_refused(CountQualifier qualifier)
    {
        var refused = Assert.Throws<DomainRuleException>(() => new ClaimCount(qualifier, -1, null));

        Assert.Equal("A claimed count cannot be negative", refused.Rule);
    }

    [Fact]
    public void A_negative_between_count_is_refused()
    {
        var refused = Assert.Throws<DomainRuleException>(() => new ClaimCount(CountQualifier.Between, -5, 10));

        Assert.Equal("A claimed count cannot be negative", refused.Rule);
    }

    [Fact]
    public void A_count_of_zero_is_accepted()
    {
        var count = new ClaimCount(CountQualifier.Exactly, 0, null);

        Assert.Equal(0, count.LowerBound);
        Assert.Equal("0", count.Display);
    }

    [Fact]
    public void A_stated_claim_is_active_and_keeps_what_was_said()
    {
        var count = new ClaimCount(CountQualifier.MoreThan, 600, null);
        var source = Guid.Parse("0199a000-0000-7000-8000-0000000000bb");
        var statement = Statement(StatedAt, new DateOnly(2026, 1, 23), count) with { SourceIds = [source, source] };

        var claim = Claim.State(statement, null, Organization, Now);

        Assert.Equal(ClaimStatus.Active, claim.Status);
        Assert.Equal("Government of Venezuela", claim.Claimant);
        Assert.Equal(ClaimantKind.Government, claim.ClaimantKind);
        Assert.Equal(ClaimMetric.Releases, claim.Metric);
        Assert.Equal(StatedAt, claim.StatedAt);
        Assert.Equal(PeriodFrom, claim.PeriodFrom);
        Assert.Equal(new DateOnly(2026, 1, 23), claim.PeriodTo);
        Assert.Equal(count, claim.Count);
        Assert.Equal("más de 600 presos han sido liberados", claim.OriginalText);
        Assert.Equal([source], claim.SourceIds);
        Assert.Null(claim.SupersedesClaimId);
        Assert.Null(claim.EndedAt);
        Assert.Equal(Organization, claim.Organization);
    }

    [Fact]
    public void The_period_ends_by_default_on_the_date_of_the_statement_in_its_own_offset()
    {
        // 22:00 in Caracas on the 23rd is already the 24th in UTC.
        var statedAt = new DateTimeOffset(2026, 1, 23, 22, 0, 0, Caracas);

        var claim = Claim.State(Statement(statedAt, periodTo: null), null, Organization, Now);

        Assert.Equal(new DateOnly(2026, 1, 23), claim.PeriodTo);
    }

    [Fact]
    public void The_default_end_of_the_period_follows_a_statement_made_east_of_utc()
    {
        // 00:30 in Madrid on the 24th is still the 23rd in UTC.
        var statedAt = new DateTimeOffset(2026, 1, 24, 0, 30, 0, TimeSpan.FromHours(1));

        var claim = Claim.State(Statement(statedAt, periodTo: null), null, Organization, Now);

        Assert.Equal(new DateOnly(2026, 1, 24), claim.PeriodTo);
    }

    [Fact]
    public void A_period_ending_before_it_starts_is_refused()
    {
        var refused = Assert.Throws<DomainRuleException>(
            () => Claim.State(Statement(StatedAt, PeriodFrom.AddDays(-1)), null, Organization, Now));

        Assert.Equal("A claim's period cannot end before it starts", refused.Rule);
    }

    [Fact]
    public void A_period_of_one_day_is_accepted()
    {
        var claim = Claim.State(Statement(StatedAt, PeriodFrom), null, Organization, Now);

        Assert.Equal(PeriodFrom, claim.PeriodTo);
    }

    [Fact]
    public void A_claim_stated_in_the_future_is_refused()
    {
        var refused = Assert.Throws<DomainRuleException>(
            () => Claim.State(Statement(Now.AddTicks(1)), null, Organization, Now));

        Assert.Equal("A claim cannot be stated in the future", refused.Rule);
    }

    [Fact]
    public void A_claim_stated_exactly_now_is_accepted()
    {
        var claim = Claim.State(Statement(Now), null, Organization, Now);

        Assert.Equal(Now, claim.StatedAt);
    }

    [Fact]
    public void Superseding_a_claim_ends_it_when_the_new_one_is_stated()
    {
        var old = Claim.State(Statement(StatedAt), null, Organization, Now);
        var revisedAt = StatedAt.AddHours(20);

        var revised = Claim.State(Statement(revisedAt, count: new ClaimCount(CountQualifier.Exactly, 650, null)), old, Organization, Now);

        Assert.Equal(ClaimStatus.Superseded, old.Status);
        Assert.Equal(revisedAt, old.EndedAt);
        Assert.Equal(old.Id, revised.SupersedesClaimId);
        Assert.Equal(ClaimStatus.Active, revised.Status);
        Assert.Null(revised.EndedAt);
        Assert.NotEqual(old.Id, revised.Id);
    }

    [Fact]
    public void A_claim_may_be_superseded_by_a_statement_made_at_the_same_instant()
    {
        var old = Claim.State(Statement(StatedAt), null, Organization, Now);

        var revised = Claim.State(Statement(StatedAt.ToUniversalTime()), old, Organization, Now);

        Assert.Equal(ClaimStatus.Superseded, old.Status);
        Assert.Equal(old.Id, revised.SupersedesClaimId);
    }

    [Fact]
    public void Superseding_a_claim_that_was_already_superseded_is_refused()
    {
        var old = Claim.State(Statement(StatedAt), null, Organization, Now);
        Claim.State(Statement(StatedAt.AddHours(1)), old, Organization, Now);

        var refused = Assert.Throws<DomainRuleException>(
            () => Claim.State(Statement(StatedAt.AddHours(2)), old, Organization, Now));

        Assert.Equal("Only an active claim can be superseded", refused.Rule);
        Assert.Equal(ClaimStatus.Superseded, old.Status);
        Assert.Equal(StatedAt.AddHours(1), old.EndedAt);
    }

    [Fact]
    public void Superseding_a_retracted_claim_is_refused()
    {
        var old = Claim.State(Statement(StatedAt), null, Organization, Now);
        old.Retract("Withdrawn by the ministry.", Now);

        var refused = Assert.Throws<DomainRuleException>(
            () => Claim.State(Statement(StatedAt.AddHours(2)), old, Organization, Now));

        Assert.Equal("Only an active claim can be superseded", refused.Rule);
        Assert.Equal(ClaimStatus.Retracted, old.Status);
        Assert.Equal(Now, old.EndedAt);
    }

    [Fact]
    public void A_claim_stated_before_the_claim_it_supersedes_is_refused()
    {
        var old = Claim.State(Statement(StatedAt), null, Organization, Now);

        var refused = Assert.Throws<DomainRuleException>(
            () => Claim.State(Statement(StatedAt.AddTicks(-1)), old, Organization, Now));

        Assert.Equal("A claim can only be superseded by a later statement", refused.Rule);
        Assert.Equal(ClaimStatus.Active, old.Status);
        Assert.Null(old.EndedAt);
    }

    [Fact]
    public void Retracting_a_claim_ends_it_now_with_its_note()
    {
        var claim = Claim.State(Statement(StatedAt), null, Organization, Now);
        var retractedAt = Now.AddHours(3);

        claim.Retract("Misquoted by the agency.", retractedAt);

        Assert.Equal(ClaimStatus.Retracted, claim.Status);
        Assert.Equal(retractedAt, claim.EndedAt);
        Assert.Equal("Misquoted by the agency.", claim.RetractionNote);
    }

    [Fact]
    public void Retracting_a_claim_twice_is_refused()
    {
        var claim = Claim.State(Statement(StatedAt), null, Organization, Now);
        claim.Retract("Misquoted by the agency.", Now);

        var refused = Assert.Throws<DomainRuleException>(() => claim.Retract("Again.", Now.AddHours(1)));

        Assert.Equal("Only an active claim can be retracted", refused.Rule);
        Assert.Equal(Now, claim.EndedAt);
        Assert.Equal("Misquoted by the agency.", claim.RetractionNote);
    }

    [Fact]
    public void Retracting_a_superseded_claim_is_refused()
    {
        var old = Claim.State(Statement(StatedAt), null, Organization, Now);
        Claim.State(Statement(StatedAt.AddHours(1)), old, Organization, Now);

        var refused = Assert.Throws<DomainRuleException>(() => old.Retract("Too late.", Now));

        Assert.Equal("Only an active claim can be retracted", refused.Rule);
        Assert.Equal(ClaimStatus.Superseded, old.Status);
    }

    private static ClaimStatement Statement(DateTimeOffset statedAt, DateOnly? periodTo = null, ClaimCount? count = null) =>
        new(" Government of Venezuela ", ClaimantKind.Government, ClaimMetric.Releases, statedAt, PeriodFrom, periodTo,
            count ?? new ClaimCount(CountQualifier.MoreThan, 600, null), "más de 600 presos han sido liberados", []);
}
