using PrisonerReleaseTracker.Domain;
using PrisonerReleaseTracker.Domain.Detainees;
using PrisonerReleaseTracker.Domain.Facilities;
using PrisonerReleaseTracker.Domain.Releases;

namespace PrisonerReleaseTracker.UnitTests;

public class DetentionRulesTests
{
    private const string Organization = "Foro Penal";

    private static readonly DateTimeOffset Now = new(2026, 1, 25, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Today = new(2026, 1, 25);
    private static readonly Reporter ReportingKey = new(Guid.Parse("0199a000-0000-7000-8000-000000000011"), "Provea");

    private static readonly Facility Helicoide = Facility.Create("El Helicoide", FacilityKind.IntelligenceService, "Caracas", null, "VE", Organization, Now);
    private static readonly Facility Rodeo = Facility.Create("Rodeo I", FacilityKind.Prison, "Guatire", "Miranda", "VE", Organization, Now);
    private static readonly Facility Home = Facility.Create("Family home", FacilityKind.HouseArrest, "Valencia", "Carabobo", "VE", Organization, Now);

    [Fact]
    public void A_second_open_detention_for_the_same_person_is_refused()
    {
        var detainee = NewDetainee();
        var first = detainee.OpenDetention(PartialDate.Parse("2025-11-10"), "Caracas", "SEBIN", Helicoide, [], Now);

        var refused = Assert.Throws<DomainRuleException>(
            () => detainee.OpenDetention(PartialDate.Parse("2025-12-01"), null, null, Rodeo, [], Now));

        Assert.Equal("A detainee has at most one open detention", refused.Rule);
        Assert.Equal([first], detainee.Detentions);
    }

    [Fact]
    public void A_person_detained_under_house_arrest_cannot_get_a_second_open_detention()
    {
        var detainee = NewDetainee();
        var detention = detainee.OpenDetention(PartialDate.Parse("2025-11-10"), null, null, Helicoide, [], Now);
        detention.Transfer(Home, new DateOnly(2026, 1, 10), Now);

        var refused = Assert.Throws<DomainRuleException>(() => detainee.OpenDetention(null, null, null, Rodeo, [], Now));

        Assert.Equal("A detainee has at most one open detention", refused.Rule);
    }

    [Fact]
    public void A_new_detention_can_be_opened_once_the_previous_one_ended_in_a_release()
    {
        var detainee = NewDetainee();
        var first = detainee.OpenDetention(PartialDate.Parse("2024-08"), null, null, Helicoide, [], Now);
        detainee.RecordRelease(first.Id, Report(new DateOnly(2025, 3, 1)), ReportingKey, Now);

        var second = detainee.OpenDetention(PartialDate.Parse("2025-11-10"), null, null, Rodeo, [], Now);

        Assert.True(second.IsOpen);
        Assert.False(first.IsOpen);
        Assert.Equal(2, detainee.Detentions.Count);
        Assert.Equal(DetaineeStatus.Detained, detainee.Status);
    }

    [Fact]
    public void A_person_is_unknown_then_detained_then_released()
    {
        var detainee = NewDetainee();
        Assert.Equal(DetaineeStatus.Unknown, detainee.Status);

        var detention = detainee.OpenDetention(PartialDate.Parse("2025-11-10"), null, null, Helicoide, ["terrorism"], Now);
        Assert.Equal(DetaineeStatus.Detained, detainee.Status);
        Assert.True(detention.IsOpen);
        Assert.Equal(detainee.Id, detention.DetaineeId);

        detainee.RecordRelease(detention.Id, Report(new DateOnly(2026, 1, 24)), ReportingKey, Now);
        Assert.Equal(DetaineeStatus.Released, detainee.Status);
        Assert.False(detention.IsOpen);
        Assert.Equal(new DateOnly(2026, 1, 24), detention.ReleasedOn);
    }

    [Fact]
    public void A_transfer_to_house_arrest_keeps_the_detention_open_and_the_person_detained()
    {
        var detainee = NewDetainee();
        var detention = detainee.OpenDetention(PartialDate.Parse("2025-11-10"), null, null, Helicoide, [], Now);

        var transfer = detention.Transfer(Home, new DateOnly(2026, 1, 20), Now);

        Assert.True(Home.IsHouseArrest);
        Assert.True(detention.IsOpen);
        Assert.Null(detention.ReleasedOn);
        Assert.Equal(DetaineeStatus.Detained, detainee.Status);
        Assert.Equal(Home.Id, detention.FacilityId);
        Assert.Equal(Helicoide.Id, transfer.FromFacilityId);
        Assert.Equal(Home.Id, transfer.ToFacilityId);
        Assert.Equal(new DateOnly(2026, 1, 20), transfer.TransferredOn);
        Assert.Equal([transfer], detention.Transfers);
    }

    [Fact]
    public void A_closed_detention_cannot_be_transferred()
    {
        var detainee = NewDetainee();
        var detention = detainee.OpenDetention(PartialDate.Parse("2025-11-10"), null, null, Helicoide, [], Now);
        detainee.RecordRelease(detention.Id, Report(new DateOnly(2026, 1, 20)), ReportingKey, Now);

        var refused = Assert.Throws<DomainRuleException>(() => detention.Transfer(Rodeo, new DateOnly(2026, 1, 22), Now));

        Assert.Equal("A closed detention cannot be transferred", refused.Rule);
        Assert.Equal(Helicoide.Id, detention.FacilityId);
        Assert.Empty(detention.Transfers);
    }

    [Fact]
    public void A_transfer_on_the_first_day_of_a_month_known_arrest_is_accepted()
    {
        var detention = NewDetainee().OpenDetention(PartialDate.Parse("2024-08"), null, null, Helicoide, [], Now);

        detention.Transfer(Rodeo, new DateOnly(2024, 8, 1), Now);

        Assert.Equal(Rodeo.Id, detention.FacilityId);
    }

    [Fact]
    public void A_transfer_before_the_earliest_day_of_the_arrest_is_refused()
    {
        var detention = NewDetainee().OpenDetention(PartialDate.Parse("2024-08"), null, null, Helicoide, [], Now);

        var refused = Assert.Throws<DomainRuleException>(() => detention.Transfer(Rodeo, new DateOnly(2024, 7, 31), Now));

        Assert.Equal("A transfer cannot predate the arrest or an earlier transfer", refused.Rule);
        Assert.Equal(Helicoide.Id, detention.FacilityId);
        Assert.Empty(detention.Transfers);
    }

    [Fact]
    public void A_transfer_before_the_last_transfer_is_refused()
    {
        var detention = NewDetainee().OpenDetention(PartialDate.Parse("2025-11-10"), null, null, Helicoide, [], Now);
        detention.Transfer(Rodeo, new DateOnly(2025, 12, 15), Now);

        var refused = Assert.Throws<DomainRuleException>(() => detention.Transfer(Home, new DateOnly(2025, 12, 14), Now));

        Assert.Equal("A transfer cannot predate the arrest or an earlier transfer", refused.Rule);
        Assert.Equal(Rodeo.Id, detention.FacilityId);
        Assert.Single(detention.Transfers);
    }

    [Fact]
    public void A_transfer_on_the_day_of_the_last_transfer_is_accepted()
    {
        var detention = NewDetainee().OpenDetention(PartialDate.Parse("2025-11-10"), null, null, Helicoide, [], Now);
        detention.Transfer(Rodeo, new DateOnly(2025, 12, 15), Now);

        var second = detention.Transfer(Home, new DateOnly(2025, 12, 15), Now);

        Assert.Equal(Rodeo.Id, second.FromFacilityId);
        Assert.Equal(Home.Id, detention.FacilityId);
        Assert.Equal(2, detention.Transfers.Count);
    }

    [Fact]
    public void A_transfer_to_the_facility_the_detention_is_already_at_is_refused()
    {
        var detention = NewDetainee().OpenDetention(PartialDate.Parse("2025-11-10"), null, null, Helicoide, [], Now);

        var refused = Assert.Throws<DomainRuleException>(() => detention.Transfer(Helicoide, new DateOnly(2025, 12, 1), Now));

        Assert.Equal("A transfer must change the facility", refused.Rule);
        Assert.Empty(detention.Transfers);
    }

    [Fact]
    public void A_transfer_dated_tomorrow_is_refused()
    {
        var detention = NewDetainee().OpenDetention(PartialDate.Parse("2025-11-10"), null, null, Helicoide, [], Now);

        var refused = Assert.Throws<DomainRuleException>(() => detention.Transfer(Rodeo, Today.AddDays(1), Now));

        Assert.Equal("A transfer date cannot be in the future", refused.Rule);
        Assert.Equal(Helicoide.Id, detention.FacilityId);
    }

    [Fact]
    public void A_transfer_dated_today_is_accepted()
    {
        var detention = NewDetainee().OpenDetention(PartialDate.Parse("2025-11-10"), null, null, Helicoide, [], Now);

        detention.Transfer(Rodeo, Today, Now);

        Assert.Equal(Rodeo.Id, detention.FacilityId);
    }

    [Fact]
    public void A_release_before_the_arrest_is_refused_and_leaves_the_detention_open()
    {
        var detainee = NewDetainee();
        var detention = detainee.OpenDetention(PartialDate.Parse("2025-11-10"), null, null, Helicoide, [], Now);

        var refused = Assert.Throws<DomainRuleException>(
            () => detainee.RecordRelease(detention.Id, Report(new DateOnly(2025, 11, 9)), ReportingKey, Now));

        Assert.Equal("A release cannot predate the arrest or a transfer", refused.Rule);
        Assert.True(detention.IsOpen);
        Assert.Equal(DetaineeStatus.Detained, detainee.Status);
    }

    [Fact]
    public void A_release_before_the_earliest_day_of_a_month_known_arrest_is_refused()
    {
        var detainee = NewDetainee();
        var detention = detainee.OpenDetention(PartialDate.Parse("2024-08"), null, null, Helicoide, [], Now);

        var refused = Assert.Throws<DomainRuleException>(
            () => detainee.RecordRelease(detention.Id, Report(new DateOnly(2024, 7, 31)), ReportingKey, Now));

        Assert.Equal("A release cannot predate the arrest or a transfer", refused.Rule);
    }

    [Fact]
    public void A_release_on_the_day_of_the_arrest_is_accepted()
    {
        var detainee = NewDetainee();
        var detention = detainee.OpenDetention(PartialDate.Parse("2025-11-10"), null, null, Helicoide, [], Now);

        var release = detainee.RecordRelease(detention.Id, Report(new DateOnly(2025, 11, 10)), ReportingKey, Now);

        Assert.Equal(new DateOnly(2025, 11, 10), release.ReleasedOn);
    }

    [Fact]
    public void A_release_before_the_last_transfer_is_refused()
    {
        var detainee = NewDetainee();
        var detention = detainee.OpenDetention(PartialDate.Parse("2025-11-10"), null, null, Helicoide, [], Now);
        detention.Transfer(Home, new DateOnly(2026, 1, 10), Now);

        var refused = Assert.Throws<DomainRuleException>(
            () => detainee.RecordRelease(detention.Id, Report(new DateOnly(2026, 1, 9)), ReportingKey, Now));

        Assert.Equal("A release cannot predate the arrest or a transfer", refused.Rule);
        Assert.True(detention.IsOpen);
        Assert.Equal(DetaineeStatus.Detained, detainee.Status);
    }

    [Fact]
    public void A_release_dated_tomorrow_is_refused()
    {
        var detainee = NewDetainee();
        var detention = detainee.OpenDetention(PartialDate.Parse("2025-11-10"), null, null, Helicoide, [], Now);

        var refused = Assert.Throws<DomainRuleException>(
            () => detainee.RecordRelease(detention.Id, Report(Today.AddDays(1)), ReportingKey, Now));

        Assert.Equal("A release date cannot be in the future", refused.Rule);
        Assert.True(detention.IsOpen);
        Assert.Equal(DetaineeStatus.Detained, detainee.Status);
    }

    [Fact]
    public void A_release_dated_today_is_accepted()
    {
        var detainee = NewDetainee();
        var detention = detainee.OpenDetention(PartialDate.Parse("2025-11-10"), null, null, Helicoide, [], Now);

        var release = detainee.RecordRelease(detention.Id, Report(Today), ReportingKey, Now);

        Assert.Equal(Today, release.ReleasedOn);
    }

    [Fact]
    public void Releasing_the_same_detention_twice_is_refused()
    {
        var detainee = NewDetainee();
        var detention = detainee.OpenDetention(PartialDate.Parse("2025-11-10"), null, null, Helicoide, [], Now);
        detainee.RecordRelease(detention.Id, Report(new DateOnly(2026, 1, 20)), ReportingKey, Now);

        var refused = Assert.Throws<DomainRuleException>(
            () => detainee.RecordRelease(detention.Id, Report(new DateOnly(2026, 1, 24)), ReportingKey, Now));

        Assert.Equal("A closed detention cannot be released again", refused.Rule);
        Assert.Equal(new DateOnly(2026, 1, 20), detention.ReleasedOn);
    }

    [Fact]
    public void A_release_without_a_facility_is_from_the_detention_s_current_facility()
    {
        var detainee = NewDetainee();
        var detention = detainee.OpenDetention(PartialDate.Parse("2025-11-10"), null, null, Helicoide, [], Now);
        detention.Transfer(Rodeo, new DateOnly(2025, 12, 15), Now);

        var release = detainee.RecordRelease(detention.Id, Report(new DateOnly(2026, 1, 24)), ReportingKey, Now);

        Assert.Equal(Rodeo.Id, release.FacilityId);
    }

    [Fact]
    public void A_release_keeps_the_facility_it_names()
    {
        var detainee = NewDetainee();
        var detention = detainee.OpenDetention(PartialDate.Parse("2025-11-10"), null, null, Helicoide, [], Now);

        var release = detainee.RecordRelease(detention.Id, Report(new DateOnly(2026, 1, 24), Rodeo.Id), ReportingKey, Now);

        Assert.Equal(Rodeo.Id, release.FacilityId);
    }

    [Fact]
    public void A_new_release_is_reported_by_the_reporter_s_key_and_organization()
    {
        var detainee = NewDetainee();
        var detention = detainee.OpenDetention(PartialDate.Parse("2025-11-10"), null, null, Helicoide, [], Now);
        var conditions = new ReleaseConditions(false, TravelBan: true, BarredFromPublicStatements: true, MustReportToCourt: true);
        var report = new ReleaseReport(new DateOnly(2026, 1, 24), ReleaseKind.Conditional, conditions, null, [], "Released at night.");

        var release = detainee.RecordRelease(detention.Id, report, ReportingKey, Now);

        Assert.Equal(VerificationStatus.Reported, release.Status);
        Assert.Equal(ReportingKey.KeyId, release.ReportedByKeyId);
        Assert.Equal("Provea", release.ReportedByOrganization);
        Assert.Equal(Organization, release.Organization);
        Assert.Equal(detention.Id, release.DetentionId);
        Assert.Equal(detainee.Id, release.DetaineeId);
        Assert.Equal(ReleaseKind.Conditional, release.Kind);
        Assert.Equal(conditions, release.Conditions);
        Assert.Equal(0, release.EventCount);
        Assert.Empty(release.Events);
        Assert.Null(release.StatusOccurredAt);
        Assert.Null(release.StatusOrganization);
    }

    [Fact]
    public void A_release_of_a_detention_of_another_person_is_refused()
    {
        var detainee = NewDetainee();
        var other = NewDetainee();
        var othersDetention = other.OpenDetention(PartialDate.Parse("2025-11-10"), null, null, Helicoide, [], Now);
        detainee.OpenDetention(PartialDate.Parse("2025-11-10"), null, null, Helicoide, [], Now);

        Assert.Throws<InvalidOperationException>(
            () => detainee.RecordRelease(othersDetention.Id, Report(new DateOnly(2026, 1, 24)), ReportingKey, Now));
        Assert.True(othersDetention.IsOpen);
    }

    [Fact]
    public void A_birth_date_in_the_future_is_refused()
    {
        var details = Details(birthDate: PartialDate.Parse("2026-01-26"));

        var refused = Assert.Throws<DomainRuleException>(() => Detainee.Create(details, Organization, Now));

        Assert.Equal("A birth date cannot be in the future", refused.Rule);
    }

    [Fact]
    public void A_birth_year_that_has_begun_is_accepted()
    {
        var detainee = Detainee.Create(Details(birthDate: PartialDate.Parse("2026")), Organization, Now);

        Assert.Equal(PartialDate.Parse("2026"), detainee.BirthDate);
    }

    [Theory]
    [InlineData("UK")]
    [InlineData("ve")]
    [InlineData("VEN")]
    [InlineData("")]
    [InlineData("XK")]
    public void An_invalid_nationality_is_refused(string nationality)
    {
        var details = Details(nationalities: ["VE", nationality]);

        var refused = Assert.Throws<DomainRuleException>(() => Detainee.Create(details, Organization, Now));

        Assert.Equal("Nationalities must be ISO 3166-1 alpha-2 codes", refused.Rule);
    }

    [Fact]
    public void A_new_detainee_keeps_its_details_and_organization()
    {
        var detainee = Detainee.Create(
            Details(birthDate: PartialDate.Parse("1968-10"), nationalities: ["VE", "ES", "VE"]), Organization, Now);

        Assert.Equal("Ana Pérez", detainee.FullName);
        Assert.Equal(PartialDate.Parse("1968-10"), detainee.BirthDate);
        Assert.Equal(["VE", "ES"], detainee.Nationalities);
        Assert.Equal(Organization, detainee.Organization);
        Assert.Empty(detainee.Detentions);
    }

    private static Detainee NewDetainee() => Detainee.Create(Details(), Organization, Now);

    private static DetaineeDetails Details(PartialDate? birthDate = null, IReadOnlyList<string>? nationalities = null) =>
        new("  Ana Pérez ", [], Gender.Female, birthDate, nationalities ?? ["VE"], [], [], false, null, null);

    private static ReleaseReport Report(DateOnly releasedOn, Guid? facilityId = null) =>
        new(releasedOn, ReleaseKind.Unconditional, ReleaseConditions.None, facilityId, [], null);
}
