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
    /// <summary>The API key that decided: never the key that reported the release.</summary>
    public Guid KeyId { get; private set; }
    /// <summary>The deciding key's organization: a tally or a total that counts one organization's decisions reads this.</summary>
    public string Organization { get; private set; }
    /// <summary>Why, trimmed; null when none was given (required for Disputed, Rejected and Retracted).</summary>
    public string? Note { get; private set; }
    /// <summary>The sources behind the decision, each once.</summary>
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
