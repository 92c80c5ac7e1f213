using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using Npgsql;
using PrisonerReleaseTracker.IntegrationTests.Features;
using PrisonerReleaseTracker.IntegrationTests.Infrastructure;

namespace PrisonerReleaseTracker.IntegrationTests.Reliability;

/// <summary>
/// PostgreSQL restarted (<c>pg_ctl stop -m fast</c>, then start) while writers keep writing: every write the API
/// acknowledged is there afterwards, every write it refused left either nothing or the whole record with its audit
/// entry, and an import retried with its Idempotency-Key until acknowledged is written once. Prints the figures.
/// </summary>
public sealed class DatabaseRestartUnderLoadTests(ApiFixture api)
{
    private const int Writers = 4;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_database_restarted_under_load_loses_no_acknowledged_write_and_a_retried_import_is_written_once()
    {
        await using var server = await PostgresServer.StartAsync(Ct);
        Assert.SkipUnless(server.Kind == "local-cluster", "Restarting the server under the API needs the throwaway local cluster.");
        var connectionString = await server.CreateDatabaseAsync("prt_restart_load", Ct);
        await using var factory = new ApiFactory(connectionString, api.AdminKey, new CapturedLogs());
        using var contributor = await DatabaseOutageTests.ContributorAsync(factory.CreateClient, api.AdminKey, "Restart Under Load NGO");
        var marker = Guid.NewGuid().ToString("N")[..10];
        var clock = Stopwatch.StartNew();
        var load = new Load(contributor, marker, clock);
        using var stop = new CancellationTokenSource();
        var writing = Enumerable.Range(0, Writers).Select(writer => load.WriteAsync(writer, stop.Token)).ToArray();

        await load.AcknowledgedAtLeastAsync(20);
        var stoppedAt = clock.Elapsed;
        await server.StopAsync();
        await Task.Delay(300, Ct);
        await server.StartAgainAsync();
        var upAt = clock.Elapsed;
        await load.AcknowledgedAfterAsync(upAt, TimeSpan.FromSeconds(30));
        await Task.Delay(500, Ct);
        await stop.CancelAsync();
        await Task.WhenAll(writing);

        var recovery = load.FirstAcknowledgedAfter(upAt) - upAt;
        var facilities = load.Facilities.ToArray();
        var acknowledged = facilities.Where(f => f.Id is not null).ToArray();
        var refused = facilities.Where(f => f.Id is null).Select(f => f.Name).ToArray();
        var stored = await FacilitiesAsync(connectionString, marker);
        var imports = load.Imports.ToArray();
        var importedRows = await ImportedRowsAsync(connectionString, marker);
        var refusedYetWritten = refused.Count(stored.ContainsKey);
        await Figures.WriteAsync($"database restart under load: {Writers} writers, {acknowledged.Length} facilities acknowledged, " +
            $"{refused.Length} refused ({refusedYetWritten} of them written whole), {imports.Length} imports of one row retried with " +
            $"their Idempotency-Key after {imports.Sum(i => i.Refusals)} refusals; database down {(upAt - stoppedAt).TotalSeconds:F1} s " +
            $"(stop, 0.3 s, start); first acknowledged write {recovery.TotalSeconds:F2} s after the database was up");

        Assert.True(refused.Length + imports.Sum(i => i.Refusals) > 0, "no write met the restart");
        Assert.All(acknowledged, facility => Assert.True(stored.TryGetValue(facility.Name, out var id) && id.Id == facility.Id,
            $"acknowledged facility {facility.Name} is missing"));
        Assert.All(stored.Values, row => Assert.True(row.Audited, $"facility {row.Id} has no audit entry"));
        Assert.All(imports, import => Assert.Equal((import.Name, 1L), (import.Name, importedRows.GetValueOrDefault(import.Name))));
        Assert.True(recovery < TimeSpan.FromSeconds(10), $"recovered in {recovery}");
    }

    private static async Task<Dictionary<string, (Guid Id, bool Audited)>> FacilitiesAsync(string connectionString, string marker)
    {
        await using var connection = await OpenAsync(connectionString);
        await using var command = new NpgsqlCommand(
            "SELECT f.name, f.id, EXISTS (SELECT 1 FROM audit_entries a WHERE a.entity_id = f.id) FROM facilities f WHERE f.name LIKE @m", connection);
        command.Parameters.AddWithValue("m", $"Restart {marker} %");
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var rows = new Dictionary<string, (Guid, bool)>();
        while (await reader.ReadAsync(Ct))
        {
            rows.Add(reader.GetString(0), (reader.GetGuid(1), reader.GetBoolean(2)));
        }

        return rows;
    }

    private static async Task<Dictionary<string, long>> ImportedRowsAsync(string connectionString, string marker)
    {
        await using var connection = await OpenAsync(connectionString);
        await using var command = new NpgsqlCommand("SELECT full_name, count(*) FROM detainees WHERE full_name LIKE @m GROUP BY full_name", connection);
        command.Parameters.AddWithValue("m", $"Reinicio {marker} %");
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var rows = new Dictionary<string, long>();
        while (await reader.ReadAsync(Ct))
        {
            rows.Add(reader.GetString(0), reader.GetInt64(1));
        }

        return rows;
    }

    private static async Task<NpgsqlConnection> OpenAsync(string connectionString)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(Ct);
        return connection;
    }

    /// <summary>What the writers did: every facility asked for (with its id when acknowledged), every import, and when each acknowledgement came.</summary>
    private sealed class Load(HttpClient client, string marker, Stopwatch clock)
    {
        private readonly ConcurrentQueue<TimeSpan> _acknowledgedAt = new();

        public ConcurrentBag<(string Name, Guid? Id)> Facilities { get; } = [];

        public ConcurrentBag<(string Name, int Refusals)> Imports { get; } = [];

        public async Task WriteAsync(int writer, CancellationToken stop)
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                if (i % 5 == 4)
                {
                    await ImportAsync($"Reinicio {marker} {writer}-{i}");
                    continue;
                }

                var name = $"Restart {marker} {writer}-{i}";
                var id = await SendAsync(() => client.PostAsJsonAsync("/api/v1/facilities", new { name, kind = "Prison", country = "VE" }, Ct)) is { } body
                    ? JsonDocumentId(body)
                    : (Guid?)null;
                Facilities.Add((name, id));
                if (id is null)
                {
                    await Task.Delay(50, Ct);
                }
            }
        }

        // One row, retried with the same key until acknowledged: however many attempts reached the database, one row.
        private async Task ImportAsync(string name)
        {
            var key = $"restart-{Guid.NewGuid():N}";
            var body = Encoding.UTF8.GetBytes($"fullName\n{name}\n");
            var refusals = 0;
            var deadline = clock.Elapsed + TimeSpan.FromSeconds(60);
            while (await SendAsync(async () =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/imports") { Content = new ByteArrayContent(body) };
                request.Content.Headers.ContentType = new("text/csv");
                request.Headers.Add("Idempotency-Key", key);
                return await client.SendAsync(request, Ct);
            }) is null)
            {
                refusals++;
                Assert.True(clock.Elapsed < deadline, $"the import {key} was never acknowledged");
                await Task.Delay(100, Ct);
            }

            Imports.Add((name, refusals));
        }

        /// <summary>The body of a 2xx answer, or null for a refusal (a 5xx, a 409 while the same key runs, a dropped connection).</summary>
        private async Task<string?> SendAsync(Func<Task<HttpResponseMessage>> send)
        {
            try
            {
                using var response = await send();
                var text = await response.Content.ReadAsStringAsync(Ct);
                if (response.IsSuccessStatusCode)
                {
                    _acknowledgedAt.Enqueue(clock.Elapsed);
                    return text;
                }

                Assert.True((int)response.StatusCode is 503 or 409, $"answered {(int)response.StatusCode}: {text}");
                return null;
            }
            catch (HttpRequestException)
            {
                return null;
            }
        }

        private static Guid JsonDocumentId(string body) => System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("id").GetGuid();

        public async Task AcknowledgedAtLeastAsync(int count)
        {
            while (_acknowledgedAt.Count < count)
            {
                await Task.Delay(20, Ct);
            }
        }

        public async Task AcknowledgedAfterAsync(TimeSpan moment, TimeSpan within)
        {
            var deadline = clock.Elapsed + within;
            while (!_acknowledgedAt.Any(at => at > moment))
            {
                Assert.True(clock.Elapsed < deadline, "no write was acknowledged after the database came back");
                await Task.Delay(20, Ct);
            }
        }

        public TimeSpan FirstAcknowledgedAfter(TimeSpan moment) => _acknowledgedAt.Where(at => at > moment).Min();
    }
}
