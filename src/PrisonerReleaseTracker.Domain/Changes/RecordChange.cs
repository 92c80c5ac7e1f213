using PrisonerReleaseTracker.Domain.Releases;

namespace PrisonerReleaseTracker.Domain.Changes;

/// <summary>The kinds of record the change feed reports.</summary>
public enum ChangeEntityType { Facility, Detainee, Detention, Release, Source, Claim, NamedList, Import }

/// <summary>
/// What happened to a record. <c>Decided</c>: a verification decision on a release; <c>Retracted</c> and
/// <c>Superseded</c>: a claim stopped standing; <c>Imported</c>: a bulk import (one item for the whole file).
/// <c>Published</c> and <c>Revoked</c> are reserved for records that are published and revoked (published tallies).
/// </summary>
public enum ChangeAction { Created, Updated, Decided, Retracted, Superseded, Published, Revoked, Imported }

/// <summary>What one import wrote, as counts.</summary>
public sealed record ImportCounts(
    int Rows, int DetaineesCreated, int DetaineesMatched, int DetentionsCreated, int ReleasesCreated, int FacilitiesCreated, int SourcesCreated);

/// <summary>A change as the writer knows it, before the feed gives it its place.</summary>
/// <param name="EntityType">The kind of record.</param>
/// <param name="EntityId">The record.</param>
/// <param name="Action">What happened to it.</param>
/// <param name="Status">For <see cref="ChangeAction.Decided"/>: the release's status after the decision.</param>
/// <param name="Counts">For <see cref="ChangeAction.Imported"/>: what the import wrote.</param>
public sealed record ChangeDraft(ChangeEntityType EntityType, Guid EntityId, ChangeAction Action, VerificationStatus? Status = null, ImportCounts? Counts = null)
{
    /// <summary>
    /// One draft per record: a unit of work that touches a record several ways reports the strongest. Created wins
    /// (the record is new), then a decision or a claim's end, then a plain update.
    /// </summary>
    public static List<ChangeDraft> OnePerRecord(IEnumerable<ChangeDraft> drafts)
    {
        var byRecord = new Dictionary<(ChangeEntityType, Guid), ChangeDraft>();
        var order = new List<(ChangeEntityType, Guid)>();
        foreach (var draft in drafts)
        {
            var key = (draft.EntityType, draft.EntityId);
            if (!byRecord.TryGetValue(key, out var known))
            {
                byRecord[key] = draft;
                order.Add(key);
            }
            else if (Strength(draft.Action) > Strength(known.Action))
            {
                byRecord[key] = draft;
            }
        }

        return [.. order.Select(key => byRecord[key])];
    }

    private static int Strength(ChangeAction action) => action switch
    {
        ChangeAction.Updated => 0,
        ChangeAction.Created or ChangeAction.Imported or ChangeAction.Published => 2,
        _ => 1,
    };
}

/// <summary>
/// One item of the change feed: which record changed, how, and when, in commit order. It holds no field of the
/// record (only a decision's resulting status and an import's counts), so it shows nothing a reader of the record
/// could not see.
/// </summary>
public sealed class RecordChange
{
    private RecordChange() { }

    /// <summary>The sequence of the audit entry that records this change: increasing in commit order, not dense.</summary>
    public long Sequence { get; private set; }
    /// <summary>When the change was made (server time, in UTC, to the microsecond PostgreSQL keeps), just before its commit.</summary>
    public DateTimeOffset At { get; private set; }
    public ChangeEntityType EntityType { get; private set; }
    /// <summary>The record changed; for an import, the import's id.</summary>
    public Guid EntityId { get; private set; }
    public ChangeAction Action { get; private set; }
    /// <summary>The row version (PostgreSQL transaction id) the change wrote: the record's ETag right after it.</summary>
    public long Version { get; private set; }
    /// <summary>For a decision: the release's status after it.</summary>
    public VerificationStatus? Status { get; private set; }
    /// <summary>For an import: what it wrote.</summary>
    public ImportCounts? Counts { get; private set; }

    public static RecordChange Record(long sequence, ChangeDraft draft, long version, DateTimeOffset now) => new()
    {
        Sequence = sequence,
        At = new DateTimeOffset(now.UtcTicks / 10 * 10, TimeSpan.Zero), // microseconds: what PostgreSQL keeps
        EntityType = draft.EntityType,
        EntityId = draft.EntityId,
        Action = draft.Action,
        Version = version,
        Status = draft.Action == ChangeAction.Decided ? draft.Status : null,
        Counts = draft.Action == ChangeAction.Imported ? draft.Counts : null,
    };
}
