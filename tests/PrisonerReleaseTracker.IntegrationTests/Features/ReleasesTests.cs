using System.Net;
using System.Net.Http.Json;
using PrisonerReleaseTracker.Domain.Access;
using PrisonerReleaseTracker.IntegrationTests.Infrastructure;

namespace PrisonerReleaseTracker.IntegrationTests.Features;

public sealed class ReleasesTests(ApiFixture api)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_reported_release_closes_the_detention_and_starts_as_reported_whatever_the_body_says()
    {
        var (contributor, keyId, _) = await api.KeyAsync(Role.Contributor, "Releases NGO");
        using var _ = contributor;
        var facility = await Records.FacilityAsync(contributor);
        var detainee = await Records.DetaineeAsync(contributor);
        var detention = await Records.DetentionAsync(contributor, detainee, facility);
        var source = (await contributor.PostOkAsync("/api/v1/sources", new { url = "https://example.org/report", publisher = "NGO", kind = "NgoReport" })).Id();

        var release = await contributor.PostOkAsync("/api/v1/releases", new
        {
            detentionId = detention,
            releasedOn = "2026-01-24",
            kind = "Conditional",
            conditions = new { chargesDropped = false, travelBan = true, barredFromPublicStatements = true, mustReportToCourt = false },
            sourceIds = new[] { source },
            verificationStatus = "Verified",
            reportedBy = new { keyId = Guid.NewGuid(), organization = "Someone else" },
        });
        var person = await contributor.GetOkAsync($"/api/v1/detainees/{detainee}");

        Assert.Equal("Reported", release["verificationStatus"]!.GetValue<string>());
        Assert.Equal(keyId, release["reportedBy"]!["keyId"]!.GetValue<Guid>());
        Assert.Equal("Releases NGO", release["reportedBy"]!["organization"]!.GetValue<string>());
        Assert.Equal(facility, release["facilityId"]!.GetValue<Guid>());
        Assert.False(release["conditions"]!["chargesDropped"]!.GetValue<bool>());
        Assert.True(release["conditions"]!["barredFromPublicStatements"]!.GetValue<bool>());
        Assert.Equal(source, Assert.Single(release["sources"]!.AsArray())!.Id());
        Assert.Equal("Released", person["status"]!.GetValue<string>());
        Assert.Null(person["currentFacilityId"]);
    }

    [Fact]
    public async Task A_closed_detention_cannot_be_released_again()
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Releases NGO");
        var (_, detention, _) = await Records.ReleasedPersonAsync(contributor);

        var again = await contributor.PostAsJsonAsync("/api/v1/releases", new { detentionId = detention, releasedOn = "2026-01-11", kind = "Unknown" }, Ct);

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("A closed detention cannot be released again", await again.TitleAsync());
    }

    [Fact]
    public async Task A_release_before_the_arrest_is_refused_and_writes_nothing()
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Releases NGO");
        var facility = await Records.FacilityAsync(contributor);
        var detainee = await Records.DetaineeAsync(contributor);
        var detention = await Records.DetentionAsync(contributor, detainee, facility, arrestedOn: "2025-03");

        var early = await contributor.PostAsJsonAsync("/api/v1/releases", new { detentionId = detention, releasedOn = "2025-02-28", kind = "Unknown" }, Ct);

        Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
        Assert.Equal("Detained", (await contributor.GetOkAsync($"/api/v1/detainees/{detainee}"))["status"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("releasedOn", "2999-01-01", "kind", "Unknown")]
    [InlineData("kind", "Freed", "releasedOn", "2026-01-01")]
    [InlineData("releasedOn", "2026-02-30", "kind", "Unknown")]
    public async Task Invalid_release_fields_are_a_400(string field, string value, string otherField, string otherValue)
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Releases NGO");
        var facility = await Records.FacilityAsync(contributor);
        var detention = await Records.DetentionAsync(contributor, await Records.DetaineeAsync(contributor), facility);

        var response = await contributor.PostAsJsonAsync("/api/v1/releases",
            new Dictionary<string, object> { ["detentionId"] = detention, [field] = value, [otherField] = otherValue }, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.ReadObjectAsync())["errors"]!.AsObject().ContainsKey(field));
    }

    [Fact]
    public async Task Unknown_sources_and_detentions_are_a_400_naming_them()
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Releases NGO");
        var facility = await Records.FacilityAsync(contributor);
        var detention = await Records.DetentionAsync(contributor, await Records.DetaineeAsync(contributor), facility);

        var unknownSource = await contributor.PostAsJsonAsync("/api/v1/releases",
            new { detentionId = detention, releasedOn = "2026-01-01", kind = "Unknown", sourceIds = new[] { Guid.NewGuid() } }, Ct);
        var unknownDetention = await contributor.PostAsJsonAsync("/api/v1/releases",
            new { detentionId = Guid.NewGuid(), releasedOn = "2026-01-01", kind = "Unknown" }, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, unknownSource.StatusCode);
        Assert.True((await unknownSource.ReadObjectAsync())["errors"]!.AsObject().ContainsKey("sourceIds[0]"));
        Assert.Equal(HttpStatusCode.BadRequest, unknownDetention.StatusCode);
        Assert.True((await unknownDetention.ReadObjectAsync())["errors"]!.AsObject().ContainsKey("detentionId"));
    }

    [Fact]
    public async Task The_list_filters_by_date_status_nationality_and_facility()
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Release Filters NGO");
        using var verifier = await api.ClientAsync(Role.Verifier, "Verifiers NGO");
        var facility = await Records.FacilityAsync(contributor);
        var spanish = await Records.DetaineeAsync(contributor, nationalities: ["ES"], categories: ["cat-release-filter"]);
        var venezuelan = await Records.DetaineeAsync(contributor, nationalities: ["VE"], categories: ["cat-release-filter"]);
        var spanishRelease = await Records.ReleaseAsync(contributor, await Records.DetentionAsync(contributor, spanish, facility), "2026-01-09");
        var venezuelanRelease = await Records.ReleaseAsync(contributor, await Records.DetentionAsync(contributor, venezuelan, facility), "2026-01-20");
        (await Records.DecideAsync(verifier, spanishRelease, "Verified", "2026-01-21T10:00:00Z")).EnsureSuccessStatusCode();

        async Task<Guid[]> Ids(string query) =>
            [.. (await contributor.GetOkAsync($"/api/v1/releases?facilityId={facility}&{query}"))["items"]!.AsArray().Select(r => r!.Id())];

        Assert.Equal([spanishRelease, venezuelanRelease], await Ids("limit=10"));
        Assert.Equal([spanishRelease], await Ids("nationality=ES"));
        Assert.Equal([venezuelanRelease], await Ids("releasedFrom=2026-01-10"));
        Assert.Equal([spanishRelease], await Ids("releasedTo=2026-01-09"));
        Assert.Equal([spanishRelease], await Ids("status=Verified"));
        Assert.Equal([venezuelanRelease], await Ids("status=Reported"));
        Assert.Equal(2, (await contributor.GetOkAsync("/api/v1/releases?category=cat-release-filter&limit=500"))["items"]!.AsArray().Count);
        var paged = await contributor.GetOkAsync($"/api/v1/releases?facilityId={facility}&limit=1");
        Assert.NotNull(paged["nextCursor"]);
        var second = await contributor.GetOkAsync($"/api/v1/releases?facilityId={facility}&limit=1&cursor={paged["nextCursor"]}");
        Assert.Equal(venezuelanRelease, Assert.Single(second["items"]!.AsArray())!.Id());
    }

    [Fact]
    public async Task A_release_shows_when_and_by_whom_it_was_last_decided()
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Releases NGO");
        using var verifier = await api.ClientAsync(Role.Verifier, "Independent Verifiers");
        var (_, _, release) = await Records.ReleasedPersonAsync(contributor);

        (await Records.DecideAsync(verifier, release, "Verified", "2026-01-12T09:00:00-04:00")).EnsureSuccessStatusCode();
        var read = await contributor.GetOkAsync($"/api/v1/releases/{release}");

        Assert.Equal("Verified", read["verificationStatus"]!.GetValue<string>());
        Assert.Equal("Independent Verifiers", read["lastDecidedBy"]!.GetValue<string>());
        Assert.Equal(DateTimeOffset.Parse("2026-01-12T13:00:00Z", System.Globalization.CultureInfo.InvariantCulture), read["lastDecidedAt"]!.GetValue<DateTimeOffset>());
    }

    [Fact]
    public async Task Unknown_releases_are_404()
    {
        using var researcher = await api.ClientAsync(Role.Researcher, "Releases NGO");
        Assert.Equal(HttpStatusCode.NotFound, (await researcher.GetAsync($"/api/v1/releases/{Guid.NewGuid()}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await researcher.GetAsync($"/api/v1/releases/{Guid.NewGuid()}/verifications", Ct)).StatusCode);
    }
}
