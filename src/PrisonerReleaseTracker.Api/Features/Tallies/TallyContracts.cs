using PrisonerReleaseTracker.Api.Features.Exports;
using PrisonerReleaseTracker.Api.Features.Totals;

namespace PrisonerReleaseTracker.Api.Features.Tallies;

/// <summary>A figure to publish: the totals query it freezes, as the record knows it at the moment of publication.</summary>
/// <param name="Title">What the figure is, in the publisher's words.</param>
/// <param name="From">First release day counted.</param>
/// <param name="To">Last release day counted.</param>
/// <param name="AsOf">The moment the figures are true at: not after the moment of publication.</param>
/// <param name="GroupBy">A breakdown of the verified releases, as the totals take it.</param>
/// <param name="VerifiedBy">Count only this organization's decisions.</param>
/// <param name="Note">Anything a reader should know.</param>
/// <param name="Supersedes">The number of an earlier tally of the same organization that this one corrects.</param>
public sealed record PublishTallyRequest(string Title, DateOnly? From, DateOnly? To, DateTimeOffset? AsOf, TotalsGroupBy? GroupBy, string? VerifiedBy,
    string? Note, long? Supersedes);

internal sealed class PublishTallyRequestValidator : AbstractValidator<PublishTallyRequest>
{
    public PublishTallyRequestValidator()
    {
        RuleFor(r => r.Title).NotEmpty().MaximumLength(Limits.ShortText);
        RuleFor(r => r.From).NotNull();
        RuleFor(r => r.To).NotNull().GreaterThanOrEqualTo(r => r.From).When(r => r.From is not null).WithMessage("Must not be before from.");
        RuleFor(r => r.To).Must((r, to) => to!.Value.DayNumber - r.From!.Value.DayNumber < TimelineQueryValidator.MaxBuckets)
            .When(r => r is { From: not null, To: not null }).WithMessage($"At most {TimelineQueryValidator.MaxBuckets} days.");
        RuleFor(r => r.AsOf).NotNull();
        RuleFor(r => r.VerifiedBy).MaximumLength(Limits.ShortText);
        RuleFor(r => r.Note).MaximumLength(Limits.Note);
        RuleFor(r => r.Supersedes).GreaterThan(0);
    }
}

/// <summary>A published tally: the frozen figures, their digests, and how to cite and check them.</summary>
/// <param name="Number">The tally's number, what a citation names.</param>
/// <param name="Title">What the figure is.</param>
/// <param name="Note">Anything a reader should know.</param>
/// <param name="Organization">The publishing organization.</param>
/// <param name="From">First release day counted.</param>
/// <param name="To">Last release day counted.</param>
/// <param name="AsOf">The moment the figures are true at.</param>
/// <param name="KnownAt">The moment of publication: the figures count only what the record knew then.</param>
/// <param name="GroupBy">The breakdown, if any.</param>
/// <param name="VerifiedBy">Only this organization's decisions count, when given.</param>
/// <param name="FormatVersion">The version of the canonical forms the digests are taken over.</param>
/// <param name="Answer">The frozen figures.</param>
/// <param name="CanonicalAnswer">The answer as RFC 8785 canonical JSON: the exact text <c>answerDigest</c> is the SHA-256 of.</param>
/// <param name="AnswerDigest">SHA-256 of <c>canonicalAnswer</c>, hexadecimal.</param>
/// <param name="InputsDigest">SHA-256 of the canonical JSON array of the input rows' hashes, in order.</param>
/// <param name="InputCount">Rows of the input manifest: one per release counted.</param>
/// <param name="Supersedes">The tally this one corrects.</param>
/// <param name="SupersededBy">The tally that corrects this one.</param>
/// <param name="Citation">A line to quote.</param>
/// <param name="Url">The tally's permanent address.</param>
/// <param name="ETag">The version, as the <c>ETag</c> header carries it.</param>
public sealed record TallyResponse(long Number, string Title, string? Note, string Organization, DateOnly From, DateOnly To, DateTimeOffset AsOf,
    DateTimeOffset KnownAt, TotalsGroupBy? GroupBy, string? VerifiedBy, int FormatVersion, TallyAnswer? Answer, [property: LongText(TallyResponse.CanonicalAnswerMaxLength)] string CanonicalAnswer, string AnswerDigest,
    string InputsDigest, int InputCount, long? Supersedes, long? SupersededBy, string Citation, Uri Url, [property: JsonPropertyName("etag")] string ETag)
    : IVersioned
{
    /// <summary>The longest canonical answer the document allows: 16 MiB, far beyond the largest breakdown and claims a period has.</summary>
    public const int CanonicalAnswerMaxLength = 16 * 1024 * 1024;
}

/// <summary>A tally's input manifest: one row per release counted, the same shape for every person.</summary>
/// <param name="Number">The tally.</param>
/// <param name="GroupBy">The breakdown, whose field each row carries.</param>
/// <param name="InputsDigest">SHA-256 of the canonical JSON array of <c>rowHash</c>, in this order.</param>
/// <param name="Rows">The rows, ordered by token.</param>
public sealed record TallyInputsResponse(long Number, TotalsGroupBy? GroupBy, string InputsDigest, IReadOnlyList<TallyInputRow> Rows);

/// <summary>One release counted.</summary>
/// <param name="Token">Opaque outside this tally: an HMAC of the release id under the tally's own key.</param>
/// <param name="ReleasedOn">The release day.</param>
/// <param name="Status">The release's status as of the tally's moment.</param>
/// <param name="Group">The release's value of the breakdown's field (several joined by <c>;</c>), when the tally has a breakdown.</param>
/// <param name="Row">The row as RFC 8785 canonical JSON: what <c>rowHash</c> is the SHA-256 of.</param>
/// <param name="RowHash">SHA-256 of <c>row</c>, hexadecimal.</param>
public sealed record TallyInputRow(string Token, DateOnly ReleasedOn, VerificationStatus Status, string? Group, string Row, string RowHash);

/// <summary>Which form the manifest comes in.</summary>
public sealed record TallyInputsQuery
{
    /// <summary><c>csv</c> or <c>json</c>; when omitted, the <c>Accept</c> header decides, else JSON.</summary>
    public ExportFormat? Format { get; init; }
}

/// <summary>Whether a tally reproduces from the record, and what the same question answers as known now.</summary>
/// <param name="Number">The tally.</param>
/// <param name="Reproduces">The stored answer and inputs match their digests, and recomputing the tally from the record as known at its moment gives the same digests.</param>
/// <param name="StoredAnswerMatchesDigest">SHA-256 of the stored canonical answer equals the stored answer digest.</param>
/// <param name="StoredInputsMatchDigest">The stored row hashes give the stored inputs digest.</param>
/// <param name="AnswerDigest">The digest published.</param>
/// <param name="RecomputedAnswerDigest">The digest of the answer recomputed now from the record as known at the tally's moment.</param>
/// <param name="InputsDigest">The inputs digest published.</param>
/// <param name="RecomputedInputsDigest">The inputs digest recomputed so.</param>
/// <param name="KnownNow">The moment the comparison below reads the record at.</param>
/// <param name="ChangedSince">For the same query as known now, per status: the releases that entered it, left it, or changed the breakdown's field.</param>
public sealed record TallyCheckResponse(long Number, bool Reproduces, bool StoredAnswerMatchesDigest, bool StoredInputsMatchDigest, string AnswerDigest,
    string RecomputedAnswerDigest, string InputsDigest, string RecomputedInputsDigest, DateTimeOffset KnownNow, IReadOnlyList<StatusChange> ChangedSince);

/// <summary>How one status of the tally's query moved between its publication and now.</summary>
/// <param name="Status">The status.</param>
/// <param name="Added">Releases in this status now that were not in it at publication (new to the record, or moved from another status).</param>
/// <param name="Removed">Releases in this status at publication that are not now.</param>
/// <param name="Changed">Releases in this status both times whose breakdown field changed.</param>
/// <param name="AddedIds">For a keyed caller, the added releases it may see.</param>
/// <param name="RemovedIds">For a keyed caller, the removed releases it may see.</param>
/// <param name="ChangedIds">For a keyed caller, the changed releases it may see.</param>
public sealed record StatusChange(VerificationStatus Status, int Added, int Removed, int Changed, IReadOnlyList<Guid>? AddedIds,
    IReadOnlyList<Guid>? RemovedIds, IReadOnlyList<Guid>? ChangedIds);

/// <summary>Filters of the tally list.</summary>
public sealed record TallyListQuery : PageQuery
{
    /// <summary>Only tallies published by this organization.</summary>
    public string? Organization { get; init; }
}

internal sealed class TallyListQueryValidator : PageQueryValidator<TallyListQuery>
{
    public TallyListQueryValidator() => RuleFor(q => q.Organization).MaximumLength(Limits.ShortText);
}
