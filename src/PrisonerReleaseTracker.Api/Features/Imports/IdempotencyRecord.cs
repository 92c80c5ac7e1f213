namespace PrisonerReleaseTracker.Api.Features.Imports;

/// <summary>
/// The first answer to a request sent with an <c>Idempotency-Key</c>, kept for <see cref="Lifetime"/> so a
/// retry of the same request from the same organization gets it again instead of writing twice.
/// </summary>
/// <param name="Organization">Whose key it is: keys of different organizations never meet.</param>
/// <param name="Key">The key the client chose.</param>
/// <param name="RequestHash">SHA-256 (hex) of the request: path, query and body.</param>
/// <param name="ResponseStatus">The status answered.</param>
/// <param name="ResponseBody">The JSON answer, replayed as it was.</param>
/// <param name="CreatedAt">When it was answered.</param>
public sealed record IdempotencyRecord(string Organization, string Key, string RequestHash, int ResponseStatus, string ResponseBody, DateTimeOffset CreatedAt)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

    public const int MaxKeyLength = 255;
}
