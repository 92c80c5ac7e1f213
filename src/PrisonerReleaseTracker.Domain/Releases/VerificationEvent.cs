namespace PrisonerReleaseTracker.Domain.Releases;

/// <summary>Where a release stands in its verification. <c>Reported</c> is the state before any decision.</summary>
public enum VerificationStatus { Reported, UnderVerification, Verified, Disputed, Rejected, Retracted }

/// <summary>How a decision was reached.</summary>
public enum VerificationMethod { FamilyConfirmation, LawyerConfirmation, DirectContact, OfficialDocument, MediaReport, PublicAppearance, Other }

/// <summary>A decision a verifier wants to record.</summary>
public sealed record VerificationDecision(
    VerificationStatus Status,
    VerificationMethod Method,
    DateTimeOffset OccurredAt,
    string? Note,
    IReadOnlyList<Guid> SourceIds,
    Reporter DecidedBy);

/// <summary>One decision about a release. Append-only: a mistake is corrected by a later event.</summary>
public sealed class VerificationEvent
{
    private VerificationEvent() { Organization = null!; }

    public Guid Id { get; private set; }
    public Guid ReleaseId { get; private set; }
    /// <summary>1 for the first decision on a release, then 2, 3...</summary>
    public int Sequence { get; private set; }
    public VerificationStatus Status { get; private set; }
    public VerificationMethod Method { get; private set; }
    /// <summary>When the decision was made.</summary>
    public DateTimeOffset OccurredAt { get; private set; }
    /// <summary>When the server recorded it.</summary>
    public DateTimeOffset RecordedAt { get; private set; }
    public Guid KeyId { get; private set; }
    public string Organization { get; private set; }
    public string? Note { get; private set; }
    public List<Guid> SourceIds { get; private set; } = [];

    internal static VerificationEvent Record(Release release, int sequence, VerificationDecision decision, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        ReleaseId = release.Id,
        Sequence = sequence,
        Status = decision.Status,
        Method = decision.Method,
        OccurredAt = decision.OccurredAt.ToUniversalTime(),
        RecordedAt = now,
        KeyId = decision.DecidedBy.KeyId,
        Organization = decision.DecidedBy.Organization,
        Note = string.IsNullOrWhiteSpace(decision.Note) ? null : decision.Note.Trim(),
        SourceIds = [.. decision.SourceIds.Distinct()],
    };
}
