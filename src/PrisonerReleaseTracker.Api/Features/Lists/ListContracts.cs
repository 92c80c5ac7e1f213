using PrisonerReleaseTracker.Api.Features.Claims;
using PrisonerReleaseTracker.Api.Features.Totals;

namespace PrisonerReleaseTracker.Api.Features.Lists;

/// <summary>A list of names somebody published, to reconcile person by person against the record (its entries come next, once).</summary>
/// <param name="Title" example="Lista de excarcelados, 8 al 23 de enero">What the list is called.</param>
/// <param name="Claimant" example="Government of Venezuela">Who published it.</param>
/// <param name="ClaimantKind" example="Government">What kind of claimant.</param>
/// <param name="StatedAt" example="2026-01-23T18:00:00-04:00">When it was published, with the claimant's offset.</param>
/// <param name="Period">The days it speaks of: a release dated in them is what decides an entry.</param>
/// <param name="Metric" example="Releases">What the people listed are said to be.</param>
/// <param name="SourceIds">Where it was published.</param>
/// <param name="ClaimId">The claimed count this list backs, if any.</param>
public sealed record CreateListRequest(
    string Title, string Claimant, ClaimantKind? ClaimantKind, DateTimeOffset? StatedAt, ClaimPeriodRequest Period, ListMetric? Metric,
    IReadOnlyList<Guid>? SourceIds, Guid? ClaimId)
{
    internal ListStatement ToStatement() =>
        new(Title, Claimant, ClaimantKind!.Value, Metric!.Value, StatedAt!.Value, Period.From!.Value, Period.To, SourceIds ?? []);
}

/// <summary>A published list, without its entries.</summary>
/// <param name="Id">Its id.</param>
/// <param name="Title">What the list is called.</param>
/// <param name="Claimant">Who published it.</param>
/// <param name="ClaimantKind">What kind of claimant.</param>
/// <param name="StatedAt">When it was published, on the claimant's clock.</param>
/// <param name="Period">The days it speaks of.</param>
/// <param name="Metric">What the people listed are said to be.</param>
/// <param name="SourceIds">Where it was published.</param>
/// <param name="ClaimId">The claimed count it backs.</param>
/// <param name="Organization">The organization that recorded it.</param>
/// <param name="Size">How many entries it has (0 until they are uploaded).</param>
/// <param name="EntriesUploadedAt">When the entries were uploaded and matched; null until then.</param>
/// <param name="CreatedAt">When it was recorded.</param>
/// <param name="ETag">The version, as the <c>ETag</c> header carries it.</param>
public sealed record ListResponse(
    Guid Id, string Title, string Claimant, ClaimantKind ClaimantKind, DateTimeOffset StatedAt, PeriodResponse Period, ListMetric Metric,
    IReadOnlyList<Guid> SourceIds, Guid? ClaimId, string Organization, int Size, DateTimeOffset? EntriesUploadedAt, DateTimeOffset CreatedAt,
    [property: JsonPropertyName("etag")] string ETag) : IVersioned
{
    internal static ListResponse From(Versioned<NamedList> read) => From(read.Entity, read.Version);

    internal static ListResponse From(NamedList l, uint version) => new(
        l.Id, l.Title, l.Claimant, l.ClaimantKind, l.StatedAtAsStated, new PeriodResponse(l.PeriodFrom, l.PeriodTo), l.Metric, l.SourceIds, l.ClaimId,
        l.Organization, l.EntryCount, l.EntriesUploadedAt, l.CreatedAt, ETags.From(version));
}

/// <summary>Filters of the list of lists.</summary>
public sealed record ListListQuery : RecordPageQuery
{
    /// <summary>Only lists of this metric.</summary>
    public ListMetric? Metric { get; init; }
}

/// <summary>The moments a reconciliation is true at.</summary>
public record ReconciliationQuery
{
    /// <summary>The record as of this moment (release statuses, detentions): an RFC 3339 instant, or a date meaning the end of that day (UTC). Now when omitted.</summary>
    /// <example>2026-01-23</example>
    public AsOf? AsOf { get; init; }

    /// <summary>Only matches and decisions recorded by this moment count (same forms as <c>asOf</c>). All when omitted.</summary>
    /// <example>2026-01-25T12:00:00Z</example>
    public KnownAt? KnownAt { get; init; }
}

/// <summary>The format of an entries listing.</summary>
public enum EntriesFormat
{
    /// <summary>A page of JSON.</summary>
    [JsonStringEnumMemberName("json")] Json,
    /// <summary>Every entry (that the filter selects) as CSV, in list order.</summary>
    [JsonStringEnumMemberName("csv")] Csv,
}

/// <summary>Filters of a list's entries.</summary>
public sealed record ListEntriesQuery : PageQuery
{
    /// <summary>Only entries with this outcome.</summary>
    public ListOutcome? Outcome { get; init; }

    /// <summary>The record as of this moment (see the reconciliation).</summary>
    /// <example>2026-01-23</example>
    public AsOf? AsOf { get; init; }

    /// <summary>Only matches and decisions recorded by this moment count.</summary>
    public KnownAt? KnownAt { get; init; }

    /// <summary><c>json</c> (a page) or <c>csv</c> (every entry, in list order; the paging parameters are ignored).</summary>
    public EntriesFormat? Format { get; init; }
}

/// <summary>How many entries have each outcome: every outcome present, zero included.</summary>
public sealed record OutcomeCounts(
    int ReleaseVerified, int ReleaseUnverified, int ReleaseRejected, int HouseArrest, int StillDetained, int ReleasedOutsidePeriod,
    int NoDetentionRecord, int NoVisibleMatch, int Unresolved, int DuplicateInList)
{
    internal static OutcomeCounts From(IReadOnlyDictionary<ListOutcome, int> counts)
    {
        int Of(ListOutcome outcome) => counts.GetValueOrDefault(outcome);
        return new(Of(ListOutcome.ReleaseVerified), Of(ListOutcome.ReleaseUnverified), Of(ListOutcome.ReleaseRejected), Of(ListOutcome.HouseArrest),
            Of(ListOutcome.StillDetained), Of(ListOutcome.ReleasedOutsidePeriod), Of(ListOutcome.NoDetentionRecord), Of(ListOutcome.NoVisibleMatch),
            Of(ListOutcome.Unresolved), Of(ListOutcome.DuplicateInList));
    }

    /// <summary>The count of <paramref name="outcome"/>.</summary>
    public int Of(ListOutcome outcome) => outcome switch
    {
        ListOutcome.ReleaseVerified => ReleaseVerified,
        ListOutcome.ReleaseUnverified => ReleaseUnverified,
        ListOutcome.ReleaseRejected => ReleaseRejected,
        ListOutcome.HouseArrest => HouseArrest,
        ListOutcome.StillDetained => StillDetained,
        ListOutcome.ReleasedOutsidePeriod => ReleasedOutsidePeriod,
        ListOutcome.NoDetentionRecord => NoDetentionRecord,
        ListOutcome.NoVisibleMatch => NoVisibleMatch,
        ListOutcome.Unresolved => Unresolved,
        _ => DuplicateInList,
    };
}

/// <summary>The claimed count a list backs, beside what the list and the record say.</summary>
/// <param name="ClaimId">The claim.</param>
/// <param name="Display">The figure in words: "more than 600".</param>
/// <param name="LowerBound">The least it commits to; null for Approximately and AtMost.</param>
/// <param name="DistinctPersons">How many distinct people the list names.</param>
/// <param name="Verified">How many of them have a verified release in the list's period.</param>
public sealed record BackedClaim(Guid ClaimId, string Display, int? LowerBound, int DistinctPersons, int Verified);

/// <summary>A list reconciled person by person against the record, as the caller may see it.</summary>
/// <param name="ListId">The list.</param>
/// <param name="AsOf">The moment the record is read at.</param>
/// <param name="KnownAt">Only matches and decisions recorded by then count; null for all.</param>
/// <param name="Entries">How many entries the list has.</param>
/// <param name="DistinctPersons">Entries that do not repeat an earlier one.</param>
/// <param name="Outcomes">How many entries have each outcome.</param>
/// <param name="Claim">The claimed count the list backs, if any.</param>
public sealed record ReconciliationResponse(
    Guid ListId, DateTimeOffset AsOf, DateTimeOffset? KnownAt, int Entries, int DistinctPersons, OutcomeCounts Outcomes, BackedClaim? Claim);

/// <summary>The person an entry is matched to, as the caller may see them.</summary>
/// <param name="Id">The detainee.</param>
/// <param name="FullName">Their name on record.</param>
public sealed record MatchedPerson(Guid Id, string FullName);

/// <summary>One entry of a list, reconciled.</summary>
/// <param name="Id">The entry's id.</param>
/// <param name="Number">Its position in the upload, from 1.</param>
/// <param name="FullName">The name as listed.</param>
/// <param name="BirthDate">The birth date as listed.</param>
/// <param name="Outcome">What the record says of it.</param>
/// <param name="MatchLevel">The upload's match, among the people the caller may see.</param>
/// <param name="Decided">Whether a Verifier's decision counts for it.</param>
/// <param name="Person">The person it names (decided, or an Exact or Strong match), if the caller may see them.</param>
public sealed record ListEntryResponse(
    Guid Id, int Number, string FullName, PartialDate? BirthDate, ListOutcome Outcome, MatchLevel MatchLevel, bool Decided, MatchedPerson? Person);

/// <summary>A Verifier's decision on whom an entry names.</summary>
/// <param name="DetaineeId">The person on record the entry names; null (or absent) for "no such person in the record".</param>
/// <param name="Note" example="Same person: the cédula on the government's list is hers.">Why.</param>
public sealed record MatchDecisionRequest(Guid? DetaineeId, string Note);

/// <summary>A decision on whom an entry names; the latest counts.</summary>
/// <param name="Id">The decision.</param>
/// <param name="ListId">The list.</param>
/// <param name="EntryNumber">The entry.</param>
/// <param name="DetaineeId">The person named; null for nobody on record.</param>
/// <param name="Note">Why.</param>
/// <param name="Organization">The deciding organization.</param>
/// <param name="RecordedAt">When it was recorded.</param>
/// <param name="Entry">The entry as reconciled now, with this decision.</param>
/// <param name="ETag">The version, as the <c>ETag</c> header carries it.</param>
public sealed record MatchDecisionResponse(
    Guid Id, Guid ListId, int EntryNumber, Guid? DetaineeId, string Note, string Organization, DateTimeOffset RecordedAt, ListEntryResponse Entry,
    [property: JsonPropertyName("etag")] string ETag) : IVersioned;

internal sealed class CreateListRequestValidator : AbstractValidator<CreateListRequest>
{
    public CreateListRequestValidator(TimeProvider clock)
    {
        RuleFor(r => r.Title).NotEmpty().MaximumLength(Limits.ShortText);
        RuleFor(r => r.Claimant).NotEmpty().MaximumLength(Limits.ShortText);
        RuleFor(r => r.ClaimantKind).NotNull();
        RuleFor(r => r.Metric).NotNull();
        RuleFor(r => r.StatedAt).NotNull().LessThanOrEqualTo(_ => clock.GetUtcNow()).WithMessage("Cannot be in the future.");
        RuleFor(r => r.Period).NotNull().SetValidator(new ClaimPeriodRequestValidator());
        RuleFor(r => r.SourceIds).Must(list => list is null || list.Count <= Limits.ListItems).WithMessage($"At most {Limits.ListItems} items.");
    }
}

internal sealed class ListListQueryValidator : PageQueryValidator<ListListQuery>;

internal sealed class ListEntriesQueryValidator : PageQueryValidator<ListEntriesQuery>;

internal sealed class MatchDecisionRequestValidator : AbstractValidator<MatchDecisionRequest>
{
    public MatchDecisionRequestValidator() => RuleFor(r => r.Note).NotEmpty().MaximumLength(Limits.Note);
}
