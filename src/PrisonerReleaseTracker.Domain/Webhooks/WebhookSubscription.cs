using PrisonerReleaseTracker.Domain.Changes;

namespace PrisonerReleaseTracker.Domain.Webhooks;

/// <summary>Whether a subscription is sent its changes.</summary>
public enum WebhookStatus { Active, Disabled }

/// <summary>
/// An organization's request to be sent the changes of the record, signed with a secret only it holds. The secret is
/// kept encrypted (<see cref="ProtectedSecret"/>); after a rotation the previous one keeps signing beside the new one
/// until <see cref="PreviousSecretExpiresAt"/>, so the subscriber can switch without losing a message.
/// </summary>
public sealed class WebhookSubscription
{
    public const int MaxDescription = Limits.ShortText;
    public const int MaxReason = 500;

    private WebhookSubscription() { Organization = null!; Url = null!; ProtectedSecret = null!; }

    public Guid Id { get; private set; }
    /// <summary>The subscribing key's organization: only its keys may see and manage the subscription.</summary>
    public string Organization { get; private set; }
    /// <summary>Where the changes are sent, as an absolute URI.</summary>
    public string Url { get; private set; }
    public string? Description { get; private set; }
    /// <summary>The filters as codes (<see cref="WebhookEventFilter.ToCode"/>); empty means every change.</summary>
    public List<string> Events { get; private set; } = [];
    /// <summary>Active until disabled, for good: a partner subscribes again.</summary>
    public WebhookStatus Status { get; private set; }
    /// <summary>When it was disabled; null while active.</summary>
    public DateTimeOffset? DisabledAt { get; private set; }
    /// <summary>Why it was disabled, cut to <see cref="MaxReason"/> characters (<c>Deleted</c> for a deletion); null while active.</summary>
    public string? DisabledReason { get; private set; }
    /// <summary>Since when every attempt has failed; null after a success.</summary>
    public DateTimeOffset? FailingSince { get; private set; }
    /// <summary>The signing secret, encrypted by the API (ASP.NET Core data protection); empty once deleted.</summary>
    public string ProtectedSecret { get; private set; }
    /// <summary>The secret before the latest rotation, encrypted, signing beside the new one until <see cref="PreviousSecretExpiresAt"/>; null when none.</summary>
    public string? PreviousProtectedSecret { get; private set; }
    /// <summary>When <see cref="PreviousProtectedSecret"/> stops signing; null when there is none.</summary>
    public DateTimeOffset? PreviousSecretExpiresAt { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    /// <summary>The API key that subscribed.</summary>
    public Guid CreatedByKeyId { get; private set; }
    /// <summary>When the secret was last rotated; null if never.</summary>
    public DateTimeOffset? SecretRotatedAt { get; private set; }
    /// <summary>When it was deleted: it is kept (its deliveries refer to it) but no longer seen, sent to or able to sign.</summary>
    public DateTimeOffset? DeletedAt { get; private set; }

    public IReadOnlyList<WebhookEventFilter> Filters => [.. Events.Select(WebhookEventFilter.Parse)];

    public static WebhookSubscription Create(Uri url, IReadOnlyList<WebhookEventFilter> filters, string? description, string organization,
        Guid keyId, string protectedSecret, DateTimeOffset now) => new()
        {
            Id = Guid.CreateVersion7(now),
            Organization = organization,
            Url = url.AbsoluteUri,
            Description = string.IsNullOrWhiteSpace(description) ? null : description.Trim(),
            Events = [.. filters.Select(f => f.ToCode()).Distinct(StringComparer.Ordinal)],
            Status = WebhookStatus.Active,
            ProtectedSecret = protectedSecret,
            CreatedAt = now,
            CreatedByKeyId = keyId,
        };

    /// <summary>Whether a change of this kind and action is sent to this subscription.</summary>
    public static bool Wants(IEnumerable<string> events, ChangeEntityType entityType, ChangeAction action) =>
        WebhookEventFilter.AnyMatches(events.Select(WebhookEventFilter.Parse), entityType, action);

    /// <summary>Replaces the secret; the old one signs beside it for <paramref name="overlap"/>.</summary>
    public void RotateSecret(string protectedSecret, DateTimeOffset now, TimeSpan overlap)
    {
        var keepPrevious = overlap > TimeSpan.Zero;
        PreviousProtectedSecret = keepPrevious ? ProtectedSecret : null;
        PreviousSecretExpiresAt = keepPrevious ? now + overlap : null;
        ProtectedSecret = protectedSecret;
        SecretRotatedAt = now;
    }

    /// <summary>The protected secrets that sign a message sent at <paramref name="now"/>: the current one first.</summary>
    public IReadOnlyList<string> SigningSecrets(DateTimeOffset now) =>
        PreviousProtectedSecret is { } previous && PreviousSecretExpiresAt > now ? [ProtectedSecret, previous] : [ProtectedSecret];

    /// <summary>
    /// Deletes it: nothing more is sent, its secrets are forgotten. The row stays, so that deleting never has to wait for
    /// (or deadlock with) a dispatcher holding one of its deliveries.
    /// </summary>
    public void Delete(DateTimeOffset now)
    {
        Disable("Deleted", now);
        DeletedAt = now;
        ProtectedSecret = "";
        PreviousProtectedSecret = null;
        PreviousSecretExpiresAt = null;
    }

    /// <summary>Stops sending to the subscription, saying why. Disabling is final: a partner subscribes again.</summary>
    public void Disable(string reason, DateTimeOffset now)
    {
        if (Status == WebhookStatus.Disabled)
        {
            return;
        }

        Status = WebhookStatus.Disabled;
        DisabledAt = now;
        DisabledReason = reason.Length <= MaxReason ? reason : reason[..MaxReason];
    }
}
