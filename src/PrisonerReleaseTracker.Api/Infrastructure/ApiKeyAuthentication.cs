using System.Collections.Concurrent;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using PrisonerReleaseTracker.Domain.Access;

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
        WriteProblemAsync(StatusCodes.Status403Forbidden, "The API key's role is too low for this operation", null);

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

/// <summary>The authorization policies; every endpoint names one, or is explicitly anonymous.</summary>
public static class Policies
{
    public const string Researcher = nameof(Role.Researcher);
    public const string Contributor = nameof(Role.Contributor);
    public const string Verifier = nameof(Role.Verifier);
    public const string Admin = nameof(Role.Admin);

    public static void AddRolePolicies(this AuthorizationOptions options)
    {
        foreach (var role in Enum.GetValues<Role>())
        {
            options.AddPolicy(role.ToString(), policy => policy
                .AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName)
                .RequireAuthenticatedUser()
                .RequireAssertion(context => Caller.From(context.User) is { } caller && caller.Role >= role));
        }
    }
}

/// <summary>Stores the configured bootstrap Admin key when the key store has no active Admin.</summary>
public static class BootstrapAdminKey
{
    public static async Task EnsureAsync(IServiceProvider services, CancellationToken ct)
    {
        var configuration = services.GetRequiredService<IConfiguration>();
        var secret = configuration["Auth:BootstrapAdminKey"]?.Trim();
        if (string.IsNullOrWhiteSpace(secret))
        {
            return;
        }

        var db = services.GetRequiredService<AppDbContext>();
        if (await db.ApiKeys.AnyAsync(k => k.Role == Role.Admin && k.RevokedAt == null, ct))
        {
            return;
        }

        var hash = ApiKeySecret.Hash(secret);
        if (await db.ApiKeys.AnyAsync(k => k.Hash == hash, ct))
        {
            return; // the same key was stored before and revoked since: it stays revoked.
        }

        var organization = configuration["Auth:BootstrapOrganization"] ?? "Administrators";
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        db.ApiKeys.Add(ApiKey.FromSecret(secret, "Bootstrap admin key", organization, Role.Admin, now));
        await db.SaveChangesAsync(ct);
    }
}
