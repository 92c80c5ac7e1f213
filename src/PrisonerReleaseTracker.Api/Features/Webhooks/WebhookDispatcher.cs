using Microsoft.Extensions.Options;
using Npgsql;

namespace PrisonerReleaseTracker.Api.Features.Webhooks;

/// <summary>
/// Sends the outbox. Each worker claims a batch of due deliveries with <c>FOR UPDATE SKIP LOCKED</c> (see
/// <see cref="WebhookSql.Claim"/>), sends them, records the outcomes and commits, all in one transaction: the row locks
/// are what keep two workers, here or in another instance, from sending one delivery at the same time. Sending happens
/// before the outcome commits, so a crash in between sends the delivery again: at least once, never at most once.
/// </summary>
public sealed class WebhookDispatcher(
    IServiceScopeFactory scopes, WebhookSender sender, WebhookSignal signal, IOptions<WebhookOptions> options, TimeProvider clock,
    ILogger<WebhookDispatcher> logger) : BackgroundService
{
    private readonly WebhookOptions _options = options.Value;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, Math.Max(1, _options.Concurrency)).Select(worker => WorkAsync(worker == 0, stoppingToken)));

    /// <summary>
    /// One worker. Idle, only the first polls (retries fall due without a notification); the others wait to be woken by
    /// a notification, or by a worker that found a full batch (more is likely waiting).
    /// </summary>
    private async Task WorkAsync(bool polls, CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            var claimed = 0;
            try
            {
                claimed = await DeliverBatchAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is DbUpdateException or Npgsql.NpgsqlException or InvalidOperationException or TimeoutException)
            {
                // The batch rolled back: its deliveries are due again and will be sent again (at least once).
                logger.LogWarning("Webhook dispatch failed ({Error}); retrying.", e.GetType().Name);
            }
#pragma warning disable CA1031 // A worker that stopped would stop the host (BackgroundService): anything else is logged and the loop goes on.
            catch (Exception e)
#pragma warning restore CA1031
            {
                logger.LogError(e, "Webhook dispatch failed unexpectedly ({Error}); retrying.", e.GetType().Name); // with its stack: an unknown fault must be findable
            }

            if (claimed >= _options.BatchSize)
            {
                signal.Pulse();
            }
            else if (claimed == 0)
            {
                await signal.WaitAsync(polls ? _options.PollInterval : _options.PollInterval * 10, stoppingToken)
                    .ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>Claims, sends and records one batch; returns how many deliveries it claimed.</summary>
    public async Task<int> DeliverBatchAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var secrets = scope.ServiceProvider.GetRequiredService<WebhookSecrets>();
        var now = clock.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var hold = (int)(_options.LongestRound + TimeSpan.FromSeconds(30)).TotalMilliseconds;
        await db.Database.ExecuteSqlRawAsync(WebhookSql.ReleaseClaimsWhenIdle,
            [new NpgsqlParameter("milliseconds", hold.ToString(CultureInfo.InvariantCulture))], ct);
        var claimed = await db.WebhookDeliveries
            .FromSqlRaw(WebhookSql.Claim, new NpgsqlParameter("now", now), new NpgsqlParameter("batch", _options.BatchSize))
            .ToListAsync(ct);
        if (claimed.Count == 0)
        {
            return 0;
        }

        var subscriptionIds = claimed.Select(d => d.SubscriptionId).Distinct().ToList();
        var subscriptions = await db.WebhookSubscriptions.AsNoTracking().Where(s => subscriptionIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, ct);
        var sequences = claimed.Select(d => d.ChangeSequence).Distinct().ToList();
        var changes = await db.RecordChanges.AsNoTracking().Where(c => sequences.Contains(c.Sequence)).ToDictionaryAsync(c => c.Sequence, ct);

        var outcomes = await Task.WhenAll(claimed.Select(delivery =>
            AttemptAsync(delivery, subscriptions[delivery.SubscriptionId], changes[delivery.ChangeSequence], secrets, now, ct)));
        var done = clock.GetUtcNow();
        var succeeded = new HashSet<Guid>();
        var failed = new HashSet<Guid>();
        foreach (var (delivery, outcome) in claimed.Zip(outcomes))
        {
            if (outcome is null)
            {
                delivery.Abandon("Not delivered within the maximum age");
            }
            else if (outcome.Delivered)
            {
                delivery.Succeeded(outcome.StatusCode!.Value, outcome.Attempts, done);
                succeeded.Add(delivery.SubscriptionId);
            }
            else
            {
                var wait = DeliveryBackoff.Next(delivery.FailedRounds + 1, _options.Backoff, _options.MaxBackoff, Random.Shared.NextDouble());
                delivery.Failed(outcome.StatusCode, outcome.Error ?? "Failed", outcome.Attempts, done, wait, _options.MaxAge);
                failed.Add(delivery.SubscriptionId);
            }
        }

        failed.ExceptWith(succeeded);
        // Only the subscriptions whose state flips are written (most batches write none), in one statement so that two
        // workers lock the rows in the same order.
        var recovered = succeeded.Where(id => subscriptions[id].FailingSince is not null).ToList();
        var flipped = recovered.Concat(failed.Where(id => subscriptions[id].FailingSince is null)).ToList();
        if (flipped.Count > 0)
        {
            await db.WebhookSubscriptions.Where(s => flipped.Contains(s.Id))
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.FailingSince, s => recovered.Contains(s.Id) ? null : (DateTimeOffset?)done), ct);
        }

        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        logger.LogInformation("Webhook deliveries: {Delivered} delivered, {Failed} failed of {Claimed} claimed.",
            claimed.Count(d => d.Status == WebhookDeliveryStatus.Delivered), claimed.Count(d => d.Status != WebhookDeliveryStatus.Delivered), claimed.Count);

        // The subscription's row version moves with every change to it, the dispatchers' own bookkeeping included: a
        // disable that lost a race is tried again, and the next failed round tries again after that.
        for (var attempt = 0; failed.Count > 0 && attempt < 3; attempt++)
        {
            try
            {
                await DisableFailingAsync(failed, ct);
                break;
            }
            catch (DbUpdateConcurrencyException)
            {
            }
        }

        return claimed.Count;
    }

    private async Task<SendOutcome?> AttemptAsync(WebhookDelivery delivery, WebhookSubscription subscription, RecordChange change, WebhookSecrets secrets,
        DateTimeOffset now, CancellationToken ct)
    {
        if (delivery.IsExpired(now, _options.MaxAge))
        {
            return null;
        }

        IReadOnlyList<byte[]> keys;
        try
        {
            keys = secrets.Keys(subscription.SigningSecrets(now));
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            // The key ring of this instance does not hold the key yet (another instance just made it): try again later.
            return new SendOutcome(false, 0, null, "The signing key is not available on this instance yet");
        }

        return await sender.SendAsync(new Uri(subscription.Url), delivery.MessageId, WebhookPayload.Write(change), keys, ct);
    }

    /// <summary>
    /// Disables the subscriptions whose every attempt has failed for <c>Webhooks:DisableAfter</c>, saying why (an audited
    /// change, by the system), and fails their pending deliveries: after that commit, in a statement of its own, as a
    /// deletion does (<see cref="WebhooksController"/>), for it may wait for another dispatcher holding one of them. A
    /// delivery left pending between the two is never sent: only an active subscription's deliveries are claimed.
    /// </summary>
    private async Task DisableFailingAsync(HashSet<Guid> failing, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var now = clock.GetUtcNow();
        var since = now - _options.DisableAfter;
        var toDisable = await db.WebhookSubscriptions
            .Where(s => failing.Contains(s.Id) && s.Status == WebhookStatus.Active && s.FailingSince != null && s.FailingSince <= since)
            .ToListAsync(ct);
        if (toDisable.Count == 0)
        {
            return;
        }

        foreach (var subscription in toDisable)
        {
            var last = await db.WebhookDeliveries.AsNoTracking().Where(d => d.SubscriptionId == subscription.Id && d.LastError != null)
                .OrderByDescending(d => d.LastAttemptAt).Select(d => d.LastError).FirstOrDefaultAsync(ct);
            subscription.Disable(string.Create(CultureInfo.InvariantCulture,
                $"Every attempt since {subscription.FailingSince:yyyy-MM-dd'T'HH:mm:ss'Z'} failed (the last: {last ?? "unknown"}). Subscribe again once the endpoint answers; the change feed has what was missed."), now);
        }

        await db.SaveChangesAsync(ct);
        await WebhookOutbox.AbandonPendingAsync(db, [.. toDisable.Select(s => s.Id)], "The subscription was disabled", ct);
        logger.LogWarning("Disabled {Count} webhook subscription(s) that failed for {Span}.", toDisable.Count, _options.DisableAfter);
    }
}
