using Npgsql;

namespace PrisonerReleaseTracker.Api.Infrastructure;

/// <summary>
/// What an operator configured, checked before anything is built, so that a mistake is one line naming the key and
/// what it expects (and a non-zero exit), not a stack trace from deep inside the first request or the host.
/// </summary>
public static class StartupConfiguration
{
    /// <summary>How to make a key, for the message and the README.</summary>
    public const string KeyRecipe = "echo \"prt_$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\\n')\"";

    private static readonly string[] PositiveNumbers =
    [
        "Database:CommandTimeoutSeconds", "Database:ConnectTimeoutSeconds", "Database:MigrationTimeoutSeconds", "Database:MaxAutoPrepare",
        "Database:UnresponsiveAfterSeconds", "Database:ProbeTimeoutSeconds", "Database:RetryAfterSeconds",
        "Limits:RequestTimeoutSeconds", "Caching:Totals:Seconds", "Caching:Totals:MaxAgeSeconds", "Caching:VersionCheckSeconds",
        "RateLimiting:Anonymous:PermitLimit", "RateLimiting:Anonymous:WindowSeconds", "RateLimiting:Keyed:PermitLimit", "RateLimiting:Keyed:WindowSeconds",
        "Webhooks:Concurrency", "Webhooks:BatchSize", "Webhooks:MaxPerOrganization",
        "Budget:ShortStatementTimeoutSeconds", "Budget:AnonymousComputations:PermitLimit", "Budget:RetryAfterSeconds",
    ];

    /// <summary>Durations written as TimeSpan (hh:mm:ss, d.hh:mm:ss), greater than zero.</summary>
    private static readonly string[] Durations =
    [
        "Webhooks:Timeout", "Webhooks:RetryDelay", "Webhooks:Backoff", "Webhooks:MaxBackoff", "Webhooks:MaxAge", "Webhooks:DisableAfter",
        "Webhooks:PollInterval", "Webhooks:SecretOverlap",
    ];

    private static readonly string[] KeySettings = ["Auth:BootstrapAdminKey", "Demo:OrganizationAdminKey"];

    private static readonly string[] Flags =
    [
        "Database:MigrateOnStartup", "Demo:Seed", "Swagger:Enabled", "Caching:Totals:Enabled", "RateLimiting:Enabled", "Webhooks:Dispatch",
    ];

    /// <summary>Every problem, one line each; empty when the configuration can serve.</summary>
    public static List<string> Problems(IConfiguration configuration)
    {
        var problems = new List<string>();
        var connection = configuration.GetConnectionString("Default");
        if (string.IsNullOrWhiteSpace(connection))
        {
            problems.Add("ConnectionStrings:Default is not set: expected a PostgreSQL connection string, such as " +
                "Host=localhost;Port=5432;Database=prisoner_release_tracker;Username=postgres (environment variable ConnectionStrings__Default).");
        }
        else if (!IsConnectionString(connection))
        {
            problems.Add("ConnectionStrings:Default is not a PostgreSQL connection string: expected Key=Value pairs separated by ';', " +
                "such as Host=localhost;Database=prisoner_release_tracker;Username=postgres.");
        }

        foreach (var setting in KeySettings)
        {
            if (configuration[setting] is { Length: > 0 } key && !ApiKeySecret.LooksValid(key.Trim()))
            {
                problems.Add($"{setting} is not a key of this API: expected '{ApiKeySecret.Marker}' followed by " +
                    $"{ApiKeySecret.Length - ApiKeySecret.Marker.Length} URL-safe base64 characters. Make one with: {KeyRecipe}");
            }
        }

        if (configuration["Api:PublicBaseUrl"] is { Length: > 0 } baseUrl
            && !(Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
        {
            problems.Add("Api:PublicBaseUrl is not an absolute http or https URL, such as https://api.example.org.");
        }

        foreach (var name in PositiveNumbers)
        {
            if (configuration[name] is { } text && !(double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && number > 0))
            {
                problems.Add($"{name} is '{text}': expected a number greater than 0.");
            }
        }

        foreach (var name in Durations)
        {
            if (configuration[name] is { } text && !(TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) && span > TimeSpan.Zero))
            {
                problems.Add($"{name} is '{text}': expected a duration greater than 0, such as 00:00:10 (ten seconds) or 1.00:00:00 (a day).");
            }
        }

        foreach (var name in Flags)
        {
            if (configuration[name] is { } text && !bool.TryParse(text, out _))
            {
                problems.Add($"{name} is '{text}': expected true or false.");
            }
        }

        return problems;
    }

    private static bool IsConnectionString(string text)
    {
        try
        {
            _ = new NpgsqlConnectionStringBuilder(text);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}

/// <summary>Start-up could not complete for a reason an operator can act on; the message says which and what to do.</summary>
public sealed class StartupException(string message, Exception? inner = null) : Exception(message, inner);
