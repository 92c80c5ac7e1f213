using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using PrisonerReleaseTracker.Domain.Access;
using PrisonerReleaseTracker.IntegrationTests.Infrastructure;

namespace PrisonerReleaseTracker.IntegrationTests.Features;

/// <summary>Claims are tested in 2009, where only this class records claims; a test that counts releases beside a claim counts them in a period of its own.</summary>
public sealed class ClaimsTests(ApiFixture api)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static JsonObject Claim(string statedAt, string qualifier, int value, int? upperValue = null, string from = "2009-01-08", string? to = "2009-01-23",
        Guid? supersedes = null, string claimant = "Government of Testland") => new()
    {
        ["claimant"] = claimant,
        ["claimantKind"] = "Government",
        ["metric"] = "Releases",
        ["statedAt"] = statedAt,
        ["period"] = new JsonObject { ["from"] = from, ["to"] = to },
        ["count"] = new JsonObject { ["qualifier"] = qualifier, ["value"] = value, ["upperValue"] = upperValue },
        ["originalText"] = "más de " + value,
        ["supersedesClaimId"] = supersedes,
    };

    private async Task<JsonArray> ClaimsBesideTotalsAsync(string asOf)
    {
        using var anonymous = api.Anonymous();
        return (await anonymous.GetOkAsync($"/api/v1/totals?from=2009-01-01&to=2009-02-28&asOf={Uri.EscapeDataString(asOf)}"))["claims"]!.AsArray();
    }

    [Fact]
    public async Task A_claim_is_recorded_with_its_bound_and_words_and_anyone_reads_it()
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Claims NGO");
        using var anonymous = api.Anonymous();

        var created = await contributor.PostOkAsync("/api/v1/claims", Claim("2009-01-23T18:00:00-04:00", "Between", 80, 104));
        var read = await anonymous.GetOkAsync($"/api/v1/claims/{created.Id()}");
        var listed = await anonymous.AllItemsAsync("/api/v1/claims?metric=Releases&claimantKind=Government&statedFrom=2009-01-23&statedTo=2009-01-23&limit=500");

        Assert.Equal("between 80 and 104", read["count"]!["display"]!.GetValue<string>());
        Assert.Equal(80, read["count"]!["lowerBound"]!.GetValue<int>());
        Assert.Equal("2009-01-23T18:00:00-04:00", read["statedAt"]!.GetValue<string>());
        Assert.Equal("Active", read["status"]!.GetValue<string>());
        Assert.Contains(listed, c => c.Id() == created.Id());
    }

    [Fact]
    public async Task A_claim_beside_the_totals_is_shown_as_the_claim_reads_on_every_path()
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Claims NGO");
        using var anonymous = api.Anonymous();
        var created = await contributor.PostOkAsync("/api/v1/claims",
            Claim("2009-02-03T21:30:00-04:00", "Between", 70, 90, from: "2009-02-01", to: "2009-02-03", claimant: "Shown Ministry"));
        var read = await anonymous.GetOkAsync($"/api/v1/claims/{created.Id()}");
        var shown = new JsonObject
        {
            ["id"] = read["id"]!.DeepClone(), ["claimant"] = read["claimant"]!.DeepClone(), ["claimantKind"] = read["claimantKind"]!.DeepClone(),
            ["count"] = read["count"]!.DeepClone(), ["originalText"] = read["originalText"]!.DeepClone(), ["statedAt"] = read["statedAt"]!.DeepClone(),
            ["period"] = read["period"]!.DeepClone(),
        };

        // As of now (the aggregates), as of a past moment (the history) and known at a past moment (the replay).
        foreach (var query in new[] { "", "&asOf=2009-03-01", $"&knownAt={Uri.EscapeDataString(DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture))}" })
        {
            foreach (var path in new[] { "/api/v1/totals", "/api/v1/totals/timeline" })
            {
                var answer = await anonymous.GetOkAsync($"{path}?from=2009-02-01&to=2009-02-28{query}");
                var beside = Assert.Single(answer["claims"]!.AsArray(), c => c!["claim"]!.Id() == created.Id())!;

                Assert.True(JsonNode.DeepEquals(shown, beside["claim"]), $"{path}{query}: {beside["claim"]!.ToJsonString()} is not {shown.ToJsonString()}");
                Assert.Equal("2009-02-03T21:30:00-04:00", beside["claim"]!["statedAt"]!.GetValue<string>());
                Assert.Equal(Math.Max(0, 70 - beside["verifiedNow"]!.GetValue<int>()), beside["unverifiedAtLeast"]!.GetValue<int>());
            }
        }
    }

    [Fact]
    public async Task The_period_ends_on_the_day_of_the_statement_when_omitted()
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Claims NGO");
        var created = await contributor.PostOkAsync("/api/v1/claims", Claim("2009-02-14T22:00:00-04:00", "AtLeast", 80, from: "2009-02-14", to: null));

        Assert.Equal("2009-02-14", created["period"]!["to"]!.GetValue<string>());
        Assert.Equal("at least 80", created["count"]!["display"]!.GetValue<string>());
    }

    [Fact]
    public async Task Superseded_and_retracted_claims_leave_totals_from_that_moment_on_but_stay_in_earlier_answers()
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Claims NGO");
        var first = await contributor.PostOkAsync("/api/v1/claims", Claim("2009-01-20T12:00:00Z", "MoreThan", 500, claimant: "Supersede Ministry"));
        var second = await contributor.PostOkAsync("/api/v1/claims", Claim("2009-01-22T12:00:00Z", "MoreThan", 600, supersedes: first.Id(), claimant: "Supersede Ministry"));
        var earlier = await api.Anonymous().GetOkAsync($"/api/v1/claims/{first.Id()}");

        Assert.Equal("Superseded", earlier["status"]!.GetValue<string>());
        Assert.Contains(await ClaimsBesideTotalsAsync("2009-01-21T00:00:00Z"), c => c!["claim"]!.Id() == first.Id());
        Assert.DoesNotContain(await ClaimsBesideTotalsAsync("2009-01-21T00:00:00Z"), c => c!["claim"]!.Id() == second.Id());
        Assert.DoesNotContain(await ClaimsBesideTotalsAsync("2009-01-23T00:00:00Z"), c => c!["claim"]!.Id() == first.Id());
        Assert.Contains(await ClaimsBesideTotalsAsync("2009-01-23T00:00:00Z"), c => c!["claim"]!.Id() == second.Id());

        var retracted = await contributor.PostOkAsync($"/api/v1/claims/{second.Id()}/retraction", new { note = "Withdrawn by the ministry." });
        var again = await contributor.PostAsJsonAsync($"/api/v1/claims/{second.Id()}/retraction", new { note = "Twice." }, Ct);

        Assert.Equal("Retracted", retracted["status"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains(await ClaimsBesideTotalsAsync("2009-01-23T00:00:00Z"), c => c!["claim"]!.Id() == second.Id());
        Assert.DoesNotContain(await ClaimsBesideTotalsAsync(DateTimeOffset.UtcNow.AddMinutes(1).ToString("O")), c => c!["claim"]!.Id() == second.Id());
    }

    [Fact]
    public async Task A_claim_never_changes_a_verified_figure()
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Claims NGO");
        using var verifier = await api.ClientAsync(Role.Verifier, "Claims Verifiers");
        var month = api.OwnPeriod();
        var facility = await Records.FacilityAsync(contributor);
        var detention = await Records.DetentionAsync(contributor, await Records.DetaineeAsync(contributor), facility,
            arrestedOn: (month.Year - 1).ToString(CultureInfo.InvariantCulture));
        var release = await Records.ReleaseAsync(contributor, detention, $"{month.AddDays(4):yyyy-MM-dd}");
        (await Records.DecideAsync(verifier, release, "Verified", $"{month.AddDays(5):yyyy-MM-dd}T10:00:00Z")).EnsureSuccessStatusCode();
        using var anonymous = api.Anonymous();
        var url = $"/api/v1/totals?from={month:yyyy-MM-dd}&to={month.AddDays(30):yyyy-MM-dd}";
        var before = await anonymous.GetOkAsync(url);

        await contributor.PostOkAsync("/api/v1/claims",
            Claim($"{month.AddDays(19):yyyy-MM-dd}T12:00:00Z", "Exactly", 900, from: $"{month:yyyy-MM-dd}", to: $"{month.AddDays(30):yyyy-MM-dd}"));
        var after = await anonymous.GetOkAsync(url);

        Assert.Equal(before["releases"]!.ToJsonString(), after["releases"]!.ToJsonString());
        Assert.Equal(1, after["releases"]!["verified"]!.GetValue<int>());
        var beside = Assert.Single(after["claims"]!.AsArray())!;
        Assert.Equal(1, beside["verifiedNow"]!.GetValue<int>());
        Assert.Equal(899, beside["unverifiedAtLeast"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_claim_without_a_lower_bound_has_no_unverified_gap()
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Claims NGO");
        var claim = await contributor.PostOkAsync("/api/v1/claims", Claim("2009-04-10T12:00:00Z", "Approximately", 100, from: "2009-04-01", to: "2009-04-10"));
        using var anonymous = api.Anonymous();

        var beside = (await anonymous.GetOkAsync("/api/v1/totals?from=2009-04-01&to=2009-04-30"))["claims"]!.AsArray().Single(c => c!["claim"]!.Id() == claim.Id())!;

        Assert.Equal("about 100", beside["claim"]!["count"]!["display"]!.GetValue<string>());
        Assert.Null(beside["unverifiedAtLeast"]);
    }

    [Theory]
    [InlineData("Between", 80, null, "count.upperValue")]
    [InlineData("Between", 80, 70, "count.upperValue")]
    [InlineData("AtLeast", 80, 90, "count.upperValue")]
    [InlineData("AtLeast", -1, null, "count.value")]
    [InlineData("Roughly", 80, null, "count.qualifier")]
    public async Task An_ill_formed_count_is_a_400(string qualifier, int value, int? upperValue, string field)
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Claims NGO");
        var response = await contributor.PostAsJsonAsync("/api/v1/claims", Claim("2009-01-23T18:00:00Z", qualifier, value, upperValue), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.ReadObjectAsync())["errors"]!.AsObject().ContainsKey(field), await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Unknown_references_future_statements_and_foreign_retractions_are_refused()
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Claims NGO");
        using var other = await api.ClientAsync(Role.Contributor, "Other Claims NGO");
        using var anonymous = api.Anonymous();
        var claim = await contributor.PostOkAsync("/api/v1/claims", Claim("2009-05-01T12:00:00Z", "Exactly", 10, from: "2009-05-01", to: "2009-05-01"));

        var unknownEarlier = await contributor.PostAsJsonAsync("/api/v1/claims", Claim("2009-05-02T12:00:00Z", "Exactly", 11, supersedes: Guid.NewGuid()), Ct);
        var future = await contributor.PostAsJsonAsync("/api/v1/claims", Claim("2999-01-01T00:00:00Z", "Exactly", 11), Ct);
        var foreign = await other.PostAsJsonAsync($"/api/v1/claims/{claim.Id()}/retraction", new { note = "Not yours." }, Ct);
        var byAnonymous = await anonymous.PostAsJsonAsync("/api/v1/claims", Claim("2009-05-02T12:00:00Z", "Exactly", 11), Ct);
        var missing = await anonymous.GetAsync($"/api/v1/claims/{Guid.NewGuid()}", Ct);

        Assert.Equal(HttpStatusCode.BadRequest, unknownEarlier.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, future.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, byAnonymous.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }
}
