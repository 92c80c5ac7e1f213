using System.Diagnostics;
using System.Net;
using PrisonerReleaseTracker.IntegrationTests.Infrastructure;

namespace PrisonerReleaseTracker.IntegrationTests.Features;

/// <summary>The API on a PostgreSQL server of its own, which the test stops and starts under it.</summary>
public sealed class DatabaseOutageTests(ApiFixture api)
{
    [Fact]
    public async Task A_database_that_goes_away_gives_a_quick_503_and_the_api_recovers_when_it_returns()
    {
        await using var server = await PostgresServer.StartAsync(TestContext.Current.CancellationToken);
        Assert.SkipUnless(server.Kind == "local-cluster", "Stopping the server under the API needs the throwaway local cluster.");
        var connectionString = await server.CreateDatabaseAsync("prt_outage", TestContext.Current.CancellationToken);
        await using var factory = new ApiFactory(connectionString, api.AdminKey, new CapturedLogs());
        using var client = factory.CreateClient();
        const string url = "/api/v1/totals?from=2026-01-01";
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(url, TestContext.Current.CancellationToken)).StatusCode);

        await server.StopAsync();
        var watch = Stopwatch.StartNew();
        var down = await client.GetAsync("/api/v1/totals?from=2026-01-02", TestContext.Current.CancellationToken);
        watch.Stop();
        var ready = await client.GetAsync("/health/ready", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
        Assert.Equal("application/problem+json", down.Content.Headers.ContentType?.MediaType);
        Assert.Equal("The database is unavailable", await down.TitleAsync());
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), $"took {watch.Elapsed}");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);

        await server.StartAgainAsync();
        var recovered = HttpStatusCode.ServiceUnavailable;
        for (var attempt = 0; attempt < 20 && recovered != HttpStatusCode.OK; attempt++)
        {
            recovered = (await client.GetAsync("/api/v1/totals?from=2026-01-03", TestContext.Current.CancellationToken)).StatusCode;
            if (recovered != HttpStatusCode.OK)
            {
                await Task.Delay(250, TestContext.Current.CancellationToken);
            }
        }

        Assert.Equal(HttpStatusCode.OK, recovered);
    }
}
