using System.Linq.Expressions;

namespace PrisonerReleaseTracker.Api.Features.Claims;

/// <summary>A stated figure, as stated.</summary>
/// <param name="Qualifier" example="MoreThan">How the figure is qualified.</param>
/// <param name="Value" example="600">The figure.</param>
/// <param name="UpperValue" example="null">The upper end, for Between only.</param>
public sealed record ClaimCountRequest(CountQualifier? Qualifier, int? Value, int? UpperValue);

/// <summary>The period a claim speaks of.</summary>
/// <param name="From" example="2026-01-08">First day.</param>
/// <param name="To" example="2026-01-23">Last day; the date of statedAt when omitted.</param>
public sealed record ClaimPeriodRequest(DateOnly? From, DateOnly? To);

/// <summary>A count somebody stated, to record beside (never into) the verified figures.</summary>
/// <param name="Claimant" example="Government of Venezuela">Who said it.</param>
/// <param name="ClaimantKind" example="Government">What kind of claimant.</param>
/// <param name="Metric" example="Releases">What the figure counts.</param>
/// <param name="StatedAt" example="2026-01-23T18:00:00-04:00">When it was said, with the claimant's offset.</param>
/// <param name="Period">The period it speaks of.</param>
/// <param name="Count">The figure.</param>
/// <param name="OriginalText" example="más de 600">The exact words, in any language.</param>
/// <param name="SourceIds">Where it was said.</param>
/// <param name="SupersedesClaimId">An earlier claim this one revises; it stops standing as of this statedAt.</param>
public sealed record CreateClaimRequest(
    string Claimant, ClaimantKind? ClaimantKind, ClaimMetric? Metric, DateTimeOffset? StatedAt, ClaimPeriodRequest Period,
    ClaimCountRequest Count, string OriginalText, IReadOnlyList<Guid>? SourceIds, Guid? SupersedesClaimId)
{
    /// <summary>The statement, once the validator has seen every required field.</summary>
    internal ClaimStatement ToStatement() => new(Claimant, ClaimantKind!.Value, Metric!.Value, StatedAt!.Value, Period.From!.Value, Period.To,
        new ClaimCount(Count.Qualifier!.Value, Count.Value!.Value, Count.UpperValue), OriginalText, SourceIds ?? []);
}

/// <summary>Why a claim is withdrawn.</summary>
/// <param name="Note" example="The ministry withdrew the figure the next day.">Why.</param>
public sealed record RetractClaimRequest(string Note);

/// <summary>A stated figure, with what it commits to.</summary>
/// <param name="Qualifier">How the figure is qualified.</param>
/// <param name="Value">The figure.</param>
/// <param name="UpperValue">The upper end, for Between.</param>
/// <param name="LowerBound">The least it commits to (MoreThan 600 is 601); null for Approximately and AtMost.</param>
/// <param name="Display">The figure in words: "more than 600".</param>
public sealed record ClaimCountResponse(CountQualifier Qualifier, int Value, int? UpperValue, int? LowerBound, string Display)
{
    internal static ClaimCountResponse From(ClaimCount count) => new(count.Qualifier, count.Value, count.UpperValue, count.LowerBound, count.Display);
}

/// <summary>A period of days.</summary>
/// <param name="From">First day.</param>
/// <param name="To">Last day.</param>
public sealed record PeriodResponse(DateOnly From, DateOnly To);

/// <summary>A count somebody stated.</summary>
/// <param name="Id">Its id.</param>
/// <param name="Claimant">Who said it.</param>
/// <param name="ClaimantKind">What kind of claimant.</param>
/// <param name="Metric">What the figure counts.</param>
/// <param name="StatedAt">When it was said, on the claimant's clock.</param>
/// <param name="Period">The period it speaks of.</param>
/// <param name="Count">The figure.</param>
/// <param name="OriginalText">The exact words.</param>
/// <param name="SourceIds">Where it was said.</param>
/// <param name="SupersedesClaimId">The earlier claim it revises.</param>
/// <param name="Status">Active, Superseded or Retracted.</param>
/// <param name="EndedAt">Since when it no longer stands.</param>
/// <param name="RetractionNote">Why it was retracted.</param>
/// <param name="CreatedAt">When it was recorded.</param>
/// <param name="ETag">The version, as the <c>ETag</c> header carries it: send it back in <c>If-Match</c> or <c>If-None-Match</c>.</param>
public sealed record ClaimResponse(
    Guid Id, string Claimant, ClaimantKind ClaimantKind, ClaimMetric Metric, DateTimeOffset StatedAt, PeriodResponse Period,
    ClaimCountResponse Count, string OriginalText, IReadOnlyList<Guid> SourceIds, Guid? SupersedesClaimId, ClaimStatus Status,
    DateTimeOffset? EndedAt, string? RetractionNote, DateTimeOffset CreatedAt, [property: JsonPropertyName("etag")] string ETag) : IVersioned
{
    internal static ClaimResponse From(Versioned<Claim> read) => From(read.Entity, read.Version);

    internal static ClaimResponse From(Claim c, uint version) => new(
        c.Id, c.Claimant, c.ClaimantKind, c.Metric, c.StatedAtAsStated, new PeriodResponse(c.PeriodFrom, c.PeriodTo),
        ClaimCountResponse.From(c.Count), c.OriginalText, c.SourceIds, c.SupersedesClaimId, c.Status, c.EndedAt, c.RetractionNote, c.CreatedAt,
        ETags.From(version));
}

/// <summary>Filters of the claim list.</summary>
public sealed record ClaimListQuery : RecordPageQuery
{
    /// <summary>Only claims counting this.</summary>
    public ClaimMetric? Metric { get; init; }

    /// <summary>Only claims by this kind of claimant.</summary>
    public ClaimantKind? ClaimantKind { get; init; }

    /// <summary>Only claims stated on or after this day (UTC).</summary>
    public DateOnly? StatedFrom { get; init; }

    /// <summary>Only claims stated on or before this day (UTC).</summary>
    public DateOnly? StatedTo { get; init; }
}

internal sealed class CreateClaimRequestValidator : AbstractValidator<CreateClaimRequest>
{
    public CreateClaimRequestValidator(TimeProvider clock)
    {
        RuleFor(r => r.Claimant).NotEmpty().MaximumLength(Limits.ShortText);
        RuleFor(r => r.ClaimantKind).NotNull();
        RuleFor(r => r.Metric).NotNull();
        RuleFor(r => r.StatedAt).NotNull().LessThanOrEqualTo(_ => clock.GetUtcNow()).WithMessage("Cannot be in the future.");
        RuleFor(r => r.Period).NotNull().SetValidator(new ClaimPeriodRequestValidator());
        RuleFor(r => r.Count).NotNull().SetValidator(new ClaimCountRequestValidator());
        RuleFor(r => r.OriginalText).NotEmpty().MaximumLength(Limits.OriginalText);
        RuleFor(r => r.SourceIds).Must(list => list is null || list.Count <= Limits.ListItems).WithMessage($"At most {Limits.ListItems} items.");
    }
}

internal sealed class ClaimPeriodRequestValidator : AbstractValidator<ClaimPeriodRequest>
{
    public ClaimPeriodRequestValidator()
    {
        RuleFor(p => p.From).NotNull();
        RuleFor(p => p.To).GreaterThanOrEqualTo(p => p.From).When(p => p is { From: not null, To: not null }).WithMessage("Must not be before period.from.");
    }
}

internal sealed class ClaimCountRequestValidator : AbstractValidator<ClaimCountRequest>
{
    public ClaimCountRequestValidator()
    {
        RuleFor(c => c.Qualifier).NotNull();
        RuleFor(c => c.Value).NotNull().GreaterThanOrEqualTo(0);
        RuleFor(c => c.UpperValue).NotNull().GreaterThan(c => c.Value)
            .When(c => c is { Qualifier: CountQualifier.Between, Value: not null }).WithMessage("Between needs an upperValue greater than value.");
        RuleFor(c => c.UpperValue).Null()
            .When(c => c is { Qualifier: not null and not CountQualifier.Between }).WithMessage("Only a Between count has an upperValue.");
    }
}

internal sealed class RetractClaimRequestValidator : AbstractValidator<RetractClaimRequest>
{
    public RetractClaimRequestValidator() => RuleFor(r => r.Note).NotEmpty().MaximumLength(Limits.Note);
}

internal sealed class ClaimListQueryValidator : PageQueryValidator<ClaimListQuery>
{
    public ClaimListQueryValidator() =>
        RuleFor(q => q.StatedTo).GreaterThanOrEqualTo(q => q.StatedFrom).When(q => q.StatedFrom is not null && q.StatedTo is not null)
            .WithMessage("Must not be before statedFrom.");
}
