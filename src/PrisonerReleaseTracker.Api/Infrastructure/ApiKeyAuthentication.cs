using System.Collections.Concurrent;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace PrisonerReleaseTracker.Api.Infrastructure;

/// <summary>Authenticates callers by the <c>X-Api-Key</c> header against the stored key hashes.</summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyStore keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderName = "X-Api-Key";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(HeaderName, out var values))
        {
            return AuthenticateResult.NoResult();
        }

        var presented = values.ToString();
        if (!ApiKeySecret.LooksValid(presented))
        {
            return AuthenticateResult.Fail("Malformed API key.");
        }

        if (await keys.FindActiveAsync(presented, Context.RequestServices, Context.RequestAborted) is not { } caller)
        {
            return AuthenticateResult.Fail("Unknown or revoked API key.");
        }

        return AuthenticateResult.Success(new AuthenticationTicket(new(caller.ToIdentity(SchemeName)), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        WriteProblemAsync(StatusCodes.Status401Unauthorized, "A valid API key is required",
            $"Send an active key in the {HeaderName} header.");

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        WriteProblemAsync(StatusCodes.Status403Forbidden, "The API key's role does not allow this operation", null);

    private async Task WriteProblemAsync(int status, string title, string? detail)
    {
        Response.StatusCode = status;
        if (status == StatusCodes.Status401Unauthorized)
        {
            Response.Headers.WWWAuthenticate = $"{SchemeName} header=\"{HeaderName}\"";
        }

        await ProblemWriter.WriteAsync(Context, new ProblemDetails { Status = status, Title = title, Detail = detail });
    }
}

/// <summary>
/// Finds the active key a caller presents. A key found is remembered with the data version it was read at, and is
/// looked up again once the version moves: every write moves it, a revocation included, so a revoked key stops
/// working at once on this instance and within <c>Caching:VersionCheckSeconds</c> on the others. Only keys that
/// exist are remembered, so random keys cannot fill the memory; there are as many entries as active keys in use.
/// </summary>
public sealed class ApiKeyStore(DataVersion version)
{
    private readonly ConcurrentDictionary<string, (long Version, Caller Caller)> _found = new(StringComparer.Ordinal);

    public async Task<Caller?> FindActiveAsync(string presented, IServiceProvider services, CancellationToken ct)
    {
        var current = await version.CurrentAsync(ct);
        var hash = ApiKeySecret.Hash(presented); // the secret itself is not kept
        if (_found.TryGetValue(hash, out var entry) && entry.Version == current)
        {
            return entry.Caller;
        }

        var db = services.GetRequiredService<AppDbContext>();
        var prefix = ApiKeySecret.PrefixOf(presented);
        var candidates = await db.ApiKeys.AsNoTracking()
            .Where(k => k.Prefix == prefix && k.RevokedAt == null)
            .Select(k => new { k.Id, k.Organization, k.Role, k.Hash })
            .ToListAsync(ct);
        var key = candidates.FirstOrDefault(k => ApiKeySecret.Matches(presented, k.Hash));
        if (key is null)
        {
            _found.TryRemove(hash, out _);
            return null;
        }

        var caller = new Caller(key.Id, key.Organization, key.Role);
        _found[hash] = (current, caller);
        return caller;
    }
}

/// <summary>The authorization policies; every endpoint names one, or is explicitly anonymous. What each admits is <see cref="Roles.Grants"/>.</summary>
public static class Policies
{
    /// <summary>Any key: reads (an operator's key reads as another organization does).</summary>
    public const string Researcher = nameof(Role.Researcher);
    /// <summary>Writes records: Contributor, Verifier or OrganizationAdmin.</summary>
    public const string Contributor = nameof(Role.Contributor);
    /// <summary>Decides: Verifier or OrganizationAdmin.</summary>
    public const string Verifier = nameof(Role.Verifier);
    /// <summary>The operators only: the audit log.</summary>
    public const string Admin = nameof(Role.Admin);
    /// <summary>The key endpoints: operators and organization admins, each managing the keys <see cref="KeyManagement"/> gives it.</summary>
    public const string KeyManager = "KeyManager";

    private static readonly Dictionary<string, Func<Role, bool>> Admits = Enum.GetValues<Role>()
        .ToDictionary(required => required.ToString(), required => (Func<Role, bool>)(held => held.Grants(required)))
        .Append(new(KeyManager, KeyManagement.ManagesKeys))
        .ToDictionary();

    /// <summary>The roles <paramref name="policy"/> admits, for the document.</summary>
    public static IReadOnlyList<Role> RolesOf(string policy) => [.. Enum.GetValues<Role>().Where(Admits[policy])];

    public static void AddRolePolicies(this AuthorizationOptions options)
    {
        foreach (var (name, admits) in Admits)
        {
            options.AddPolicy(name, policy => policy
                .AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName)
                .RequireAuthenticatedUser()
                .RequireAssertion(context => Caller.From(context.User) is { } caller && admits(caller.Role)));
        }
    }
}

/// <summary>
/// Stores the keys configured at start-up: the bootstrap operator key (<c>Auth:BootstrapAdminKey</c>, role Admin) when the key
/// store has no active operator key, and, with the demo data, the demo organization's OrganizationAdmin key
/// (<c>Demo:OrganizationAdminKey</c>). A configured key stored before and revoked since stays revoked.
/// </summary>
public static class BootstrapAdminKey
{
    public static async Task EnsureAsync(IServiceProvider services, CancellationToken ct)
    {
        var configuration = services.GetRequiredService<IConfiguration>();
        var db = services.GetRequiredService<AppDbContext>();
        if (Configured(configuration, "Auth:BootstrapAdminKey") is { } secret
            && !await db.ApiKeys.AnyAsync(k => k.Role == Role.Admin && k.RevokedAt == null, ct))
        {
            await StoreAsync(services, secret, "Bootstrap admin key", configuration["Auth:BootstrapOrganization"] ?? "Administrators", Role.Admin, ct);
        }
    }

    /// <summary>The demo organization's OrganizationAdmin key, when configured; call with the demo data.</summary>
    public static async Task EnsureDemoAsync(IServiceProvider services, CancellationToken ct)
    {
        if (Configured(services.GetRequiredService<IConfiguration>(), "Demo:OrganizationAdminKey") is { } secret)
        {
            await StoreAsync(services, secret, "Demo organization admin key", DemoData.Organization, Role.OrganizationAdmin, ct);
        }
    }

    private static string? Configured(IConfiguration configuration, string setting) =>
        configuration[setting]?.Trim() is { Length: > 0 } secret ? secret : null;

    private static async Task StoreAsync(IServiceProvider services, string secret, string name, string organization, Role role, CancellationToken ct)
    {
        var db = services.GetRequiredService<AppDbContext>();
        var hash = ApiKeySecret.Hash(secret);
        if (await db.ApiKeys.AnyAsync(k => k.Hash == hash, ct))
        {
            return; // stored before (and revoked since, or still active): it stays as it is.
        }

        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        db.ApiKeys.Add(ApiKey.FromSecret(secret, name, organization, role, now));
        await db.SaveChangesAsync(ct);
    }
}
