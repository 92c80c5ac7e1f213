using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using PrisonerReleaseTracker.Api.Features.Totals;
using PrisonerReleaseTracker.Domain.Access;
using PrisonerReleaseTracker.IntegrationTests.Infrastructure;

namespace PrisonerReleaseTracker.IntegrationTests.Features;

/// <summary>
/// The totals as of now, known now, read aggregates the database keeps beside the records; the totals as of a past
/// moment read the records themselves (the history path). Asked as of a moment after every decision, both must say the
/// same thing, whatever the record went through: releases entered one by one and imported, people released more than
/// once, decisions and retractions, claims entered before and after the decisions they count, releases edited behind
/// the API's back, and the aggregates folded or not. Each test counts in a period of its own (<see cref="ApiFixture.OwnPeriod"/>).
/// </summary>
public sealed class TotalsAggregatesTests(ApiFixture api)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Legal paths of decisions; each release walks one, a step at a time, across the rounds.</summary>
    private static readonly string[][] Paths =
    [
        ["Verified"], ["UnderVerification", "Verified"], ["UnderVerification"], ["Disputed"], ["Verified", "Retracted"],
        ["Rejected", "UnderVerification", "Verified"], [],
    ];

    private sealed class Walk(Guid id, DateOnly on, string[] path)
    {
        public Guid Id { get; } = id;
        public DateOnly On { get; } = on;
        public Queue<string> Steps { get; } = new(path);
        public DateTimeOffset At { get; set; } = new(on.ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero);
    }

    private static string Iso(DateTimeOffset at) => at.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    [Fact]
    public async Task Totals_as_of_now_from_the_aggregates_equal_the_history_read_of_a_generated_record()
    {
        var random = TestSeed.Random(out var seed);
        var m = Guid.NewGuid().ToString("N")[..10];
        using var contributor = await api.ClientAsync(Role.Contributor, "Aggregates NGO " + m);
        using var verifier = await api.ClientAsync(Role.Verifier, "Aggregates Verifiers " + m);
        var fold = api.Factory.Services.GetRequiredService<TotalsFold>();
        await using var db = new NpgsqlConnection(api.ConnectionString);
        await db.OpenAsync(Ct);
        var start = api.OwnPeriod();
        // Long enough to hold a whole month and parts of two others: the summary reads whole months from the counts by
        // month and the days around them from the counts by day.
        var end = start.AddDays(75);
        var firstMonth = start.Day == 1 ? start : new DateOnly(start.Year, start.Month, 1).AddMonths(1);
        var arrested = (start.Year - 1).ToString(CultureInfo.InvariantCulture);
        var facility = await Records.FacilityAsync(contributor);
        var people = new List<Guid>();
        var walks = new List<Walk>();
        var crossing = 0;

        // One person verified on two days, out of the walks and so out of the random edits: whatever the seed, some
        // period ends between two verified days of one person (the case the persons' aggregate reads by its next day).
        var twice = await Records.DetaineeAsync(contributor);
        var anchors = new List<Guid>();
        foreach (var on in new[] { start.AddDays(5), start.AddDays(12) })
        {
            var release = await Records.ReleaseAsync(contributor, await Records.DetentionAsync(contributor, twice, facility, arrested), Day(on), null);
            var decided = await Records.DecideAsync(verifier, release, "Verified", Iso(new DateTimeOffset(on.ToDateTime(new TimeOnly(13, 0)), TimeSpan.Zero)));
            Assert.True(decided.IsSuccessStatusCode, $"seed {seed}: the anchor's decision refused: {await decided.Content.ReadAsStringAsync(Ct)}");
            anchors.Add(release);
        }

        DateOnly AnyDay() => start.AddDays(random.Next(0, 76));
        Walk Walking(Guid id, DateOnly on) => new(id, on, Paths[random.Next(Paths.Length)]);

        // A person released again: a new detention, then its release (one open detention at a time).
        async Task ReleaseAgainAsync(Guid person)
        {
            var detention = await Records.DetentionAsync(contributor, person, facility, arrested);
            var on = AnyDay();
            walks.Add(Walking(await Records.ReleaseAsync(contributor, detention, Day(on), random.Next(3) switch { 0 => true, 1 => false, _ => null }), on));
        }

        async Task<int> ExecuteAsync(string sql, params object[] values)
        {
            await using var command = new NpgsqlCommand(sql, db);
            foreach (var value in values)
            {
                command.Parameters.Add(new NpgsqlParameter { Value = value });
            }

            return await command.ExecuteNonQueryAsync(Ct);
        }

        for (var round = 0; round < 4; round++)
        {
            // New people, each released once or more.
            for (var i = random.Next(2, 5); i > 0; i--)
            {
                people.Add(await Records.DetaineeAsync(contributor));
                await ReleaseAgainAsync(people[^1]);
            }

            for (var i = random.Next(2, 6); i > 0; i--)
            {
                await ReleaseAgainAsync(people[random.Next(people.Count)]);
            }

            // An import: set-based SQL inserts the releases, one statement for many.
            if (round == 1 || random.Next(3) == 0)
            {
                var rows = Enumerable.Range(0, random.Next(2, 6)).Select(i => string.Join(',',
                    $"agg-{m}-{round}-{i}", $"Imported {m} {round} {i}", "", "Female", "", "VE", "", "false", arrested, $"Import Prison {m}", "", "",
                    Day(AnyDay()), "", random.Next(3) switch { 0 => "yes", 1 => "no", _ => "" }, "", "", "", ""));
                var response = await ImportsTests.ImportAsync(contributor, ImportsTests.Csv(
                    "externalId,fullName,otherNames,gender,birthDate,nationalities,categories,isProtected,arrestedOn,facility,arrestingAuthority,"
                    + "charges,releasedOn,releaseKind,chargesDropped,travelBan,barredFromPublicStatements,mustReportToCourt,sourceUrl\n"
                    + string.Join('\n', rows) + "\n"));
                Assert.True(response.IsSuccessStatusCode, $"seed {seed}: import refused: {await response.Content.ReadAsStringAsync(Ct)}");
                await using var command = new NpgsqlCommand("""
                    SELECT r.id, r.released_on, r.detainee_id FROM releases r JOIN detainees d ON d.id = r.detainee_id
                    WHERE d.full_name LIKE $1 AND NOT (r.id = ANY($2))
                    """, db);
                command.Parameters.Add(new NpgsqlParameter { Value = $"Imported {m} %" });
                command.Parameters.Add(new NpgsqlParameter { Value = walks.Select(w => w.Id).ToArray() });
                await using var reader = await command.ExecuteReaderAsync(Ct);
                while (await reader.ReadAsync(Ct))
                {
                    walks.Add(Walking(reader.GetGuid(0), DateOnly.FromDateTime(reader.GetDateTime(1))));
                    people.Add(reader.GetGuid(2));
                }
            }

            // Claims stated at random moments of the period (some before the decisions they count, some after).
            for (var i = round == 0 ? 1 : random.Next(0, 3); i > 0; i--)
            {
                var periodFrom = AnyDay();
                await contributor.PostOkAsync("/api/v1/claims", new JsonObject
                {
                    ["claimant"] = "Aggregates government " + m, ["claimantKind"] = "Government", ["metric"] = "Releases",
                    ["statedAt"] = Iso(new DateTimeOffset(start.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).AddMinutes(random.Next(0, 60 * 24 * 45))),
                    ["period"] = new JsonObject { ["from"] = Day(periodFrom), ["to"] = Day(periodFrom.AddDays(random.Next(0, 20))) },
                    ["count"] = new JsonObject { ["qualifier"] = "AtLeast", ["value"] = 3 }, ["originalText"] = "at least three",
                });
            }

            // Decisions: a step or two of the walks, in the order of their moments for each release.
            foreach (var walk in walks.Where(w => w.Steps.Count > 0 && random.Next(3) > 0).ToList())
            {
                for (var steps = random.Next(1, 3); steps > 0 && walk.Steps.TryDequeue(out var status); steps--)
                {
                    walk.At = walk.At.AddHours(random.Next(1, 96));
                    var response = await Records.DecideAsync(verifier, walk.Id, status, Iso(walk.At), "reason given");
                    Assert.True(response.IsSuccessStatusCode, $"seed {seed}: {status} refused: {await response.Content.ReadAsStringAsync(Ct)}");
                }
            }

            // Edits made outside the API, several rows in one statement: whether the charges were dropped, the day of a
            // release, the person it belongs to.
            var edited = walks.Where(_ => random.Next(4) == 0).Select(w => w.Id).ToArray();
            await ExecuteAsync("UPDATE releases SET conditions_charges_dropped = CASE WHEN conditions_charges_dropped THEN NULL ELSE true END WHERE id = ANY($1)", edited);
            if (random.Next(2) == 0)
            {
                // Earlier, never later: the decisions still to come stay after it.
                var moved = walks[random.Next(walks.Count)];
                await ExecuteAsync("UPDATE releases SET released_on = $2 WHERE id = $1", moved.Id, start.AddDays(random.Next(0, moved.On.DayNumber - start.DayNumber + 1)));
            }

            if (random.Next(2) == 0)
            {
                await ExecuteAsync("UPDATE releases SET detainee_id = $2 WHERE id = $1", walks[random.Next(walks.Count)].Id, people[random.Next(people.Count)]);
            }

            if (random.Next(2) == 0)
            {
                await fold.FoldAsync(Ct);
                await using var unfolded = new NpgsqlCommand("""
                    SELECT (SELECT count(*) FROM (SELECT released_on FROM release_count_deltas WHERE released_on BETWEEN $1 AND $2
                                                  GROUP BY released_on HAVING count(*) > count(DISTINCT (status, charges_dropped))) d)
                         + (SELECT count(*) FROM (SELECT month FROM release_count_month_deltas WHERE month BETWEEN $1 AND $2
                                                  GROUP BY month HAVING count(*) > count(DISTINCT (status, charges_dropped))) m)
                    """, db);
                unfolded.Parameters.Add(new NpgsqlParameter { Value = start });
                unfolded.Parameters.Add(new NpgsqlParameter { Value = end });
                Assert.Equal(0L, (long)(await unfolded.ExecuteScalarAsync(Ct))!);
            }

            // The counts by month are the counts by day added up, in every month the period touches (read in one snapshot).
            await using (var months = new NpgsqlCommand("""
                WITH bounds AS (SELECT date_trunc('month', $1::date::timestamp)::date AS first, (date_trunc('month', $2::date::timestamp) + interval '1 month')::date AS after),
                by_day AS (
                    SELECT date_trunc('month', released_on::timestamp)::date AS month, status, charges_dropped, sum(delta) AS n
                    FROM release_count_deltas, bounds WHERE released_on >= bounds.first AND released_on < bounds.after GROUP BY 1, 2, 3 HAVING sum(delta) <> 0),
                by_month AS (
                    SELECT month, status, charges_dropped, sum(delta) AS n
                    FROM release_count_month_deltas, bounds WHERE month >= bounds.first AND month < bounds.after GROUP BY 1, 2, 3 HAVING sum(delta) <> 0)
                SELECT count(*) FROM ((SELECT * FROM by_day EXCEPT SELECT * FROM by_month) UNION ALL (SELECT * FROM by_month EXCEPT SELECT * FROM by_day)) x
                """, db))
            {
                months.Parameters.Add(new NpgsqlParameter { Value = start });
                months.Parameters.Add(new NpgsqlParameter { Value = end });
                Assert.True(0L == (long)(await months.ExecuteScalarAsync(Ct))!, $"seed {seed}, round {round}: the counts by month differ from the days'");
            }

            // The whole period, random parts of it, and parts that end between two verified days of one person (the
            // person counted by their earlier day, which the aggregate finds by its next day).
            var between = new List<(DateOnly, DateOnly)>();
            await using (var links = new NpgsqlCommand("""
                SELECT r.released_on, min(n.released_on) FROM releases r JOIN releases n ON n.detainee_id = r.detainee_id AND n.released_on > r.released_on
                WHERE r.id = ANY($1) AND r.status = 'Verified' AND n.status = 'Verified' GROUP BY r.id, r.released_on
                """, db))
            {
                links.Parameters.Add(new NpgsqlParameter { Value = walks.Select(w => w.Id).Concat(anchors).ToArray() });
                await using var reader = await links.ExecuteReaderAsync(Ct);
                while (await reader.ReadAsync(Ct))
                {
                    var day = DateOnly.FromDateTime(reader.GetDateTime(0));
                    var next = DateOnly.FromDateTime(reader.GetDateTime(1));
                    between.Add((day.AddDays(-random.Next(0, 3)), day.AddDays(random.Next(0, next.DayNumber - day.DayNumber))));
                }
            }

            var asOf = Iso(DateTimeOffset.UtcNow);
            var periods = Enumerable.Range(0, 3).Select(_ => AnyDay()).Select(d => (d, d.AddDays(random.Next(0, 45))))
                .Concat(between.OrderBy(_ => random.Next()).Take(2)).Prepend((start, end))
                .Append((firstMonth, firstMonth.AddMonths(1).AddDays(-1))).Append((firstMonth.AddDays(-1), firstMonth.AddMonths(1))).ToList();
            crossing += between.Count > 0 ? 1 : 0;
            foreach (var (from, to) in periods)
            {
                var period = $"from={Day(from)}&to={Day(to)}";
                foreach (var path in new[] { $"/api/v1/totals?{period}", $"/api/v1/totals?{period}&groupBy=chargesDropped", $"/api/v1/totals/timeline?{period}&interval=week" })
                {
                    var aggregates = Comparable(await contributor.GetOkAsync(path));
                    var history = Comparable(await contributor.GetOkAsync($"{path}&asOf={Uri.EscapeDataString(asOf)}"));
                    Assert.True(aggregates == history, $"seed {seed}, round {round}, {path}:\n as of now {aggregates}\n history  {history}");
                }
            }
        }

        // The generated record counted something: verified releases and claims beside them.
        var whole = await contributor.GetOkAsync($"/api/v1/totals?from={Day(start)}&to={Day(end)}");
        Assert.True(whole["releases"]!["verified"]!.GetValue<int>() > 0, $"seed {seed}: nothing verified");
        Assert.NotEmpty(whole["claims"]!.AsArray());
        Assert.True(crossing > 0, $"seed {seed}: no person had two verified days");
    }

    /// <summary>
    /// The person chain runs in every decision that makes a release Verified or ends it being so, inside the audit chain's
    /// lock. Its statements take the persons as a parameter: without the setting, PL/pgSQL plans them on every call, and
    /// planning was about half of the function (bench/README.md, "The verify-write row"). A migration that creates the
    /// function again without it would slow every decision down and change no answer: this is where that shows.
    /// </summary>
    [Fact]
    public async Task The_person_chain_plans_its_statements_once_per_session()
    {
        await using var connection = new NpgsqlConnection(api.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(
            "SELECT coalesce(array_to_string(proconfig, ','), '') FROM pg_proc WHERE proname = 'prt_verified_persons'", connection);
        var settings = (string?)await command.ExecuteScalarAsync(Ct);
        Assert.Equal("plan_cache_mode=force_generic_plan", settings);
    }

    /// <summary>The answer without the moment it is as of (the one thing the two reads differ in by construction).</summary>
    private static string Comparable(JsonNode answer)
    {
        var copy = answer.DeepClone().AsObject();
        copy.Remove("asOf");
        copy.Remove("knownAt");
        return copy.ToJsonString();
    }
}
