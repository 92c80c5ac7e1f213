using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Npgsql;
using PrisonerReleaseTracker.IntegrationTests.Features;
using PrisonerReleaseTracker.IntegrationTests.Infrastructure;

namespace PrisonerReleaseTracker.IntegrationTests.Reliability;

/// <summary>
/// The API killed with <c>kill -9</c> in the middle of an import, round after round (<c>PRT_KILL_ROUNDS</c>, 3 unless
/// set; 10 for the README's figures): each time the killed import left no row, and the retry with the same
/// Idempotency-Key on the next instance wrote every row once, never twice. Run by hand (explicit: it starts an API
/// process per round and took minutes on a loaded machine):
/// <c>dotnet test tests/PrisonerReleaseTracker.IntegrationTests -- --filter-class '*KilledImportTests' --explicit on</c>.
/// </summary>
public sealed class KilledImportTests(ApiFixture api)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Explicit = true)]
    public async Task An_api_killed_mid_import_leaves_no_row_and_the_retry_writes_each_row_once()
    {
        var rounds = int.TryParse(Environment.GetEnvironmentVariable("PRT_KILL_ROUNDS"), CultureInfo.InvariantCulture, out var r) ? r : 3;
        const int rows = 500;
        var database = await api.Server.CreateDatabaseAsync($"prt_killed_import_{Environment.ProcessId}", Ct);
        await ApiProcess.MigrateAsync(database);
        var watch = Stopwatch.StartNew();
        var instance = await ApiProcess.StartAsync(database, api.AdminKey, []);
        var contributorKey = await ContributorKeyAsync(instance, api.AdminKey);
        var outcomes = new List<(long AfterKill, long AfterRetry, long AfterReplay)>();
        try
        {
            for (var round = 0; round < rounds; round++)
            {
                var marker = Guid.NewGuid().ToString("N")[..10];
                var csv = new StringBuilder("fullName\n");
                for (var i = 0; i < rows; i++)
                {
                    csv.Append(CultureInfo.InvariantCulture, $"Matado {marker} {i}\n");
                }

                var body = Encoding.UTF8.GetBytes(csv.ToString());
                var key = "killed-" + marker;
                using (var client = instance.Client(contributorKey))
                {
                    // Every row is sent, then the body stays open: the server is in the middle of its import when it dies.
                    var never = new TaskCompletionSource();
                    using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/imports") { Content = new ImportStreamingTests.GatedContent(body, [], never.Task) };
                    request.Headers.Add("Idempotency-Key", key);
                    var sending = client.SendAsync(request, Ct);
                    await WaitForCopyAsync(database);
                    instance.Kill();
                    await Assert.ThrowsAnyAsync<Exception>(() => sending);
                }

                await instance.DisposeAsync();
                var afterKill = await CountAsync(database, marker);
                instance = await ApiProcess.StartAsync(database, api.AdminKey, []);
                using (var client = instance.Client(contributorKey))
                {
                    for (var attempt = 0; attempt < 2; attempt++)
                    {
                        using var retry = new HttpRequestMessage(HttpMethod.Post, "/api/v1/imports") { Content = new ByteArrayContent(body) };
                        retry.Content.Headers.ContentType = new("text/csv");
                        retry.Headers.Add("Idempotency-Key", key);
                        var answer = await client.SendAsync(retry, Ct);
                        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
                    }
                }

                outcomes.Add((afterKill, await CountAsync(database, marker), await CountAsync(database, marker)));
            }
        }
        finally
        {
            await instance.DisposeAsync();
        }

        await Figures.WriteAsync($"kill -9 mid-import: {rounds} rounds of {rows} rows in {watch.Elapsed.TotalSeconds:F1} s; rows after the kill: " +
            $"{string.Join('/', outcomes.Select(o => o.AfterKill))}; after the retry and its replay: {string.Join('/', outcomes.Select(o => o.AfterReplay))}");
        Assert.All(outcomes, o => Assert.Equal((0L, rows, rows), (o.AfterKill, o.AfterRetry, o.AfterReplay)));
    }

    private static async Task<string> ContributorKeyAsync(ApiProcess instance, string adminKey)
    {
        using var admin = instance.Client(adminKey);
        var issued = await admin.PostOkAsync("/api/v1/api-keys", new { name = "killed import", organization = "Killed Import NGO", role = "Contributor" });
        return issued["key"]!.GetValue<string>();
    }

    private static async Task<long> CountAsync(string database, string marker)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand("SELECT count(*) FROM detainees WHERE full_name LIKE @m", connection);
        command.Parameters.AddWithValue("m", $"Matado {marker} %");
        return (long)(await command.ExecuteScalarAsync(Ct))!;
    }

    private static async Task WaitForCopyAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync(Ct);
        for (var attempt = 0; attempt < 400; attempt++)
        {
            await using var command = new NpgsqlCommand(
                "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'COPY import_rows%' AND state = 'active' AND datname = current_database()", connection);
            if ((long)(await command.ExecuteScalarAsync(Ct))! > 0)
            {
                return;
            }

            await Task.Delay(25, Ct);
        }

        throw new TimeoutException("The import's COPY never started.");
    }
}
