using PrisonerReleaseTracker.Domain.Access;

namespace PrisonerReleaseTracker.Domain.Lists;

/// <summary>Who decides a match: a key, its organization and its role.</summary>
public sealed record Decider(Guid KeyId, string Organization, Role Role);

/// <summary>
/// A Verifier's decision on whom an entry names: a person on record, or nobody ("no such person in the record").
/// Append-only: a later decision replaces it for the reconciliation, the earlier one stays. Each names its organization.
/// </summary>
public sealed class MatchDecision
{
    private MatchDecision() { Note = null!; Organization = null!; }

    public Guid Id { get; private set; }
    public Guid ListId { get; private set; }
    public Guid EntryId { get; private set; }
    /// <summary>The entry's number in its list, as the route names it.</summary>
    public int EntryNumber { get; private set; }
    /// <summary>The person the entry names; null for nobody on record.</summary>
    public Guid? DetaineeId { get; private set; }
    /// <summary>Why, trimmed: every decision says it.</summary>
    public string Note { get; private set; }
    /// <summary>The API key that decided.</summary>
    public Guid KeyId { get; private set; }
    /// <summary>The deciding key's organization: each decision names it.</summary>
    public string Organization { get; private set; }
    /// <summary>The deciding key's role when it decided.</summary>
    public Role Role { get; private set; }
    /// <summary>When the server recorded it: the reconciliation known at an earlier moment does not count it.</summary>
    public DateTimeOffset RecordedAt { get; private set; }

    /// <summary>
    /// Records a decision on entry <paramref name="entryNumber"/> of <paramref name="list"/>. <paramref name="upload"/> is the
    /// entry's match as the decider sees it; <paramref name="deciderHoldsListOrMatch"/> whether the decider holds the list or the
    /// record of the person it matches: an Exact match is overruled only by them.
    /// </summary>
    public static MatchDecision Decide(NamedList list, Guid entryId, int entryNumber, Guid? detaineeId, string note, Decider decider,
        MatchResult upload, bool deciderHoldsListOrMatch, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(list);
        ArgumentNullException.ThrowIfNull(decider);
        if (!MatchRules.MayOverrule(upload, detaineeId, deciderHoldsListOrMatch))
        {
            throw new DomainRuleException("An Exact match is overruled only by who holds the list or the matched record",
                "The entry matches a person on record by an identifier; only the list's organization or the organization holding that person may decide otherwise.");
        }

        return new MatchDecision
        {
            Id = Guid.CreateVersion7(now),
            ListId = list.Id,
            EntryId = entryId,
            EntryNumber = entryNumber,
            DetaineeId = detaineeId,
            Note = note.Trim(),
            KeyId = decider.KeyId,
            Organization = decider.Organization,
            Role = decider.Role,
            RecordedAt = now,
        };
    }
}
