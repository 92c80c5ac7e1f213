namespace PrisonerReleaseTracker.Domain.Releases;

/// <summary>The rules every verification decision obeys. Each broken rule names itself.</summary>
public static class VerificationRules
{
    private static readonly Dictionary<VerificationStatus, VerificationStatus[]> LegalNext = new()
    {
        [VerificationStatus.Reported] = [VerificationStatus.UnderVerification, VerificationStatus.Verified, VerificationStatus.Disputed, VerificationStatus.Rejected],
        [VerificationStatus.UnderVerification] = [VerificationStatus.Verified, VerificationStatus.Disputed, VerificationStatus.Rejected],
        [VerificationStatus.Disputed] = [VerificationStatus.UnderVerification, VerificationStatus.Verified, VerificationStatus.Rejected],
        [VerificationStatus.Rejected] = [VerificationStatus.UnderVerification],
        [VerificationStatus.Verified] = [VerificationStatus.Retracted],
        [VerificationStatus.Retracted] = [VerificationStatus.UnderVerification],
    };

    /// <summary>Whether a release may move from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public static bool IsLegalTransition(VerificationStatus from, VerificationStatus to) => LegalNext[from].Contains(to);

    /// <summary>
    /// How a decision to <paramref name="status"/> changes whether its release counts as Verified: +1 for Verified,
    /// -1 for Retracted, 0 otherwise. It holds for every legal history because Verified is entered only from another
    /// status and left only by retraction, so the changes of a history's decisions so far add up to 1 exactly when
    /// its latest decision is Verified. Verified totals add these up in SQL rather than replaying each history.
    /// </summary>
    public static int VerifiedChange(VerificationStatus status) => status switch
    {
        VerificationStatus.Verified => 1,
        VerificationStatus.Retracted => -1,
        _ => 0,
    };

    /// <summary>Disputing, rejecting or retracting says why.</summary>
    public static bool RequiresNote(VerificationStatus status) =>
        status is VerificationStatus.Disputed or VerificationStatus.Rejected or VerificationStatus.Retracted;

    /// <summary>Throws <see cref="DomainRuleException"/> for the first rule the decision breaks.</summary>
    public static void Check(Release release, VerificationEvent? latest, VerificationDecision decision, DateTimeOffset now)
    {
        if (decision.DecidedBy.KeyId == release.ReportedByKeyId)
        {
            throw new DomainRuleException("The key that reported a release cannot verify it",
                "Four eyes: a decision must come from another key than the report.");
        }

        if (!IsLegalTransition(release.Status, decision.Status))
        {
            throw new DomainRuleException("Illegal verification transition",
                $"A release that is {release.Status} cannot become {decision.Status}.");
        }

        if (RequiresNote(decision.Status) && string.IsNullOrWhiteSpace(decision.Note))
        {
            throw new DomainRuleException("A note is required for this decision",
                $"A decision of {decision.Status} must say why in its note.");
        }

        if (decision.OccurredAt > now)
        {
            throw new DomainRuleException("A decision cannot be in the future", "occurredAt is after the server's clock.");
        }

        // The release date is a calendar date where it happened: compare with the decision's own local date.
        if (DateOnly.FromDateTime(decision.OccurredAt.DateTime) < release.ReleasedOn)
        {
            throw new DomainRuleException("A decision cannot predate the release",
                $"The release is dated {release.ReleasedOn:yyyy-MM-dd}.");
        }

        if (latest is not null && decision.OccurredAt < latest.OccurredAt)
        {
            throw new DomainRuleException("A decision cannot predate the previous decision",
                $"The previous decision occurred at {latest.OccurredAt:O}.");
        }
    }
}
