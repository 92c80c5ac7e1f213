namespace PrisonerReleaseTracker.Api.Features.Webhooks;

/// <summary>
/// The outbox: one delivery per change and subscription that wants it, added to the unit of work that makes the change,
/// so the delivery exists if and only if the change committed. Subscriptions are read under the audit chain's lock,
/// which their own creation and deletion also take: a subscription receives exactly the changes committed after it.
/// </summary>
public static class WebhookOutbox
{
    public static async Task EnqueueAsync(AppDbContext db, IReadOnlyList<RecordChange> changes, DateTimeOffset now, CancellationToken ct)
    {
        var subscriptions = await db.WebhookSubscriptions.AsNoTracking().Where(s => s.Status == WebhookStatus.Active)
            .Select(s => new { s.Id, s.Events }).ToListAsync(ct);
        foreach (var subscription in subscriptions)
        {
            foreach (var change in changes.Where(c => WebhookSubscription.Wants(subscription.Events, c.EntityType, c.Action)))
            {
                db.WebhookDeliveries.Add(WebhookDelivery.Enqueue(subscription.Id, change.Sequence, now));
            }
        }
    }

    /// <summary>Fails the pending deliveries of subscriptions that will send nothing more (disabled or deleted).</summary>
    public static Task AbandonPendingAsync(AppDbContext db, IReadOnlyList<Guid> subscriptionIds, string reason, CancellationToken ct) =>
        db.WebhookDeliveries.Where(d => subscriptionIds.Contains(d.SubscriptionId) && d.Status == WebhookDeliveryStatus.Pending)
            .ExecuteUpdateAsync(u => u
                .SetProperty(d => d.Status, WebhookDeliveryStatus.Failed)
                .SetProperty(d => d.NextAttemptAt, (DateTimeOffset?)null)
                .SetProperty(d => d.LastError, reason), ct);
}
