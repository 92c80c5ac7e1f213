using System.Net;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using PrisonerReleaseTracker.Api.Data;
using PrisonerReleaseTracker.Domain.Access;
using PrisonerReleaseTracker.IntegrationTests.Infrastructure;

namespace PrisonerReleaseTracker.IntegrationTests.Features;

/// <summary>
/// The pools do not reset a session handed back to them (<c>No Reset On Close</c>, <see cref="DatabaseConnection"/>), so
/// nothing a request does may outlive it on its connection: no setting, advisory lock, temporary table, channel, cursor
/// or open transaction. An API whose pools hold at most three connections each serves each kind of request that sets
/// such things, and after each the test takes every connection of the pool at once (the same backends: the pool can hold
/// no other) and finds none of it on any.
/// </summary>
public sealed class PoolSessionStateTests(ApiFixture api)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Nothing_a_request_sets_in_its_session_is_left_on_the_pooled_connection_for_the_next_request()
    {
        var (database, fewConnections) = await FewConnectionsAsync("prt_session_state");
        await using var factory = fewConnections.WithWebHostBuilder(builder => builder.UseSetting("Budget:ShortStatementTimeoutSeconds", "1"));
        using var admin = Client(factory, api.AdminKey);
        using var contributor = Client(factory, await IssueAsync(admin, Role.Contributor, "Session NGO"));
        using var verifier = Client(factory, await IssueAsync(admin, Role.Verifier, "Session Verifiers"));
        using var researcher = Client(factory, await IssueAsync(admin, Role.Researcher, "Session Readers"));
        using var anonymous = factory.CreateClient();
        var configuration = factory.Services.GetRequiredService<IConfiguration>();
        var requests = new Pool(DatabaseConnection.From(configuration), "force_custom_plan");
        var genericPlanReads = new Pool(DatabaseConnection.GenericPlanReadsFrom(configuration), "force_generic_plan");
        await requests.AssertCleanAsync("after start-up and the keys");

        // Writes: the audit chain's transaction-scoped lock, the recorded moment (set_config), the totals' triggers.
        var (_, _, release) = await Records.ReleasedPersonAsync(contributor, "2026-01-10");
        Assert.Equal(HttpStatusCode.Created, (await Records.DecideAsync(verifier, release, "Verified", "2026-01-11T10:00:00Z")).StatusCode);
        await requests.AssertCleanAsync("after writes and a decision");
        await genericPlanReads.AssertCleanAsync("after the decision's read of the release by id");

        Assert.Equal(HttpStatusCode.Conflict, (await Records.DecideAsync(verifier, release, "Retracted", "2026-01-09T10:00:00Z", "Seen again.")).StatusCode);
        await requests.AssertCleanAsync("after a decision refused by a rule");

        // An import: its local settings, a transaction-scoped lock on its idempotency key, temporary tables.
        var m = Guid.NewGuid().ToString("N")[..10];
        using (var imported = await ImportAsync(contributor, $"fullName,birthDate\nSesión Uno {m},1970\nSesión Dos {m},1971\n", key: m))
        {
            Assert.Equal(HttpStatusCode.OK, imported.StatusCode);
        }

        await requests.AssertCleanAsync("after an import");
        using (var invalid = await ImportAsync(contributor, $"fullName,birthDate\nSesión Tres {m},1970\nSesión Mala {m},1954-02-29\n"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        }

        await requests.AssertCleanAsync("after an import refused once its rows were staged");

        // A list upload: SET LOCAL plan_cache_mode = auto, which must not stay the session's.
        var list = (await contributor.PostOkAsync("/api/v1/lists", new
        {
            title = "Lista de sesión",
            claimant = "Government of Testland",
            claimantKind = "Government",
            statedAt = "2011-02-01T18:00:00-04:00",
            period = new { from = "2011-01-01", to = "2011-01-31" },
            metric = "Releases",
        })).Id();
        using (var uploaded = await contributor.PostAsync($"/api/v1/lists/{list}/entries", new StringContent($"fullName\nEntrada {m}\n", Encoding.UTF8, "text/csv"), Ct))
        {
            Assert.Equal(HttpStatusCode.OK, uploaded.StatusCode);
        }

        await requests.AssertCleanAsync("after a list upload");

        // A totals answer cut by the request budget's statement timeout: its statement cancelled mid-transaction.
        await using (await RequestBudgetTests.LockReleasesAsync(database))
        {
            using var stuck = await anonymous.GetAsync("/api/v1/totals?from=2026-01-03", Ct);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, stuck.StatusCode);
        }

        await requests.AssertCleanAsync("after a totals answer cut by its statement timeout");
        using (var read = await researcher.GetAsync($"/api/v1/releases/{release}", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        }

        await genericPlanReads.AssertCleanAsync("after a release by id");
        // No connection was replaced on the way (a broken one is not returned to its pool): every request ran on one of these.
        Assert.InRange(requests.Backends.Count, 1, Pool.Size);
        Assert.InRange(genericPlanReads.Backends.Count, 1, Pool.Size);
    }

    /// <summary>
    /// What the no-reset pools rely on from Npgsql (10.0.3, <c>NpgsqlConnector.Reset</c>): a connection closed with its
    /// transaction still open goes back to the pool rolled back, and what the transaction set ends with it.
    /// </summary>
    [Fact]
    public async Task A_transaction_left_open_when_its_connection_is_closed_is_rolled_back_and_its_session_state_ends_with_it()
    {
        var own = new NpgsqlConnectionStringBuilder(api.ConnectionString) { MaxPoolSize = Pool.Size, ApplicationName = $"prt-rollback-{Guid.NewGuid():N}" }.ConnectionString;
        var pool = new Pool(DatabaseConnection.From(new ConfigurationBuilder().AddInMemoryCollection([new("ConnectionStrings:Default", own)]).Build()),
            "force_custom_plan");
        await pool.AssertCleanAsync("before");

        await using (var connection = new NpgsqlConnection(pool.ConnectionString))
        {
            await connection.OpenAsync(Ct);
            var transaction = await connection.BeginTransactionAsync(Ct); // never committed, rolled back or disposed
            await using var command = new NpgsqlCommand(
                """
                SET LOCAL statement_timeout = 1234;
                SELECT set_config('prt.recorded_at', '2026-01-01T00:00:00Z', true);
                SELECT pg_advisory_xact_lock(42);
                CREATE TEMP TABLE left_behind (id int) ON COMMIT DROP;
                """, connection, transaction);
            await command.ExecuteNonQueryAsync(Ct);
        }

        await pool.AssertCleanAsync("after a connection closed in a transaction");
        Assert.InRange(pool.Backends.Count, 1, Pool.Size);
    }

    /// <summary>
    /// A client that goes away while its import is in the middle of its COPY: the statement is cut mid-transaction, and the
    /// connection it ran on (kept, or replaced if Npgsql broke it) is clean for the next request, which imports normally.
    /// </summary>
    [Fact]
    public async Task An_import_cancelled_in_the_middle_of_its_copy_leaves_nothing_on_the_pooled_connections()
    {
        var (database, fewConnections) = await FewConnectionsAsync("prt_cancelled_copy");
        await using var factory = fewConnections;
        using var admin = Client(factory, api.AdminKey);
        // A client whose request body streams (the default one follows redirects, and so buffers every body first).
        using var contributor = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        contributor.DefaultRequestHeaders.Add("X-Api-Key", await IssueAsync(admin, Role.Contributor, "Cancelling NGO"));
        var requests = new Pool(DatabaseConnection.From(factory.Services.GetRequiredService<IConfiguration>()), "force_custom_plan");
        var m = Guid.NewGuid().ToString("N")[..10];
        var rows = new StringBuilder("fullName\n");
        for (var i = 0; i < 2000; i++)
        {
            rows.Append(System.Globalization.CultureInfo.InvariantCulture, $"Cortado {m} {i}\n");
        }

        using (var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct))
        {
            var never = new TaskCompletionSource();
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/imports")
            {
                Content = new ImportStreamingTests.GatedContent(Encoding.UTF8.GetBytes(rows.ToString()), [], never.Task),
            };
            var sending = contributor.SendAsync(request, cancel.Token);
            await DatabaseWaits.UntilAsync(database, ImportStreamingTests.CopyRunning);
            await cancel.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sending);
        }

        await DatabaseWaits.UntilAsync(database, $"SELECT (({ImportStreamingTests.CopyRunning}) = 0)::int::bigint");

        await requests.AssertCleanAsync("after an import cancelled mid-COPY");
        Assert.Equal(0L, await ExecuteAsync(database, $"SELECT count(*) FROM detainees WHERE full_name LIKE 'Cortado {m}%'"));
        using (var next = await ImportAsync(contributor, $"fullName\nSiguiente {m}\n"))
        {
            Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        }

        await requests.AssertCleanAsync("after the import that followed it");
    }

    /// <summary>
    /// Start-up takes a session advisory lock so that instances starting at once take turns (<see cref="DatabaseStartup"/>).
    /// A pooled connection that held it would keep it after a failed start, the pool not resetting it, and the next start
    /// in that process would wait for it for ever; it is taken on a connection of its own, whose end ends the lock.
    /// </summary>
    [Fact]
    public async Task A_start_that_fails_after_taking_the_start_up_lock_leaves_no_lock_behind_and_the_next_start_succeeds()
    {
        var database = await api.Server.CreateDatabaseAsync($"prt_failed_start_{Environment.ProcessId}", Ct);
        // A table of the first migration is already there: the migration stops after the lock was taken ("already exists").
        await ExecuteAsync(database, "CREATE TABLE api_keys (id int)");

        await using (var failing = new ApiFactory(database, api.AdminKey, new CapturedLogs()))
        {
            var started = await Record.ExceptionAsync(async () =>
            {
                using var client = failing.CreateClient();
                using var ready = await client.GetAsync("/health/ready", Ct);
                ready.EnsureSuccessStatusCode();
            });
            Assert.NotNull(started);

            // The failed host's pools are still in this process, with whatever connections start-up returned to them.
            Assert.Equal(0L, await ExecuteAsync(database,
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"));
        }

        await ExecuteAsync(database, "DROP TABLE api_keys");
        await using var next = new ApiFactory(database, api.AdminKey, new CapturedLogs());
        using var again = next.CreateClient();
        using var readyAgain = await again.GetAsync("/health/ready", Ct);
        Assert.Equal(HttpStatusCode.OK, readyAgain.StatusCode);
    }

    /// <summary>
    /// Totals as of now that read the aggregates only run on the generic-plan pool: planned once per session, where the
    /// request pool's custom plans cost about a third of the answer's time in PostgreSQL (bench/README.md). A breakdown
    /// that reads the period's releases keeps its custom plans on the request pool: its best plan depends on the days.
    /// </summary>
    [Fact]
    public async Task Totals_from_the_aggregates_are_planned_once_per_session_and_a_breakdown_over_the_releases_with_its_values()
    {
        await using var factory = (await FewConnectionsAsync("prt_totals_plans")).Api;
        using var admin = Client(factory, api.AdminKey);
        using var researcher = Client(factory, await IssueAsync(admin, Role.Researcher, "Plan Readers"));
        var configuration = factory.Services.GetRequiredService<IConfiguration>();
        var requests = new Pool(DatabaseConnection.From(configuration), "force_custom_plan");
        var genericPlanReads = new Pool(DatabaseConnection.GenericPlanReadsFrom(configuration), "force_generic_plan");

        // Each a period of its own, so that no answer is served from the cache; more than Npgsql's uses before it prepares.
        for (var day = 1; day <= 16; day++)
        {
            await researcher.GetOkAsync($"/api/v1/totals?from=2012-01-{day:00}");
            await researcher.GetOkAsync($"/api/v1/totals?from=2012-02-{day:00}&groupBy=facility");
        }

        var generic = await genericPlanReads.PreparedAsync();
        var aggregates = generic.Where(p => p.Statement.Contains("FROM release_count_deltas", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(aggregates);
        Assert.All(aggregates, p => Assert.True(p.GenericPlans > 0 && p.CustomPlans == 0, $"{p}"));
        Assert.DoesNotContain(generic, p => p.Statement.Contains("facility_id", StringComparison.Ordinal));

        // The answers with the breakdown by facility ran all their statements on the request pool, the summary too.
        var onRequests = await requests.PreparedAsync();
        var byFacility = onRequests.Where(p => p.Statement.Contains("facility_id", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(byFacility);
        Assert.All(byFacility, p => Assert.True(p.CustomPlans > 0 && p.GenericPlans == 0, $"{p}"));
    }

    /// <summary>A database of its own (named after <paramref name="name"/>) and an API on it whose pools hold at most <see cref="Pool.Size"/> connections each.</summary>
    private async Task<(string Database, ApiFactory Api)> FewConnectionsAsync(string name)
    {
        var database = await api.Server.CreateDatabaseAsync($"{name}_{Environment.ProcessId}", Ct);
        return (database, new ApiFactory(new NpgsqlConnectionStringBuilder(database) { MaxPoolSize = Pool.Size }.ConnectionString, api.AdminKey, new CapturedLogs()));
    }

    private static async Task<object?> ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync(Ct);
    }

    private static HttpClient Client(WebApplicationFactory<Program> factory, string key)
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }

    private static async Task<string> IssueAsync(HttpClient admin, Role role, string organization) =>
        (await admin.PostOkAsync("/api/v1/api-keys", new { name = $"{role} key", organization, role = role.ToString() }))["key"]!.GetValue<string>();

    private static async Task<HttpResponseMessage> ImportAsync(HttpClient client, string csv, string? key = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/imports") { Content = new StringContent(csv, Encoding.UTF8, "text/csv") };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }

        return await client.SendAsync(request, Ct);
    }

    /// <summary>One of the API's pools (its connection string, whose Max Pool Size is <see cref="Size"/>), and the backends the test found on it.</summary>
    private sealed class Pool(string connectionString, string planCacheMode)
    {
        public const int Size = 3;

        private const string Read = """
            SELECT pg_backend_pid(),
                   coalesce(current_setting('prt.recorded_at', true), ''),
                   (SELECT count(*) FROM pg_class WHERE relnamespace = pg_my_temp_schema()),
                   (SELECT count(*) FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'advisory'),
                   (SELECT count(*) FROM pg_listening_channels()),
                   coalesce((SELECT string_agg(name, ', ' ORDER BY name) FROM pg_settings WHERE source = 'session'), ''),
                   (SELECT count(*) FROM pg_cursors WHERE is_holdable),
                   (SELECT count(*) FROM pg_prepared_statements WHERE from_sql),
                   current_setting('plan_cache_mode')
            """;

        public string ConnectionString => connectionString;
        public HashSet<int> Backends { get; } = [];

        /// <summary>
        /// Takes every connection of the pool at once (waiting for any still in use) and reads each one's session: every
        /// field is as a new session has it.
        /// </summary>
        public Task AssertCleanAsync(string when) => OnEveryConnectionAsync(async connection =>
            Assert.Equal(new SessionState(when, "", 0, 0, 0, "", 0, 0, planCacheMode, false), await ReadAsync(connection, when)));

        /// <summary>The statements prepared on the pool's sessions (taking every connection at once), with the plans each has had.</summary>
        public async Task<List<Prepared>> PreparedAsync()
        {
            var prepared = new List<Prepared>();
            await OnEveryConnectionAsync(async connection =>
            {
                await using var command = new NpgsqlCommand("SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements", connection);
                await using var reader = await command.ExecuteReaderAsync(Ct);
                while (await reader.ReadAsync(Ct))
                {
                    prepared.Add(new Prepared(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2)));
                }
            });
            return prepared;
        }

        /// <summary>
        /// Opens <see cref="Size"/> connections on the pool's connection string, all at once (the pool can hold no others:
        /// these are its backends), then runs <paramref name="act"/> on each.
        /// </summary>
        private async Task OnEveryConnectionAsync(Func<NpgsqlConnection, Task> act)
        {
            var connections = new List<NpgsqlConnection>();
            try
            {
                for (var i = 0; i < Size; i++)
                {
                    connections.Add(new NpgsqlConnection(connectionString));
                    await connections[^1].OpenAsync(Ct);
                }

                foreach (var connection in connections)
                {
                    await act(connection);
                }
            }
            finally
            {
                foreach (var connection in connections)
                {
                    await connection.DisposeAsync();
                }
            }
        }

        private async Task<SessionState> ReadAsync(NpgsqlConnection connection, string when)
        {
            SessionState state;
            await using (var command = new NpgsqlCommand(Read, connection))
            await using (var reader = await command.ExecuteReaderAsync(Ct))
            {
                await reader.ReadAsync(Ct);
                Backends.Add(reader.GetInt32(0));
                state = new SessionState(when, reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetString(5),
                    reader.GetInt64(6), reader.GetInt64(7), reader.GetString(8), InTransaction: false);
            }

            // Npgsql knows the session's transaction state from the server's last ReadyForQuery: it refuses to begin a second one.
            try
            {
                await using var transaction = await connection.BeginTransactionAsync(Ct);
                return state;
            }
            catch (InvalidOperationException)
            {
                return state with { InTransaction = true };
            }
        }
    }

    private sealed record Prepared(string Statement, long GenericPlans, long CustomPlans);

    private sealed record SessionState(
        string When, string RecordedMoment, long TemporaryRelations, long AdvisoryLocks, long ListeningChannels, string SessionSettings, long HeldCursors,
        long SqlPrepared, string PlanCacheMode, bool InTransaction);
}
