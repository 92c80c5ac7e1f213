using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Npgsql;
using PrisonerReleaseTracker.Api.Data;
using PrisonerReleaseTracker.Domain.Access;
using PrisonerReleaseTracker.IntegrationTests.Infrastructure;

namespace PrisonerReleaseTracker.IntegrationTests.Features;

/// <summary>
/// <c>prt_rebuild_totals()</c> (<see cref="TotalsAggregates.Rebuild"/>) recomputes every aggregate from the records: the
/// bench runs it after loading its data, an operator after a repair. It truncates the aggregates, so it runs on a database
/// of its own, with an API of its own.
/// </summary>
public sealed class TotalsRebuildTests(ApiFixture api)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Every aggregate row, the deltas added up by key (folded or not, the same text).</summary>
    private const string Aggregates = """
        SELECT coalesce(string_agg(line, E'\n' ORDER BY line), '') FROM (
            SELECT concat_ws(' ', 'day', released_on, status, charges_dropped, sum(delta)) AS line
            FROM release_count_deltas GROUP BY released_on, status, charges_dropped HAVING sum(delta) <> 0
            UNION ALL
            SELECT concat_ws(' ', 'month', month, status, charges_dropped, sum(delta))
            FROM release_count_month_deltas GROUP BY month, status, charges_dropped HAVING sum(delta) <> 0
            UNION ALL
            SELECT concat_ws(' ', 'person', detainee_id, released_on, next_verified_on) FROM verified_person_days
            UNION ALL
            SELECT concat_ws(' ', 'persons', released_on, next_verified_on, sum(delta))
            FROM verified_person_deltas GROUP BY released_on, next_verified_on HAVING sum(delta) <> 0
            UNION ALL
            SELECT concat_ws(' ', 'claim', claim_id, at_statement, sum(delta))
            FROM claim_verified_deltas GROUP BY claim_id, at_statement HAVING sum(delta) <> 0
        ) AS rows
        """;

    [Fact]
    public async Task A_rebuild_from_the_records_gives_back_the_aggregates_the_writes_kept_and_the_same_answers()
    {
        var connectionString = await api.Server.CreateDatabaseAsync($"prt_rebuild_{Environment.ProcessId}", Ct);
        // Without the answer cache: a TRUNCATE behind the API's back changes no data version, and every answer must be read.
        await using var factory = new ApiFactory(connectionString, api.AdminKey, new CapturedLogs())
            .WithWebHostBuilder(builder => builder.UseSetting("Caching:Totals:Enabled", "false"));
        using var admin = factory.ClientWithKey(api.AdminKey);
        using var contributor = factory.ClientWithKey(await ApiFixture.IssueAsync(admin, Role.Contributor, "Rebuild NGO"));
        using var verifier = factory.ClientWithKey(await ApiFixture.IssueAsync(admin, Role.Verifier, "Rebuild Verifiers"));
        await using var db = new NpgsqlConnection(connectionString);
        await db.OpenAsync(Ct);

        // A person verified on two days (the person chain), a verification retracted, charges dropped or not, a dispute,
        // over three months; a claim stated after the decisions it counts.
        var facility = await Records.FacilityAsync(contributor);
        var twice = await Records.DetaineeAsync(contributor);
        await DecideAsync(await ReleaseAsync(twice, "2025-01-15", null), "Verified", "2025-01-16");
        await DecideAsync(await ReleaseAsync(twice, "2025-02-20", true), "Verified", "2025-02-21");
        var retracted = await ReleaseAsync(await Records.DetaineeAsync(contributor), "2025-02-03", false);
        await DecideAsync(retracted, "Verified", "2025-02-04");
        await DecideAsync(retracted, "Retracted", "2025-02-10");
        await DecideAsync(await ReleaseAsync(await Records.DetaineeAsync(contributor), "2025-02-10", true), "Disputed", "2025-02-11");
        await DecideAsync(await ReleaseAsync(await Records.DetaineeAsync(contributor), "2025-03-05", false), "Verified", "2025-03-06");
        await ReleaseAsync(await Records.DetaineeAsync(contributor), "2025-03-07", null);
        await contributor.PostOkAsync("/api/v1/claims", new JsonObject
        {
            ["claimant"] = "Rebuild government", ["claimantKind"] = "Government", ["metric"] = "Releases", ["statedAt"] = "2025-03-01T12:00:00Z",
            ["period"] = new JsonObject { ["from"] = "2025-01-01", ["to"] = "2025-02-28" },
            ["count"] = new JsonObject { ["qualifier"] = "AtLeast", ["value"] = 3 }, ["originalText"] = "at least three",
        });

        var kept = await ScalarAsync(Aggregates);
        var answers = await AnswersAsync();
        await ScalarAsync("TRUNCATE release_count_deltas, release_count_month_deltas, verified_person_days, verified_person_deltas, claim_verified_deltas");
        var emptied = await AnswersAsync();
        await ScalarAsync($"SELECT {TotalsAggregates.Rebuild}()::text");
        var rebuilt = await ScalarAsync(Aggregates);

        // The answers as of now read the aggregates: emptied, they change; rebuilt, they are what the writes kept.
        Assert.Contains("month 2025-02-01 Verified t 1", kept, StringComparison.Ordinal);
        Assert.Contains($"person {twice} 2025-01-15 2025-02-20", kept, StringComparison.Ordinal);
        Assert.Contains(kept.Split('\n'), line => line.StartsWith("claim ", StringComparison.Ordinal));
        Assert.NotEqual(answers, emptied);
        Assert.Equal(kept, rebuilt);
        Assert.Equal(answers, await AnswersAsync());

        async Task<Guid> ReleaseAsync(Guid person, string on, bool? chargesDropped) =>
            await Records.ReleaseAsync(contributor, await Records.DetentionAsync(contributor, person, facility), on, chargesDropped);

        async Task DecideAsync(Guid release, string status, string day)
        {
            var response = await Records.DecideAsync(verifier, release, status, day + "T12:00:00Z", "reason given");
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Ct));
        }

        async Task<string> ScalarAsync(string sql)
        {
            await using var command = new NpgsqlCommand(sql, db);
            return await command.ExecuteScalarAsync(Ct) as string ?? "";
        }

        async Task<List<string>> AnswersAsync()
        {
            var list = new List<string>();
            foreach (var path in new[]
            {
                "/api/v1/totals?from=2025-01-01&to=2025-03-31", "/api/v1/totals?from=2025-01-20&to=2025-03-06&groupBy=chargesDropped",
                "/api/v1/totals?from=2025-02-01&to=2025-02-28", "/api/v1/totals/timeline?from=2025-01-01&to=2025-03-31&interval=week",
            })
            {
                var answer = (await contributor.GetOkAsync(path)).AsObject();
                answer.Remove("asOf");
                answer.Remove("knownAt");
                list.Add(path + " " + answer.ToJsonString());
            }

            return list;
        }
    }
}
