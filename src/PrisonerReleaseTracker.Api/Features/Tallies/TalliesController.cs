using CsvHelper;
using PrisonerReleaseTracker.Api.Features.Exports;

namespace PrisonerReleaseTracker.Api.Features.Tallies;

/// <summary>
/// Published tallies: totals frozen as the record knew them at the moment of publication, with digests anyone can
/// check. Never edited or deleted; a correction is a new tally that supersedes the old one.
/// </summary>
[Route("api/v1/tallies")]
public sealed class TalliesController(AppDbContext db, TallyService tallies) : ControllerBase
{
    /// <summary>Publish a tally</summary>
    /// <remarks>
    /// Freezes the totals of [from, to] as of <c>asOf</c>, as the record knows them at this moment (the tally's
    /// <c>knownAt</c>, the server's time, in the same transaction): the answer, a manifest of the releases counted,
    /// and SHA-256 digests of both over RFC 8785 canonical JSON. The tally gets the next global number. A correction
    /// names the tally it supersedes (the same organization's, not corrected already). The publication is an audit-log entry.
    /// </remarks>
    [HttpPost]
    [Authorize(Policy = Policies.Verifier)]
    [AnswersCreated<TallyResponse>(StatusCodes.Status403Forbidden, StatusCodes.Status409Conflict)]
    public async Task<IActionResult> PublishTally(PublishTallyRequest request, CancellationToken ct)
    {
        if (request.Supersedes is { } earlier && !await db.Tallies.AnyAsync(t => t.Number == earlier, ct))
        {
            return ValidationProblems.Create(HttpContext, new Dictionary<string, string[]> { ["supersedes"] = ["No tally with this number."] });
        }

        var tally = await tallies.PublishAsync(request, User.RequiredCaller(), ct);
        var published = (await ReadAsync(db.Tallies.Where(t => t.Id == tally.Id), ct))[0].Item;
        ETags.Set(Response, published.ETag);
        return CreatedAtAction(nameof(GetTally), new { number = tally.Number }, published);
    }

    /// <summary>List published tallies</summary>
    /// <remarks>Anyone may read them. In the order of publication, paged with <c>cursor</c>.</remarks>
    [HttpGet]
    [AllowAnonymous]
    [Budget(BudgetKind.ListRead)]
    [AnswersPage<TallyResponse>]
    public async Task<IActionResult> ListTallies([FromQuery] TallyListQuery query, CancellationToken ct)
    {
        var listed = db.Tallies.AsNoTracking().WhereGiven(query.Organization, organization => t => t.Organization == organization);
        var page = query.ToPage(await ReadAsync(query.Slice(listed, t => t.Id), ct), t => t.Id);
        return Ok(new Page<TallyResponse>([.. page.Items.Select(t => t.Item)], page.NextCursor));
    }

    /// <summary>Get a tally</summary>
    /// <remarks>Anyone may read it: the frozen answer, its digests, a citation line and its permanent address.</remarks>
    [HttpGet("{number:long}")]
    [AllowAnonymous]
    [AnswersFound<TallyResponse>]
    public async Task<IActionResult> GetTally(long number, CancellationToken ct) =>
        this.Found((await ReadAsync(db.Tallies.Where(t => t.Number == number), ct)).SingleOrDefault().Item, "Tally");

    /// <summary>Get a tally's inputs</summary>
    /// <remarks>
    /// The manifest: one row per release counted, the same shape for every person (a token opaque outside the tally,
    /// the release day, the status, and the breakdown's field), each with its hash. Count it again; hash each row's
    /// canonical JSON, then the array of the row hashes, to check <c>inputsDigest</c>. <c>format=csv</c> or <c>json</c>
    /// (default), else as <c>Accept</c> asks.
    /// </remarks>
    [HttpGet("{number:long}/inputs")]
    [AllowAnonymous]
    [ProducesResponseType<TallyInputsResponse>(StatusCodes.Status200OK, "application/json", "text/csv")]
    [Problems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound)]
    public async Task<IActionResult> GetTallyInputs(long number, [FromQuery] TallyInputsQuery query, CancellationToken ct)
    {
        var tally = await db.Tallies.AsNoTracking().SingleOrDefaultAsync(t => t.Number == number, ct);
        if (tally is null)
        {
            return Problems.NotFound("Tally");
        }

        var inputs = await db.TallyInputs.AsNoTracking().Where(i => i.TallyId == tally.Id).OrderBy(i => i.Position).ToListAsync(ct);
        var rows = inputs.Select(i => TallyService.ViewOf(i, tally.GroupBy)).ToList();
        var format = query.Format ?? (Request.GetTypedHeaders().Accept.Any(a => a.MediaType == "text/csv") ? ExportFormat.Csv : ExportFormat.Json);
        if (format == ExportFormat.Json)
        {
            return Ok(new TallyInputsResponse(tally.Number, TallyService.GroupByOf(tally.GroupBy), tally.InputsDigest, rows));
        }

        Response.ContentType = "text/csv; charset=utf-8";
        await using var csv = CsvWriter.Create(Response.Body, CsvWriterOptions.Default with { Injection = CsvInjection.Escape }, leaveOpen: true);
        await csv.WriteRecordAsync(tally.GroupBy is { } by ? ["token", "releasedOn", "status", by, "rowHash"] : ["token", "releasedOn", "status", "rowHash"], ct);
        foreach (var row in rows)
        {
            string?[] fields = tally.GroupBy is null
                ? [row.Token, TallyFormat.Day(row.ReleasedOn), row.Status.ToString(), row.RowHash]
                : [row.Token, TallyFormat.Day(row.ReleasedOn), row.Status.ToString(), row.Group, row.RowHash];
            await csv.WriteRecordAsync(fields!, ct);
        }

        await csv.FlushAsync(ct);
        return new EmptyResult();
    }

    /// <summary>Check a tally</summary>
    /// <remarks>
    /// Recomputes the tally from the record as known at its moment and says whether it reproduces (stored answer and
    /// inputs match their digests, and the recomputed digests match), and separately what changed since for the same
    /// query as known now: per status, the releases added, removed and changed, as counts for everyone and, for a
    /// keyed caller, with the ids of the releases it may see.
    /// </remarks>
    [HttpGet("{number:long}/check")]
    [AllowAnonymous]
    [AnswersFound<TallyCheckResponse>]
    public async Task<IActionResult> CheckTally(long number, CancellationToken ct)
    {
        var tally = await db.Tallies.AsNoTracking().SingleOrDefaultAsync(t => t.Number == number, ct);
        return tally is null ? Problems.NotFound("Tally") : Ok(await tallies.CheckAsync(tally, Caller.From(User), ct));
    }

    /// <summary>Tallies as answered, with the row version their ETag comes from and the tally that corrects each.</summary>
    private async Task<List<(Guid Id, TallyResponse Item)>> ReadAsync(IQueryable<Tally> query, CancellationToken ct)
    {
        var read = await query.Select(t => new
        {
            Tally = t,
            Version = EF.Property<uint>(t, AppDbContext.RowVersion),
            SupersededBy = db.Tallies.Where(n => n.SupersedesNumber == t.Number).Select(n => (long?)n.Number).FirstOrDefault(),
        }).ToListAsync(ct);
        return [.. read.Select(r => (r.Tally.Id, Answered(r.Tally, r.Version, r.SupersededBy)))];
    }

    private TallyResponse Answered(Tally t, uint version, long? supersededBy)
    {
        var answer = TallyAnswer.Parse(t.Answer);
        var url = new Uri(Url.Action(nameof(GetTally), null, new { number = t.Number }, Request.Scheme, Request.Host.Value)!);
        return new TallyResponse(t.Number, t.Title, t.Note, t.Organization, t.From, t.To, t.AsOf, t.KnownAt, TallyService.GroupByOf(t.GroupBy), t.VerifiedBy,
            t.FormatVersion, answer, t.Answer, t.AnswerDigest, t.InputsDigest, t.InputCount, t.SupersedesNumber, supersededBy,
            t.Citation(), url, ETags.From(version));
    }
}
