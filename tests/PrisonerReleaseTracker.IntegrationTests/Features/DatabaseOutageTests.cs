using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Npgsql;
using PrisonerReleaseTracker.IntegrationTests.Infrastructure;
using PrisonerReleaseTracker.IntegrationTests.Reliability;

namespace PrisonerReleaseTracker.IntegrationTests.Features;

/// <summary>The API on a PostgreSQL server of its own, which the test stops, pauses and starts under it.</summary>
public sealed class DatabaseOutageTests(ApiFixture api)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_database_that_goes_away_gives_a_quick_503_and_the_api_recovers_when_it_returns()
    {
        await using var server = await PostgresServer.StartAsync(Ct);
        Assert.SkipUnless(server.Kind == "local-cluster", "Stopping the server under the API needs the throwaway local cluster.");
        var connectionString = await server.CreateDatabaseAsync("prt_outage", Ct);
        await using var factory = new ApiFactory(connectionString, api.AdminKey, new CapturedLogs());
        using var client = factory.CreateClient();
        const string url = "/api/v1/totals?from=2026-01-01";
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(url, Ct)).StatusCode);

        await server.StopAsync();
        var watch = Stopwatch.StartNew();
        var down = await client.GetAsync("/api/v1/totals?from=2026-01-02", Ct);
        watch.Stop();
        var ready = await client.GetAsync("/health/ready", Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
        Assert.Equal("application/problem+json", down.Content.Headers.ContentType?.MediaType);
        Assert.Equal("The database is unavailable", await down.TitleAsync());
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), $"took {watch.Elapsed}");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);

        await server.StartAgainAsync();
        Assert.Equal(HttpStatusCode.OK, await FirstAnswerAsync(client, "/api/v1/totals?from=2026-01-03"));
    }

    [Fact]
    public async Task A_paused_database_gives_a_503_with_retry_after_within_the_limit_and_the_api_answers_again_when_it_continues()
    {
        const double limitSeconds = 2;
        await using var server = await PostgresServer.StartAsync(Ct);
        Assert.SkipUnless(server.Kind == "local-cluster", "Pausing the server under the API needs the throwaway local cluster.");
        var connectionString = await server.CreateDatabaseAsync("prt_paused", Ct);
        await using var factory = new ApiFactory(connectionString, api.AdminKey, new CapturedLogs());
        using var configured = factory.WithWebHostBuilder(builder =>
        {
            builder.UseSetting("Database:UnresponsiveAfterSeconds", limitSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
            builder.UseSetting("Database:RetryAfterSeconds", "7");
        });
        // A real socket: the in-memory TestServer hands the client its body only once the whole pipeline has returned.
        var address = KestrelApiFixture.Listen(configured);
        using var contributor = await ContributorAsync(() => new HttpClient { BaseAddress = address }, api.AdminKey, "Paused Database NGO");
        var detainee = await Records.DetaineeAsync(contributor);
        var unread = await Records.DetaineeAsync(contributor);
        var facilityName = $"Written while paused {Guid.NewGuid():N}";
        foreach (var warmUp in (string[])[$"/api/v1/detainees/{detainee}", "/api/v1/detainees?limit=5", "/api/v1/totals?from=2026-02-01"])
        {
            (await contributor.GetAsync(warmUp, Ct)).EnsureSuccessStatusCode();
        }

        // Nothing asked while paused was asked before: no answer can come from a cache.
        (string What, Func<Task<HttpResponseMessage>> Send)[] requests =
        [
            ("read by id", () => contributor.GetAsync($"/api/v1/detainees/{unread}", Ct)),
            ("list", () => contributor.GetAsync("/api/v1/detainees?limit=6", Ct)),
            ("totals", () => contributor.GetAsync("/api/v1/totals?from=2026-02-03", Ct)),
            ("write", () => contributor.PostAsJsonAsync("/api/v1/facilities", new { name = facilityName, kind = "Prison", country = "VE" }, Ct)),
        ];
        var answers = new List<(string What, HttpResponseMessage Response, TimeSpan Took)>();
        await server.PauseAsync();
        try
        {
            answers.AddRange(await Task.WhenAll(requests.Select(async request =>
            {
                var watch = Stopwatch.StartNew();
                var response = await request.Send();
                return (request.What, response, watch.Elapsed);
            })));
        }
        finally
        {
            await server.ResumeAsync();
        }

        await Figures.WriteAsync($"paused database, limit {limitSeconds} s: " +
            string.Join(", ", answers.Select(a => $"{a.What} {(int)a.Response.StatusCode} in {a.Took.TotalSeconds:F1} s")));
        Assert.All(answers, answer =>
        {
            Assert.Equal((answer.What, HttpStatusCode.ServiceUnavailable), (answer.What, answer.Response.StatusCode));
            Assert.Equal("application/problem+json", answer.Response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(TimeSpan.FromSeconds(7), answer.Response.Headers.RetryAfter?.Delta);
            // The limit, then two probes of 1.5 s without an answer, then a margin for a loaded machine.
            Assert.True(answer.Took < TimeSpan.FromSeconds(limitSeconds + 3 + 2), $"{answer.What} took {answer.Took}");
        });

        Assert.Equal(HttpStatusCode.OK, await FirstAnswerAsync(contributor, $"/api/v1/detainees/{unread}"));
        Assert.Equal(HttpStatusCode.OK, await FirstAnswerAsync(contributor, "/api/v1/totals?from=2026-02-02"));
        await Task.Delay(500, Ct);
        Assert.Equal(0L, await CountFacilitiesAsync(connectionString, facilityName));
    }

    /// <summary>A client with a Contributor key of <paramref name="organization"/>, issued by the run's Admin key.</summary>
    public static async Task<HttpClient> ContributorAsync(Func<HttpClient> newClient, string adminKey, string organization)
    {
        using var admin = newClient();
        admin.DefaultRequestHeaders.Add("X-Api-Key", adminKey);
        var issued = await admin.PostOkAsync("/api/v1/api-keys", new { name = "outage", organization, role = "Contributor" });
        var client = newClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", issued["key"]!.GetValue<string>());
        return client;
    }

    /// <summary>The first status other than 503 within 10 s, or 503.</summary>
    private static async Task<HttpStatusCode> FirstAnswerAsync(HttpClient client, string url)
    {
        var status = HttpStatusCode.ServiceUnavailable;
        for (var attempt = 0; attempt < 40 && status == HttpStatusCode.ServiceUnavailable; attempt++)
        {
            status = (await client.GetAsync(url, Ct)).StatusCode;
            if (status == HttpStatusCode.ServiceUnavailable)
            {
                await Task.Delay(250, Ct);
            }
        }

        return status;
    }

    private static async Task<long> CountFacilitiesAsync(string connectionString, string name)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand("SELECT count(*) FROM facilities WHERE name = @name", connection);
        command.Parameters.AddWithValue("name", name);
        return (long)(await command.ExecuteScalarAsync(Ct))!;
    }
}
