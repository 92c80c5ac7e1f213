using System.Linq.Expressions;

namespace PrisonerReleaseTracker.Api.Features.Facilities;

/// <summary>A place of detention to record.</summary>
/// <param name="Name" example="Centro Penitenciario El Rodeo I">The facility's name.</param>
/// <param name="Kind" example="Prison">What kind of place it is.</param>
/// <param name="City" example="Guatire">The city, if known.</param>
/// <param name="Region" example="Miranda">The region or state, if known.</param>
/// <param name="Country" example="VE">ISO 3166-1 alpha-2 country code.</param>
public sealed record CreateFacilityRequest(string Name, FacilityKind? Kind, string? City, string? Region, string Country);

/// <summary>A place of detention.</summary>
/// <param name="Id">Its id.</param>
/// <param name="Name">Its name.</param>
/// <param name="Kind">What kind of place it is.</param>
/// <param name="City">The city.</param>
/// <param name="Region">The region or state.</param>
/// <param name="Country">ISO 3166-1 alpha-2 country code.</param>
/// <param name="CreatedAt">When it was recorded.</param>
/// <param name="ETag">The version, as the <c>ETag</c> header carries it: send it back in <c>If-Match</c> or <c>If-None-Match</c>.</param>
public sealed record FacilityResponse(
    Guid Id, string Name, FacilityKind Kind, string? City, string? Region, string Country, DateTimeOffset CreatedAt,
    [property: JsonPropertyName("etag")] string ETag) : IVersioned
{
    internal static readonly Expression<Func<Facility, FacilityResponse>> Projection = f =>
        new FacilityResponse(f.Id, f.Name, f.Kind, f.City, f.Region, f.Country, f.CreatedAt, ETags.From(EF.Property<uint>(f, AppDbContext.RowVersion)));
}

/// <summary>Filters of the facility list.</summary>
public sealed record FacilityListQuery : RecordPageQuery
{
    /// <summary>Only facilities in this country (ISO 3166-1 alpha-2).</summary>
    public string? Country { get; init; }

    /// <summary>Only facilities of this kind.</summary>
    public FacilityKind? Kind { get; init; }
}

internal sealed class CreateFacilityRequestValidator : AbstractValidator<CreateFacilityRequest>
{
    public CreateFacilityRequestValidator()
    {
        RuleFor(r => r.Name).NotEmpty().MaximumLength(Limits.Name);
        RuleFor(r => r.Kind).NotNull();
        RuleFor(r => r.City).MaximumLength(Limits.ShortText);
        RuleFor(r => r.Region).MaximumLength(Limits.ShortText);
        RuleFor(r => r.Country).NotEmpty().Must(CountryCodes.IsValid).WithMessage("Must be an ISO 3166-1 alpha-2 code, such as VE.");
    }
}

internal sealed class FacilityListQueryValidator : PageQueryValidator<FacilityListQuery>
{
    public FacilityListQueryValidator() =>
        RuleFor(q => q.Country).Must(CountryCodes.IsValid).When(q => q.Country is not null).WithMessage("Must be an ISO 3166-1 alpha-2 code, such as VE.");
}
