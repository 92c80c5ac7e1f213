using FluentValidation;
using PrisonerReleaseTracker.Api.Infrastructure;
using PrisonerReleaseTracker.Domain;
using PrisonerReleaseTracker.Domain.Releases;

namespace PrisonerReleaseTracker.Api.Features.Releases;

/// <summary>What the person still faces after release.</summary>
/// <param name="ChargesDropped" example="false">Whether the charges were dropped; null when not known.</param>
/// <param name="TravelBan" example="true">Barred from leaving the country.</param>
/// <param name="BarredFromPublicStatements" example="true">Barred from speaking in public.</param>
/// <param name="MustReportToCourt" example="true">Must report to a court periodically.</param>
public sealed record ReleaseConditionsDto(bool? ChargesDropped, bool TravelBan, bool BarredFromPublicStatements, bool MustReportToCourt)
{
    internal ReleaseConditions ToDomain() => new(ChargesDropped, TravelBan, BarredFromPublicStatements, MustReportToCourt);
}

/// <summary>A release to report. It starts as <c>Reported</c>; the server records who reported it.</summary>
/// <param name="DetentionId">The detention it ends.</param>
/// <param name="ReleasedOn" example="2026-01-24">The day of the release.</param>
/// <param name="Kind" example="Conditional">How the detention ended.</param>
/// <param name="Conditions">What the person still faces; all false and charges unknown when omitted.</param>
/// <param name="FacilityId">The facility released from; the detention's current facility when omitted.</param>
/// <param name="SourceIds">Sources that report it.</param>
/// <param name="Note" example="Released at night, family waiting outside.">Free note.</param>
public sealed record CreateReleaseRequest(
    Guid DetentionId, DateOnly ReleasedOn, ReleaseKind Kind, ReleaseConditionsDto? Conditions, Guid? FacilityId,
    IReadOnlyList<Guid>? SourceIds, string? Note);

/// <summary>A verification decision to record.</summary>
/// <param name="Status" example="Verified">The decision: UnderVerification, Verified, Disputed, Rejected or Retracted.</param>
/// <param name="Method" example="FamilyConfirmation">How it was reached.</param>
/// <param name="OccurredAt" example="2026-01-25T10:30:00-04:00">When the decision was made; not in the future.</param>
/// <param name="Note" example="Confirmed by the family by phone.">Why; required for Disputed, Rejected and Retracted.</param>
/// <param name="SourceIds">Sources behind the decision.</param>
public sealed record VerificationRequest(VerificationStatus Status, VerificationMethod Method, DateTimeOffset OccurredAt, string? Note, IReadOnlyList<Guid>? SourceIds);

/// <summary>A source, as cited.</summary>
/// <param name="Id">Its id.</param>
/// <param name="Url">Where it can be read; null when the source is also cited for a protected person the caller may not identify.</param>
/// <param name="Publisher">Who published it.</param>
/// <param name="Title">Its title; null when the url is.</param>
public sealed record CitedSource(Guid Id, string? Url, string? Publisher, string? Title);

/// <summary>The person released, as the caller may see them.</summary>
/// <param name="Id">The detainee's id.</param>
/// <param name="Name">The name, or a stable pseudonym for a protected person the caller may not identify.</param>
/// <param name="Nationalities">ISO 3166-1 alpha-2 codes.</param>
public sealed record ReleasedPerson(Guid Id, string Name, IReadOnlyList<string> Nationalities);

/// <summary>A release and where its verification stands.</summary>
/// <param name="Id">Its id.</param>
/// <param name="DetentionId">The detention it ended.</param>
/// <param name="Detainee">The person released.</param>
/// <param name="ReleasedOn">The day of the release.</param>
/// <param name="Kind">How the detention ended.</param>
/// <param name="Conditions">What the person still faces.</param>
/// <param name="FacilityId">The facility released from.</param>
/// <param name="Sources">Sources that report it; empty for a protected person the caller may not identify.</param>
/// <param name="Note">Free note; null for a protected person the caller may not identify.</param>
/// <param name="ReportedBy">The key and organization that reported it.</param>
/// <param name="VerificationStatus">The status now: Reported until a first decision.</param>
/// <param name="LastDecidedAt">When the decision behind the status was made.</param>
/// <param name="LastDecidedBy">The organization behind that decision.</param>
/// <param name="CreatedAt">When it was recorded.</param>
public sealed record ReleaseResponse(
    Guid Id, Guid DetentionId, ReleasedPerson Detainee, DateOnly ReleasedOn, ReleaseKind Kind, ReleaseConditionsDto Conditions,
    Guid? FacilityId, IReadOnlyList<CitedSource> Sources, string? Note, ReporterDto ReportedBy, VerificationStatus VerificationStatus,
    DateTimeOffset? LastDecidedAt, string? LastDecidedBy, DateTimeOffset CreatedAt);

/// <summary>Who reported or decided.</summary>
/// <param name="KeyId">The API key.</param>
/// <param name="Organization">Its organization.</param>
public sealed record ReporterDto(Guid KeyId, string Organization);

/// <summary>One decision in a release's verification history.</summary>
/// <param name="Id">Its id.</param>
/// <param name="Sequence">1 for the first decision, then 2, 3...</param>
/// <param name="Status">The decision.</param>
/// <param name="Method">How it was reached.</param>
/// <param name="OccurredAt">When the decision was made.</param>
/// <param name="RecordedAt">When the server recorded it.</param>
/// <param name="DecidedBy">The key and organization behind it.</param>
/// <param name="Note">Why; null for a protected person the caller may not identify.</param>
/// <param name="SourceIds">Sources behind it; empty for a protected person the caller may not identify.</param>
public sealed record VerificationEventResponse(
    Guid Id, int Sequence, VerificationStatus Status, VerificationMethod Method, DateTimeOffset OccurredAt, DateTimeOffset RecordedAt,
    ReporterDto DecidedBy, string? Note, IReadOnlyList<Guid> SourceIds)
{
    internal static VerificationEventResponse From(VerificationEvent e, Seen person) => new(e.Id, e.Sequence, e.Status, e.Method, e.OccurredAt,
        e.RecordedAt, new ReporterDto(e.KeyId, e.Organization), person.Identifying(e.Note), person.Identifying(e.SourceIds));
}

/// <summary>Which releases to list or export; filters combine with AND.</summary>
public sealed record ReleaseFilter
{
    /// <summary>Only releases on or after this day.</summary>
    public DateOnly? ReleasedFrom { get; init; }

    /// <summary>Only releases on or before this day.</summary>
    public DateOnly? ReleasedTo { get; init; }

    /// <summary>Only releases whose verification status is now this.</summary>
    public VerificationStatus? Status { get; init; }

    /// <summary>Only releases from this facility.</summary>
    public Guid? FacilityId { get; init; }

    /// <summary>Only releases of people of this nationality (ISO 3166-1 alpha-2).</summary>
    public string? Nationality { get; init; }

    /// <summary>Only releases of people in this category.</summary>
    public string? Category { get; init; }
}

internal sealed class CreateReleaseRequestValidator : AbstractValidator<CreateReleaseRequest>
{
    public CreateReleaseRequestValidator(TimeProvider clock)
    {
        RuleFor(r => r.DetentionId).NotEmpty();
        RuleFor(r => r.ReleasedOn).LessThanOrEqualTo(_ => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime)).WithMessage("Cannot be in the future.");
        RuleFor(r => r.Kind).IsInEnum();
        RuleFor(r => r.SourceIds).Must(list => list is null || list.Count <= Limits.ListItems).WithMessage($"At most {Limits.ListItems} items.");
        RuleFor(r => r.Note).MaximumLength(Limits.Note);
    }
}

internal sealed class VerificationRequestValidator : AbstractValidator<VerificationRequest>
{
    public VerificationRequestValidator(TimeProvider clock)
    {
        RuleFor(r => r.Status).IsInEnum().NotEqual(VerificationStatus.Reported).WithMessage("A decision cannot be Reported: that is the state before any decision.");
        RuleFor(r => r.Method).IsInEnum();
        RuleFor(r => r.OccurredAt).LessThanOrEqualTo(_ => clock.GetUtcNow()).WithMessage("Cannot be in the future.");
        RuleFor(r => r.Note).MaximumLength(Limits.Note);
        RuleFor(r => r.SourceIds).Must(list => list is null || list.Count <= Limits.ListItems).WithMessage($"At most {Limits.ListItems} items.");
    }
}

internal sealed class ReleaseFilterValidator : AbstractValidator<ReleaseFilter>
{
    public ReleaseFilterValidator()
    {
        RuleFor(q => q.ReleasedTo).GreaterThanOrEqualTo(q => q.ReleasedFrom).When(q => q.ReleasedFrom is not null && q.ReleasedTo is not null)
            .WithMessage("Must not be before releasedFrom.");
        RuleFor(q => q.Nationality).Must(CountryCodes.IsValid).When(q => q.Nationality is not null).WithMessage("Must be an ISO 3166-1 alpha-2 code, such as VE.");
        RuleFor(q => q.Category).MaximumLength(Limits.Code);
    }
}
