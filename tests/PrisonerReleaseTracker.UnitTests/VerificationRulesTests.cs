using PrisonerReleaseTracker.Domain;
using PrisonerReleaseTracker.Domain.Detainees;
using PrisonerReleaseTracker.Domain.Releases;
using static PrisonerReleaseTracker.Domain.Releases.VerificationStatus;

namespace PrisonerReleaseTracker.UnitTests;

public class VerificationRulesTests
{
    private const string Organization = "Foro Penal";

    private static readonly DateTimeOffset Now = new(2026, 2, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly ReleasedOn = new(2026, 1, 24);
    private static readonly DateTimeOffset FirstDecisionAt = new(2026, 1, 25, 10, 0, 0, TimeSpan.Zero);

    private static readonly Reporter ReportingKey = new(Guid.Parse("0199a000-0000-7000-8000-000000000001"), Organization);
    private static readonly Reporter SameOrganizationKey = new(Guid.Parse("0199a000-0000-7000-8000-000000000002"), Organization);
    private static readonly Reporter OtherOrganizationKey = new(Guid.Parse("0199a000-0000-7000-8000-000000000003"), "Provea");
    private static readonly Reporter ThirdOrganizationKey = new(Guid.Parse("0199a000-0000-7000-8000-000000000004"), "Justicia, Encuentro y Perdón");

    /// <summary>
    /// All 36 pairs, copied by hand from the transition table in docs/DESIGN.md, so a change to the production
    /// table that the design does not make shows up here:
    /// <code>
    /// Reported          -> UnderVerification | Verified | Disputed | Rejected
    /// UnderVerification -> Verified | Disputed | Rejected
    /// Disputed          -> UnderVerification | Verified | Rejected
    /// Rejected          -> UnderVerification
    /// Verified          -> Retracted
    /// Retracted         -> UnderVerification
    /// </code>
    /// </summary>
    private static readonly (VerificationStatus From, VerificationStatus To, bool Legal)[] DesignTable =
    [
        (Reported, Reported, false),
        (Reported, UnderVerification, true),
        (Reported, Verified, true),
        (Reported, Disputed, true),
        (Reported, Rejected, true),
        (Reported, Retracted, false),

        (UnderVerification, Reported, false),
        (UnderVerification, UnderVerification, false),
        (UnderVerification, Verified, true),
        (UnderVerification, Disputed, true),
        (UnderVerification, Rejected, true),
        (UnderVerification, Retracted, false),

        (Verified, Reported, false),
        (Verified, UnderVerification, false),
        (Verified, Verified, false),
        (Verified, Disputed, false),
        (Verified, Rejected, false),
        (Verified, Retracted, true),

        (Disputed, Reported, false),
        (Disputed, UnderVerification, true),
        (Disputed, Verified, true),
        (Disputed, Disputed, false),
        (Disputed, Rejected, true),
        (Disputed, Retracted, false),

        (Rejected, Reported, false),
        (Rejected, UnderVerification, true),
        (Rejected, Verified, false),
        (Rejected, Disputed, false),
        (Rejected, Rejected, false),
        (Rejected, Retracted, false),

        (Retracted, Reported, false),
        (Retracted, UnderVerification, true),
        (Retracted, Verified, false),
        (Retracted, Disputed, false),
        (Retracted, Rejected, false),
        (Retracted, Retracted, false),
    ];

    public static TheoryData<VerificationStatus, VerificationStatus, bool> AllTransitions
    {
        get
        {
            var data = new TheoryData<VerificationStatus, VerificationStatus, bool>();
            foreach (var (from, to, legal) in DesignTable)
            {
                data.Add(from, to, legal);
            }

            return data;
        }
    }

    [Fact]
    public void The_transition_cases_cover_every_pair_of_the_six_statuses_exactly_once()
    {
        var statuses = Enum.GetValues<VerificationStatus>();
        var expectedPairs = statuses.SelectMany(from => statuses.Select(to => (from, to))).ToHashSet();

        Assert.Equal(6, statuses.Length);
        Assert.Equal(36, DesignTable.Length);
        Assert.Equal(expectedPairs, DesignTable.Select(row => (row.From, row.To)).ToHashSet());
    }

    [Theory]
    [MemberData(nameof(AllTransitions))]
    public void A_transition_is_legal_exactly_when_the_design_table_lists_it(VerificationStatus from, VerificationStatus to, bool legal)
    {
        Assert.Equal(legal, VerificationRules.IsLegalTransition(from, to));
    }

    [Theory]
    [MemberData(nameof(AllTransitions))]
    public void Deciding_on_a_release_follows_the_design_table(VerificationStatus from, VerificationStatus to, bool legal)
    {
        var release = NewRelease();
        var at = DriveTo(release, from);
        Assert.Equal(from, release.Status);
        var eventsBefore = release.EventCount;

        var decision = Decision(to, at.AddHours(1), note: "Checked with the family and the lawyer.");

        if (legal)
        {
            var recorded = release.Decide(decision, release.Events.LastOrDefault(), Now);

            Assert.Equal(to, release.Status);
            Assert.Equal(to, recorded.Status);
            Assert.Equal(eventsBefore + 1, release.EventCount);
        }
        else
        {
            var refused = Assert.Throws<DomainRuleException>(() => release.Decide(decision, release.Events.LastOrDefault(), Now));

            Assert.Equal("Illegal verification transition", refused.Rule);
            Assert.Equal(from, release.Status);
            Assert.Equal(eventsBefore, release.EventCount);
            Assert.Equal(eventsBefore, release.Events.Count);
        }
    }

    [Theory]
    [InlineData(Disputed, null)]
    [InlineData(Disputed, "")]
    [InlineData(Disputed, "   ")]
    [InlineData(Rejected, null)]
    [InlineData(Rejected, "")]
    [InlineData(Rejected, " \t\n ")]
    [InlineData(Retracted, null)]
    [InlineData(Retracted, "")]
    [InlineData(Retracted, "   ")]
    public void Disputing_rejecting_or_retracting_without_a_note_is_refused(VerificationStatus status, string? note)
    {
        var release = NewRelease();
        // Retracting is only legal from Verified; the others are legal straight from Reported.
        var at = status == Retracted ? DriveTo(release, Verified) : FirstDecisionAt;
        var statusBefore = release.Status;

        var refused = Assert.Throws<DomainRuleException>(
            () => release.Decide(Decision(status, at.AddHours(1), note: note), release.Events.LastOrDefault(), Now));

        Assert.Equal("A note is required for this decision", refused.Rule);
        Assert.Equal(statusBefore, release.Status);
    }

    [Theory]
    [InlineData(Disputed)]
    [InlineData(Rejected)]
    [InlineData(Retracted)]
    public void Disputing_rejecting_or_retracting_with_a_note_is_accepted(VerificationStatus status)
    {
        var release = NewRelease();
        var at = status == Retracted ? DriveTo(release, Verified) : FirstDecisionAt;

        var recorded = release.Decide(Decision(status, at.AddHours(1), note: "The family says he is still held."),
            release.Events.LastOrDefault(), Now);

        Assert.Equal(status, release.Status);
        Assert.Equal("The family says he is still held.", recorded.Note);
    }

    [Theory]
    [InlineData(UnderVerification, null)]
    [InlineData(UnderVerification, "")]
    [InlineData(UnderVerification, "   ")]
    [InlineData(Verified, null)]
    [InlineData(Verified, "")]
    [InlineData(Verified, "   ")]
    public void Putting_under_verification_or_verifying_needs_no_note(VerificationStatus status, string? note)
    {
        var release = NewRelease();

        var recorded = release.Decide(Decision(status, FirstDecisionAt, note: note), null, Now);

        Assert.Equal(status, release.Status);
        Assert.Null(recorded.Note);
    }

    [Fact]
    public void A_decision_one_tick_in_the_future_is_refused()
    {
        var release = NewRelease();

        var refused = Assert.Throws<DomainRuleException>(
            () => release.Decide(Decision(Verified, Now.AddTicks(1)), null, Now));

        Assert.Equal("A decision cannot be in the future", refused.Rule);
        Assert.Equal(Reported, release.Status);
        Assert.Empty(release.Events);
    }

    [Fact]
    public void A_decision_in_the_future_written_in_another_offset_is_refused()
    {
        var release = NewRelease();
        // 08:00:01 at -04:00 is 12:00:01 UTC, one second after now although its clock reads earlier.
        var inOtherOffset = new DateTimeOffset(2026, 2, 1, 8, 0, 1, TimeSpan.FromHours(-4));

        var refused = Assert.Throws<DomainRuleException>(() => release.Decide(Decision(Verified, inOtherOffset), null, Now));

        Assert.Equal("A decision cannot be in the future", refused.Rule);
    }

    [Fact]
    public void A_decision_made_exactly_now_is_accepted()
    {
        var release = NewRelease();

        var recorded = release.Decide(Decision(Verified, Now), null, Now);

        Assert.Equal(Verified, release.Status);
        Assert.Equal(Now, recorded.OccurredAt);
    }

    [Fact]
    public void A_decision_on_the_evening_of_the_release_day_in_its_own_offset_is_accepted()
    {
        var release = NewRelease(new DateOnly(2026, 1, 24));
        // 2026-01-25T00:00Z; locally still the day of the release.
        var at = new DateTimeOffset(2026, 1, 24, 20, 0, 0, TimeSpan.FromHours(-4));

        release.Decide(Decision(Verified, at), null, Now);

        Assert.Equal(Verified, release.Status);
    }

    [Fact]
    public void A_decision_on_the_release_day_in_its_own_offset_is_accepted_even_when_it_is_the_day_before_in_utc()
    {
        var release = NewRelease(new DateOnly(2026, 1, 24));
        // 2026-01-23T19:30Z, but 24 January where the decision was made.
        var at = new DateTimeOffset(2026, 1, 24, 0, 30, 0, TimeSpan.FromHours(5));

        release.Decide(Decision(Verified, at), null, Now);

        Assert.Equal(Verified, release.Status);
    }

    [Fact]
    public void A_decision_on_the_day_before_the_release_in_its_own_offset_is_refused_even_when_it_is_the_release_day_in_utc()
    {
        var release = NewRelease(new DateOnly(2026, 1, 24));
        // 2026-01-24T03:00Z, but still 23 January where the decision was made.
        var at = new DateTimeOffset(2026, 1, 23, 23, 0, 0, TimeSpan.FromHours(-4));

        var refused = Assert.Throws<DomainRuleException>(() => release.Decide(Decision(Verified, at), null, Now));

        Assert.Equal("A decision cannot predate the release", refused.Rule);
        Assert.Equal(Reported, release.Status);
    }

    [Fact]
    public void A_decision_before_the_previous_decision_is_refused()
    {
        var release = NewRelease();
        var previous = release.Decide(Decision(UnderVerification, FirstDecisionAt), null, Now);

        var refused = Assert.Throws<DomainRuleException>(
            () => release.Decide(Decision(Verified, FirstDecisionAt.AddTicks(-1)), previous, Now));

        Assert.Equal("A decision cannot predate the previous decision", refused.Rule);
        Assert.Equal(UnderVerification, release.Status);
        Assert.Single(release.Events);
    }

    [Fact]
    public void A_decision_at_the_same_instant_as_the_previous_one_is_accepted_whatever_its_offset()
    {
        var release = NewRelease();
        var previous = release.Decide(Decision(UnderVerification, FirstDecisionAt), null, Now);
        var sameInstant = FirstDecisionAt.ToOffset(TimeSpan.FromHours(-4));

        release.Decide(Decision(Verified, sameInstant), previous, Now);

        Assert.Equal(Verified, release.Status);
        Assert.Equal(2, release.EventCount);
    }

    [Theory]
    [InlineData(UnderVerification)]
    [InlineData(Verified)]
    [InlineData(Disputed)]
    [InlineData(Rejected)]
    public void Verifying_a_release_reported_by_the_same_key_is_refused(VerificationStatus status)
    {
        var release = NewRelease();

        var refused = Assert.Throws<DomainRuleException>(
            () => release.Decide(Decision(status, FirstDecisionAt, ReportingKey, "Seen at home."), null, Now));

        Assert.Equal("The key that reported a release cannot verify it", refused.Rule);
        Assert.Equal(Reported, release.Status);
        Assert.Empty(release.Events);
    }

    [Fact]
    public void The_reporting_key_cannot_decide_later_in_the_history_either()
    {
        var release = NewRelease();
        var at = DriveTo(release, Verified);

        var refused = Assert.Throws<DomainRuleException>(() => release.Decide(
            Decision(Retracted, at.AddHours(1), ReportingKey, "Wrong person."), release.Events.LastOrDefault(), Now));

        Assert.Equal("The key that reported a release cannot verify it", refused.Rule);
        Assert.Equal(Verified, release.Status);
    }

    [Fact]
    public void Another_key_of_the_same_organization_can_verify()
    {
        var release = NewRelease();

        var recorded = release.Decide(Decision(Verified, FirstDecisionAt, SameOrganizationKey), null, Now);

        Assert.Equal(Verified, release.Status);
        Assert.Equal(SameOrganizationKey.KeyId, recorded.KeyId);
        Assert.Equal(Organization, recorded.Organization);
        Assert.Equal(Organization, release.StatusOrganization);
    }

    [Fact]
    public void A_release_without_decisions_has_no_decision_details()
    {
        var release = NewRelease();

        Assert.Equal(Reported, release.Status);
        Assert.Equal(0, release.EventCount);
        Assert.Null(release.StatusOccurredAt);
        Assert.Null(release.StatusOrganization);
        Assert.Empty(release.Events);
    }

    [Fact]
    public void Decisions_are_numbered_1_2_3_and_the_release_follows_the_latest()
    {
        var release = NewRelease();
        var first = release.Decide(Decision(UnderVerification, FirstDecisionAt, OtherOrganizationKey), null, Now);

        Assert.Equal(1, release.EventCount);
        Assert.Equal(UnderVerification, release.Status);
        Assert.Equal(FirstDecisionAt, release.StatusOccurredAt);
        Assert.Equal("Provea", release.StatusOrganization);

        var second = release.Decide(Decision(Verified, FirstDecisionAt.AddHours(2), SameOrganizationKey), first, Now);

        Assert.Equal(2, release.EventCount);
        Assert.Equal(Verified, release.Status);
        Assert.Equal(FirstDecisionAt.AddHours(2), release.StatusOccurredAt);
        Assert.Equal(Organization, release.StatusOrganization);

        var third = release.Decide(
            Decision(Retracted, FirstDecisionAt.AddDays(1), ThirdOrganizationKey, "Identity mixed up."), second, Now);

        Assert.Equal([1, 2, 3], release.Events.Select(e => e.Sequence));
        Assert.Equal([first, second, third], release.Events);
        Assert.Equal(3, release.EventCount);
        Assert.Equal(Retracted, release.Status);
        Assert.Equal(FirstDecisionAt.AddDays(1), release.StatusOccurredAt);
        Assert.Equal("Justicia, Encuentro y Perdón", release.StatusOrganization);
        Assert.All(release.Events, e => Assert.Equal(release.Id, e.ReleaseId));
        Assert.Equal(3, release.Events.Select(e => e.Id).Distinct().Count());
    }

    [Fact]
    public void A_refused_decision_does_not_use_up_a_number()
    {
        var release = NewRelease();
        var first = release.Decide(Decision(UnderVerification, FirstDecisionAt), null, Now);
        Assert.Throws<DomainRuleException>(() => release.Decide(Decision(Retracted, FirstDecisionAt.AddHours(1), note: "x"), first, Now));

        var second = release.Decide(Decision(Verified, FirstDecisionAt.AddHours(2)), first, Now);

        Assert.Equal(2, second.Sequence);
        Assert.Equal(2, release.EventCount);
    }

    [Fact]
    public void The_decision_time_is_stored_in_utc()
    {
        var release = NewRelease();
        var local = new DateTimeOffset(2026, 1, 25, 18, 30, 0, TimeSpan.FromHours(-4));

        var recorded = release.Decide(Decision(Verified, local), null, Now);

        Assert.Equal(TimeSpan.Zero, recorded.OccurredAt.Offset);
        Assert.Equal(new DateTime(2026, 1, 25, 22, 30, 0, DateTimeKind.Unspecified), recorded.OccurredAt.DateTime);
        Assert.Equal(local, recorded.OccurredAt);
        Assert.Equal(TimeSpan.Zero, release.StatusOccurredAt!.Value.Offset);
        Assert.Equal(Now, recorded.RecordedAt);
    }

    [Fact]
    public void The_note_is_trimmed()
    {
        var release = NewRelease();

        var recorded = release.Decide(Decision(Disputed, FirstDecisionAt, note: "  The family has not heard from him.\n "), null, Now);

        Assert.Equal("The family has not heard from him.", recorded.Note);
    }

    [Fact]
    public void The_decision_keeps_its_method_and_distinct_sources()
    {
        var release = NewRelease();
        var source = Guid.Parse("0199a000-0000-7000-8000-0000000000aa");
        var decision = new VerificationDecision(Verified, VerificationMethod.LawyerConfirmation, FirstDecisionAt, null,
            [source, source], OtherOrganizationKey);

        var recorded = release.Decide(decision, null, Now);

        Assert.Equal(VerificationMethod.LawyerConfirmation, recorded.Method);
        Assert.Equal([source], recorded.SourceIds);
    }

    private static Release NewRelease(DateOnly? releasedOn = null)
    {
        var details = new DetaineeDetails("Ana Pérez", [], Gender.Female, null, ["VE"], [], [], false, null, null);
        var detainee = Detainee.Create(details, Organization, Now);
        var detention = detainee.OpenDetention(PartialDate.Parse("2025-11"), null, null, null, [], Now);
        var report = new ReleaseReport(releasedOn ?? ReleasedOn, ReleaseKind.Unconditional, ReleaseConditions.None, null, [], null);
        return detainee.RecordRelease(detention.Id, report, ReportingKey, Now);
    }

    /// <summary>Brings the release to <paramref name="status"/> through legal decisions by another key; returns the last decision's time.</summary>
    private static DateTimeOffset DriveTo(Release release, VerificationStatus status)
    {
        VerificationStatus[] path = status switch
        {
            Reported => [],
            UnderVerification => [UnderVerification],
            Verified => [Verified],
            Disputed => [Disputed],
            Rejected => [Rejected],
            Retracted => [Verified, Retracted],
            _ => throw new ArgumentOutOfRangeException(nameof(status)),
        };

        var at = FirstDecisionAt;
        foreach (var step in path)
        {
            at = at.AddHours(1);
            release.Decide(Decision(step, at, note: "Reason on record."), release.Events.LastOrDefault(), Now);
        }

        return at;
    }

    private static VerificationDecision Decision(VerificationStatus status, DateTimeOffset occurredAt, Reporter? by = null, string? note = null) =>
        new(status, VerificationMethod.FamilyConfirmation, occurredAt, note, [], by ?? OtherOrganizationKey);

    [Fact]
    public void Verified_changes_add_up_to_whether_any_legal_history_ends_verified()
    {
        // Every legal history of up to eight decisions, walked from Reported.
        var statuses = Enum.GetValues<VerificationStatus>();
        var histories = 0;
        void Walk(VerificationStatus current, int changes, int depth)
        {
            histories++;
            Assert.Equal(current == VerificationStatus.Verified ? 1 : 0, changes);
            if (depth == 8)
            {
                return;
            }

            foreach (var next in statuses.Where(next => VerificationRules.IsLegalTransition(current, next)))
            {
                Walk(next, changes + VerificationRules.VerifiedChange(next), depth + 1);
            }
        }

        Walk(VerificationStatus.Reported, 0, 0);
        Assert.True(histories > 100, $"{histories} histories walked");
    }
}
