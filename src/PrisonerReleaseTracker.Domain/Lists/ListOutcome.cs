using PrisonerReleaseTracker.Domain.Releases;

namespace PrisonerReleaseTracker.Domain.Lists;

/// <summary>What the record says of one entry of a list, as of a moment.</summary>
public enum ListOutcome
{
    /// <summary>A release dated in the list's period, verified.</summary>
    ReleaseVerified,
    /// <summary>A release dated in the list's period, reported, under verification or disputed.</summary>
    ReleaseUnverified,
    /// <summary>A release dated in the list's period, rejected or retracted.</summary>
    ReleaseRejected,
    /// <summary>No release in the period; held, in a house arrest facility (house arrest is not a release).</summary>
    HouseArrest,
    /// <summary>No release in the period; held.</summary>
    StillDetained,
    /// <summary>Not held, released at another time than the list's period.</summary>
    ReleasedOutsidePeriod,
    /// <summary>On record, with no detention to say.</summary>
    NoDetentionRecord,
    /// <summary>No match the reader may see: nobody on record, or someone the reader may not identify.</summary>
    NoVisibleMatch,
    /// <summary>A weak or ambiguous match nobody has decided yet.</summary>
    Unresolved,
    /// <summary>An earlier entry names the same person.</summary>
    DuplicateInList,
}

/// <summary>An entry's match as one reader sees it: the upload's match, or a decision.</summary>
/// <param name="Level">The upload's level as the reader sees it.</param>
/// <param name="Decided">Whether a decision counts for this entry.</param>
/// <param name="PersonId">The person the entry names (decided, or an Exact or Strong match), if the reader may see them.</param>
public sealed record EntryMatch(MatchLevel Level, bool Decided, Guid? PersonId);

/// <summary>What the record holds of a matched person, as of the moment asked about.</summary>
/// <param name="ReleasesInPeriod">The verification status of each release dated in the list's period.</param>
/// <param name="Held">Whether a detention is open.</param>
/// <param name="AtHouseArrest">Whether the open detention is at a house arrest facility.</param>
/// <param name="AnyRelease">Whether the person has any release at all.</param>
public sealed record PersonFacts(IReadOnlyList<VerificationStatus> ReleasesInPeriod, bool Held, bool AtHouseArrest, bool AnyRelease);

/// <summary>The order in which the record decides an entry's outcome.</summary>
public static class OutcomeRules
{
    /// <summary>
    /// A repeated entry is a duplicate; an entry with no match the reader may see is NoVisibleMatch, one with an
    /// undecided weak or ambiguous match Unresolved. For a matched person: a release dated in the period decides
    /// (verified before unverified before rejected); without one, an open detention (house arrest or not); then a
    /// release at any other time; else there is no detention on record.
    /// </summary>
    public static ListOutcome Of(bool duplicate, EntryMatch match, PersonFacts? facts)
    {
        ArgumentNullException.ThrowIfNull(match);
        if (duplicate)
        {
            return ListOutcome.DuplicateInList;
        }

        if (match.PersonId is null || facts is null)
        {
            return !match.Decided && match.Level is MatchLevel.Weak or MatchLevel.Ambiguous ? ListOutcome.Unresolved : ListOutcome.NoVisibleMatch;
        }

        var inPeriod = facts.ReleasesInPeriod.Select(ReleaseOutcome).ToList();
        foreach (var outcome in (ListOutcome[])[ListOutcome.ReleaseVerified, ListOutcome.ReleaseUnverified, ListOutcome.ReleaseRejected])
        {
            if (inPeriod.Contains(outcome))
            {
                return outcome;
            }
        }

        return facts switch
        {
            { Held: true, AtHouseArrest: true } => ListOutcome.HouseArrest,
            { Held: true } => ListOutcome.StillDetained,
            { AnyRelease: true } => ListOutcome.ReleasedOutsidePeriod,
            _ => ListOutcome.NoDetentionRecord,
        };
    }

    /// <summary>What a release in the period says, by its verification status.</summary>
    public static ListOutcome ReleaseOutcome(VerificationStatus status) => status switch
    {
        VerificationStatus.Verified => ListOutcome.ReleaseVerified,
        VerificationStatus.Rejected or VerificationStatus.Retracted => ListOutcome.ReleaseRejected,
        _ => ListOutcome.ReleaseUnverified,
    };
}
