namespace PrisonerReleaseTracker.Domain.Claims;

/// <summary>Who made a claim.</summary>
public enum ClaimantKind { Government, Ngo, InternationalBody, Media, Other }

/// <summary>What a claim counts.</summary>
public enum ClaimMetric { Releases, Detained, Arrests }

/// <summary>Whether a claim still stands.</summary>
public enum ClaimStatus { Active, Superseded, Retracted }

/// <summary>A claim as a client states it.</summary>
public sealed record ClaimStatement(
    string Claimant,
    ClaimantKind ClaimantKind,
    ClaimMetric Metric,
    DateTimeOffset StatedAt,
    DateOnly PeriodFrom,
    DateOnly? PeriodTo,
    ClaimCount Count,
    string OriginalText,
    IReadOnlyList<Guid> SourceIds);

/// <summary>
/// A count somebody stated. It stands apart from verified counts: never added to them, only set beside
/// them. Claims are never edited; a revision is a new claim that supersedes the old one.
/// </summary>
public sealed class Claim : Statement
{
    private Claim() { Count = null!; OriginalText = null!; Organization = null!; }

    public Guid Id { get; private set; }
    public ClaimMetric Metric { get; private set; }
    /// <summary>The figure with its qualifier, as stated ("more than 600", "between 80 and 104").</summary>
    public ClaimCount Count { get; private set; }
    /// <summary>The claimant's exact words, in any language.</summary>
    public string OriginalText { get; private set; }
    /// <summary>Where it was said, each source once.</summary>
    public List<Guid> SourceIds { get; private set; } = [];
    /// <summary>The earlier claim this one revises, which stops standing as of this statement; null for none.</summary>
    public Guid? SupersedesClaimId { get; private set; }
    /// <summary>Active until a later statement supersedes it or it is retracted; it never stands again.</summary>
    public ClaimStatus Status { get; private set; }
    /// <summary>Since when the claim no longer stands: the superseding claim's statedAt, or the retraction time.</summary>
    public DateTimeOffset? EndedAt { get; private set; }
    /// <summary>
    /// When the record learned that the claim no longer stands (the superseding claim or the retraction was recorded):
    /// a revision dated earlier than it was entered ends the claim, as known, only from this moment.
    /// </summary>
    public DateTimeOffset? EndRecordedAt { get; private set; }
    /// <summary>Why it was retracted; null unless it was.</summary>
    public string? RetractionNote { get; private set; }
    /// <summary>The organization whose key recorded it: only its keys may retract it or supersede it.</summary>
    public string Organization { get; private set; }
    /// <summary>When the server recorded it: an answer known at an earlier moment does not show it.</summary>
    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>Records a claim; when it revises <paramref name="supersedes"/>, that one stops standing as of this statement.</summary>
    public static Claim State(ClaimStatement statement, Claim? supersedes, string organization, DateTimeOffset now)
    {
        var claim = new Claim
        {
            Id = Guid.CreateVersion7(now),
            Metric = statement.Metric,
            Count = statement.Count,
            OriginalText = statement.OriginalText,
            SourceIds = [.. statement.SourceIds.Distinct()],
            Status = ClaimStatus.Active,
            Organization = organization,
            CreatedAt = now,
        };
        claim.Date(statement.Claimant, statement.ClaimantKind, statement.StatedAt, statement.PeriodFrom, statement.PeriodTo, now, "claim", "stated");

        if (supersedes is not null)
        {
            supersedes.SupersedeBy(claim);
            claim.SupersedesClaimId = supersedes.Id;
        }

        return claim;
    }

    public void Retract(string note, DateTimeOffset now)
    {
        if (Status != ClaimStatus.Active)
        {
            throw new DomainRuleException("Only an active claim can be retracted", $"The claim is {Status}.");
        }

        Status = ClaimStatus.Retracted;
        EndedAt = now.ToUniversalTime();
        EndRecordedAt = EndedAt;
        RetractionNote = note;
    }

    private void SupersedeBy(Claim newer)
    {
        if (Status != ClaimStatus.Active)
        {
            throw new DomainRuleException("Only an active claim can be superseded", $"The claim is {Status}.");
        }

        if (newer.StatedAt < StatedAt)
        {
            throw new DomainRuleException("A claim can only be superseded by a later statement",
                "The new claim's statedAt is before the one it supersedes.");
        }

        Status = ClaimStatus.Superseded;
        EndedAt = newer.StatedAt;
        EndRecordedAt = newer.CreatedAt;
    }
}
