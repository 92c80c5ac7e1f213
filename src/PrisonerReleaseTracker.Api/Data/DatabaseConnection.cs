using Npgsql;

namespace PrisonerReleaseTracker.Api.Data;

/// <summary>The connection string, with the defaults that make a database outage a quick 503 rather than a hung request.</summary>
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

        return builder.ConnectionString;
    }
}
