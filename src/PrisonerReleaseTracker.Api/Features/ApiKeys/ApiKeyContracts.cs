using System.Linq.Expressions;

namespace PrisonerReleaseTracker.Api.Features.ApiKeys;

/// <summary>A key to issue.</summary>
/// <param name="Name" example="Foro Penal field team">What the key is for.</param>
/// <param name="Organization" example="Foro Penal">The organization the key acts for.</param>
/// <param name="Role" example="Contributor">What the key may do.</param>
public sealed record CreateApiKeyRequest(string Name, string Organization, Role? Role);

/// <summary>A key, without its secret.</summary>
/// <param name="Id">Its id.</param>
/// <param name="Name">What it is for.</param>
/// <param name="Organization">The organization it acts for.</param>
/// <param name="Role">What it may do.</param>
/// <param name="Prefix">Its first characters, to recognise it.</param>
/// <param name="CreatedAt">When it was issued.</param>
/// <param name="RevokedAt">When it was revoked, if it was.</param>
/// <param name="ETag">The version, as the <c>ETag</c> header carries it: send it back in <c>If-Match</c> or <c>If-None-Match</c>.</param>
public sealed record ApiKeyResponse(
    Guid Id, string Name, string Organization, Role Role, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt,
    [property: JsonPropertyName("etag")] string ETag) : IVersioned
{
    internal static readonly Expression<Func<ApiKey, ApiKeyResponse>> Projection = k =>
        new ApiKeyResponse(k.Id, k.Name, k.Organization, k.Role, k.Prefix, k.CreatedAt, k.RevokedAt, ETags.From(EF.Property<uint>(k, AppDbContext.RowVersion)));
}

/// <summary>A newly issued key. <c>key</c> is shown this once and never stored.</summary>
/// <param name="Key">The key to send in X-Api-Key. Keep it: it cannot be shown again.</param>
/// <param name="ApiKey">The key's record.</param>
public sealed record CreatedApiKeyResponse(string Key, ApiKeyResponse ApiKey);

/// <summary>Paging of the key list.</summary>
public sealed record ApiKeyListQuery : RecordPageQuery;

internal sealed class CreateApiKeyRequestValidator : AbstractValidator<CreateApiKeyRequest>
{
    public CreateApiKeyRequestValidator()
    {
        RuleFor(r => r.Name).NotEmpty().MaximumLength(Limits.ShortText);
        RuleFor(r => r.Organization).NotEmpty().MaximumLength(Limits.ShortText);
        RuleFor(r => r.Role).NotNull();
    }
}

internal sealed class ApiKeyListQueryValidator : PageQueryValidator<ApiKeyListQuery>;
