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
    public ClaimCount Count { get; private set; }
    public string OriginalText { get; private set; }
    public List<Guid> SourceIds { get; private set; } = [];
    public Guid? SupersedesClaimId { get; private set; }
    public ClaimStatus Status { get; private set; }
    /// <summary>Since when the claim no longer stands: the superseding claim's statedAt, or the retraction time.</summary>
    public DateTimeOffset? EndedAt { get; private set; }
    /// <summary>
    /// When the record learned that the claim no longer stands (the superseding claim or the retraction was recorded):
    /// a revision dated earlier than it was entered ends the claim, as known, only from this moment.
    /// </summary>
    public DateTimeOffset? EndRecordedAt { get; private set; }
    public string? RetractionNote { get; private set; }
    public string Organization { get; private set; }
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
