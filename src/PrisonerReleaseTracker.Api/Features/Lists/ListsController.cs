using Microsoft.AspNetCore.Http.Timeouts;
using CsvHelper;
using PrisonerReleaseTracker.Api.Features.Changes;
using PrisonerReleaseTracker.Api.Features.Imports;
using PrisonerReleaseTracker.Api.Features.Sources;

namespace PrisonerReleaseTracker.Api.Features.Lists;

/// <summary>Named lists: a claimed list of names, reconciled person by person against the record. Matched, never merged.</summary>
[Route("api/v1/lists")]
[Tags("Named lists")]
public sealed class ListsController(AppDbContext db, Reconciliation reconciliation, TimeProvider clock) : ControllerBase
{
    /// <summary>List named lists</summary>
    /// <remarks>Anyone may read lists: title, claimant, dates and size. Ordered by creation, paged with <c>cursor</c>.</remarks>
    [HttpGet]
    [AllowAnonymous]
    [Budget(BudgetKind.ListRead)]
    [AnswersPage<ListResponse>]
    public async Task<IActionResult> ListLists([FromQuery] ListListQuery query, CancellationToken ct)
    {
        var lists = db.NamedLists.AsNoTracking().WhereGiven(query.Metric, metric => l => l.Metric == metric);
        var fetched = await query.Slice(lists.ChangedSince(query, db), l => l.Id).WithVersion().ToListAsync(ct);
        return Ok(query.ToPage([.. fetched.Select(ListResponse.From)], l => l.Id));
    }

    /// <summary>Get a named list</summary>
    /// <remarks>Anyone may read a list: title, claimant, dates and size.</remarks>
    [HttpGet("{id:guid}")]
    [AllowAnonymous]
    [AnswersFound<ListResponse>]
    public async Task<IActionResult> GetList(Guid id, CancellationToken ct) =>
        this.Found(await db.NamedLists.AsNoTracking().Where(l => l.Id == id).WithVersion().SingleOrDefaultAsync(ct) is { } read
            ? ListResponse.From(read) : null, "List");

    /// <summary>Record a named list</summary>
    /// <remarks>
    /// The list as published, without its entries (upload them next, once). It belongs to the caller's organization. A list
    /// may back a claimed count (<c>claimId</c>) that counts what it lists.
    /// </remarks>
    [HttpPost]
    [Authorize(Policy = Policies.Contributor)]
    [AnswersCreated<ListResponse>(StatusCodes.Status409Conflict)]
    public async Task<IActionResult> CreateList(CreateListRequest request, CancellationToken ct)
    {
        var caller = User.RequiredCaller();
        var errors = await SourceReferences.FindUnknownAsync(db, request.SourceIds, ct);
        var claim = request.ClaimId is { } claimId ? await db.Claims.AsNoTracking().SingleOrDefaultAsync(c => c.Id == claimId, ct) : null;
        if (request.ClaimId is not null && claim is null)
        {
            errors["claimId"] = ["No claim with this id."];
        }

        if (errors.Count > 0)
        {
            return ValidationProblems.Create(HttpContext, errors);
        }

        var list = NamedList.Publish(request.ToStatement(), claim, caller.Organization, clock.GetUtcNow());
        db.NamedLists.Add(list);
        await db.SaveChangesAsync(ct);
        var created = Saved(list);
        ETags.Set(Response, created.ETag);
        return CreatedAtAction(nameof(GetList), new { id = list.Id }, created);
    }

    /// <summary>Upload a list's entries</summary>
    /// <remarks>
    /// Once: a list's entries are what was published, never edited (a second upload is 409). The body is CSV
    /// (<c>text/csv</c>, a header row) or JSON (<c>application/json</c>, an array of objects), read as it streams in, with
    /// the import's conventions: columns <c>fullName</c> (required), <c>otherNames</c>, <c>birthDate</c> (<c>YYYY</c>,
    /// <c>YYYY-MM</c> or <c>YYYY-MM-DD</c>), <c>nationalId</c>, <c>externalId</c> (<c>scheme:value</c>), <c>nationalities</c>
    /// (ISO 3166-1 alpha-2), <c>facility</c>, <c>releasedOn</c> (as listed), <c>note</c>; lists separated by <c>;</c>. Up to
    /// 100,000 entries, each numbered by its position (the CSV header not counted).
    ///
    /// All or nothing: if any entry is invalid, nothing is written and the answer is 400 with <c>rowErrors</c>.
    ///
    /// Each entry is matched once, now, against the people on record: Exact (an external id the record holds, or a national
    /// id that the list's own organization holds; no other organization's national ids are compared), Strong (a folded full
    /// or other name and a compatible birth date), Weak (a folded name only). Nothing is created or merged. A national id
    /// on a list is kept as sensitive and never returned.
    /// </remarks>
    /// <param name="id">The list.</param>
    /// <param name="upload">Stores and matches the entries.</param>
    /// <param name="ct">Ends the upload when the client goes away; nothing is left behind.</param>
    [HttpPost("{id:guid}/entries")]
    [Authorize(Policy = Policies.Contributor)]
    [RequestSizeLimit(ListUpload.MaxBodyBytes)]
    [RequestTimeout(Protection.LongRunning)]
    [Consumes("text/csv", "application/json")]
    [AnswersUpload<ListResponse>(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict)]
    public async Task<IActionResult> UploadEntries(Guid id, [FromServices] ListUpload upload, CancellationToken ct)
    {
        var list = await db.NamedLists.SingleOrDefaultAsync(l => l.Id == id, ct);
        if (this.RefuseUnlessHeld(list?.Organization, "List") is { } refused)
        {
            return refused;
        }

        if (ImportFormats.Of(Request.ContentType) is not { } format)
        {
            return Problems.Result(StatusCodes.Status415UnsupportedMediaType, "The body must be text/csv or application/json");
        }

        list!.EnsureOpenForEntries(); // a second upload is refused before its body is read
        UploadOutcome outcome;
        try
        {
            outcome = await upload.RunAsync(list, Request.Body, format, ct);
        }
        catch (ImportBodyTooLargeException e)
        {
            return ImportProblems.TooLarge(e);
        }

        if (outcome is UploadOutcome.Invalid invalid)
        {
            return ImportProblems.Invalid(HttpContext, invalid.Problems);
        }

        var done = (UploadOutcome.Done)outcome;
        var uploaded = ListResponse.From(done.List, done.Version);
        ETags.Set(Response, uploaded.ETag);
        return Ok(uploaded);
    }

    /// <summary>Reconcile a named list</summary>
    /// <remarks>
    /// What the record says of the people the list names, entry by entry, counted by outcome (every outcome present, zero
    /// included). Each entry is taken to name the person a Verifier decided, or else its Exact or Strong match. Then, as of
    /// <c>asOf</c>: a release dated in the list's period decides (<c>releaseVerified</c>; <c>releaseUnverified</c> if
    /// Reported, UnderVerification or Disputed; <c>releaseRejected</c> if Rejected or Retracted); without one, an open
    /// detention gives <c>houseArrest</c> (a house arrest facility: not a release) or <c>stillDetained</c>; otherwise
    /// <c>releasedOutsidePeriod</c> if the person has any release, else <c>noDetentionRecord</c>. An entry with no match the
    /// caller may see is <c>noVisibleMatch</c> (a protected person is never identified outside the organization holding
    /// the record, in rows or in counts); an undecided weak or ambiguous one <c>unresolved</c>; an entry naming the same
    /// person as an earlier one (the same matched person, or the same folded name and complete birth date)
    /// <c>duplicateInList</c>. Under <c>knownAt</c>, matches and decisions recorded after it do not count. Beside it, the
    /// claimed count the list backs.
    /// </remarks>
    /// <param name="id">The list.</param>
    /// <param name="query">The moments.</param>
    /// <param name="ct">Cancels the request.</param>
    [HttpGet("{id:guid}/reconciliation")]
    [AllowAnonymous]
    [Budget(BudgetKind.Computation)]
    [AnswersFound<ReconciliationResponse>(StatusCodes.Status400BadRequest)]
    public async Task<IActionResult> Reconcile(Guid id, [FromQuery] ReconciliationQuery query, CancellationToken ct)
    {
        if (await db.NamedLists.AsNoTracking().SingleOrDefaultAsync(l => l.Id == id, ct) is not { } list)
        {
            return Problems.NotFound("List");
        }

        return Ok(await reconciliation.AnswerAsync(list, Caller.From(User), query.AsOf?.Instant ?? clock.GetUtcNow(), query.KnownAt?.Instant, ct));
    }

    /// <summary>List a named list's entries, reconciled</summary>
    /// <remarks>
    /// Each entry's number, listed name and birth date, outcome, match level and the matched person as the caller may see
    /// them (see the reconciliation), in list order, paged with <c>cursor</c>; <c>format=csv</c> gives every entry the
    /// filter selects as CSV. A list's national ids are never returned.
    /// </remarks>
    /// <param name="id">The list.</param>
    /// <param name="query">Filters, moments and paging.</param>
    /// <param name="ct">Cancels the request.</param>
    [HttpGet("{id:guid}/entries")]
    [Authorize(Policy = Policies.Researcher)]
    [Budget(BudgetKind.ListRead)]
    [ProducesResponseType<Page<ListEntryResponse>>(StatusCodes.Status200OK, "application/json", "text/csv")]
    [Problems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound)]
    public async Task<IActionResult> ListEntries(Guid id, [FromQuery] ListEntriesQuery query, CancellationToken ct)
    {
        if (await db.NamedLists.AsNoTracking().SingleOrDefaultAsync(l => l.Id == id, ct) is not { } list)
        {
            return Problems.NotFound("List");
        }

        var entries = await reconciliation.ReconcileAsync(list, User.RequiredCaller(), query.AsOf?.Instant ?? clock.GetUtcNow(), query.KnownAt?.Instant, ct);
        var selected = entries.Where(e => query.Outcome is not { } outcome || e.Outcome == outcome).ToList();
        if (query.Format == EntriesFormat.Csv)
        {
            await WriteCsvAsync(selected, ct);
            return new EmptyResult();
        }

        query.TryReadCursor(out var after);
        var start = after is { } cursor ? selected.FindIndex(e => e.Id == cursor) + 1 : 0;
        return Ok(query.ToPage([.. selected.Skip(start).Take(query.Limit + 1).Select(e => e.ToResponse())], e => e.Id));
    }

    /// <summary>Decide whom a list entry names</summary>
    /// <remarks>
    /// A Verifier's decision: the person on record the entry names (<c>detaineeId</c>), or nobody (<c>detaineeId</c> null or
    /// absent: "no such person in the record"). Decisions are appended, never edited; the latest counts. An Exact match may
    /// be overruled only by a Verifier of the list's organization or of the organization holding the matched record (409).
    /// Each decision names its organization and is in the audit log.
    /// </remarks>
    /// <param name="id">The list.</param>
    /// <param name="number">The entry's number.</param>
    /// <param name="request">The decision.</param>
    /// <param name="ct">Cancels the request.</param>
    [HttpPost("{id:guid}/entries/{number:int}/match")]
    [Authorize(Policy = Policies.Verifier)]
    [AnswersCreated<MatchDecisionResponse>(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict)]
    public async Task<IActionResult> DecideMatch(Guid id, int number, MatchDecisionRequest request, CancellationToken ct)
    {
        var caller = User.RequiredCaller();
        var list = await db.NamedLists.AsNoTracking().SingleOrDefaultAsync(l => l.Id == id, ct);
        var entry = list is null ? null : await db.ListEntries.AsNoTracking().Where(e => e.ListId == id && e.Number == number).Select(e => new { e.Id }).SingleOrDefaultAsync(ct);
        if (list is null || entry is null)
        {
            return Problems.NotFound("List entry");
        }

        var now = clock.GetUtcNow();
        var before = (await reconciliation.ReconcileAsync(list, caller, now, null, ct)).Single(e => e.Id == entry.Id);
        if (request.DetaineeId is { } personId && !await reconciliation.IdentifiableAsync(personId, caller, ct))
        {
            return Problems.Invalid(HttpContext, "detaineeId", "No detainee with this id.");
        }

        var upload = before.Upload;
        var holdsMatch = upload is { Level: MatchLevel.Exact, PersonId: { } matched }
            && caller.Holds(await db.Detainees.Where(d => d.Id == matched).Select(d => d.Organization).SingleAsync(ct));
        var decision = MatchDecision.Decide(list, entry.Id, number, request.DetaineeId, request.Note, new Decider(caller.KeyId, caller.Organization, caller.Role),
            upload, caller.Holds(list.Organization) || holdsMatch, now);
        db.MatchDecisions.Add(decision);
        await db.SaveChangesAsync(ct);
        var after = (await reconciliation.ReconcileAsync(list, caller, clock.GetUtcNow(), null, ct)).Single(e => e.Id == entry.Id);
        var decided = new MatchDecisionResponse(decision.Id, list.Id, number, decision.DetaineeId, decision.Note, decision.Organization, decision.RecordedAt,
            after.ToResponse(), ETags.From(db.VersionOf(decision)));
        ETags.Set(Response, decided.ETag);
        return CreatedAtAction(nameof(ListEntries), new { id }, decided);
    }

    private async Task WriteCsvAsync(IEnumerable<ReconciledEntry> entries, CancellationToken ct)
    {
        Response.StatusCode = StatusCodes.Status200OK;
        Response.ContentType = "text/csv; charset=utf-8";
        await using var csv = CsvWriter.Create(Response.Body, CsvWriterOptions.Default with { Injection = CsvInjection.Escape }, leaveOpen: true);
        await csv.WriteRecordAsync(["number", "fullName", "birthDate", "outcome", "matchLevel", "decided", "personId", "personName"], ct);
        foreach (var e in entries)
        {
            await csv.WriteRecordAsync([e.Number.ToString(CultureInfo.InvariantCulture), e.FullName, e.BirthDate?.ToString(), e.Outcome.ToString(),
                e.Level.ToString(), e.Decided ? "true" : "false", e.PersonId?.ToString(), e.PersonName], ct);
        }

        await csv.FlushAsync(ct);
    }

    private ListResponse Saved(NamedList list) => ListResponse.From(list, db.VersionOf(list));

}
