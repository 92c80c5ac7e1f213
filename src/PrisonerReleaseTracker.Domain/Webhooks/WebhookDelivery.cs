namespace PrisonerReleaseTracker.Domain.Webhooks;

/// <summary>Where a delivery stands.</summary>
public enum WebhookDeliveryStatus { Pending, Delivered, Failed }

/// <summary>
/// One change to send to one subscription: written in the transaction that makes the change (the outbox), then
/// attempted until the subscriber answers 2xx, or until it is older than the maximum age. Every attempt carries
/// the same message id (<see cref="MessageId"/>), so a subscriber recognizes a message it already has.
/// </summary>
public sealed class WebhookDelivery
{
    public const int MaxError = 200;

    private WebhookDelivery() { }

    public Guid Id { get; private set; }
    public Guid SubscriptionId { get; private set; }
    /// <summary>The change it sends: its sequence in the change feed.</summary>
    public long ChangeSequence { get; private set; }
    public WebhookDeliveryStatus Status { get; private set; }
    /// <summary>HTTP requests sent, over every round.</summary>
    public int Attempts { get; private set; }
    /// <summary>Rounds of attempts that failed; the wait before the next round grows with it.</summary>
    public int FailedRounds { get; private set; }
    /// <summary>When the latest round ended; null before the first.</summary>
    public DateTimeOffset? LastAttemptAt { get; private set; }
    /// <summary>The subscriber's HTTP status in the latest round; null when none answered (a timeout, a refused connection) or nothing was sent.</summary>
    public int? LastStatusCode { get; private set; }
    /// <summary>Why the latest round failed, or why the delivery was abandoned, cut to <see cref="MaxError"/> characters; null once delivered.</summary>
    public string? LastError { get; private set; }
    /// <summary>When the next round is due; null once delivered or failed.</summary>
    public DateTimeOffset? NextAttemptAt { get; private set; }
    /// <summary>When the change was made (the delivery is written in its transaction): the maximum age counts from here, until a redelivery.</summary>
    public DateTimeOffset CreatedAt { get; private set; }
    /// <summary>When it was last asked to be sent again by hand; the maximum age counts from here then.</summary>
    public DateTimeOffset? RedeliveredAt { get; private set; }
    /// <summary>When the subscriber answered 2xx; null until then.</summary>
    public DateTimeOffset? DeliveredAt { get; private set; }

    /// <summary>The <c>webhook-id</c> of every attempt.</summary>
    public string MessageId => "msg_" + Id.ToString("N");

    public static WebhookDelivery Enqueue(Guid subscriptionId, long changeSequence, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        SubscriptionId = subscriptionId,
        ChangeSequence = changeSequence,
        Status = WebhookDeliveryStatus.Pending,
        NextAttemptAt = now,
        CreatedAt = now,
    };

    /// <summary>Whether the delivery has been tried for longer than <paramref name="maxAge"/>.</summary>
    public bool IsExpired(DateTimeOffset now, TimeSpan maxAge) => now - (RedeliveredAt ?? CreatedAt) > maxAge;

    public void Succeeded(int statusCode, int attempts, DateTimeOffset now)
    {
        Attempts += attempts;
        LastAttemptAt = now;
        LastStatusCode = statusCode;
        LastError = null;
        Status = WebhookDeliveryStatus.Delivered;
        DeliveredAt = now;
        NextAttemptAt = null;
    }

    /// <summary>
    /// Records a failed round and schedules the next after <paramref name="wait"/>; a delivery whose next round would
    /// fall past its maximum age fails for good.
    /// </summary>
    public void Failed(int? statusCode, string error, int attempts, DateTimeOffset now, TimeSpan wait, TimeSpan maxAge)
    {
        Attempts += attempts;
        FailedRounds++;
        LastAttemptAt = now;
        LastStatusCode = statusCode;
        LastError = error.Length <= MaxError ? error : error[..MaxError];
        if (IsExpired(now + wait, maxAge))
        {
            Status = WebhookDeliveryStatus.Failed;
            NextAttemptAt = null;
        }
        else
        {
            NextAttemptAt = now + wait;
        }
    }

    /// <summary>Gives up without sending (the subscription was disabled, or the delivery is past its maximum age).</summary>
    public void Abandon(string reason)
    {
        Status = WebhookDeliveryStatus.Failed;
        NextAttemptAt = null;
        LastError = reason.Length <= MaxError ? reason : reason[..MaxError];
    }

    /// <summary>Sends it again now, with the same message id, for another maximum age.</summary>
    public void Redeliver(DateTimeOffset now)
    {
        Status = WebhookDeliveryStatus.Pending;
        NextAttemptAt = now;
        RedeliveredAt = now;
        FailedRounds = 0;
    }
}

/// <summary>
/// The wait before the next round of attempts: exponential (base × 2^(round − 1)), capped, with jitter that
/// keeps between half and all of it, so subscribers that failed together are not retried together.
/// </summary>
public static class DeliveryBackoff
{
    /// <param name="failedRounds">Rounds failed so far, from 1.</param>
    /// <param name="baseDelay">The wait after the first failed round, before jitter.</param>
    /// <param name="maxDelay">The longest wait, before jitter.</param>
    /// <param name="random">A number in [0, 1).</param>
    public static TimeSpan Next(int failedRounds, TimeSpan baseDelay, TimeSpan maxDelay, double random)
    {
        var exponent = Math.Clamp(failedRounds - 1, 0, 30);
        var full = Math.Min(baseDelay.TotalMilliseconds * Math.Pow(2, exponent), maxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(full * (0.5 + (0.5 * Math.Clamp(random, 0, 1))));
    }
}
