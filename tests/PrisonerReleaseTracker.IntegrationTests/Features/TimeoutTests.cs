using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Hosting;
using Npgsql;
using PrisonerReleaseTracker.IntegrationTests.Infrastructure;

namespace PrisonerReleaseTracker.IntegrationTests.Features;

/// <summary>A query stuck behind a lock must not hang the request: its own database, since the test locks a table.</summary>
public sealed class TimeoutTests(ApiFixture api)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("Database:CommandTimeoutSeconds", "1", "Limits:RequestTimeoutSeconds", "60")]
    [InlineData("Database:CommandTimeoutSeconds", "60", "Limits:RequestTimeoutSeconds", "1")]
    public async Task A_query_stuck_behind_a_lock_ends_in_a_quick_503(string key, string value, string otherKey, string otherValue)
    {
        var connectionString = await api.Server.CreateDatabaseAsync($"prt_timeout_{Guid.NewGuid():N}", Ct);
        await using var factory = new ApiFactory(connectionString, api.AdminKey, new CapturedLogs());
        using var slow = factory.WithWebHostBuilder(builder =>
        {
            builder.UseSetting(key, value);
            builder.UseSetting(otherKey, otherValue);
            builder.UseSetting("Caching:Totals:Enabled", "false");
        });
        using var client = slow.CreateClient();
        // The first answers (start-up, the first plans) may take longer than the one-second limit on a loaded machine;
        // what the test asks is that the unlocked query answers, so it may try for a while before the lock is taken.
        Assert.True(await AnswersWithinAsync(client, "2026-01-01"), "the unlocked totals never answered 200");

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        await using var transaction = await connection.BeginTransactionAsync(Ct);
        // The releases, and the counts the totals as of now read in their place (TotalsAggregates).
        await using (var lockReleases = new NpgsqlCommand("LOCK TABLE releases, release_count_deltas IN ACCESS EXCLUSIVE MODE", connection, transaction))
        {
            await lockReleases.ExecuteNonQueryAsync(Ct);
        }

        var watch = Stopwatch.StartNew();
        var response = await client.GetAsync("/api/v1/totals?from=2026-01-02", Ct);
        watch.Stop();
        await transaction.RollbackAsync(Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"took {watch.Elapsed}");
        Assert.True(await AnswersWithinAsync(client, "2026-01-03"), "the totals never answered 200 once the lock was gone");
    }

    private static async Task<bool> AnswersWithinAsync(HttpClient client, string from)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(60))
        {
            if ((await client.GetAsync($"/api/v1/totals?from={from}", Ct)).StatusCode == HttpStatusCode.OK)
            {
                return true;
            }
        }

        return false;
    }
}
