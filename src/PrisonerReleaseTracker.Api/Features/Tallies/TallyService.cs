using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using PrisonerReleaseTracker.Api.Features.Totals;
using PrisonerReleaseTracker.Api.Infrastructure.Json;

namespace PrisonerReleaseTracker.Api.Features.Tallies;

/// <summary>
/// Freezes a totals answer as the record knows it at the moment of publication (a tally), and checks one later: the
/// same replay (<see cref="ReplaySql"/>) at the tally's own moments must give the same digests, whatever was written since.
/// </summary>
public sealed class TallyService(AppDbContext db, TotalsReader totals, DataVersion version, TimeProvider clock)
{
    /// <summary>
    /// Publishes the tally <paramref name="request"/> asks for, in one transaction that holds the audit chain's lock
    /// from the start: its moment of publication is the transaction's recorded moment (<see cref="RecordedMoment"/>),
    /// every write recorded before it has committed, and every later one is recorded after it.
    /// </summary>
    public async Task<Tally> PublishAsync(PublishTallyRequest request, Caller caller, CancellationToken ct)
    {
        await using var transaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        var knownAt = (await AuditTrail.LockAsync(db, clock, ct)).Recorded;
        var superseded = request.Supersedes is { } earlier ? await db.Tallies.AsNoTracking().SingleAsync(t => t.Number == earlier, ct) : null;
        var supersededBy = superseded is null ? null
            : await db.Tallies.Where(t => t.SupersedesNumber == superseded.Number).Select(t => (long?)t.Number).FirstOrDefaultAsync(ct);
        var query = new TallyQuery(request.From!.Value, request.To!.Value, Microseconds(request.AsOf!.Value), GroupByName(request.GroupBy),
            string.IsNullOrWhiteSpace(request.VerifiedBy) ? null : request.VerifiedBy);
        var frozen = await FreezeAsync(query, knownAt, TallyFormat.NewKey(), ct);
        var number = (await db.Tallies.MaxAsync(t => (long?)t.Number, ct) ?? 0) + 1;
        var tally = Tally.Publish(new TallyPublication(request.Title, request.Note, query, request.Supersedes), number,
            new Reporter(caller.KeyId, caller.Organization), knownAt, frozen.Totals, superseded, supersededBy);
        db.Tallies.Add(tally);
        db.TallyInputs.AddRange(frozen.Rows.Select((row, position) => TallyInput.Of(tally.Id, position, row.Text, row.Hash)));
        await db.SaveChangesAsync(ct);
        if (transaction is not null)
        {
            await transaction.CommitAsync(ct);
            await version.BumpAsync(db, ct);
        }

        return tally;
    }

    /// <summary>
    /// Recomputes <paramref name="tally"/> from the record as known at its moment and compares digests; then compares
    /// the releases it counted with those the same query counts as known now. A keyed <paramref name="caller"/> also
    /// gets the ids of the releases that moved, among those whose person it may identify (<see cref="Domain.Access.Disclosure"/>).
    /// </summary>
    public async Task<TallyCheckResponse> CheckAsync(Tally tally, Caller? caller, CancellationToken ct)
    {
        var query = tally.Query;
        var frozen = await FreezeAsync(query, tally.KnownAt, tally.InputKey, ct);
        var stored = await db.TallyInputs.AsNoTracking().Where(i => i.TallyId == tally.Id).OrderBy(i => i.Position).ToListAsync(ct);
        var answerIntact = TallyAnswer.Digest(tally.Answer) == tally.AnswerDigest;
        var inputsIntact = stored.Count == tally.InputCount && TallyFormat.InputsDigest(stored.Select(i => i.RowHash)) == tally.InputsDigest
            && stored.All(i => Sha256(i.Row) == i.RowHash);
        var reproduces = answerIntact && inputsIntact && frozen.Totals.AnswerDigest == tally.AnswerDigest && frozen.Totals.InputsDigest == tally.InputsDigest;

        var now = clock.GetUtcNow();
        var current = await totals.CountedReleasesAsync(TotalsScope.Replayed(query.From, query.To, query.AsOf, now, query.VerifiedBy), ct);
        var field = GroupField(query.GroupBy);
        var then = frozen.Counted.ToDictionary(r => r.ReleaseId);
        var later = current.ToDictionary(r => r.ReleaseId);
        var moves = Enum.GetValues<VerificationStatus>().Select(status => (
            Status: status,
            Added: current.Where(r => r.Status == status.ToString() && then.GetValueOrDefault(r.ReleaseId)?.Status != r.Status).Select(r => r.ReleaseId).ToList(),
            Removed: frozen.Counted.Where(r => r.Status == status.ToString() && later.GetValueOrDefault(r.ReleaseId)?.Status != r.Status).Select(r => r.ReleaseId).ToList(),
            Changed: frozen.Counted.Where(r => r.Status == status.ToString() && later.GetValueOrDefault(r.ReleaseId) is { } now
                && now.Status == r.Status && field is not null && Value(field.Value, now)?.ToJsonString() != Value(field.Value, r)?.ToJsonString())
                .Select(r => r.ReleaseId).ToList())).ToList();

        var visible = caller is null ? null : await VisibleAsync(caller, [.. moves.SelectMany(m => m.Added.Concat(m.Removed).Concat(m.Changed))], ct);
        List<Guid>? Seen(List<Guid> ids) => visible is null ? null : [.. ids.Where(visible.Contains).Order()];
        return new TallyCheckResponse(tally.Number, reproduces, answerIntact, inputsIntact, tally.AnswerDigest, frozen.Totals.AnswerDigest,
            tally.InputsDigest, frozen.Totals.InputsDigest, now,
            [.. moves.Select(m => new StatusChange(m.Status, m.Added.Count, m.Removed.Count, m.Changed.Count, Seen(m.Added), Seen(m.Removed), Seen(m.Changed)))]);
    }

    /// <summary>The rows of a tally's manifest as its JSON view shows them, with the breakdown's value read from each row.</summary>
    public static TallyInputRow ViewOf(TallyInput input, string? groupBy)
    {
        var row = JsonNode.Parse(input.Row)!.AsObject();
        var field = GroupField(groupBy);
        var group = field is null ? null : row[field.Value.Name] switch
        {
            JsonArray items => string.Join(';', items.Select(i => i!.GetValue<string>())),
            JsonValue value => value.GetValueKind() == System.Text.Json.JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString(),
            _ => null,
        };
        return new TallyInputRow(row["token"]!.GetValue<string>(), DateOnly.ParseExact(row["releasedOn"]!.GetValue<string>(), "yyyy-MM-dd", CultureInfo.InvariantCulture),
            Enum.Parse<VerificationStatus>(row["status"]!.GetValue<string>()), group, input.Row, input.RowHash);
    }

    /// <summary>The breakdown of a tally as the totals take it.</summary>
    public static TotalsGroupBy? GroupByOf(string? name) =>
        name is not null && EnumNames.TryParse(typeof(TotalsGroupBy), name, out var value) ? (TotalsGroupBy)value! : null;

    private static string? GroupByName(TotalsGroupBy? groupBy) => groupBy is { } by ? EnumNames.NameOf(typeof(TotalsGroupBy), by) : null;

    private sealed record Frozen(FrozenTotals Totals, List<(string Text, string Hash)> Rows, List<CountedRelease> Counted);

    /// <summary>The answer and the manifest of <paramref name="query"/> as known at <paramref name="knownAt"/>, tokens made with <paramref name="key"/>.</summary>
    private async Task<Frozen> FreezeAsync(TallyQuery query, DateTimeOffset knownAt, byte[] key, CancellationToken ct)
    {
        var scope = TotalsScope.Replayed(query.From, query.To, query.AsOf, knownAt, query.VerifiedBy);
        var answer = AnswerOf(await totals.TotalsAsync(scope, GroupByOf(query.GroupBy), ct), query, knownAt).Canonical();
        var counted = await totals.CountedReleasesAsync(scope, ct);
        var field = GroupField(query.GroupBy);
        var rows = counted
            .Select(r => TallyFormat.Row(TallyFormat.Token(key, r.ReleaseId), r.ReleasedOn, r.Status, field is { } f ? (f.Name, Value(f, r)) : null))
            .OrderBy(row => row["token"]!.GetValue<string>(), StringComparer.Ordinal)
            .Select(row => (Text: CanonicalJson.ToText(row), Hash: TallyFormat.RowHash(row)))
            .ToList();
        return new Frozen(new FrozenTotals(answer, TallyAnswer.Digest(answer), TallyFormat.InputsDigest(rows.Select(r => r.Hash)), rows.Count, key),
            rows, counted);
    }

    /// <summary>The one field of a release a breakdown uses, by the name its manifest rows carry it under; none without a breakdown.</summary>
    private static (string Name, TotalsGroupBy By)? GroupField(string? groupBy) => GroupByOf(groupBy) switch
    {
        TotalsGroupBy.Facility => ("facilityId", TotalsGroupBy.Facility),
        TotalsGroupBy.Nationality => ("nationalities", TotalsGroupBy.Nationality),
        TotalsGroupBy.Category => ("categories", TotalsGroupBy.Category),
        TotalsGroupBy.Gender => ("gender", TotalsGroupBy.Gender),
        TotalsGroupBy.ReleaseKind => ("releaseKind", TotalsGroupBy.ReleaseKind),
        TotalsGroupBy.ChargesDropped => ("chargesDropped", TotalsGroupBy.ChargesDropped),
        _ => null,
    };

    private static JsonNode? Value((string Name, TotalsGroupBy By) field, CountedRelease release) => field.By switch
    {
        TotalsGroupBy.Facility => release.FacilityId?.ToString("D"),
        TotalsGroupBy.Nationality => new JsonArray([.. release.Nationalities.Order(StringComparer.Ordinal).Select(n => (JsonNode)JsonValue.Create(n))]),
        TotalsGroupBy.Category => new JsonArray([.. release.Categories.Order(StringComparer.Ordinal).Select(c => (JsonNode)JsonValue.Create(c))]),
        TotalsGroupBy.Gender => release.Gender,
        TotalsGroupBy.ReleaseKind => release.Kind,
        _ => release.ChargesDropped is { } dropped ? JsonValue.Create(dropped) : null,
    };

    /// <summary>The answer in the tally's own format (<see cref="TallyAnswer"/>), whatever shape the totals answer takes later.</summary>
    private static TallyAnswer AnswerOf(TotalsResponse answer, TallyQuery query, DateTimeOffset knownAt) => new(
        TallyFormat.AnswerFormat, TallyFormat.Day(answer.From), TallyFormat.Day(answer.To), TallyFormat.Instant(answer.AsOf),
        TallyFormat.Instant(knownAt), query.GroupBy, query.VerifiedBy,
        new TallyStatusCounts(answer.Releases.Verified, answer.Releases.UnderVerification, answer.Releases.Reported, answer.Releases.Disputed,
            answer.Releases.Rejected, answer.Releases.Retracted),
        answer.VerifiedPersons, answer.VerifiedWithChargesNotDropped, answer.VerifiedWithChargesUnknown,
        [.. answer.Breakdown.Select(b => new TallyBreakdownItem(b.Key, b.Label, b.Verified))],
        [.. answer.Claims.Select(c => new TallyClaim(c.Claim.Id, c.Claim.Claimant, TallyFormat.Instant(c.Claim.StatedAt), TallyFormat.Day(c.Claim.Period.From),
            TallyFormat.Day(c.Claim.Period.To), c.Claim.Count.Display, c.VerifiedAtClaimTime, c.VerifiedNow))]);

    /// <summary>The releases among <paramref name="ids"/> whose person <paramref name="caller"/> may identify.</summary>
    private async Task<HashSet<Guid>> VisibleAsync(Caller caller, List<Guid> ids, CancellationToken ct)
    {
        var identifiable = db.Detainees.IdentifiableBy(caller).Select(d => d.Id);
        return [.. await db.Releases.Where(r => ids.Contains(r.Id) && identifiable.Contains(r.DetaineeId)).Select(r => r.Id).ToListAsync(ct)];
    }

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>What PostgreSQL keeps of a moment: the figures are computed with the moment as it will be read back.</summary>
    private static DateTimeOffset Microseconds(DateTimeOffset at) => at.ToUniversalTime().AddTicks(-(at.UtcTicks % 10));
}
