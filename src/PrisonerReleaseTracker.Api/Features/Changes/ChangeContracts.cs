namespace PrisonerReleaseTracker.Api.Features.Changes;

/// <summary>What one import wrote, as counts.</summary>
/// <param name="Rows">Rows in the file.</param>
/// <param name="DetaineesCreated">People created.</param>
/// <param name="DetaineesMatched">Rows matched to people already on record (nothing created).</param>
/// <param name="DetentionsCreated">Detentions created.</param>
/// <param name="ReleasesCreated">Releases created.</param>
/// <param name="FacilitiesCreated">Facilities created.</param>
/// <param name="SourcesCreated">Sources created.</param>
public sealed record ImportCountsResponse(
    int Rows, int DetaineesCreated, int DetaineesMatched, int DetentionsCreated, int ReleasesCreated, int FacilitiesCreated, int SourcesCreated)
{
    internal static ImportCountsResponse? From(ImportCounts? counts) => counts is null ? null : new(counts.Rows, counts.DetaineesCreated,
        counts.DetaineesMatched, counts.DetentionsCreated, counts.ReleasesCreated, counts.FacilitiesCreated, counts.SourcesCreated);
}

/// <summary>
/// One change to the record: which record, what happened, when, in commit order. No field of the record: fetch it
/// with your own key to see it as that key may.
/// </summary>
/// <param name="Sequence" example="1042">Its place in the feed: increasing in commit order (not dense). Pass it as <c>cursor</c> to resume after it.</param>
/// <param name="At">When the change was made (server time, just before its commit).</param>
/// <param name="EntityType" example="Release">The kind of record: fetch it at <c>/api/v1/{facilities|detainees|releases|sources|claims}/{entityId}</c>; a detention under its detainee's <c>/detentions</c>; an import is not a record you can fetch.</param>
/// <param name="EntityId">The record (for Imported, the import's id).</param>
/// <param name="Action" example="Decided">Created, Updated, Decided (a verification decision on a release), Retracted or Superseded (a claim that no longer stands), Imported (a bulk import: one item, with its counts). Published and Revoked are reserved.</param>
/// <param name="Etag" example="&quot;81237&quot;">The version the change gave the record: the record's <c>ETag</c> right after it. A read that answers this ETag shows this change and nothing later; another ETag means the record changed since. For Imported, the version of every row the import wrote.</param>
/// <param name="Counts">For Imported: what the import wrote; null otherwise.</param>
public sealed record ChangeItem(long Sequence, DateTimeOffset At, ChangeEntityType EntityType, Guid EntityId, ChangeAction Action, string Etag,
    ImportCountsResponse? Counts)
{
    internal static ChangeItem From(RecordChange change) => new(change.Sequence, change.At, change.EntityType, change.EntityId, change.Action,
        ETags.From((uint)change.Version), ImportCountsResponse.From(change.Counts));
}

/// <summary>Where to read the change feed from.</summary>
public sealed record ChangeListQuery : ISequencePageQuery
{
    /// <summary>How many items (1 to 500).</summary>
    public int Limit { get; init; } = PageQuery.DefaultLimit;

    /// <summary>The <c>sequence</c> of the last item you have (or the previous page's <c>nextCursor</c>); omit to start at the beginning.</summary>
    public string? Cursor { get; init; }

    /// <summary>Only changes to this kind of record.</summary>
    public ChangeEntityType? EntityType { get; init; }
}

internal sealed class ChangeListQueryValidator : SequencePageQueryValidator<ChangeListQuery>
{
    public ChangeListQueryValidator()
        : base("Not a cursor: the sequence of an item of this feed.")
    {
        RuleFor(q => q.EntityType).IsInEnum();
    }
}
