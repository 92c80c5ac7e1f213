using System.Security.Cryptography;

namespace PrisonerReleaseTracker.Api.Infrastructure;

/// <summary>How a person appears to a caller: protected persons are never identified outside the holding organization.</summary>
public static class Visibility
{
    /// <summary>A stable pseudonym, the same in every answer, that reveals nothing of the person.</summary>
    public static string ProtectedLabel(Guid detaineeId) =>
        "Protected person " + Convert.ToHexString(SHA256.HashData(detaineeId.ToByteArray()))[..4];

    public static string NameFor(Caller? caller, Guid detaineeId, string fullName, bool isProtected, string organization) =>
        isProtected && (caller is null || !caller.Holds(organization)) ? ProtectedLabel(detaineeId) : fullName;
}
