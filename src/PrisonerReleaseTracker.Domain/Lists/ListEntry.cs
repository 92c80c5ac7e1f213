namespace PrisonerReleaseTracker.Domain.Lists;

/// <summary>
/// One entry of a list, as published: never edited. Entries are written in bulk when a list's file is uploaded
/// (<see cref="ListedPerson"/> is what one row says); this is how they are kept.
/// </summary>
public sealed class ListEntry
{
    private ListEntry() { FullName = null!; }

    public Guid Id { get; private set; }
    public Guid ListId { get; private set; }
    /// <summary>Its position in the upload, from 1.</summary>
    public int Number { get; private set; }
    public string FullName { get; private set; }
    public List<string> OtherNames { get; private set; } = [];
    public PartialDate? BirthDate { get; private set; }
    /// <summary>Sensitive: only the list's organization reads it.</summary>
    public string? NationalId { get; private set; }
    /// <summary>As listed, <c>scheme:value</c>.</summary>
    public List<string> ExternalIds { get; private set; } = [];
    /// <summary>ISO 3166-1 alpha-2 codes, as listed.</summary>
    public List<string> Nationalities { get; private set; } = [];
    /// <summary>The facility as the list names it: text, never matched to a facility on record.</summary>
    public string? Facility { get; private set; }
    /// <summary>The release day as the list gives it; the reconciliation reads the record's releases, not this.</summary>
    public DateOnly? ReleasedOn { get; private set; }
    public string? Note { get; private set; }
}

/// <summary>A person on record an entry may name, and how surely: found once, when the list is uploaded, and kept.</summary>
public sealed class MatchCandidate
{
    private MatchCandidate() { }

    public Guid ListId { get; private set; }
    public Guid EntryId { get; private set; }
    public Guid DetaineeId { get; private set; }
    /// <summary>Exact, Strong or Weak.</summary>
    public MatchLevel Level { get; private set; }
}
