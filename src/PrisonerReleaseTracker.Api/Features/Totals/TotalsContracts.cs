using PrisonerReleaseTracker.Api.Features.Claims;

namespace PrisonerReleaseTracker.Api.Features.Totals;

/// <summary>What verified releases can be broken down by.</summary>
public enum TotalsGroupBy
{
    /// <summary>The facility released from.</summary>
    [JsonStringEnumMemberName("facility")] Facility,
    /// <summary>The person's nationalities (a person with two counts under each).</summary>
    [JsonStringEnumMemberName("nationality")] Nationality,
    /// <summary>The person's categories.</summary>
    [JsonStringEnumMemberName("category")] Category,
    /// <summary>The person's gender.</summary>
    [JsonStringEnumMemberName("gender")] Gender,
    /// <summary>How the detention ended.</summary>
    [JsonStringEnumMemberName("releaseKind")] ReleaseKind,
    /// <summary>Whether the charges were dropped: yes, no or unknown.</summary>
    [JsonStringEnumMemberName("chargesDropped")] ChargesDropped,
}

/// <summary>The buckets of a timeline.</summary>
public enum TimelineInterval
{
    /// <summary>One point per day.</summary>
    [JsonStringEnumMemberName("day")] Day,
    /// <summary>One point per ISO week (Monday to Sunday; the first is cut at <c>from</c>).</summary>
    [JsonStringEnumMemberName("week")] Week,
}

/// <summary>The period and the moment a totals answer is about: releases dated in [from, to], each with its verification status as of <c>asOf</c>.</summary>
public abstract record TotalsScopeQuery
{
    /// <summary>First release day counted.</summary>
    /// <example>2026-01-08</example>
    public DateOnly? From { get; init; }

    /// <summary>Last release day counted; the date of <c>asOf</c> when omitted.</summary>
    /// <example>2026-01-23</example>
    public DateOnly? To { get; init; }

    /// <summary>The moment the answer is true at: an RFC 3339 instant, or a date meaning the end of that day (UTC). Now when omitted. From 1900-01-01, and no later than the end of today in any time zone.</summary>
    /// <example>2026-01-23</example>
    public AsOf? AsOf { get; init; }

    /// <summary>
    /// Count only what the record had recorded by this moment: releases reported, decisions and claims entered, and each
    /// person's and release's fields as they then stood. An RFC 3339 instant, or a date meaning the end of that day
    /// (UTC); now when omitted (a later moment means now). With asOf and knownAt both past, the answer never changes again.
    /// </summary>
    /// <example>2026-01-23</example>
    public KnownAt? KnownAt { get; init; }

    /// <summary>Count only the decisions of this organization.</summary>
    public string? VerifiedBy { get; init; }
}

/// <summary>What to count, and how to break the verified releases down.</summary>
public sealed record TotalsQuery : TotalsScopeQuery
{
    /// <summary>Break verified releases down by: facility, nationality, category, gender, releaseKind or chargesDropped.</summary>
    /// <example>nationality</example>
    public TotalsGroupBy? GroupBy { get; init; }
}

/// <summary>What to count, and the buckets of the timeline.</summary>
public sealed record TimelineQuery : TotalsScopeQuery
{
    /// <summary>day (the default) or week (weeks start on Monday; the first is cut at <c>from</c>).</summary>
    /// <example>day</example>
    public TimelineInterval? Interval { get; init; }
}

/// <summary>Releases in the period by their verification status as of the moment.</summary>
/// <param name="Verified">Verified.</param>
/// <param name="UnderVerification">Being verified.</param>
/// <param name="Reported">Reported, no decision yet.</param>
/// <param name="Disputed">Disputed.</param>
/// <param name="Rejected">Rejected.</param>
/// <param name="Retracted">Verified once, then retracted.</param>
public sealed record StatusCounts(int Verified, int UnderVerification, int Reported, int Disputed, int Rejected, int Retracted);

/// <summary>Verified releases sharing one value of the breakdown.</summary>
/// <param name="Key">The value: a facility id, a country code, a category, a gender, a release kind, or yes/no/unknown.</param>
/// <param name="Label">A readable name where the key is an id (facilities).</param>
/// <param name="Verified">Verified releases with that value.</param>
public sealed record BreakdownItem(string Key, string? Label, int Verified);

/// <summary>A claim set beside the verified figures, never added to them.</summary>
/// <param name="Claim">The claim.</param>
/// <param name="VerifiedAtClaimTime">Verified releases in the claim's period as of when it was stated.</param>
/// <param name="VerifiedNow">Verified releases in the claim's period as of <c>asOf</c>.</param>
/// <param name="UnverifiedAtLeast">The claim's lower bound minus verifiedNow, not below zero; null when the claim has no lower bound.</param>
public sealed record ReconciledClaim(ClaimSummary Claim, int VerifiedAtClaimTime, int VerifiedNow, int? UnverifiedAtLeast);

/// <summary>A claim, as shown beside totals.</summary>
/// <param name="Id">Its id.</param>
/// <param name="Claimant">Who said it.</param>
/// <param name="ClaimantKind">What kind of claimant.</param>
/// <param name="Count">The figure.</param>
/// <param name="OriginalText">The exact words.</param>
/// <param name="StatedAt">When it was said, on the claimant's clock.</param>
/// <param name="Period">The period it speaks of.</param>
public sealed record ClaimSummary(Guid Id, string Claimant, Domain.Claims.ClaimantKind ClaimantKind, ClaimCountResponse Count, string OriginalText,
    DateTimeOffset StatedAt, PeriodResponse Period);

/// <summary>Verified totals for a period as of a moment, and the claims beside them.</summary>
/// <param name="From">First release day counted.</param>
/// <param name="To">Last release day counted.</param>
/// <param name="AsOf">The moment the answer is true at.</param>
/// <param name="KnownAt">The moment the answer is known at, when the query named one (a later one is now): it counts only what the
/// record had recorded by then. Null when the query named none: the record as known at the moment of the answer.</param>
/// <param name="Releases">Releases in the period by status as of that moment.</param>
/// <param name="VerifiedPersons">Distinct people among the verified releases.</param>
/// <param name="VerifiedWithChargesPending">Verified releases whose charges were not dropped or are not known to be: the sum of
/// <c>verifiedWithChargesNotDropped</c> and <c>verifiedWithChargesUnknown</c>, kept for the clients that read it.</param>
/// <param name="VerifiedWithChargesNotDropped">Verified releases whose charges are known not to have been dropped.</param>
/// <param name="VerifiedWithChargesUnknown">Verified releases for whom it is not known whether the charges were dropped.</param>
/// <param name="Breakdown">Verified releases by the groupBy dimension; empty without groupBy.</param>
/// <param name="Claims">Active claims about releases, stated by asOf, whose period overlaps [from, to].</param>
public sealed record TotalsResponse(
    DateOnly From, DateOnly To, DateTimeOffset AsOf, DateTimeOffset? KnownAt, StatusCounts Releases, int VerifiedPersons, int VerifiedWithChargesPending,
    int VerifiedWithChargesNotDropped, int VerifiedWithChargesUnknown,
    IReadOnlyList<BreakdownItem> Breakdown, IReadOnlyList<ReconciledClaim> Claims);

/// <summary>One day or week of the timeline.</summary>
/// <param name="Date">The first day of the bucket.</param>
/// <param name="Verified">Releases dated in the bucket that are verified as of asOf.</param>
/// <param name="CumulativeVerified">Verified from <c>from</c> through this bucket.</param>
/// <param name="Reported">Releases dated in the bucket still awaiting any decision as of asOf.</param>
public sealed record TimelinePoint(DateOnly Date, int Verified, int CumulativeVerified, int Reported);

/// <summary>Verified releases over time, with the claims as points beside them.</summary>
/// <param name="From">First day.</param>
/// <param name="To">Last day.</param>
/// <param name="AsOf">The moment the answer is true at.</param>
/// <param name="KnownAt">The moment the answer is known at, when the query named one (a later one is now): it counts only what the
/// record had recorded by then. Null when the query named none: the record as known at the moment of the answer.</param>
/// <param name="Interval">day or week.</param>
/// <param name="Points">One per bucket, in order; they add up to the totals for the same inputs.</param>
/// <param name="Claims">The claims beside them, as in totals.</param>
public sealed record TimelineResponse(DateOnly From, DateOnly To, DateTimeOffset AsOf, DateTimeOffset? KnownAt, TimelineInterval Interval, IReadOnlyList<TimelinePoint> Points,
    IReadOnlyList<ReconciledClaim> Claims);

/// <summary>The rules of the period and the moment, shared by totals and the timeline.</summary>
internal abstract class TotalsScopeQueryValidator<T> : AbstractValidator<T> where T : TotalsScopeQuery
{
    protected TotalsScopeQueryValidator(TimeProvider clock)
    {
        RuleFor(q => q.From).NotNull().WithMessage("from is required (YYYY-MM-DD).");
        RuleFor(q => q.AsOf).Must(asOf => asOf!.Value.IsReachedBy(clock.GetUtcNow())).When(q => q.AsOf is not null).WithMessage(Moment.Expected);
        RuleFor(q => q.To).GreaterThanOrEqualTo(q => q.From).When(q => q.From is not null && q.To is not null).WithMessage("Must not be before from.");
        RuleFor(q => q.VerifiedBy).MaximumLength(Limits.ShortText);
    }
}

internal sealed class TotalsQueryValidator(TimeProvider clock) : TotalsScopeQueryValidator<TotalsQuery>(clock);

internal sealed class TimelineQueryValidator : TotalsScopeQueryValidator<TimelineQuery>
{
    public const int MaxBuckets = 3700;

    public TimelineQueryValidator(TimeProvider clock) : base(clock)
    {
        // The cap holds whatever the parameters: an omitted to is the date of asOf (or today), and counts as well.
        RuleFor(q => q.To).Must((q, to) => to!.Value.DayNumber - q.From!.Value.DayNumber < MaxBuckets)
            .When(q => q.From is not null && q.To is not null).WithMessage($"At most {MaxBuckets} days from from.");
        RuleFor(q => q.From).Must((q, from) => LastDay(q, clock).DayNumber - from!.Value.DayNumber < MaxBuckets)
            .When(q => q.From is not null && q.To is null)
            .WithMessage($"At most {MaxBuckets} days before to, which is the date of asOf (or today) when omitted.");
    }

    /// <summary>The last day a timeline without <c>to</c> counts: the UTC date of asOf, or today.</summary>
    private static DateOnly LastDay(TimelineQuery query, TimeProvider clock) =>
        DateOnly.FromDateTime((query.AsOf?.Instant ?? clock.GetUtcNow()).UtcDateTime);
}
