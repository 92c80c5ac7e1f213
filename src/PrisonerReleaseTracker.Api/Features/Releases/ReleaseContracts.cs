namespace PrisonerReleaseTracker.Api.Features.Releases;

/// <summary>What the person still faces after release.</summary>
/// <param name="ChargesDropped" example="false">Whether the charges were dropped; null when not known.</param>
/// <param name="TravelBan" example="true">Barred from leaving the country.</param>
/// <param name="BarredFromPublicStatements" example="true">Barred from speaking in public.</param>
/// <param name="MustReportToCourt" example="true">Must report to a court periodically.</param>
public sealed record ReleaseConditionsDto(bool? ChargesDropped, bool TravelBan, bool BarredFromPublicStatements, bool MustReportToCourt);

/// <summary>What the person still faces after release, as reported: every condition stated, charges dropped null when not known.</summary>
/// <param name="ChargesDropped" example="false">Whether the charges were dropped; null when not known.</param>
/// <param name="TravelBan" example="true">Barred from leaving the country.</param>
/// <param name="BarredFromPublicStatements" example="true">Barred from speaking in public.</param>
/// <param name="MustReportToCourt" example="true">Must report to a court periodically.</param>
public sealed record ReleaseConditionsRequest(bool? ChargesDropped, bool? TravelBan, bool? BarredFromPublicStatements, bool? MustReportToCourt)
{
    internal ReleaseConditions ToDomain() => new(ChargesDropped, TravelBan!.Value, BarredFromPublicStatements!.Value, MustReportToCourt!.Value);
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
    Guid? DetentionId, DateOnly? ReleasedOn, ReleaseKind? Kind, ReleaseConditionsRequest? Conditions, Guid? FacilityId,
    IReadOnlyList<Guid>? SourceIds, string? Note)
{
    /// <summary>The report, once the validator has seen every required field.</summary>
    internal ReleaseReport ToReport() =>
        new(ReleasedOn!.Value, Kind!.Value, Conditions?.ToDomain() ?? ReleaseConditions.None, FacilityId, SourceIds ?? [], Note);
}

/// <summary>A verification decision to record.</summary>
/// <param name="Status" example="Verified">The decision: UnderVerification, Verified, Disputed, Rejected or Retracted.</param>
/// <param name="Method" example="FamilyConfirmation">How it was reached.</param>
/// <param name="OccurredAt" example="2026-01-25T10:30:00-04:00">When the decision was made; not in the future.</param>
/// <param name="Note" example="Confirmed by the family by phone.">Why; required for Disputed, Rejected and Retracted.</param>
/// <param name="SourceIds">Sources behind the decision.</param>
/// <param name="ExpectedStatus" example="UnderVerification">The release's status the decision is made on (412 when it is no longer that);
/// this or the release's ETag in <c>If-Match</c> is required (428 without either).</param>
public sealed record VerificationRequest(VerificationStatus? Status, VerificationMethod? Method, DateTimeOffset? OccurredAt, string? Note, IReadOnlyList<Guid>? SourceIds,
    VerificationStatus? ExpectedStatus = null)
{
    /// <summary>The decision, once the validator has seen every required field.</summary>
    internal VerificationDecision ToDecision(Reporter decidedBy) => new(Status!.Value, Method!.Value, OccurredAt!.Value, Note, SourceIds ?? [], decidedBy);
}

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
/// <param name="ETag">The version, as the <c>ETag</c> header carries it; it changes with every decision. Send it in
/// <c>If-Match</c> with a verification decision to decide on exactly what you read.</param>
public sealed record ReleaseResponse(
    Guid Id, Guid DetentionId, ReleasedPerson Detainee, DateOnly ReleasedOn, ReleaseKind Kind, ReleaseConditionsDto Conditions,
    Guid? FacilityId, IReadOnlyList<CitedSource> Sources, string? Note, ReporterDto ReportedBy, VerificationStatus VerificationStatus,
    DateTimeOffset? LastDecidedAt, string? LastDecidedBy, DateTimeOffset CreatedAt, [property: JsonPropertyName("etag")] string ETag) : IVersioned;

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
/// <param name="ETag">The version, as the <c>ETag</c> header carries it: send it back in <c>If-Match</c> or <c>If-None-Match</c>.</param>
public sealed record VerificationEventResponse(
    Guid Id, int Sequence, VerificationStatus Status, VerificationMethod Method, DateTimeOffset OccurredAt, DateTimeOffset RecordedAt,
    ReporterDto DecidedBy, string? Note, IReadOnlyList<Guid> SourceIds, [property: JsonPropertyName("etag")] string ETag) : IVersioned
{
    /// <summary>What the caller may see of it: not why, nor from where, for a person the caller may not identify.</summary>
    internal VerificationEventResponse AsSeen(Seen person) => person.Identified ? this : this with { Note = null, SourceIds = [] };
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
        RuleFor(r => r.DetentionId).NotNull();
        RuleFor(r => r.ReleasedOn).NotNull().LessThanOrEqualTo(_ => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime)).WithMessage("Cannot be in the future.");
        RuleFor(r => r.Kind).NotNull();
        RuleFor(r => r.Conditions!).SetValidator(new ReleaseConditionsRequestValidator()).When(r => r.Conditions is not null);
        RuleFor(r => r.SourceIds).Must(list => list is null || list.Count <= Limits.ListItems).WithMessage($"At most {Limits.ListItems} items.");
        RuleFor(r => r.Note).MaximumLength(Limits.Note);
    }
}

internal sealed class VerificationRequestValidator : AbstractValidator<VerificationRequest>
{
    public VerificationRequestValidator(TimeProvider clock)
    {
        RuleFor(r => r.Status).NotNull().NotEqual(VerificationStatus.Reported).WithMessage("A decision cannot be Reported: that is the state before any decision.");
        RuleFor(r => r.Method).NotNull();
        RuleFor(r => r.OccurredAt).NotNull().LessThanOrEqualTo(_ => clock.GetUtcNow()).WithMessage("Cannot be in the future.");
        RuleFor(r => r.Note).MaximumLength(Limits.Note);
        RuleFor(r => r.SourceIds).Must(list => list is null || list.Count <= Limits.ListItems).WithMessage($"At most {Limits.ListItems} items.");
    }
}

internal sealed class ReleaseConditionsRequestValidator : AbstractValidator<ReleaseConditionsRequest>
{
    public ReleaseConditionsRequestValidator()
    {
        RuleFor(c => c.TravelBan).NotNull();
        RuleFor(c => c.BarredFromPublicStatements).NotNull();
        RuleFor(c => c.MustReportToCourt).NotNull();
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
