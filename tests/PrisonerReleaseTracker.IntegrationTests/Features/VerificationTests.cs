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
            new { status = "Verified", method = "MediaReport", occurredAt = "2026-01-11T10:00:00Z", sourceIds = new[] { Guid.NewGuid() } }, Ct);
        var unknownRelease = await Records.DecideAsync(verifier, Guid.NewGuid(), "Verified", "2026-01-11T10:00:00Z");

        Assert.Equal(HttpStatusCode.BadRequest, unknownSource.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknownRelease.StatusCode);
    }

    [Fact]
    public async Task Two_verifiers_racing_from_the_same_state_give_one_success_and_one_conflict()
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

            Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Conflict], answers.Select(a => a.StatusCode).Order());
            Assert.Single((await contributor.GetOkAsync($"/api/v1/releases/{release}/verifications")).AsArray());
        }
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
