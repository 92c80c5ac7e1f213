namespace PrisonerReleaseTracker.Api.Data;

/// <summary>
/// Which organizations' protected people each source is cited for, by a release or a decision: what the withheld-source
/// rule (<see cref="Infrastructure.Visibility.WithheldSourceRule"/>) reads, one index probe a source, instead of every
/// release and decision that cites it. Kept exact by database triggers in the same transaction as every write that
/// changes it (migration <c>ProtectedCitations</c>): a release or a decision that cites sources, a release's sources or
/// person changed, a release deleted, a person made protected or no longer, or moved to another organization.
/// </summary>
/// <remarks>
/// A trigger that reads whether a person is protected first takes the person's row lock (<c>FOR NO KEY UPDATE</c>, as
/// the totals' person chain does), and a change of the person's protection holds the same lock while its trigger moves
/// the person's citations: whichever commits first, the other sees it, so a citation is never counted under a
/// protection that has just changed. A person deleted
/// with their releases leaves their counts behind: their sources stay withheld (the safe side) until
/// <see cref="Rebuild"/>. A load that turns triggers off (<c>session_replication_role = replica</c>) rebuilds after it.
/// </remarks>
public static class ProtectedCitations
{
    /// <summary>The statement trigger on <c>releases</c> inserts, and the row trigger on a change of a release's sources or person.</summary>
    public const string ReleasesInserted = "releases_protected_citations_insert";
    public const string ReleasesChanged = "releases_protected_citations_update";
    public const string ReleasesDeleted = "releases_protected_citations_delete";

    /// <summary>The statement trigger on <c>verification_events</c> (append-only: inserts only).</summary>
    public const string DecisionsInserted = "verification_events_protected_citations_insert";

    /// <summary>The row trigger on a change of a person's protection or organization.</summary>
    public const string PersonChanged = "detainees_protected_citations_update";

    /// <summary>Recomputes the table from the records (the SQL function the migration made): <c>SELECT prt_rebuild_protected_citations()</c>.</summary>
    public const string Rebuild = "prt_rebuild_protected_citations";

    /// <summary>
    /// The rows the table should hold, computed from the records without writing (what <see cref="Rebuild"/> inserts):
    /// <c>SELECT * FROM prt_protected_citations_from_records()</c>.
    /// </summary>
    public const string FromRecords = "prt_protected_citations_from_records";
}

/// <summary>
/// How many citations of <see cref="SourceId"/>, by releases and decisions, concern protected people of
/// <see cref="Organization"/>. A source with any row whose count is above zero is withheld from every reader who may
/// not identify that organization's protected people.
/// </summary>
public sealed class ProtectedCitation
{
    private ProtectedCitation() { Organization = null!; }

    public Guid SourceId { get; private set; }

    /// <summary>The organization that holds the protected people's records.</summary>
    public string Organization { get; private set; }

    /// <summary>Releases and decisions citing the source for those people; zero once the last goes (the row stays).</summary>
    public int Citations { get; private set; }
}
