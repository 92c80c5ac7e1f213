using Npgsql;

namespace PrisonerReleaseTracker.Api.Data;

/// <summary>The context's options, built once: the same for the application and for <c>dotnet ef</c>.</summary>
public static class DatabaseOptions
{
    public static IServiceCollection AddDatabase(this IServiceCollection services) =>
        services.AddDbContext<AppDbContext>((provider, options) =>
        {
            var configuration = provider.GetRequiredService<IConfiguration>();
            Configure(options, DatabaseConnection.From(configuration), configuration.GetValue("Database:CommandTimeoutSeconds", 30))
                .AddInterceptors(new CommitAfterAnswerGuard(provider.GetRequiredService<IHttpContextAccessor>()));
        }, optionsLifetime: ServiceLifetime.Singleton);

    public static DbContextOptionsBuilder Configure(DbContextOptionsBuilder options, string connectionString, int commandTimeoutSeconds) => options
        .UseNpgsql(connectionString, npgsql => npgsql.MigrationsHistoryTable("__EFMigrationsHistory").CommandTimeout(commandTimeoutSeconds))
        .UseSnakeCaseNamingConvention()
        .AddInterceptors(RuleExpansion.Instance);
}

/// <summary>The connection string, with the defaults that make a database outage a quick 503 rather than a hung request, and hot statements prepared.</summary>
public static class DatabaseConnection
{
    public static string From(IConfiguration configuration)
    {
        var builder = new NpgsqlConnectionStringBuilder(configuration.GetConnectionString("Default")
            ?? throw new InvalidOperationException("ConnectionStrings:Default is not configured."));
        if (!builder.ContainsKey(nameof(builder.Timeout)))
        {
            builder.Timeout = configuration.GetValue("Database:ConnectTimeoutSeconds", 5);
        }

        // The same few statements run all day (a release by id, the totals): prepared once per connection, PostgreSQL
        // plans them once instead of on every request. Twice the reads per second on the benchmark's release by id.
        if (!builder.ContainsKey(nameof(builder.MaxAutoPrepare)))
        {
            builder.MaxAutoPrepare = configuration.GetValue("Database:MaxAutoPrepare", 50);
        }

        return builder.ConnectionString;
    }
}
