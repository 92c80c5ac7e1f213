using Npgsql;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace PrisonerReleaseTracker.Api.Data;

/// <summary>The context's options, built once: the same for the application and for <c>dotnet ef</c>.</summary>
public static class DatabaseOptions
{
    /// <summary>
    /// The request's context (scoped), rented from a pool of contexts: setting up a new context's services (EF's own
    /// dependency graph, per instance) was about a sixth of the API's CPU time on a totals answer. The pool hands back a
    /// context reset by EF; <see cref="AppDbContext.For"/> gives it the scope's caller, data version and clock.
    /// </summary>
    public static IServiceCollection AddDatabase(this IServiceCollection services) =>
        services.AddPooledDbContextFactory<AppDbContext>((provider, options) =>
        {
            var configuration = provider.GetRequiredService<IConfiguration>();
            Configure(options, DatabaseConnection.From(configuration), configuration.GetValue("Database:CommandTimeoutSeconds", 30))
                .AddInterceptors(new CommitAfterAnswerGuard(provider.GetRequiredService<IHttpContextAccessor>()));
        })
            .AddScoped(provider => provider.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContext()
                .For(provider.GetService<IAuditActor>(), provider.GetService<DataVersion>(), provider.GetService<TimeProvider>()))
            .AddSingleton(provider =>
            {
                var configuration = provider.GetRequiredService<IConfiguration>();
                var options = new DbContextOptionsBuilder<AppDbContext>();
                Configure(options, DatabaseConnection.GenericPlanReadsFrom(configuration), configuration.GetValue("Database:CommandTimeoutSeconds", 30));
                return new GenericPlanReads(new PooledDbContextFactory<AppDbContext>(options.Options));
            });

    public static DbContextOptionsBuilder Configure(DbContextOptionsBuilder options, string connectionString, int commandTimeoutSeconds) => options
        .UseNpgsql(connectionString, npgsql => npgsql.MigrationsHistoryTable("__EFMigrationsHistory").CommandTimeout(commandTimeoutSeconds))
        .UseSnakeCaseNamingConvention()
        .AddInterceptors(RuleExpansion.Instance);
}

/// <summary>
/// The connection string, with the defaults that make a database outage a quick 503 rather than a hung request, hot
/// statements prepared, and sessions that keep their plans from one request to the next. Prepared statements keep
/// PostgreSQL's custom plans (planned with each execution's values, as an unprepared statement is): a generic plan of a
/// statement whose best plan depends on its values (a searched name, a range of days) can be far slower (8.6 s against
/// 36 ms for a name search at 200,000 people, bench/README.md).
/// </summary>
/// <remarks>
/// <para>
/// No pool reset (<c>No Reset On Close</c>, unless the connection string sets it): by default Npgsql resets a session
/// handed back to its pool (<c>DISCARD ALL</c>, or with prepared statements <c>SET SESSION AUTHORIZATION DEFAULT; RESET
/// ALL; CLOSE ALL; UNLISTEN *; SELECT pg_advisory_unlock_all(); DISCARD SEQUENCES; DISCARD TEMP</c>), 0.3 to 0.8 ms on
/// the server per request, and the reset drops the plans PL/pgSQL keeps of the triggers' statements (the totals
/// aggregates'), planned again on every write after it (bench/README.md, "Plans that survive a request").
/// </para>
/// <para>
/// Without it, nothing a request does may outlive its transaction on these pools, and nothing does: settings are
/// <c>SET LOCAL</c> or <c>set_config(..., true)</c>, advisory locks are <c>pg_advisory_xact_lock</c>, the imports'
/// temporary tables are <c>ON COMMIT DROP</c>; what must span transactions runs on a connection outside these pools
/// (the start-up's session lock, <see cref="DatabaseStartup"/>; the webhook listener's <c>LISTEN</c>, unpooled). A
/// transaction still open when a connection is closed is rolled back by Npgsql whatever this setting (Npgsql 10.0.3,
/// <c>NpgsqlConnector.Reset</c>: the rollback comes before, and apart from, the reset), so its local settings, locks and
/// temporary tables end with it. <c>PoolSessionStateTests</c> holds this to the pools' connections after each kind of
/// request.
/// </para>
/// </remarks>
public static class DatabaseConnection
{
    private const string TimeoutKeyword = "Timeout";
    private const string MaxAutoPrepareKeyword = "Max Auto Prepare";
    private const string NoResetOnCloseKeyword = "No Reset On Close";

    public static string From(IConfiguration configuration) => WithPlanCacheMode(configuration, "force_custom_plan");

    /// <summary>
    /// The connection string of <see cref="GenericPlanReads"/>: <see cref="From"/>'s, with generic plans (a setting of the
    /// connection's start, which a pool's reset would keep too).
    /// </summary>
    public static string GenericPlanReadsFrom(IConfiguration configuration) => WithPlanCacheMode(configuration, "force_generic_plan");

    private static string WithPlanCacheMode(IConfiguration configuration, string planCacheMode)
    {
        var builder = new NpgsqlConnectionStringBuilder(configuration.GetConnectionString("Default")
            ?? throw new InvalidOperationException("ConnectionStrings:Default is not configured."));
        // Whether the connection string sets a keyword: the builder's Keys are the keywords set, by their canonical names
        // (its ContainsKey says only whether a keyword exists, and is true for every keyword it knows).
        if (!builder.Keys.Contains(TimeoutKeyword))
        {
            builder.Timeout = configuration.GetValue("Database:ConnectTimeoutSeconds", 5);
        }

        // The same few statements run all day (a release by id, the totals): prepared once per connection, PostgreSQL
        // parses them once instead of on every request.
        if (!builder.Keys.Contains(MaxAutoPrepareKeyword))
        {
            builder.MaxAutoPrepare = configuration.GetValue("Database:MaxAutoPrepare", 50);
        }

        if (!builder.Keys.Contains(NoResetOnCloseKeyword))
        {
            builder.NoResetOnClose = true;
        }

        builder.Options = $"{builder.Options} -c plan_cache_mode={planCacheMode}".Trim();
        return builder.ConnectionString;
    }
}

/// <summary>
/// Contexts on a pool of their own, with generic plans, for reads whose best plan is the same whatever their values: a
/// release by id (the primary key, then each cited source's containment indexes, with the visibility rules expanded) and
/// the totals as of now that read the aggregates only (<see cref="Features.Totals.TotalsStatements.ReadsAggregatesOnly"/>).
/// PostgreSQL plans such a prepared statement anew on every execution on the main pool (its custom plan is estimated
/// cheaper than the generic one, whose cost counts the caller's role and organization, or the days, as unknown):
/// planning a release by id took about 1 ms against 0.1-0.2 ms to run it, and a totals answer's three statements on the
/// aggregates 2.7 to 3.0 ms a batch against 1.8 ms with their generic plans (the same plans). Here they are planned once
/// per connection. Statements whose plans depend on their values (a range of days over the releases, a searched name)
/// keep their custom plans on the main pool. Reads only, outside any transaction of the request (what they read is
/// committed).
/// </summary>
public sealed class GenericPlanReads(IDbContextFactory<AppDbContext> contexts)
{
    /// <summary>A context of this pool (itself pooled: disposing it hands it back), for reads only: no caller, no saves.</summary>
    public AppDbContext Create() => contexts.CreateDbContext().For(null, null, null);
}
