namespace PrisonerReleaseTracker.Api.Features.Detainees;

/// <summary>People deprived of liberty.</summary>
[Route("api/v1/detainees")]
[Authorize(Policy = Policies.Researcher)]
public sealed class DetaineesController(AppDbContext db, DetaineeQueries queries, TimeProvider clock) : ControllerBase
{
    /// <summary>List and search detainees</summary>
    /// <remarks>Filters combine with AND. Ordered by creation, paged with <c>cursor</c>.</remarks>
    [HttpGet]
    [Budget(BudgetKind.ListRead)]
    [AnswersPage<DetaineeResponse>]
    public async Task<IActionResult> ListDetainees([FromQuery] DetaineeFilter filter, [FromQuery] RecordPageQuery page, CancellationToken ct) =>
        Ok(await queries.ListAsync(filter, page, User.RequiredCaller(), ct));

    /// <summary>Get a detainee</summary>
    /// <remarks>The <c>ETag</c> header carries the version to send in <c>If-Match</c> when updating.</remarks>
    [HttpGet("{id:guid}")]
    [AnswersFound<DetaineeResponse>]
    public async Task<IActionResult> GetDetainee(Guid id, CancellationToken ct) =>
        this.Found(await queries.GetAsync(id, User.RequiredCaller(), ct), "Detainee");

    /// <summary>Record a detainee</summary>
    [HttpPost]
    [Authorize(Policy = Policies.Contributor)]
    [AnswersCreated<DetaineeResponse>(StatusCodes.Status409Conflict)]
    public async Task<IActionResult> CreateDetainee(DetaineeRequest request, CancellationToken ct)
    {
        var caller = User.RequiredCaller();
        var detainee = Detainee.Create(request.ToDetails(), caller.Organization, clock.GetUtcNow());
        db.Detainees.Add(detainee);
        await db.SaveChangesAsync(ct);
        var created = (await queries.GetAsync(detainee.Id, caller, ct, auditRead: false))!;
        return this.CreatedAt(nameof(GetDetainee), new { id = detainee.Id }, created);
    }

    /// <summary>Correct a detainee's details</summary>
    /// <remarks>Replaces the details; requires <c>If-Match</c> with the ETag last read (428 without it, 412 when stale).</remarks>
    [HttpPut("{id:guid}")]
    [Authorize(Policy = Policies.Contributor)]
    [AnswersFound<DetaineeResponse>(StatusCodes.Status400BadRequest, StatusCodes.Status403Forbidden, StatusCodes.Status409Conflict, StatusCodes.Status412PreconditionFailed, StatusCodes.Status428PreconditionRequired)]
    [ReadsIfMatch(required: true)]
    public async Task<IActionResult> UpdateDetainee(Guid id, DetaineeRequest request, CancellationToken ct)
    {
        var caller = User.RequiredCaller();
        var (expected, precondition) = ETags.ReadIfMatch(Request);
        var detainee = await db.Detainees.SingleOrDefaultAsync(d => d.Id == id, ct);
        if ((this.RefuseUnlessHeld(detainee?.Organization, "Detainee") ?? precondition) is { } refused)
        {
            return refused;
        }

        if (db.VersionOf(detainee!) != expected)
        {
            return ETags.Stale();
        }

        detainee!.Update(request.ToDetails(), clock.GetUtcNow());
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return ETags.Stale();
        }

        var updated = (await queries.GetAsync(id, caller, ct, auditRead: false))!;
        ETags.Set(Response, updated.ETag);
        return Ok(updated);
    }
}
