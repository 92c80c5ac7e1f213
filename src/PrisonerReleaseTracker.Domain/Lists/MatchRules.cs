using PrisonerReleaseTracker.Domain.Detainees;

namespace PrisonerReleaseTracker.Domain.Lists;

/// <summary>How surely an entry names a person on record. The first three are levels of one candidate; the order is their rank.</summary>
public enum MatchLevel
{
    /// <summary>An external id the record holds, or a national id held by the list's own organization.</summary>
    Exact,
    /// <summary>The same name (full or other, folded) and birth dates, known on both sides, that could be the same day.</summary>
    Strong,
    /// <summary>The same name only: a birth date missing on either side, or two that disagree. A Verifier decides.</summary>
    Weak,
    /// <summary>Two or more people at the best level found. A Verifier decides.</summary>
    Ambiguous,
    /// <summary>Nobody on record (that the reader may see).</summary>
    None,
}

/// <summary>A person on record as matching sees them.</summary>
public sealed record RecordPerson(
    Guid Id,
    string FullName,
    IReadOnlyList<string> OtherNames,
    PartialDate? BirthDate,
    IReadOnlyList<ExternalId> ExternalIds,
    string? NationalId,
    string Organization);

/// <summary>An entry's match as one reader sees it.</summary>
/// <param name="Level">The best level among the candidates the reader may see (Ambiguous when two or more share it).</param>
/// <param name="PersonId">The one candidate at that level, if there is exactly one.</param>
public sealed record MatchResult(MatchLevel Level, Guid? PersonId)
{
    public static readonly MatchResult Nobody = new(MatchLevel.None, null);

    /// <summary>The person the entry is taken to name without a decision: only an Exact or a Strong match is.</summary>
    public Guid? Matched => Level is MatchLevel.Exact or MatchLevel.Strong ? PersonId : null;
}

/// <summary>
/// Matching, never merging: each entry is compared once, when the list is uploaded, with the people on record, and the
/// candidates found are kept with their level. Nothing is created or merged. The database runs these rules set-based
/// (<c>ListSql</c>), folding names with <c>prt_fold</c>, which gives equal results for names equal here and in addition
/// separates characters of unspaced scripts (陈卫 and 陈 卫 fold alike).
/// </summary>
public static class MatchRules
{
    /// <summary>Names folded for comparison (case, accents and spacing), each once, empty ones dropped.</summary>
    public static IReadOnlyList<string> Fold(IEnumerable<string> names) =>
        [.. names.Select(TextNormalizer.FoldForMatching).Where(n => n.Length > 0).Distinct(StringComparer.Ordinal)];

    /// <summary>
    /// The level at which <paramref name="entry"/> of a list held by <paramref name="listOrganization"/> names
    /// <paramref name="person"/>, or null when it does not. Another organization's national ids are never compared, so a
    /// match can never say whose national id a list holds.
    /// </summary>
    public static MatchLevel? LevelOf(ListedPerson entry, string listOrganization, RecordPerson person)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(person);
        if (entry.ExternalIds.Intersect(person.ExternalIds).Any()
            || (entry.NationalId is { } listed && person.Organization == listOrganization && person.NationalId == listed))
        {
            return MatchLevel.Exact;
        }

        if (!entry.FoldedNames.Intersect(Fold([person.FullName, .. person.OtherNames]), StringComparer.Ordinal).Any())
        {
            return null;
        }

        return entry.BirthDate is { } listedBirth && person.BirthDate is { } recorded && listedBirth.IsCompatibleWith(recorded)
            ? MatchLevel.Strong
            : MatchLevel.Weak;
    }

    /// <summary>The best level among the candidates (each person counted at their best), Ambiguous when two people share it.</summary>
    public static MatchResult Resolve(IEnumerable<(Guid PersonId, MatchLevel Level)> candidates)
    {
        var best = candidates.Where(c => c.Level is MatchLevel.Exact or MatchLevel.Strong or MatchLevel.Weak)
            .GroupBy(c => c.PersonId, c => c.Level)
            .Select(g => (PersonId: g.Key, Level: g.Min()))
            .GroupBy(c => c.Level)
            .OrderBy(g => g.Key)
            .FirstOrDefault();
        return best is null ? MatchResult.Nobody
            : best.Count() == 1 ? new MatchResult(best.Key, best.Single().PersonId)
            : new MatchResult(MatchLevel.Ambiguous, null);
    }

    /// <summary>
    /// Whether a decision naming <paramref name="decided"/> (null: nobody on record) may stand against the entry's match
    /// <paramref name="upload"/>: an Exact match is overruled only by who holds the list or the matched person's record
    /// (<paramref name="deciderHoldsListOrMatch"/>: the keys of their organizations). Any other match any Verifier may overrule.
    /// </summary>
    public static bool MayOverrule(MatchResult upload, Guid? decided, bool deciderHoldsListOrMatch)
    {
        ArgumentNullException.ThrowIfNull(upload);
        return upload is not { Level: MatchLevel.Exact, PersonId: { } exact } || decided == exact || deciderHoldsListOrMatch;
    }
}

/// <summary>What makes two entries of one list the same person.</summary>
/// <param name="PersonId">The person the entry is matched to (decided, or Exact or Strong), as the reader sees it.</param>
/// <param name="FoldedName">The folded full name as listed.</param>
/// <param name="BirthDate">The birth date as listed.</param>
public sealed record EntryIdentity(Guid? PersonId, string FoldedName, PartialDate? BirthDate);

/// <summary>Entries naming the same person twice: every one after the first is <see cref="ListOutcome.DuplicateInList"/>.</summary>
public static class DuplicateRules
{
    /// <summary>
    /// The same matched person, or the same folded name with the same complete birth date. A name alone never makes a
    /// duplicate: two people may share one.
    /// </summary>
    public static bool SamePerson(EntryIdentity earlier, EntryIdentity later)
    {
        ArgumentNullException.ThrowIfNull(earlier);
        ArgumentNullException.ThrowIfNull(later);
        return (earlier.PersonId is { } person && person == later.PersonId)
            || (earlier.FoldedName == later.FoldedName && earlier.BirthDate is { Precision: DatePrecision.Day } born && later.BirthDate == born);
    }

    /// <summary>For each entry in list order, whether an earlier one names the same person (one pass: what earlier entries named is kept in sets).</summary>
    public static IReadOnlyList<bool> Mark(IReadOnlyList<EntryIdentity> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var people = new HashSet<Guid>();
        var namesBorn = new HashSet<(string, PartialDate)>();
        var marks = new bool[entries.Count];
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            var nameBorn = entry.BirthDate is { Precision: DatePrecision.Day } born ? (entry.FoldedName, born) : ((string, PartialDate)?)null;
            marks[i] = (entry.PersonId is { } person && people.Contains(person)) || (nameBorn is { } key && namesBorn.Contains(key));
            if (entry.PersonId is { } seen)
            {
                people.Add(seen);
            }

            if (nameBorn is { } kept)
            {
                namesBorn.Add(kept);
            }
        }

        return marks;
    }
}
