namespace PrisonerReleaseTracker.Api.Features.Imports;

/// <summary>
/// The first answer to a request sent with an <c>Idempotency-Key</c>, kept for <see cref="Lifetime"/> so a
/// retry of the same request from the same organization gets it again instead of writing twice.
/// </summary>
public sealed class IdempotencyRecord
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

    public const int MaxKeyLength = 255;

    private IdempotencyRecord() { Organization = null!; Key = null!; RequestHash = null!; ResponseBody = null!; }

    public string Organization { get; private set; }
    public string Key { get; private set; }
    /// <summary>SHA-256 (hex) of the request: path, query and body.</summary>
    public string RequestHash { get; private set; }
    public int ResponseStatus { get; private set; }
    /// <summary>The JSON answer, replayed as it was.</summary>
    public string ResponseBody { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }

    public static IdempotencyRecord Create(string organization, string key, string requestHash, int responseStatus, string responseBody,
        DateTimeOffset now) => new()
    {
        Organization = organization,
        Key = key,
        RequestHash = requestHash,
        ResponseStatus = responseStatus,
        ResponseBody = responseBody,
        CreatedAt = now,
    };
}
