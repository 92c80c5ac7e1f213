namespace PrisonerReleaseTracker.Api.Features.Lists;

/// <summary>One entry reconciled for one reader (see <see cref="ListEntryResponse"/>); <c>Upload</c> is the upload's match among the people the reader may see, before any decision.</summary>
internal sealed record ReconciledEntry(
    Guid Id, int Number, string FullName, PartialDate? BirthDate, ListOutcome Outcome, MatchResult Upload, bool Decided, Guid? PersonId, string? PersonName)
{
    public MatchLevel Level => Upload.Level;

    public ListEntryResponse ToResponse() =>
        new(Id, Number, FullName, BirthDate, Outcome, Level, Decided, PersonId is { } id ? new MatchedPerson(id, PersonName!) : null);
}

/// <summary>
/// Reconciles a list, entry by entry, for one reader as of a moment. Only the people the reader may identify take part:
/// a candidate or a decided person the reader may not identify is, for that reader, not there at all, so an entry that
/// names someone else's protected person is <see cref="ListOutcome.NoVisibleMatch"/> in rows and counts alike, exactly as
/// a name search never finds them. The rules (resolving candidates, duplicates, the order of outcomes) are the domain's.
/// </summary>
public sealed class Reconciliation(AppDbContext db)
{
    internal async Task<IReadOnlyList<ReconciledEntry>> ReconcileAsync(NamedList list, Caller? caller, DateTimeOffset asOf, DateTimeOffset? knownAt,
        CancellationToken ct)
    {
        var listId = list.Id;
        var entries = await db.ListEntries.AsNoTracking().Where(e => e.ListId == listId).OrderBy(e => e.Number)
            .Select(e => new { e.Id, e.Number, e.FullName, e.BirthDate, Folded = EF.Property<string>(e, Data.Configurations.ListEntryConfiguration.FoldedName) })
            .ToListAsync(ct);
        var people = db.Detainees.AsNoTracking().IdentifiableBy(caller);
        // The upload's matches count from the moment they were made.
        var matchesKnown = knownAt is null || list.EntriesUploadedAt <= knownAt;
        var candidates = matchesKnown
            ? await (from c in db.MatchCandidates.AsNoTracking().Where(c => c.ListId == listId)
                     join d in people on c.DetaineeId equals d.Id
                     select new { c.EntryId, c.DetaineeId, c.Level }).ToListAsync(ct)
            : [];
        var decisions = await db.MatchDecisions.AsNoTracking().Where(d => d.ListId == listId && (knownAt == null || d.RecordedAt <= knownAt))
            .OrderBy(d => d.RecordedAt).ThenBy(d => d.Id)
            .Select(d => new { d.EntryId, d.DetaineeId, Visible = d.DetaineeId != null && people.Any(p => p.Id == d.DetaineeId) })
            .ToListAsync(ct);
        var latest = new Dictionary<Guid, (Guid? PersonId, bool Visible)>();
        foreach (var decision in decisions)
        {
            latest[decision.EntryId] = (decision.DetaineeId, decision.Visible);
        }

        var byEntry = candidates.ToLookup(c => c.EntryId, c => (c.DetaineeId, c.Level));
        var uploads = entries.Select(e => MatchRules.Resolve(byEntry[e.Id])).ToList();
        var matches = entries.Select((e, i) => latest.TryGetValue(e.Id, out var decided)
            ? new EntryMatch(uploads[i].Level, true, decided.Visible ? decided.PersonId : null)
            : new EntryMatch(uploads[i].Level, false, uploads[i].Matched)).ToList();
        var duplicates = DuplicateRules.Mark([.. entries.Select((e, i) => new EntryIdentity(matches[i].PersonId, e.Folded, e.BirthDate))]);
        var facts = await FactsAsync([.. matches.Where(m => m.PersonId is not null).Select(m => m.PersonId!.Value).Distinct()], list, asOf, ct);
        return [.. entries.Select((e, i) =>
        {
            var match = matches[i];
            var known = match.PersonId is { } person ? facts[person] : null;
            return new ReconciledEntry(e.Id, e.Number, e.FullName, e.BirthDate, OutcomeRules.Of(duplicates[i], match, known?.Facts), uploads[i],
                match.Decided, match.PersonId, known?.FullName);
        })];
    }

    /// <summary>Whether <paramref name="caller"/> may identify the person <paramref name="personId"/> (false too when there is none).</summary>
    internal Task<bool> IdentifiableAsync(Guid personId, Caller caller, CancellationToken ct) =>
        db.Detainees.AsNoTracking().IdentifiableBy(caller).AnyAsync(d => d.Id == personId, ct);

    private sealed record Known(string FullName, PersonFacts Facts);

    /// <summary>What the record says of each person as of <paramref name="asOf"/>: releases in the list's period with their status then, detentions open then.</summary>
    private async Task<Dictionary<Guid, Known>> FactsAsync(Guid[] ids, NamedList list, DateTimeOffset asOf, CancellationToken ct)
    {
        var (from, to, day) = (list.PeriodFrom, list.PeriodTo, DateOnly.FromDateTime(asOf.UtcDateTime));
        var rows = await db.Detainees.AsNoTracking().Where(d => ids.Contains(d.Id)).Select(d => new
        {
            d.Id,
            d.FullName,
            InPeriod = db.Releases.Where(r => r.DetaineeId == d.Id && r.ReleasedOn >= from && r.ReleasedOn <= to && r.ReleasedOn <= day)
                .Select(r => db.VerificationEvents.Where(e => e.ReleaseId == r.Id && e.OccurredAt <= asOf)
                    .OrderByDescending(e => e.OccurredAt).ThenByDescending(e => e.RecordedAt).Select(e => (VerificationStatus?)e.Status).FirstOrDefault())
                .ToList(),
            Held = d.Detentions.Any(x => x.ReleasedOn == null || x.ReleasedOn > day),
            AtHouseArrest = d.Detentions.Any(x => (x.ReleasedOn == null || x.ReleasedOn > day)
                && db.Facilities.Any(f => f.Id == x.FacilityId && f.Kind == FacilityKind.HouseArrest)),
            AnyRelease = db.Releases.Any(r => r.DetaineeId == d.Id && r.ReleasedOn <= day),
        }).AsSplitQuery().ToListAsync(ct);
        return rows.ToDictionary(r => r.Id, r => new Known(r.FullName,
            new PersonFacts([.. r.InPeriod.Select(s => s ?? VerificationStatus.Reported)], r.Held, r.AtHouseArrest, r.AnyRelease)));
    }

    /// <summary>The reconciliation's counts for <paramref name="caller"/> (null: anonymous), and beside them the claim the list backs.</summary>
    public async Task<ReconciliationResponse> AnswerAsync(NamedList list, Caller? caller, DateTimeOffset asOf, DateTimeOffset? knownAt, CancellationToken ct)
    {
        var entries = await ReconcileAsync(list, caller, asOf, knownAt, ct);
        var distinct = entries.Count(e => e.Outcome != ListOutcome.DuplicateInList);
        var outcomes = entries.GroupBy(e => e.Outcome).ToDictionary(g => g.Key, g => g.Count());
        var claimId = list.ClaimId;
        var claim = claimId is null ? null : await db.Claims.AsNoTracking().SingleAsync(c => c.Id == claimId, ct);
        var backed = claim is null ? null
            : new BackedClaim(claim.Id, claim.Count.Display, claim.Count.LowerBound, distinct, outcomes.GetValueOrDefault(ListOutcome.ReleaseVerified));
        return new ReconciliationResponse(list.Id, asOf, knownAt, entries.Count, distinct, OutcomeCounts.From(outcomes), backed);
    }
}
