using Microsoft.Extensions.Options;

namespace PrisonerReleaseTracker.Api.Features.Webhooks;

/// <summary>
/// Webhooks: an organization's endpoints that are sent every change to the record (or the changes they filter for),
/// signed as the Standard Webhooks specification says, at least once.
/// </summary>
[Route("api/v1/webhooks")]
[Authorize(Policy = Policies.Contributor)]
public sealed class WebhooksController(AppDbContext db, WebhookSecrets secrets, WebhookSignal signal, IOptions<WebhookOptions> options, TimeProvider clock)
    : ControllerBase
{
    /// <summary>List webhook subscriptions</summary>
    /// <remarks>The caller's organization's subscriptions, oldest first, paged with <c>cursor</c>. Secrets are never listed.</remarks>
    [HttpGet]
    [AnswersPage<WebhookResponse>]
    public async Task<IActionResult> ListWebhooks([FromQuery] WebhookListQuery query, CancellationToken ct)
    {
        var fetched = await query.Slice(Visible(), s => s.Id)
            .Select(s => new { Subscription = s, Version = EF.Property<uint>(s, AppDbContext.RowVersion) }).ToListAsync(ct);
        return Ok(query.ToPage([.. fetched.Select(f => WebhookResponse.From(f.Subscription, f.Version))], w => w.Id));
    }

    /// <summary>Get a webhook subscription</summary>
    /// <remarks>With its status, and why it was disabled if it was. Another organization's subscription is not found.</remarks>
    [HttpGet("{id:guid}")]
    [AnswersFound<WebhookResponse>]
    public async Task<IActionResult> GetWebhook(Guid id, CancellationToken ct) =>
        this.Found(await FindAsync(id, ct) is { } subscription ? Respond(subscription) : null, "Webhook");

    /// <summary>Subscribe to changes</summary>
    /// <remarks>
    /// For the caller's organization. The answer holds the signing secret (<c>whsec_…</c>) this once; only an encrypted
    /// copy is kept. The subscription is sent every change committed after it that its <c>events</c> match.
    /// </remarks>
    [HttpPost]
    [AnswersCreated<WebhookWithSecretResponse>(StatusCodes.Status409Conflict)]
    public async Task<IActionResult> CreateWebhook(CreateWebhookRequest request, CancellationToken ct)
    {
        var caller = User.RequiredCaller();
        if (await db.WebhookSubscriptions.CountAsync(s => s.Organization == caller.Organization && s.DeletedAt == null, ct) >= options.Value.MaxPerOrganization)
        {
            return Problems.Result(StatusCodes.Status409Conflict, "An organization has a limited number of webhooks",
                $"At most {options.Value.MaxPerOrganization}; delete one first.");
        }

        var secret = WebhookSecret.Generate();
        var subscription = WebhookSubscription.Create(new Uri(request.Url), [.. (request.Events ?? []).Select(e => e.ToDomain())], request.Description,
            caller.Organization, caller.KeyId, secrets.Protect(secret), clock.GetUtcNow());
        db.WebhookSubscriptions.Add(subscription);
        await db.SaveChangesAsync(ct);
        var response = Respond(subscription);
        return this.CreatedAt(nameof(GetWebhook), new { id = subscription.Id }, response, new WebhookWithSecretResponse(secret, response));
    }

    /// <summary>Delete a webhook subscription</summary>
    /// <remarks>Nothing more is sent to it: deliveries still pending fail. Its secrets are forgotten.</remarks>
    [HttpDelete("{id:guid}")]
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    [Problems(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> DeleteWebhook(Guid id, CancellationToken ct)
    {
        if (await FindAsync(id, ct) is not { } subscription)
        {
            return Problems.NotFound("Webhook");
        }

        // A delete takes no If-Match: it deletes the subscription as it is now, whatever the dispatchers wrote meanwhile.
        if (await SaveOverDispatchersAsync(subscription, s => s.Delete(clock.GetUtcNow()), () => FindAsync(id, ct), 3, ct) is null)
        {
            return Problems.NotFound("Webhook");
        }

        // After the commit, in a statement of its own: it may wait for a dispatcher that holds one of these deliveries,
        // which may itself be waiting for the subscription row this request just wrote.
        await WebhookOutbox.AbandonPendingAsync(db, [subscription.Id], "The subscription was deleted", ct);
        return NoContent();
    }

    /// <summary>Rotate a webhook's signing secret</summary>
    /// <remarks>
    /// The answer holds the new secret, this once. For <c>Webhooks:SecretOverlap</c> (a day by default) every message
    /// is signed with both the new and the previous secret (two signatures in <c>webhook-signature</c>), so the
    /// receiver can switch without missing one.
    /// </remarks>
    [HttpPost("{id:guid}/rotate-secret")]
    [AnswersFound<WebhookWithSecretResponse>]
    public async Task<IActionResult> RotateWebhookSecret(Guid id, CancellationToken ct)
    {
        if (await FindAsync(id, ct) is not { } subscription)
        {
            return Problems.NotFound("Webhook");
        }

        var secret = WebhookSecret.Generate();
        subscription.RotateSecret(secrets.Protect(secret), clock.GetUtcNow(), options.Value.SecretOverlap);
        await db.SaveChangesAsync(ct);
        return Ok(new WebhookWithSecretResponse(secret, Respond(subscription)));
    }

    /// <summary>List a webhook's deliveries</summary>
    /// <remarks>Oldest first, paged with <c>cursor</c>: status, attempts, the last answer's status code and the next attempt.</remarks>
    [HttpGet("{id:guid}/deliveries")]
    [AnswersPage<WebhookDeliveryResponse>(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> ListWebhookDeliveries(Guid id, [FromQuery] WebhookDeliveryListQuery query, CancellationToken ct)
    {
        if (await FindAsync(id, ct) is null)
        {
            return Problems.NotFound("Webhook");
        }

        var deliveries = db.WebhookDeliveries.AsNoTracking().Where(d => d.SubscriptionId == id).WhereGiven(query.Status, status => d => d.Status == status);
        return Ok(query.ToPage(await WebhookDeliveryResponse.ListAsync(query.Slice(deliveries, d => d.Id), db, ct), d => d.Id));
    }

    /// <summary>Send a delivery again</summary>
    /// <remarks>
    /// Now, with the same <c>webhook-id</c>, whatever its state, for another maximum age. A disabled subscription sends
    /// nothing (409): subscribe again.
    /// </remarks>
    [HttpPost("{id:guid}/deliveries/{deliveryId:guid}/redeliver")]
    [ProducesResponseType<WebhookDeliveryResponse>(StatusCodes.Status202Accepted, "application/json")]
    [Problems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict)]
    public async Task<IActionResult> RedeliverWebhookDelivery(Guid id, Guid deliveryId, CancellationToken ct)
    {
        var subscription = await FindAsync(id, ct);
        var delivery = subscription is null ? null : await db.WebhookDeliveries.SingleOrDefaultAsync(d => d.Id == deliveryId && d.SubscriptionId == id, ct);
        if (subscription is null || delivery is null)
        {
            return Problems.NotFound(subscription is null ? "Webhook" : "Delivery");
        }

        if (subscription.Status == WebhookStatus.Disabled)
        {
            return Problems.Result(StatusCodes.Status409Conflict, "A disabled webhook sends nothing", subscription.DisabledReason);
        }

        // A dispatcher may record an attempt meanwhile: a redelivery applies to whatever state it left.
        delivery = await SaveOverDispatchersAsync(delivery, d => d.Redeliver(clock.GetUtcNow()),
            () => db.WebhookDeliveries.SingleOrDefaultAsync(d => d.Id == deliveryId && d.SubscriptionId == id, ct), 5, ct);
        if (delivery is null)
        {
            return Problems.NotFound("Delivery");
        }

        signal.Pulse();
        var change = await db.RecordChanges.AsNoTracking().SingleAsync(c => c.Sequence == delivery.ChangeSequence, ct);
        return Accepted(WebhookDeliveryResponse.From(delivery, change.EntityType, change.Action,
            db.VersionOf(delivery)));
    }

    /// <summary>
    /// Applies <paramref name="change"/> to <paramref name="row"/> and saves it. The dispatchers write their bookkeeping
    /// (an attempt, since when a subscription fails, a disable) into the same rows, which moves their version: when one
    /// did between this request's read and its save, nothing of the failed save is kept (its audit entry neither), the
    /// row is read again and the change applied to that, up to <paramref name="attempts"/> times in all. Null when the
    /// row is gone by then.
    /// </summary>
    private async Task<T?> SaveOverDispatchersAsync<T>(T row, Action<T> change, Func<Task<T?>> readAgain, int attempts, CancellationToken ct)
        where T : class
    {
        for (var attempt = 1; ; attempt++)
        {
            change(row);
            try
            {
                await db.SaveChangesAsync(ct);
                return row;
            }
            catch (DbUpdateConcurrencyException) when (attempt < attempts)
            {
                db.ChangeTracker.Clear();
                if (await readAgain() is not { } again)
                {
                    return null;
                }

                row = again;
            }
        }
    }

    /// <summary>The subscriptions the caller may manage: those it holds (<see cref="Disclosure.Holds"/>).</summary>
    private IQueryable<WebhookSubscription> Visible()
    {
        var caller = User.RequiredCaller();
        var (organization, role) = (caller.Organization, caller.Role);
        return db.WebhookSubscriptions.Where(s => s.DeletedAt == null && Disclosure.Holds(organization, role, s.Organization));
    }

    private Task<WebhookSubscription?> FindAsync(Guid id, CancellationToken ct) => Visible().SingleOrDefaultAsync(s => s.Id == id, ct);

    private WebhookResponse Respond(WebhookSubscription subscription) =>
        WebhookResponse.From(subscription, db.VersionOf(subscription));
}
