using System.Text.Json.Nodes;
using PrisonerReleaseTracker.IntegrationTests.Infrastructure;

namespace PrisonerReleaseTracker.IntegrationTests.Features;

/// <summary>The demo data of the run command, in a database of its own, read as a journalist would.</summary>
public sealed class SeedStoryFixture(ApiFixture api) : IAsyncLifetime
{
    public ApiFactory? Factory { get; private set; }

    public string AdminKey => api.AdminKey;

    /// <summary>The demo organization's OrganizationAdmin key, as run.sh configures one.</summary>
    public string OrganizationAdminKey { get; } = PrisonerReleaseTracker.Domain.ApiKeySecret.Generate();

    public async ValueTask InitializeAsync()
    {
        var connectionString = await api.Server.CreateDatabaseAsync($"prt_story_{Environment.ProcessId}");
        Factory = new ApiFactory(connectionString, api.AdminKey, new CapturedLogs(), demo: true, demoOrganizationAdminKey: OrganizationAdminKey);
    }

    public async ValueTask DisposeAsync()
    {
        if (Factory is not null)
        {
            await Factory.DisposeAsync();
        }
    }
}

public sealed class SeedStoryTests(SeedStoryFixture story) : IClassFixture<SeedStoryFixture>
{
    private async Task<JsonNode> GetAsync(string url)
    {
        using var anonymous = story.Factory!.CreateClient();
        return await anonymous.GetOkAsync(url);
    }

    [Fact]
    public async Task As_of_23_January_156_releases_are_verified_and_the_government_claim_leaves_at_least_445_unverified()
    {
        var totals = await GetAsync("/api/v1/totals?from=2026-01-08&asOf=2026-01-23&groupBy=nationality");

        Assert.Equal("2026-01-23", totals["to"]!.GetValue<string>());
        Assert.Equal(156, totals["releases"]!["verified"]!.GetValue<int>());
        Assert.Equal(156, totals["verifiedPersons"]!.GetValue<int>());
        var government = Assert.Single(totals["claims"]!.AsArray())!;
        Assert.Equal("more than 600", government["claim"]!["count"]!["display"]!.GetValue<string>());
        Assert.Equal("más de 600", government["claim"]!["originalText"]!.GetValue<string>());
        Assert.Equal(156, government["verifiedAtClaimTime"]!.GetValue<int>());
        Assert.Equal(445, government["unverifiedAtLeast"]!.GetValue<int>());
        var spanish = totals["breakdown"]!.AsArray().Single(b => b!["key"]!.GetValue<string>() == "ES")!;
        Assert.Equal(5, spanish["verified"]!.GetValue<int>());
    }

    [Fact]
    public async Task As_of_25_January_the_saturday_releases_are_verified_beside_the_provisional_claim()
    {
        var totals = await GetAsync("/api/v1/totals?from=2026-01-08&asOf=2026-01-25");
        var before = await GetAsync("/api/v1/totals?from=2026-01-08&to=2026-01-25&asOf=2026-01-24T23:00:00-04:00");

        Assert.Equal(240, totals["releases"]!["verified"]!.GetValue<int>());
        Assert.Equal(156, before["releases"]!["verified"]!.GetValue<int>());
        Assert.Equal(84, before["releases"]!["reported"]!.GetValue<int>());
        var provisional = totals["claims"]!.AsArray().Single(c => c!["claim"]!["claimantKind"]!.GetValue<string>() == "Ngo")!;
        Assert.Equal("at least 80", provisional["claim"]!["count"]!["display"]!.GetValue<string>());
        Assert.Equal(0, provisional["verifiedAtClaimTime"]!.GetValue<int>());
        Assert.Equal(84, provisional["verifiedNow"]!.GetValue<int>());
        Assert.Equal(0, provisional["unverifiedAtLeast"]!.GetValue<int>());
    }

    [Fact]
    public async Task Some_verified_releases_still_face_charges_and_a_ban_on_speaking_in_public()
    {
        var totals = await GetAsync("/api/v1/totals?from=2026-01-08&asOf=2026-01-23&groupBy=chargesDropped");

        var pending = totals["verifiedWithChargesPending"]!.GetValue<int>();
        Assert.InRange(pending, 1, 155);
        Assert.Equal(pending, totals["breakdown"]!.AsArray().Where(b => b!["key"]!.GetValue<string>() != "yes").Sum(b => b!["verified"]!.GetValue<int>()));
    }

    [Fact]
    public async Task Charges_not_dropped_and_charges_not_known_are_counted_apart_and_add_up_to_the_pending()
    {
        var totals = await GetAsync("/api/v1/totals?from=2026-01-08&asOf=2026-01-25&groupBy=chargesDropped");

        var breakdown = totals["breakdown"]!.AsArray().ToDictionary(b => b!["key"]!.GetValue<string>(), b => b!["verified"]!.GetValue<int>());
        // The story: every fourth of the 156 kept its charges; a sixth of the Saturday's 84 is not known.
        Assert.Equal(39, totals["verifiedWithChargesNotDropped"]!.GetValue<int>());
        Assert.Equal(14, totals["verifiedWithChargesUnknown"]!.GetValue<int>());
        Assert.Equal(breakdown["no"], totals["verifiedWithChargesNotDropped"]!.GetValue<int>());
        Assert.Equal(breakdown["unknown"], totals["verifiedWithChargesUnknown"]!.GetValue<int>());
        Assert.Equal(53, totals["verifiedWithChargesPending"]!.GetValue<int>());
    }

    [Fact]
    public async Task The_demo_organizations_admin_key_identifies_its_protected_persons_whom_the_operator_sees_as_pseudonyms()
    {
        using var organizationAdmin = story.Factory!.CreateClient();
        organizationAdmin.DefaultRequestHeaders.Add("X-Api-Key", story.OrganizationAdminKey);
        using var operatorKey = story.Factory.CreateClient();
        operatorKey.DefaultRequestHeaders.Add("X-Api-Key", story.AdminKey);

        var keys = (await organizationAdmin.GetOkAsync("/api/v1/api-keys?limit=500"))["items"]!.AsArray();
        var person = (await organizationAdmin.GetOkAsync("/api/v1/detainees?limit=500"))["items"]!.AsArray().First(d => d!["isProtected"]!.GetValue<bool>())!;
        var byOperator = await operatorKey.GetOkAsync($"/api/v1/detainees/{person.Id()}");

        Assert.Contains(keys, k => k!["role"]!.GetValue<string>() == "OrganizationAdmin");
        Assert.All(keys, k => Assert.Equal("Demo Human Rights Monitor", k!["organization"]!.GetValue<string>()));
        Assert.Contains("(demo", person["fullName"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.StartsWith("Protected person ", byOperator["fullName"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_person_held_in_tocoron_since_august_2024_is_still_detained()
    {
        using var admin = story.Factory!.CreateClient();
        admin.DefaultRequestHeaders.Add("X-Api-Key", story.AdminKey);
        var facilities = (await admin.GetOkAsync("/api/v1/facilities?limit=50"))["items"]!.AsArray();
        var tocoron = facilities.Single(f => f!["name"]!.GetValue<string>().Contains("Tocorón", StringComparison.Ordinal))!.Id();

        var held = (await admin.GetOkAsync($"/api/v1/detainees?facilityId={tocoron}&status=Detained"))["items"]!.AsArray();
        var detentions = (await admin.GetOkAsync($"/api/v1/detainees/{Assert.Single(held)!.Id()}/detentions")).AsArray();

        Assert.Equal("2024-08", Assert.Single(detentions)!["arrestedOn"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_governments_list_names_more_people_than_are_verified_and_the_reconciliation_says_who_is_where()
    {
        var list = Assert.Single((await GetAsync("/api/v1/lists"))["items"]!.AsArray())!;
        var then = await GetAsync($"/api/v1/lists/{list.Id()}/reconciliation?asOf=2026-01-23");
        var later = await GetAsync($"/api/v1/lists/{list.Id()}/reconciliation?asOf=2026-01-25");
        int Count(JsonNode reconciliation, string outcome) => reconciliation["outcomes"]![outcome]!.GetValue<int>();

        Assert.Equal(222, list["size"]!.GetValue<int>());
        Assert.Equal(214, then["distinctPersons"]!.GetValue<int>());
        // 156 verified releases listed; the 3 protected among them are never identified to an anonymous reader.
        Assert.Equal(153, Count(then, "releaseVerified"));
        Assert.Equal(34, Count(then, "noVisibleMatch")); // 30 names nobody on record has, and 4 protected persons
        Assert.Equal(1, Count(then, "houseArrest"));
        Assert.Equal(20, Count(then, "stillDetained")); // the one held, and 19 not released until the 24th
        Assert.Equal(6, Count(then, "unresolved"));
        Assert.Equal(8, Count(then, "duplicateInList"));
        Assert.Equal(19, Count(later, "releasedOutsidePeriod"));
        Assert.Equal(1, Count(later, "stillDetained"));
        Assert.Equal("more than 600", then["claim"]!["display"]!.GetValue<string>());
        Assert.Equal(153, then["claim"]!["verified"]!.GetValue<int>());
    }

    [Fact]
    public async Task Known_at_a_january_moment_the_demo_answers_what_the_record_knew_then()
    {
        // The evening of the 23rd (Caracas): Saturday's releases not reported yet, the provisional claim not entered.
        var evening = await GetAsync("/api/v1/totals?from=2026-01-08&to=2026-01-25&asOf=2026-01-25T12:00:00-04:00&knownAt=2026-01-23T19:00:00-04:00");
        // Saturday night, before the NGO's claim was entered: the 84 are reported, none verified yet.
        var saturday = await GetAsync("/api/v1/totals?from=2026-01-08&to=2026-01-25&asOf=2026-01-25T12:00:00-04:00&knownAt=2026-01-24T21:00:00-04:00");
        // The morning of the 8th, before anything of that day was recorded.
        var first = await GetAsync("/api/v1/totals?from=2026-01-08&to=2026-01-25&knownAt=2026-01-08T08:00:00-04:00");

        Assert.Equal((156, 0), (evening["releases"]!["verified"]!.GetValue<int>(), evening["releases"]!["reported"]!.GetValue<int>()));
        Assert.Equal("Government", Assert.Single(evening["claims"]!.AsArray())!["claim"]!["claimantKind"]!.GetValue<string>());
        Assert.Equal((156, 84), (saturday["releases"]!["verified"]!.GetValue<int>(), saturday["releases"]!["reported"]!.GetValue<int>()));
        Assert.Single(saturday["claims"]!.AsArray());
        Assert.Equal(0, first["releases"]!.AsObject().Sum(status => status.Value!.GetValue<int>()));
    }

    [Fact]
    public async Task The_demo_holds_two_published_tallies_that_reproduce()
    {
        var tallies = (await GetAsync("/api/v1/tallies"))["items"]!.AsArray();

        Assert.Equal(2, tallies.Count);
        var (first, second) = (tallies[0]!, tallies[1]!);
        Assert.Equal("PrisonerReleaseTracker tally 1, published by Demo Verification Network: 156 verified releases, 8-23 January 2026, "
            + "as of 23 January 2026 23:00 UTC, known at 23 January 2026 23:00 UTC, sha256 " + first["answerDigest"]!.GetValue<string>()[..12] + "…",
            first["citation"]!.GetValue<string>());
        Assert.Equal(240, second["answer"]!["releases"]!["verified"]!.GetValue<int>());
        Assert.Equal(DateTimeOffset.Parse("2026-01-25T16:00:00Z", System.Globalization.CultureInfo.InvariantCulture), second["knownAt"]!.GetValue<DateTimeOffset>());
        foreach (var tally in (JsonNode[])[first, second])
        {
            var check = await GetAsync($"/api/v1/tallies/{tally["number"]}/check");
            Assert.True(check["reproduces"]!.GetValue<bool>(), check.ToJsonString());
        }
    }
}
