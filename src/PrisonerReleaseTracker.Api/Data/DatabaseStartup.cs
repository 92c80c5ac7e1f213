using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using PrisonerReleaseTracker.Api.Infrastructure;

namespace PrisonerReleaseTracker.Api.Data;

/// <summary>What runs once before serving: migrations, the bootstrap key, the demo data, each when configured.</summary>
public static class DatabaseStartup
{
    public static async Task RunAsync(IServiceProvider services, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var configuration = scope.ServiceProvider.GetRequiredService<IConfiguration>();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        if (configuration.GetValue<bool>("Database:MigrateOnStartup"))
        {
            // A migration rewrites whole tables (a column filled in for every decision on record): it gets its own,
            // longer command timeout than a request's.
            db.Database.SetCommandTimeout(TimeSpan.FromSeconds(configuration.GetValue("Database:MigrationTimeoutSeconds", 3600)));
            await db.Database.MigrateAsync(ct);
            db.Database.SetCommandTimeout(null);
        }

        await BootstrapAdminKey.EnsureAsync(scope.ServiceProvider, ct);
        if (configuration.GetValue<bool>("Demo:Seed"))
        {
            await DemoData.SeedAsync(db, scope.ServiceProvider.GetRequiredService<TimeProvider>(), ct);
        }
    }
}

/// <summary>Ready means the database answers.</summary>
public sealed class DatabaseHealthCheck(AppDbContext db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await db.Database.CanConnectAsync(cancellationToken)
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("The database does not answer.");
}
