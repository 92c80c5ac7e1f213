using System.Security.Claims;
// A claim of the caller's identity here, not the domain's stated count (PrisonerReleaseTracker.Domain.Claims.Claim).
using Claim = System.Security.Claims.Claim;

namespace PrisonerReleaseTracker.Api.Infrastructure;

/// <summary>Who is calling: the key, its organization and role. Anonymous callers have none.</summary>
public sealed record Caller(Guid KeyId, string Organization, Role Role)
{
    public const string KeyIdClaim = "prt:key_id";
    public const string OrganizationClaim = "prt:organization";

    public Reporter AsReporter() => new(KeyId, Organization);

    /// <summary>Whether this caller holds a record of <paramref name="organization"/> (<see cref="Disclosure.HoldsRule"/>).</summary>
    public bool Holds(string organization) => Disclosure.Holds(Organization, Role, organization);

    public static Caller? From(ClaimsPrincipal user)
    {
        var keyId = user.FindFirstValue(KeyIdClaim);
        var organization = user.FindFirstValue(OrganizationClaim);
        var role = user.FindFirstValue(ClaimTypes.Role);
        if (keyId is null || organization is null || role is null)
        {
            return null;
        }

        return new Caller(Guid.Parse(keyId, CultureInfo.InvariantCulture), organization, Enum.Parse<Role>(role));
    }

    public ClaimsIdentity ToIdentity(string scheme) => new(
        [
            new Claim(KeyIdClaim, KeyId.ToString()),
            new Claim(OrganizationClaim, Organization),
            new Claim(ClaimTypes.Role, Role.ToString()),
        ],
        scheme);
}

/// <summary>Reads the caller from the current request.</summary>
public static class CallerExtensions
{
    /// <summary>The authenticated caller; only call where the endpoint requires a key.</summary>
    public static Caller RequiredCaller(this ClaimsPrincipal user) =>
        Caller.From(user) ?? throw new InvalidOperationException("The endpoint requires an authenticated caller.");
}
