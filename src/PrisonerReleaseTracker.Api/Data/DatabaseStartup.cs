using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace PrisonerReleaseTracker.Api.Data;

/// <summary>What runs once before serving: migrations, the bootstrap key, the demo data, each when configured.</summary>
public static class DatabaseStartup
{
    /// <summary>Runs the start-up work; a database that cannot be reached or refuses us is a <see cref="StartupException"/> saying so.</summary>
    public static async Task RunAsync(IServiceProvider services, CancellationToken ct)
    {
        try
        {
            await RunStepsAsync(services, ct);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException { InnerException: NpgsqlException or TimeoutException })
        {
            var target = new NpgsqlConnectionStringBuilder(services.GetRequiredService<IConfiguration>().GetConnectionString("Default"));
            throw new StartupException(
                $"Cannot use the database {target.Database ?? "(default)"} at {target.Host}:{target.Port} (ConnectionStrings:Default): {Reason(e)}. " +
                "Check the connection string and that PostgreSQL is running and reachable.", e);
        }
    }

    /// <summary>
    /// What went wrong, in one line: the server's own words, or the messages of the client's exception and the causes
    /// under it ("Exception while reading from stream: Timeout during reading attempt"). EF wraps a fault it takes for
    /// transient in an exception that says only that ("likely due to a transient failure"): the cause is under it.
    /// </summary>
    public static string Reason(Exception e)
    {
        var fault = e is InvalidOperationException { InnerException: { } cause } ? cause : e;
        if (fault is PostgresException server)
        {
            return server.MessageText;
        }

        var messages = new List<string>();
        for (var at = fault; at is not null && messages.Count < 3; at = at.InnerException)
        {
            messages.Add(at.Message.TrimEnd('.'));
        }

        return string.Join(": ", messages.Distinct()).ReplaceLineEndings(" ");
    }

    private static async Task RunStepsAsync(IServiceProvider services, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var configuration = scope.ServiceProvider.GetRequiredService<IConfiguration>();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var migrationTimeout = TimeSpan.FromSeconds(configuration.GetValue("Database:MigrationTimeoutSeconds", 3600));
        // Instances that start at once take turns: each step checks, then writes (a migration, the bootstrap key, the demo
        // data), and two at once would both find the work undone and the second would stop on what the first wrote
        // ("already exists", 23505). The lock is a session's: it spans the migrations' own transactions. It is taken on a
        // connection of its own, out of the pool, whose disposal at the end of this method ends the session and the lock,
        // whether the steps succeeded or not: the pools do not reset the sessions handed back to them (DatabaseConnection),
        // so a lock taken on a pooled connection would outlive a failed start there, and the next start would wait for it.
        await using var turn = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(DatabaseConnection.From(configuration))
        {
            Pooling = false,
            ApplicationName = "prt-startup",
        }.ConnectionString);
        await turn.OpenAsync(ct);
        await using (var take = new NpgsqlCommand($"SELECT pg_advisory_lock({StartupLock})", turn) { CommandTimeout = (int)migrationTimeout.TotalSeconds })
        {
            await take.ExecuteNonQueryAsync(ct);
        }

        if (configuration.GetValue<bool>("Database:MigrateOnStartup"))
        {
            // A migration rewrites whole tables (a column filled in for every decision on record): it gets its own,
            // longer command timeout than a request's.
            db.Database.SetCommandTimeout(migrationTimeout);
            await db.Database.MigrateAsync(ct);
            db.Database.SetCommandTimeout(null);
        }

        await BootstrapAdminKey.EnsureAsync(scope.ServiceProvider, ct);
        await Features.Webhooks.WebhookSecrets.EnsureKeyRingAsync(scope.ServiceProvider, ct);
        if (configuration.GetValue<bool>("Demo:Seed"))
        {
            await DemoData.SeedAsync(db, scope.ServiceProvider.GetRequiredService<Features.Tallies.TallyService>(), ct);
            await Features.Lists.DemoList.SeedAsync(scope.ServiceProvider, ct);
            await BootstrapAdminKey.EnsureDemoAsync(scope.ServiceProvider, ct);
        }
    }

    /// <summary>The advisory lock instances take turns on while starting ("PRTSTART").</summary>
    private const long StartupLock = 0x5052_5453_5441_5254;
}

/// <summary>Ready means the database answers.</summary>
public sealed class DatabaseHealthCheck(AppDbContext db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await db.Database.CanConnectAsync(cancellationToken)
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("The database does not answer.");
}
