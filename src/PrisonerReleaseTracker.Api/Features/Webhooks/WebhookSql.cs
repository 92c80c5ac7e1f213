namespace PrisonerReleaseTracker.Api.Features.Webhooks;

/// <summary>
/// The SQL of the webhooks that LINQ cannot say, each text whole and constant. Names of tables and columns are checked
/// against the model by a test (DataModelTests); enum values come from the enums; values are named parameters.
/// </summary>
internal static class WebhookSql
{
    /// <summary>
    /// Due deliveries (<c>@now</c>) of active subscriptions, at most <c>@batch</c>, locked for this transaction, read by
    /// column name into <see cref="WebhookDelivery"/>. <c>FOR UPDATE SKIP LOCKED</c> is what lets any number of
    /// dispatchers, in any number of instances, share the outbox: each takes rows no other holds, and a row stays locked
    /// for as long as its attempt lasts, so one delivery is never sent twice at the same time. If the instance dies
    /// mid-attempt, PostgreSQL ends its transaction and the row is free again, unchanged: another instance (or this one
    /// restarted) sends it again, with the same message id. No lease to tune, no extra table, no library. The status is
    /// written in the text, as the partial index <c>ix_webhook_deliveries_due</c> says it, so a prepared plan keeps that index.
    /// </summary>
    public const string Claim = $"""
        SELECT d.*, d.xmin FROM webhook_deliveries AS d
        WHERE d.status = '{nameof(WebhookDeliveryStatus.Pending)}' AND d.next_attempt_at <= @now
          AND EXISTS (SELECT 1 FROM webhook_subscriptions AS s WHERE s.id = d.subscription_id AND s.status = '{nameof(WebhookStatus.Active)}')
        ORDER BY d.next_attempt_at
        LIMIT @batch
        FOR UPDATE OF d SKIP LOCKED
        """;

    /// <summary>
    /// For this transaction only: a session that stops talking while it holds claimed deliveries (its instance gone from
    /// the network) is ended after <c>@milliseconds</c>, and lets them go.
    /// </summary>
    public const string ReleaseClaimsWhenIdle = "SELECT set_config('idle_in_transaction_session_timeout', @milliseconds, true)";

    /// <summary>Instances starting together take turns making the Data Protection key ring (<c>@key_ring</c>, held until the transaction ends).</summary>
    public const string LockKeyRing = "SELECT pg_advisory_xact_lock(@key_ring)";

    /// <summary>Wakes on every insert into the outbox (the trigger <see cref="WebhookListener.NotifyTrigger"/> notifies the channel).</summary>
    public const string Listen = $"LISTEN {WebhookListener.Channel}";
}
