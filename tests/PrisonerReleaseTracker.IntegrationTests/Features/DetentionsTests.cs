using System.Net;
using System.Net.Http.Json;
using PrisonerReleaseTracker.Domain.Access;
using PrisonerReleaseTracker.IntegrationTests.Infrastructure;

namespace PrisonerReleaseTracker.IntegrationTests.Features;

public sealed class DetentionsTests(ApiFixture api)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Opening_a_detention_makes_the_person_detained_and_a_second_is_refused()
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Detentions NGO");
        var facility = await Records.FacilityAsync(contributor);
        var detainee = await Records.DetaineeAsync(contributor);

        await Records.DetentionAsync(contributor, detainee, facility);
        var second = await contributor.PostAsJsonAsync($"/api/v1/detainees/{detainee}/detentions", new { arrestedOn = "2025" }, Ct);
        var person = await contributor.GetOkAsync($"/api/v1/detainees/{detainee}");

        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Equal("A detainee has at most one open detention", await second.TitleAsync());
        Assert.Equal("Detained", person["status"]!.GetValue<string>());
        Assert.Equal(facility, person["currentFacilityId"]!.GetValue<Guid>());
    }

    [Fact]
    public async Task A_move_to_house_arrest_is_a_transfer_and_the_person_stays_detained()
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Detentions NGO");
        var tocoron = await Records.FacilityAsync(contributor);
        var home = await Records.FacilityAsync(contributor, "HouseArrest");
        var detainee = await Records.DetaineeAsync(contributor);
        var detention = await Records.DetentionAsync(contributor, detainee, tocoron);

        var moved = await contributor.PostOkAsync($"/api/v1/detentions/{detention}/transfers", new { facilityId = home, transferredOn = "2026-01-10" });
        var person = await contributor.GetOkAsync($"/api/v1/detainees/{detainee}");
        var history = (await contributor.GetOkAsync($"/api/v1/detainees/{detainee}/detentions")).AsArray();

        Assert.True(moved["isOpen"]!.GetValue<bool>());
        Assert.Equal("Detained", person["status"]!.GetValue<string>());
        Assert.Equal(home, person["currentFacilityId"]!.GetValue<Guid>());
        var transfer = Assert.Single(Assert.Single(history)!["transfers"]!.AsArray())!;
        Assert.Equal(tocoron, transfer["fromFacilityId"]!.GetValue<Guid>());
        Assert.Equal(home, transfer["toFacilityId"]!.GetValue<Guid>());
    }

    [Fact]
    public async Task A_transfer_before_the_arrest_or_after_the_release_is_refused()
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Detentions NGO");
        var facility = await Records.FacilityAsync(contributor);
        var other = await Records.FacilityAsync(contributor);
        var detainee = await Records.DetaineeAsync(contributor);
        var detention = await Records.DetentionAsync(contributor, detainee, facility, arrestedOn: "2024-08");

        var beforeArrest = await contributor.PostAsJsonAsync($"/api/v1/detentions/{detention}/transfers", new { facilityId = other, transferredOn = "2024-07-31" }, Ct);
        await Records.ReleaseAsync(contributor, detention);
        var afterRelease = await contributor.PostAsJsonAsync($"/api/v1/detentions/{detention}/transfers", new { facilityId = other, transferredOn = "2026-01-11" }, Ct);

        Assert.Equal(HttpStatusCode.Conflict, beforeArrest.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, afterRelease.StatusCode);
        Assert.Equal("A closed detention cannot be transferred", await afterRelease.TitleAsync());
    }

    [Fact]
    public async Task Unknown_records_are_404_and_unknown_references_400()
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Detentions NGO");
        var detainee = await Records.DetaineeAsync(contributor);

        var noDetainee = await contributor.PostAsJsonAsync($"/api/v1/detainees/{Guid.NewGuid()}/detentions", new { arrestedOn = "2025" }, Ct);
        var noFacility = await contributor.PostAsJsonAsync($"/api/v1/detainees/{detainee}/detentions", new { facilityId = Guid.NewGuid() }, Ct);
        var noDetention = await contributor.PostAsJsonAsync($"/api/v1/detentions/{Guid.NewGuid()}/transfers", new { facilityId = Guid.NewGuid(), transferredOn = "2026-01-01" }, Ct);
        var futureArrest = await contributor.PostAsJsonAsync($"/api/v1/detainees/{detainee}/detentions", new { arrestedOn = "2999-01" }, Ct);

        Assert.Equal(HttpStatusCode.NotFound, noDetainee.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, noFacility.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, noDetention.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, futureArrest.StatusCode);
        Assert.Equal("Unknown", (await contributor.GetOkAsync($"/api/v1/detainees/{detainee}"))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_transfer_to_an_unknown_facility_is_a_400_naming_facilityId_and_moves_nobody()
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Detentions NGO");
        var facility = await Records.FacilityAsync(contributor);
        var detainee = await Records.DetaineeAsync(contributor);
        var detention = await Records.DetentionAsync(contributor, detainee, facility);

        var moved = await contributor.PostAsJsonAsync($"/api/v1/detentions/{detention}/transfers", new { facilityId = Guid.NewGuid(), transferredOn = "2026-01-10" }, Ct);
        var problem = await moved.ReadObjectAsync();

        Assert.Equal(HttpStatusCode.BadRequest, moved.StatusCode);
        Assert.Equal("No facility with this id.", problem["errors"]!["facilityId"]![0]!.GetValue<string>());
        Assert.Equal(facility, (await contributor.GetOkAsync($"/api/v1/detainees/{detainee}"))["currentFacilityId"]!.GetValue<Guid>());
    }

    [Fact]
    public async Task Only_the_holding_organization_opens_a_detention()
    {
        using var holder = await api.ClientAsync(Role.Contributor, "Detentions NGO");
        using var other = await api.ClientAsync(Role.Contributor, "Another NGO");
        using var researcher = await api.ClientAsync(Role.Researcher, "Detentions NGO");
        var detainee = await Records.DetaineeAsync(holder);

        var byOther = await other.PostAsJsonAsync($"/api/v1/detainees/{detainee}/detentions", new { arrestedOn = "2025" }, Ct);
        var byResearcher = await researcher.PostAsJsonAsync($"/api/v1/detainees/{detainee}/detentions", new { arrestedOn = "2025" }, Ct);

        Assert.Equal(HttpStatusCode.Forbidden, byOther.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, byResearcher.StatusCode);
    }
}
