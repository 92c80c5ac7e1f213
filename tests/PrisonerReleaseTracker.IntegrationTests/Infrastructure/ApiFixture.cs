using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;
using PrisonerReleaseTracker.Domain;
using PrisonerReleaseTracker.Domain.Access;

[assembly: AssemblyFixture(typeof(PrisonerReleaseTracker.IntegrationTests.Infrastructure.ApiFixture))]

namespace PrisonerReleaseTracker.IntegrationTests.Infrastructure;

/// <summary>
/// One PostgreSQL server and one API for the whole test run. Tests stay independent by making their own
/// data (unique names, their own organizations), never by relying on what another test left.
/// </summary>
public sealed class ApiFixture : IAsyncLifetime
{
    public const string AdminOrganization = "Test Administrators";

    private PostgresServer? _server;
    private ApiFactory? _factory;

    public string AdminKey { get; } = ApiKeySecret.Generate();
    public CapturedLogs Logs { get; } = new();
    public PostgresServer Server => _server ?? throw new InvalidOperationException("Not started.");
    public string ConnectionString { get; private set; } = "";
    public ApiFactory Factory => _factory ?? throw new InvalidOperationException("Not started.");

    public async ValueTask InitializeAsync()
    {
        _server = await PostgresServer.StartAsync();
        ConnectionString = await _server.CreateDatabaseAsync($"prt_tests_{Environment.ProcessId}");
        _factory = new ApiFactory(ConnectionString, AdminKey, Logs, dispatchWebhooks: true);
        using var warmUp = _factory.CreateClient();
        (await warmUp.GetAsync("/health/ready")).EnsureSuccessStatusCode();
    }

    public async ValueTask DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    /// <summary>A client whose every answer is held to the committed OpenAPI document (<see cref="ContractCheckingHandler"/>).</summary>
    public HttpClient Anonymous() => Factory.CreateDefaultClient(new ContractCheckingHandler());

    public HttpClient Admin() => WithKey(AdminKey);

    // Within the record's calendar (1900-01-01 to 2100-12-31), early enough that no other test dates anything there.
    private static readonly DateOnly FirstOwnDay = new(1901, 1, 1);
    private int _periods;

    /// <summary>
    /// The first day of a year of days that no other test uses: a test that counts what the record holds for some
    /// days (totals, timelines, claims beside them) counts only what it made there. Arrests in it are dated the year before.
    /// </summary>
    public DateOnly OwnPeriod() => FirstOwnDay.AddDays(366 * Interlocked.Increment(ref _periods));

    public HttpClient WithKey(string key) => Factory.ClientWithKey(key);

    /// <summary>
    /// Issues a key through the API (by the operators' key, or by <paramref name="issuer"/>) and returns a client that sends
    /// it, with the key's id.
    /// </summary>
    public async Task<(HttpClient Client, Guid KeyId, string Key)> KeyAsync(Role role, string organization, HttpClient? issuer = null)
    {
        using var admin = Admin();
        var (key, id) = await IssueWithIdAsync(issuer ?? admin, role, organization);
        return (WithKey(key), id, key);
    }

    public async Task<HttpClient> ClientAsync(Role role, string organization) => (await KeyAsync(role, organization)).Client;

    /// <summary>Has <paramref name="issuer"/> (an operator's or an OrganizationAdmin's client, on any app) issue a key; returns the key.</summary>
    public static async Task<string> IssueAsync(HttpClient issuer, Role role, string organization) =>
        (await IssueWithIdAsync(issuer, role, organization)).Key;

    private static async Task<(string Key, Guid Id)> IssueWithIdAsync(HttpClient issuer, Role role, string organization)
    {
        var response = await issuer.PostAsJsonAsync("/api/v1/api-keys", new { name = $"{role} key", organization, role = role.ToString() });
        response.EnsureSuccessStatusCode();
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        return (body["key"]!.GetValue<string>(), body["apiKey"]!["id"]!.GetValue<Guid>());
    }
}

/// <summary>The API under test, on the run's database, with its logs captured.</summary>
/// <remarks>
/// Only the fixture's API sends webhooks (<paramref name="dispatchWebhooks"/>), not the hosts a test derives from it: the
/// others, on databases of their own, have nobody subscribed and would only add background work to the tests that time
/// their first requests.
/// </remarks>
public sealed class ApiFactory(
    string connectionString, string adminKey, CapturedLogs logs, bool demo = false, bool dispatchWebhooks = false, string? demoOrganizationAdminKey = null)
    : WebApplicationFactory<Program>
{
    private int _hostsBuilt;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:Default", connectionString);
        builder.UseSetting("Database:MigrateOnStartup", "true");
        builder.UseSetting("Auth:BootstrapAdminKey", adminKey);
        builder.UseSetting("Auth:BootstrapOrganization", ApiFixture.AdminOrganization);
        builder.UseSetting("Swagger:Enabled", "true");
        builder.UseSetting("Demo:Seed", demo ? "true" : "false");
        builder.UseSetting("Demo:OrganizationAdminKey", demoOrganizationAdminKey ?? "");
        // The suite makes thousands of calls from one address; the rate limit has its own tests.
        builder.UseSetting("RateLimiting:Anonymous:PermitLimit", "1000000");
        builder.UseSetting("RateLimiting:Keyed:PermitLimit", "1000000");
        foreach (var (key, value) in WebhookTestSettings.Values)
        {
            builder.UseSetting(key, value);
        }

        // Only the first host built from this factory sends webhooks. A host derived from it for one test
        // (WithWebHostBuilder) runs this method too, on the same database: a dispatcher of its own would claim the fixture's
        // deliveries beside the fixture's, and stop with its test, perhaps in the middle of a batch.
        var dispatches = dispatchWebhooks && Interlocked.Increment(ref _hostsBuilt) == 1;
        builder.UseSetting("Webhooks:Dispatch", dispatches ? "true" : "false");

        builder.ConfigureLogging(logging => logging.AddProvider(logs));
    }
}

public static class ApiClients
{
    /// <summary>A client of <paramref name="factory"/>'s API that sends <paramref name="key"/>, its every answer held to the OpenAPI document.</summary>
    public static HttpClient ClientWithKey(this WebApplicationFactory<Program> factory, string key)
    {
        var client = factory.CreateDefaultClient(new ContractCheckingHandler());
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }
}

/// <summary>
/// Webhook timings for tests: what production spreads over a day happens in seconds. Test receivers listen on
/// 127.0.0.1, which only a listed host may reach.
/// </summary>
public static class WebhookTestSettings
{
    public static readonly IReadOnlyList<(string Key, string Value)> Values =
    [
        ("Webhooks:AllowedHttpHosts", "127.0.0.1"),
        ("Webhooks:Timeout", "00:00:02"),
        ("Webhooks:Retries", "1"),
        ("Webhooks:RetryDelay", "00:00:00.050"),
        ("Webhooks:Backoff", "00:00:00.100"),
        ("Webhooks:MaxBackoff", "00:00:00.500"),
        ("Webhooks:MaxAge", "00:00:30"),
        ("Webhooks:DisableAfter", "00:00:03"),
        ("Webhooks:PollInterval", "00:00:00.250"),
        ("Webhooks:MaxPerOrganization", "1000"),
    ];
}

/// <summary>Shared JSON helpers for reading answers as the wire shows them.</summary>
public static class Json
{
    public static async Task<JsonObject> ReadObjectAsync(this HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();

    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
