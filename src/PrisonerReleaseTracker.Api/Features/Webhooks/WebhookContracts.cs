using Microsoft.Extensions.Options;

namespace PrisonerReleaseTracker.Api.Features.Webhooks;

/// <summary>Which changes to send: a kind of record, an action, or both (a missing one matches any).</summary>
/// <param name="EntityType" example="Release">Only changes to this kind of record.</param>
/// <param name="Action" example="Decided">Only changes with this action.</param>
public sealed record WebhookEventFilterDto(ChangeEntityType? EntityType, ChangeAction? Action)
{
    internal WebhookEventFilter ToDomain() => new(EntityType, Action);

    internal static WebhookEventFilterDto From(WebhookEventFilter filter) => new(filter.EntityType, filter.Action);
}

/// <summary>A webhook subscription to make for the caller's organization.</summary>
/// <param name="Url" example="https://partner.example.org/hooks/prisoner-releases">Where to send changes: https, or http to a host the server lists in <c>Webhooks:AllowedHttpHosts</c>.</param>
/// <param name="Events">Which changes to send; every change when omitted or empty.</param>
/// <param name="Description" example="Case system sync">What it is for.</param>
public sealed record CreateWebhookRequest(string Url, IReadOnlyList<WebhookEventFilterDto>? Events, string? Description);

/// <summary>A webhook subscription.</summary>
/// <param name="Id">Its id.</param>
/// <param name="Organization">The organization it belongs to.</param>
/// <param name="Url">Where changes are sent.</param>
/// <param name="Description">What it is for.</param>
/// <param name="Events">Which changes are sent; empty means every change.</param>
/// <param name="Status">Active, or Disabled (after failing for <c>Webhooks:DisableAfter</c>, a day by default).</param>
/// <param name="DisabledAt">When it was disabled.</param>
/// <param name="DisabledReason">Why it was disabled.</param>
/// <param name="CreatedAt">When it was made.</param>
/// <param name="SecretRotatedAt">When its secret was last replaced.</param>
/// <param name="ETag">The version, as the <c>ETag</c> header carries it.</param>
public sealed record WebhookResponse(Guid Id, string Organization, string Url, string? Description, IReadOnlyList<WebhookEventFilterDto> Events,
    WebhookStatus Status, DateTimeOffset? DisabledAt, string? DisabledReason, DateTimeOffset CreatedAt, DateTimeOffset? SecretRotatedAt,
    [property: JsonPropertyName("etag")] string ETag) : IVersioned
{
    internal static WebhookResponse From(WebhookSubscription s, uint version) => new(s.Id, s.Organization, s.Url, s.Description,
        [.. s.Filters.Select(WebhookEventFilterDto.From)], s.Status, s.DisabledAt, s.DisabledReason, s.CreatedAt, s.SecretRotatedAt, ETags.From(version));
}

/// <summary>A subscription with its signing secret, shown this once.</summary>
/// <param name="Secret" example="whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw">The signing secret (Standard Webhooks format). Only an encrypted copy is kept; it is never shown again.</param>
/// <param name="Webhook">The subscription.</param>
public sealed record WebhookWithSecretResponse(string Secret, WebhookResponse Webhook);

/// <summary>One change to send to one subscription, and how sending it went.</summary>
/// <param name="Id">Its id.</param>
/// <param name="MessageId" example="msg_019ad3b2c4e77c1a9b3f5d2e8a6c4b10">The <c>webhook-id</c> header of every attempt.</param>
/// <param name="ChangeSequence">The change's <c>sequence</c> in the change feed.</param>
/// <param name="Type" example="release.decided">The payload's <c>type</c>.</param>
/// <param name="Status">Pending (being tried), Delivered (answered 2xx) or Failed (past the maximum age, or the subscription was disabled).</param>
/// <param name="Attempts">HTTP requests sent so far.</param>
/// <param name="LastStatusCode">The status of the last answer, if any.</param>
/// <param name="LastError">Why the last attempt failed, in a few words.</param>
/// <param name="LastAttemptAt">When it was last tried.</param>
/// <param name="NextAttemptAt">When it will be tried next (Pending only).</param>
/// <param name="CreatedAt">When the change was committed and the delivery written.</param>
/// <param name="DeliveredAt">When the subscriber accepted it.</param>
/// <param name="ETag">The version of this delivery's state.</param>
public sealed record WebhookDeliveryResponse(Guid Id, string MessageId, long ChangeSequence, string Type, WebhookDeliveryStatus Status, int Attempts,
    int? LastStatusCode, string? LastError, DateTimeOffset? LastAttemptAt, DateTimeOffset? NextAttemptAt, DateTimeOffset CreatedAt,
    DateTimeOffset? DeliveredAt, [property: JsonPropertyName("etag")] string ETag)
{
    /// <summary>The deliveries of a page (<see cref="PageQuery.Slice{T}"/>), each with the kind of its change, in id order.</summary>
    internal static async Task<List<WebhookDeliveryResponse>> ListAsync(IQueryable<WebhookDelivery> page, AppDbContext db, CancellationToken ct)
    {
        var rows = await page
            .Join(db.RecordChanges, d => d.ChangeSequence, c => c.Sequence,
                (d, c) => new { Delivery = d, c.EntityType, c.Action, Version = EF.Property<uint>(d, AppDbContext.RowVersion) })
            .ToListAsync(ct);
        return [.. rows.Select(r => From(r.Delivery, r.EntityType, r.Action, r.Version))];
    }

    internal static WebhookDeliveryResponse From(WebhookDelivery d, ChangeEntityType entityType, ChangeAction action, uint version) => new(d.Id,
        d.MessageId, d.ChangeSequence, WebhookPayload.TypeOf(entityType, action), d.Status, d.Attempts, d.LastStatusCode, d.LastError,
        d.LastAttemptAt, d.NextAttemptAt, d.CreatedAt, d.DeliveredAt, ETags.From(version));
}

/// <summary>Filters of a subscription's deliveries.</summary>
public sealed record WebhookDeliveryListQuery : PageQuery
{
    /// <summary>Only deliveries in this state.</summary>
    public WebhookDeliveryStatus? Status { get; init; }
}

internal sealed class WebhookDeliveryListQueryValidator : PageQueryValidator<WebhookDeliveryListQuery>
{
    public WebhookDeliveryListQueryValidator() => RuleFor(q => q.Status).IsInEnum();
}

internal sealed class WebhookListQueryValidator : PageQueryValidator<WebhookListQuery>;

/// <summary>Paging of the subscription list.</summary>
public sealed record WebhookListQuery : PageQuery;

internal sealed class CreateWebhookRequestValidator : AbstractValidator<CreateWebhookRequest>
{
    public CreateWebhookRequestValidator(IOptions<WebhookOptions> options)
    {
        var settings = options.Value;
        RuleFor(r => r.Url).NotEmpty().MaximumLength(Limits.Url).Must(url => UrlProblem(url, settings) is null)
            .WithMessage((_, url) => UrlProblem(url, settings) ?? "");
        RuleFor(r => r.Events).Must(events => events is null || events.Count <= Limits.ListItems).WithMessage($"At most {Limits.ListItems} filters.");
        RuleForEach(r => r.Events).NotNull().ChildRules(filter =>
        {
            filter.RuleFor(f => f.EntityType).IsInEnum();
            filter.RuleFor(f => f.Action).IsInEnum();
        });
        RuleFor(r => r.Description).MaximumLength(WebhookSubscription.MaxDescription);
    }

    /// <summary>
    /// https to anywhere public; http only to listed hosts. An address written out must be public unless its host is
    /// listed (names are checked again at every connection, after they are resolved).
    /// </summary>
    internal static string? UrlProblem(string? text, WebhookOptions settings)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            return "Must be an absolute https URL.";
        }

        if (url.UserInfo.Length > 0 || url.Fragment.Length > 0)
        {
            return "Must not carry a user name, password or fragment.";
        }

        var listed = settings.IsListed(url.IdnHost);
        if (url.Scheme == Uri.UriSchemeHttp && !listed)
        {
            return "Must be https (plain http only to hosts the server lists in Webhooks:AllowedHttpHosts).";
        }

        if (!listed && (url.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6)
            && (!System.Net.IPAddress.TryParse(url.IdnHost.Trim('[', ']'), out var address) || !AddressRules.IsPublic(address)))
        {
            return "Must not point to a loopback, private, link-local or reserved address.";
        }

        return !listed && url.IdnHost.Equals("localhost", StringComparison.OrdinalIgnoreCase) ? "Must not point to this server." : null;
    }
}
