using System.Net;
using System.Net.Http.Json;
using Npgsql;
using PrisonerReleaseTracker.Domain.Access;
using PrisonerReleaseTracker.IntegrationTests.Infrastructure;

namespace PrisonerReleaseTracker.IntegrationTests.Features;

public sealed class VerificationTests(ApiFixture api)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_verifier_of_any_organization_records_decisions_and_the_history_keeps_them_in_order()
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Reporting NGO");
        using var first = await api.ClientAsync(Role.Verifier, "Verifier One");
        using var second = await api.ClientAsync(Role.Verifier, "Verifier Two");
        var (_, _, release) = await Records.ReleasedPersonAsync(contributor, "2026-01-24");

        (await Records.DecideAsync(first, release, "UnderVerification", "2026-01-24T20:00:00-04:00")).EnsureSuccessStatusCode();
        (await Records.DecideAsync(second, release, "Verified", "2026-01-25T10:00:00-04:00")).EnsureSuccessStatusCode();
        (await Records.DecideAsync(first, release, "Retracted", "2026-01-26T10:00:00-04:00", "Person seen back in custody.")).EnsureSuccessStatusCode();
        var history = (await contributor.GetOkAsync($"/api/v1/releases/{release}/verifications")).AsArray();

        Assert.Equal(["UnderVerification", "Verified", "Retracted"], history.Select(e => e!["status"]!.GetValue<string>()));
        Assert.Equal([1, 2, 3], history.Select(e => e!["sequence"]!.GetValue<int>()));
        Assert.Equal(["Verifier One", "Verifier Two", "Verifier One"], history.Select(e => e!["decidedBy"]!["organization"]!.GetValue<string>()));
        Assert.Equal("Person seen back in custody.", history[2]!["note"]!.GetValue<string>());
        Assert.Equal("Retracted", (await contributor.GetOkAsync($"/api/v1/releases/{release}"))["verificationStatus"]!.GetValue<string>());
    }

    [Fact]
    public async Task Verifying_a_release_reported_by_the_same_key_is_refused()
    {
        using var verifierAsReporter = await api.ClientAsync(Role.Verifier, "Four Eyes NGO");
        var (_, _, release) = await Records.ReleasedPersonAsync(verifierAsReporter);

        var response = await Records.DecideAsync(verifierAsReporter, release, "Verified", "2026-01-11T10:00:00Z");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("The key that reported a release cannot verify it", await response.TitleAsync());
    }

    [Theory]
    [InlineData("Retracted", "2026-01-11T10:00:00Z", "why", "Illegal verification transition")]
    [InlineData("Disputed", "2026-01-11T10:00:00Z", null, "A note is required for this decision")]
    [InlineData("Rejected", "2026-01-11T10:00:00Z", " ", "A note is required for this decision")]
    [InlineData("Verified", "2026-01-09T23:00:00Z", null, "A decision cannot predate the release")]
    public async Task A_decision_that_breaks_a_rule_is_a_409_titled_by_the_rule(string status, string occurredAt, string? note, string rule)
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Rules NGO");
        using var verifier = await api.ClientAsync(Role.Verifier, "Rules Verifiers");
        var (_, _, release) = await Records.ReleasedPersonAsync(contributor, "2026-01-10");

        var response = await Records.DecideAsync(verifier, release, status, occurredAt, note);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal(rule, await response.TitleAsync());
        Assert.Empty((await contributor.GetOkAsync($"/api/v1/releases/{release}/verifications")).AsArray());
    }

    [Fact]
    public async Task A_decision_cannot_predate_the_previous_one()
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Rules NGO");
        using var verifier = await api.ClientAsync(Role.Verifier, "Rules Verifiers");
        var (_, _, release) = await Records.ReleasedPersonAsync(contributor, "2026-01-10");
        (await Records.DecideAsync(verifier, release, "UnderVerification", "2026-01-15T10:00:00Z")).EnsureSuccessStatusCode();

        var response = await Records.DecideAsync(verifier, release, "Verified", "2026-01-14T10:00:00Z");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("A decision cannot predate the previous decision", await response.TitleAsync());
    }

    [Theory]
    [InlineData("Reported", "2026-01-11T10:00:00Z", "status")]
    [InlineData("Verified", "2999-01-01T00:00:00Z", "occurredAt")]
    [InlineData("Approved", "2026-01-11T10:00:00Z", "status")]
    public async Task A_malformed_decision_is_a_400(string status, string occurredAt, string field)
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Rules NGO");
        using var verifier = await api.ClientAsync(Role.Verifier, "Rules Verifiers");
        var (_, _, release) = await Records.ReleasedPersonAsync(contributor, "2026-01-10");

        var response = await Records.DecideAsync(verifier, release, status, occurredAt);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.ReadObjectAsync())["errors"]!.AsObject().ContainsKey(field));
    }

    [Fact]
    public async Task Deciding_needs_a_verifier_key()
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Rules NGO");
        using var otherContributor = await api.ClientAsync(Role.Contributor, "Another NGO");
        var (_, _, release) = await Records.ReleasedPersonAsync(contributor);

        var response = await Records.DecideAsync(otherContributor, release, "Verified", "2026-01-11T10:00:00Z");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task An_unknown_source_on_a_decision_is_a_400_and_an_unknown_release_a_404()
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Rules NGO");
        using var verifier = await api.ClientAsync(Role.Verifier, "Rules Verifiers");
        var (_, _, release) = await Records.ReleasedPersonAsync(contributor);

        var unknownSource = await verifier.PostAsJsonAsync($"/api/v1/releases/{release}/verifications",
            new { status = "Verified", method = "MediaReport", occurredAt = "2026-01-11T10:00:00Z", sourceIds = new[] { Guid.NewGuid() }, expectedStatus = "Reported" }, Ct);
        var unknownRelease = await Records.DecideAsync(verifier, Guid.NewGuid(), "Verified", "2026-01-11T10:00:00Z");

        Assert.Equal(HttpStatusCode.BadRequest, unknownSource.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknownRelease.StatusCode);
    }

    [Fact]
    public async Task Two_verifiers_racing_from_the_same_state_give_one_success_and_one_refusal()
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Race NGO");
        using var first = await api.ClientAsync(Role.Verifier, "Race Verifier One");
        using var second = await api.ClientAsync(Role.Verifier, "Race Verifier Two");
        for (var round = 0; round < 5; round++)
        {
            var (_, _, release) = await Records.ReleasedPersonAsync(contributor);

            var answers = await Task.WhenAll(
                Records.DecideAsync(first, release, "Verified", "2026-01-11T10:00:00Z"),
                Records.DecideAsync(second, release, "Verified", "2026-01-11T10:00:00Z"));

            // The loser read the release before the winner's decision (412: stale) or after it (409: Verified is final).
            Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Created);
            Assert.Single(answers, a => a.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.Conflict);
            Assert.Single((await contributor.GetOkAsync($"/api/v1/releases/{release}/verifications")).AsArray());
        }
    }

    private static async Task<HttpResponseMessage> DecideOnAsync(HttpClient verifier, Guid release, string status, string? expectedStatus,
        string? ifMatch, string? note = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/releases/{release}/verifications")
        {
            Content = JsonContent.Create(new { status, method = "DirectContact", occurredAt = "2026-01-11T10:00:00Z", note, expectedStatus }),
        };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return await verifier.SendAsync(request, Ct);
    }

    private static async Task<string> ETagAsync(HttpClient client, Guid release) =>
        (await client.GetAsync($"/api/v1/releases/{release}", Ct)).Headers.ETag!.Tag;

    [Fact]
    public async Task A_decision_that_says_neither_the_etag_nor_the_status_it_decides_on_is_a_428_and_records_nothing()
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Unconditional NGO");
        using var verifier = await api.ClientAsync(Role.Verifier, "Unconditional Verifiers");
        var (_, _, release) = await Records.ReleasedPersonAsync(contributor);

        var response = await DecideOnAsync(verifier, release, "Verified", expectedStatus: null, ifMatch: null);

        Assert.Equal((HttpStatusCode)428, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty((await contributor.GetOkAsync($"/api/v1/releases/{release}/verifications")).AsArray());
    }

    [Fact]
    public async Task A_decision_applies_only_while_every_condition_it_sends_still_holds()
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Conditional NGO");
        using var verifier = await api.ClientAsync(Role.Verifier, "Conditional Verifiers");
        var (_, _, release) = await Records.ReleasedPersonAsync(contributor);
        var reportedTag = await ETagAsync(verifier, release);
        (await DecideOnAsync(verifier, release, "UnderVerification", "Reported", null)).EnsureSuccessStatusCode();
        var currentTag = await ETagAsync(verifier, release);

        var wrongStatus = await DecideOnAsync(verifier, release, "Rejected", "Reported", null, "Not released.");
        var staleTag = await DecideOnAsync(verifier, release, "Rejected", null, reportedTag, "Not released.");
        var staleTagRightStatus = await DecideOnAsync(verifier, release, "Rejected", "UnderVerification", reportedTag, "Not released.");
        var currentTagWrongStatus = await DecideOnAsync(verifier, release, "Rejected", "Reported", currentTag, "Not released.");
        var both = await DecideOnAsync(verifier, release, "Verified", "UnderVerification", currentTag);

        Assert.Equal(
            [HttpStatusCode.PreconditionFailed, HttpStatusCode.PreconditionFailed, HttpStatusCode.PreconditionFailed, HttpStatusCode.PreconditionFailed, HttpStatusCode.Created],
            new[] { wrongStatus, staleTag, staleTagRightStatus, currentTagWrongStatus, both }.Select(r => r.StatusCode));
        var history = (await contributor.GetOkAsync($"/api/v1/releases/{release}/verifications")).AsArray();
        Assert.Equal(["UnderVerification", "Verified"], history.Select(e => e!["status"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Verifiers_of_eight_organizations_deciding_at_once_on_what_they_read_record_one_decision_each_time()
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Crowded NGO");
        var verifiers = new List<HttpClient>();
        for (var i = 0; i < 8; i++)
        {
            verifiers.Add(await api.ClientAsync(Role.Verifier, $"Crowd Verifier {i}"));
        }

        string[] decisions = ["UnderVerification", "Verified", "Disputed", "Rejected"];
        for (var round = 0; round < 5; round++)
        {
            var (_, _, release) = await Records.ReleasedPersonAsync(contributor);
            var reads = await Task.WhenAll(verifiers.Select(v => ETagAsync(v, release)));

            // Each decides on what it read: the status (Reported) and the version.
            var answers = await Task.WhenAll(verifiers.Select((v, i) =>
                DecideOnAsync(v, release, decisions[i % decisions.Length], i % 2 == 0 ? "Reported" : null, i % 2 == 0 ? null : reads[i], "Seen by the crowd.")));

            Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Created);
            Assert.All(answers.Where(a => a.StatusCode != HttpStatusCode.Created), a => Assert.Equal(HttpStatusCode.PreconditionFailed, a.StatusCode));
            Assert.Single((await contributor.GetOkAsync($"/api/v1/releases/{release}/verifications")).AsArray());
        }

        verifiers.ForEach(v => v.Dispose());
    }

    [Fact]
    public async Task The_database_refuses_to_rewrite_or_delete_verification_history()
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "History NGO");
        using var verifier = await api.ClientAsync(Role.Verifier, "History Verifiers");
        var (_, _, release) = await Records.ReleasedPersonAsync(contributor);
        (await Records.DecideAsync(verifier, release, "Verified", "2026-01-11T10:00:00Z")).EnsureSuccessStatusCode();

        await using var connection = new NpgsqlConnection(api.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var update = new NpgsqlCommand("UPDATE verification_events SET status = 'Rejected' WHERE release_id = @id", connection);
        update.Parameters.AddWithValue("id", release);
        await using var delete = new NpgsqlCommand("DELETE FROM verification_events WHERE release_id = @id", connection);
        delete.Parameters.AddWithValue("id", release);

        await Assert.ThrowsAsync<PostgresException>(() => update.ExecuteNonQueryAsync(Ct));
        await Assert.ThrowsAsync<PostgresException>(() => delete.ExecuteNonQueryAsync(Ct));
        var history = (await contributor.GetOkAsync($"/api/v1/releases/{release}/verifications")).AsArray();
        Assert.Equal("Verified", Assert.Single(history)!["status"]!.GetValue<string>());
    }
}
