using PrisonerReleaseTracker.Api.Features.Changes;

namespace PrisonerReleaseTracker.Api.Features.Webhooks;

/// <summary>
/// The body of every webhook request, in the envelope the Standard Webhooks specification recommends. It carries the
/// change item only (and, for a decision, the release's new status): never a field of a person.
/// </summary>
/// <param name="Type" example="release.decided">The kind of record and the action, in lower camel case: <c>release.decided</c>, <c>claim.superseded</c>, <c>import.imported</c>.</param>
/// <param name="Timestamp">When the change was made.</param>
/// <param name="Data">The change, as the change feed lists it.</param>
public sealed record WebhookEvent(string Type, DateTimeOffset Timestamp, WebhookChange Data);

/// <summary>A change item of the feed, and for a decision the release's status after it.</summary>
/// <param name="Sequence">Its place in the change feed: pass it as <c>cursor</c> to read what followed.</param>
/// <param name="At">When the change was made.</param>
/// <param name="EntityType">The kind of record.</param>
/// <param name="EntityId">The record (for Imported, the import's id).</param>
/// <param name="Action">What happened to it.</param>
/// <param name="Etag">The record's ETag right after the change.</param>
/// <param name="Status">For Decided: the release's verification status after the decision; null otherwise.</param>
/// <param name="Counts">For Imported: what the import wrote; null otherwise.</param>
public sealed record WebhookChange(long Sequence, DateTimeOffset At, ChangeEntityType EntityType, Guid EntityId, ChangeAction Action, string Etag,
    VerificationStatus? Status, ImportCountsResponse? Counts);

/// <summary>Writes the body of a delivery: the same bytes for every attempt of it.</summary>
public static class WebhookPayload
{
    // The body goes to a server, never into a page: quotes are written as \" (the ETag's), not \u0022.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(allowIntegerValues: false) },
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string TypeOf(ChangeEntityType entityType, ChangeAction action) => $"{LowerFirst(entityType.ToString())}.{LowerFirst(action.ToString())}";

    public static byte[] Write(RecordChange change) => JsonSerializer.SerializeToUtf8Bytes(
        new WebhookEvent(TypeOf(change.EntityType, change.Action), change.At, new WebhookChange(change.Sequence, change.At, change.EntityType,
            change.EntityId, change.Action, ETags.From((uint)change.Version), change.Status, ImportCountsResponse.From(change.Counts))),
        Json);

    private static string LowerFirst(string name) => char.ToLowerInvariant(name[0]) + name[1..];
}
