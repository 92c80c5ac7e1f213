using System.Linq.Expressions;

namespace PrisonerReleaseTracker.Api.Features.Detentions;

/// <summary>A detention episode to open.</summary>
/// <param name="ArrestedOn" example="2024-08">Arrest date at the precision known; null when unknown.</param>
/// <param name="ArrestPlace" example="Caracas">Where the arrest happened.</param>
/// <param name="ArrestingAuthority" example="DGCIM">Who made the arrest.</param>
/// <param name="FacilityId">Where the person is held.</param>
/// <param name="Charges" example="[&quot;terrorism&quot;]">Charges, as stated.</param>
public sealed record CreateDetentionRequest(PartialDate? ArrestedOn, string? ArrestPlace, string? ArrestingAuthority, Guid? FacilityId, IReadOnlyList<string>? Charges);

/// <summary>A move of a detention to another facility; house arrest is a facility kind, not a release.</summary>
/// <param name="FacilityId">The facility the person was moved to.</param>
/// <param name="TransferredOn" example="2026-01-10">The day of the move.</param>
public sealed record TransferRequest(Guid? FacilityId, DateOnly? TransferredOn);

/// <summary>One move of a detention.</summary>
/// <param name="FromFacilityId">Where the person was.</param>
/// <param name="ToFacilityId">Where the person was moved.</param>
/// <param name="TransferredOn">The day of the move.</param>
/// <param name="RecordedAt">When it was recorded.</param>
public sealed record TransferResponse(Guid? FromFacilityId, Guid ToFacilityId, DateOnly TransferredOn, DateTimeOffset RecordedAt);

/// <summary>A detention episode and its facility history.</summary>
/// <param name="Id">Its id.</param>
/// <param name="DetaineeId">The person detained.</param>
/// <param name="ArrestedOn">Arrest date at the precision known.</param>
/// <param name="ArrestPlace">Where the arrest happened; null for a protected person the caller may not identify.</param>
/// <param name="ArrestingAuthority">Who made the arrest; null for a protected person the caller may not identify.</param>
/// <param name="FacilityId">Where the person is held now, or was held last.</param>
/// <param name="Charges">Charges, as stated; empty for a protected person the caller may not identify.</param>
/// <param name="IsOpen">Whether the detention is still open (house arrest included).</param>
/// <param name="ReleasedOn">The day a release ended it.</param>
/// <param name="Transfers">Moves between facilities, oldest first.</param>
/// <param name="CreatedAt">When it was recorded.</param>
/// <param name="ETag">The version, as the <c>ETag</c> header carries it: send it back in <c>If-Match</c> or <c>If-None-Match</c>.</param>
public sealed record DetentionResponse(
    Guid Id, Guid DetaineeId, PartialDate? ArrestedOn, string? ArrestPlace, string? ArrestingAuthority, Guid? FacilityId,
    IReadOnlyList<string> Charges, bool IsOpen, DateOnly? ReleasedOn, IReadOnlyList<TransferResponse> Transfers, DateTimeOffset CreatedAt,
    [property: JsonPropertyName("etag")] string ETag) : IVersioned
{
    /// <summary>The answer for a detention, read in SQL.</summary>
    internal static readonly Expression<Func<Detention, DetentionResponse>> Projection = d => new DetentionResponse(
        d.Id, d.DetaineeId, d.ArrestedOn, d.ArrestPlace, d.ArrestingAuthority, d.FacilityId, d.Charges, d.ReleasedOn == null, d.ReleasedOn,
        d.Transfers.OrderBy(t => t.TransferredOn).ThenBy(t => t.RecordedAt)
            .Select(t => new TransferResponse(t.FromFacilityId, t.ToFacilityId, t.TransferredOn, t.RecordedAt)).ToList(),
        d.CreatedAt, ETags.From(EF.Property<uint>(d, AppDbContext.RowVersion)));

    /// <summary>What the caller may see of it: nothing of the arrest of a person the caller may not identify.</summary>
    internal DetentionResponse AsSeen(Seen person) => person.Identified ? this : this with { ArrestPlace = null, ArrestingAuthority = null, Charges = [] };
}

internal sealed class CreateDetentionRequestValidator : AbstractValidator<CreateDetentionRequest>
{
    public CreateDetentionRequestValidator(TimeProvider clock)
    {
        RuleFor(r => r.ArrestedOn).Must(d => d is null || !d.Value.IsAfter(DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime)))
            .WithMessage("Cannot be in the future.");
        RuleFor(r => r.ArrestPlace).MaximumLength(Limits.ShortText);
        RuleFor(r => r.ArrestingAuthority).MaximumLength(Limits.ShortText);
        RuleFor(r => r.Charges).Must(list => list is null || list.Count <= Limits.ListItems).WithMessage($"At most {Limits.ListItems} items.");
        RuleForEach(r => r.Charges).NotEmpty().MaximumLength(Limits.ShortText);
    }
}

internal sealed class TransferRequestValidator : AbstractValidator<TransferRequest>
{
    public TransferRequestValidator(TimeProvider clock)
    {
        RuleFor(r => r.FacilityId).NotNull();
        RuleFor(r => r.TransferredOn).NotNull().LessThanOrEqualTo(_ => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime)).WithMessage("Cannot be in the future.");
    }
}
