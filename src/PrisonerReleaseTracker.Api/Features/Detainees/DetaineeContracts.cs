namespace PrisonerReleaseTracker.Api.Features.Detainees;

/// <summary>An identifier of the person in another system.</summary>
/// <param name="Scheme" example="foro-penal-case">Whose identifier it is.</param>
/// <param name="Value" example="FP-2026-0412">The identifier.</param>
public sealed record ExternalIdDto(string Scheme, string Value);

/// <summary>A person to record, or their corrected details.</summary>
/// <param name="FullName" example="María Peña Ruiz">Full name as the person is known.</param>
/// <param name="OtherNames" example="[&quot;María Pena&quot;]">Other spellings and names.</param>
/// <param name="Gender" example="Female">Gender as recorded.</param>
/// <param name="BirthDate" example="1968-10">Birth date at the precision known: YYYY, YYYY-MM or YYYY-MM-DD.</param>
/// <param name="Nationalities" example="[&quot;VE&quot;, &quot;ES&quot;]">ISO 3166-1 alpha-2 codes.</param>
/// <param name="Categories" example="[&quot;journalist&quot;]">Free categories, such as journalist or trade unionist.</param>
/// <param name="ExternalIds">Identifiers in other systems.</param>
/// <param name="IsProtected" example="false">Counted in totals but never identified outside the holding organization. Required: a client states it, it is never assumed.</param>
/// <param name="NationalId" example="V-12345678">Sensitive: shown only to the holding organization.</param>
/// <param name="Notes" example="Family asks for discretion.">Sensitive: shown only to the holding organization.</param>
public sealed record DetaineeRequest(
    string FullName,
    IReadOnlyList<string>? OtherNames,
    Gender? Gender,
    PartialDate? BirthDate,
    IReadOnlyList<string>? Nationalities,
    IReadOnlyList<string>? Categories,
    IReadOnlyList<ExternalIdDto>? ExternalIds,
    bool? IsProtected,
    string? NationalId,
    string? Notes)
{
    internal DetaineeDetails ToDetails() => new(
        FullName, OtherNames ?? [], Gender!.Value, BirthDate, Nationalities ?? [], Categories ?? [],
        [.. (ExternalIds ?? []).Select(e => new ExternalId(e.Scheme.Trim(), e.Value.Trim()))], IsProtected!.Value, NationalId, Notes);
}

/// <summary>A person, as the caller may see them.</summary>
/// <param name="Id">Their id.</param>
/// <param name="FullName">Full name.</param>
/// <param name="OtherNames">Other spellings and names.</param>
/// <param name="Gender">Gender as recorded.</param>
/// <param name="BirthDate">Birth date at the precision known.</param>
/// <param name="Nationalities">ISO 3166-1 alpha-2 codes.</param>
/// <param name="Categories">Categories.</param>
/// <param name="ExternalIds">Identifiers in other systems.</param>
/// <param name="IsProtected">Whether the person is protected.</param>
/// <param name="NationalId">Sensitive; null unless the caller's organization holds the record.</param>
/// <param name="Notes">Sensitive; null unless the caller's organization holds the record.</param>
/// <param name="Status">Derived from detentions: Detained, Released or Unknown.</param>
/// <param name="CurrentFacilityId">Where the person is held, while detained.</param>
/// <param name="Organization">The organization that holds the record.</param>
/// <param name="CreatedAt">When it was recorded.</param>
/// <param name="UpdatedAt">When it last changed.</param>
/// <param name="ETag">The version, as the <c>ETag</c> header carries it: send it back in <c>If-Match</c> or <c>If-None-Match</c>.</param>
public sealed record DetaineeResponse(
    Guid Id,
    string FullName,
    IReadOnlyList<string> OtherNames,
    Gender Gender,
    PartialDate? BirthDate,
    IReadOnlyList<string> Nationalities,
    IReadOnlyList<string> Categories,
    IReadOnlyList<ExternalIdDto> ExternalIds,
    bool IsProtected,
    string? NationalId,
    string? Notes,
    DetaineeStatus Status,
    Guid? CurrentFacilityId,
    string Organization,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    [property: JsonPropertyName("etag")] string ETag) : IVersioned;

/// <summary>Which people to list or export; filters combine with AND.</summary>
public sealed record DetaineeFilter
{
    /// <summary>
    /// Words of a person's names (full and other names), in any script and any order: each word must be a whole word or the
    /// start of one (<c>jos ang</c> finds "José Ángel", <c>ngel</c> does not). Case and accents are ignored; punctuation
    /// separates words (<c>hassan</c> finds "al-Hassan"); each Chinese, Japanese or Korean character is a word.
    /// </summary>
    public string? Q { get; init; }

    /// <summary>Only people of this nationality (ISO 3166-1 alpha-2).</summary>
    public string? Nationality { get; init; }

    /// <summary>Only people in this category.</summary>
    public string? Category { get; init; }

    /// <summary>Only people with this status.</summary>
    public DetaineeStatus? Status { get; init; }

    /// <summary>Only people currently held in this facility.</summary>
    public Guid? FacilityId { get; init; }

    /// <summary>Only people with a detention whose arrest date may fall on or after this day.</summary>
    public DateOnly? ArrestedFrom { get; init; }

    /// <summary>Only people with a detention whose arrest date may fall on or before this day.</summary>
    public DateOnly? ArrestedTo { get; init; }
}

internal sealed class DetaineeRequestValidator : AbstractValidator<DetaineeRequest>
{
    public DetaineeRequestValidator(TimeProvider clock)
    {
        RuleFor(r => r.FullName).NotEmpty().MaximumLength(Limits.Name);
        RuleFor(r => r.OtherNames).Must(list => list is null || list.Count <= Limits.ListItems).WithMessage($"At most {Limits.ListItems} items.");
        RuleForEach(r => r.OtherNames).NotEmpty().MaximumLength(Limits.Name);
        RuleFor(r => r.Gender).NotNull();
        RuleFor(r => r.IsProtected).NotNull();
        RuleFor(r => r.BirthDate).Must(d => d is null || !d.Value.IsAfter(DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime)))
            .WithMessage("Cannot be in the future.");
        RuleFor(r => r.Nationalities).Must(list => list is null || list.Count <= Limits.ListItems).WithMessage($"At most {Limits.ListItems} items.");
        RuleForEach(r => r.Nationalities).Must(CountryCodes.IsValid).WithMessage("Must be an ISO 3166-1 alpha-2 code, such as VE.");
        RuleFor(r => r.Categories).Must(list => list is null || list.Count <= Limits.ListItems).WithMessage($"At most {Limits.ListItems} items.");
        RuleForEach(r => r.Categories).NotEmpty().MaximumLength(Limits.Code);
        RuleFor(r => r.ExternalIds).Must(list => list is null || list.Count <= Limits.ListItems).WithMessage($"At most {Limits.ListItems} items.");
        RuleForEach(r => r.ExternalIds).ChildRules(id =>
        {
            id.RuleFor(e => e.Scheme).NotEmpty().MaximumLength(Limits.Code);
            id.RuleFor(e => e.Value).NotEmpty().MaximumLength(Limits.ShortText);
        });
        RuleFor(r => r.NationalId).MaximumLength(Limits.NationalId);
        RuleFor(r => r.Notes).MaximumLength(Limits.Note);
    }
}

internal sealed class DetaineeFilterValidator : AbstractValidator<DetaineeFilter>
{
    public DetaineeFilterValidator()
    {
        RuleFor(q => q.Q).MaximumLength(Limits.Name);
        RuleFor(q => q.Nationality).Must(CountryCodes.IsValid).When(q => q.Nationality is not null).WithMessage("Must be an ISO 3166-1 alpha-2 code, such as VE.");
        RuleFor(q => q.Category).MaximumLength(Limits.Code);
        RuleFor(q => q.ArrestedTo).GreaterThanOrEqualTo(q => q.ArrestedFrom).When(q => q.ArrestedFrom is not null && q.ArrestedTo is not null)
            .WithMessage("Must not be before arrestedFrom.");
    }
}
