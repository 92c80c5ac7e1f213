using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using PrisonerReleaseTracker.Domain.Webhooks;

namespace PrisonerReleaseTracker.Api.Features.Webhooks;

/// <summary>
/// The one statement of the webhooks that LINQ cannot say. Table and column names come from the EF model; values are
/// parameters (<c>{0}</c> the status Pending, <c>{1}</c> the status Active, <c>{2}</c> now, <c>{3}</c> the batch size).
/// </summary>
internal static class WebhookSql
{
    private static string? _claim;

    /// <summary>
    /// Due deliveries of active subscriptions, locked for this transaction. <c>FOR UPDATE SKIP LOCKED</c> is what lets
    /// any number of dispatchers, in any number of instances, share the outbox: each takes rows no other holds, and a
    /// row stays locked for as long as its attempt lasts, so one delivery is never sent twice at the same time. If the
    /// instance dies mid-attempt, PostgreSQL ends its transaction and the row is free again, unchanged: another instance
    /// (or this one restarted) sends it again, with the same message id. No lease to tune, no extra table, no library.
    /// </summary>
    public static string Claim(IModel model) => _claim ??= BuildClaim(model);

    private static string BuildClaim(IModel model)
    {
        var delivery = model.FindEntityType(typeof(WebhookDelivery))!;
        var subscription = model.FindEntityType(typeof(WebhookSubscription))!;
        string Column(IEntityType type, string property) =>
            type.FindProperty(property)!.GetColumnName(StoreObjectIdentifier.Table(type.GetTableName()!, type.GetSchema()))!;
        return $$"""
            SELECT d.*, d.{{Column(delivery, Data.AppDbContext.RowVersion)}} FROM {{delivery.GetTableName()}} AS d
            WHERE d.{{Column(delivery, nameof(WebhookDelivery.Status))}} = {0}
              AND d.{{Column(delivery, nameof(WebhookDelivery.NextAttemptAt))}} <= {2}
              AND EXISTS (SELECT 1 FROM {{subscription.GetTableName()}} AS s
                          WHERE s.{{Column(subscription, nameof(WebhookSubscription.Id))}} = d.{{Column(delivery, nameof(WebhookDelivery.SubscriptionId))}}
                            AND s.{{Column(subscription, nameof(WebhookSubscription.Status))}} = {1})
            ORDER BY d.{{Column(delivery, nameof(WebhookDelivery.NextAttemptAt))}}
            LIMIT {3}
            FOR UPDATE OF d SKIP LOCKED
            """;
    }
}
