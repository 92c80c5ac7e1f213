namespace PrisonerReleaseTracker.Api.Features.Detentions;

/// <summary>Detention episodes and transfers between facilities.</summary>
[Authorize(Policy = Policies.Researcher)]
public sealed class DetentionsController(AppDbContext db, TimeProvider clock) : ControllerBase
{
    /// <summary>List a detainee's detentions</summary>
    /// <remarks>Oldest first, each with its facility history.</remarks>
    [HttpGet("api/v1/detainees/{detaineeId:guid}/detentions")]
    [AnswersFound<IReadOnlyList<DetentionResponse>>]
    public async Task<IActionResult> ListDetentions(Guid detaineeId, CancellationToken ct)
    {
        if (await SeenAsync(detaineeId, ct) is not { } seen)
        {
            return Problems.NotFound("Detainee");
        }

        var detentions = await db.Detentions.AsNoTracking().Where(d => d.DetaineeId == detaineeId).OrderBy(d => d.CreatedAt)
            .Select(DetentionResponse.Projection).ToListAsync(ct);
        return Ok(detentions.Select(d => d.AsSeen(seen)).ToList());
    }

    /// <summary>Get a detention</summary>
    /// <remarks>With its facility history; the <c>ETag</c> changes with every transfer and with the release that ends it.</remarks>
    [HttpGet("api/v1/detentions/{id:guid}")]
    [AnswersFound<DetentionResponse>]
    public async Task<IActionResult> GetDetention(Guid id, CancellationToken ct) => this.Found(await FindAsync(id, ct), "Detention");

    /// <summary>Open a detention</summary>
    /// <remarks>A person has at most one open detention: a second is a 409.</remarks>
    [HttpPost("api/v1/detainees/{detaineeId:guid}/detentions")]
    [Authorize(Policy = Policies.Contributor)]
    [AnswersCreated<DetentionResponse>(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict)]
    public async Task<IActionResult> CreateDetention(Guid detaineeId, CreateDetentionRequest request, CancellationToken ct)
    {
        var detainee = await db.Detainees.Include(d => d.Detentions).SingleOrDefaultAsync(d => d.Id == detaineeId, ct);
        return await WriteAsync(detainee?.Organization, "Detainee", request.FacilityId, facility =>
        {
            var detention = detainee!.OpenDetention(request.ArrestedOn, request.ArrestPlace, request.ArrestingAuthority, facility,
                request.Charges ?? [], clock.GetUtcNow());
            db.Detentions.Add(detention);
            return detention.Id;
        }, ct);
    }

    /// <summary>Transfer a detention to another facility</summary>
    /// <remarks>
    /// The detention stays open: a move to house arrest keeps the person detained. The transfer becomes part of the
    /// detention's facility history: the answer is the detention, and <c>Location</c> is where it can be read again.
    /// </remarks>
    [HttpPost("api/v1/detentions/{detentionId:guid}/transfers")]
    [Authorize(Policy = Policies.Contributor)]
    [AnswersCreated<DetentionResponse>(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict)]
    public async Task<IActionResult> TransferDetention(Guid detentionId, TransferRequest request, CancellationToken ct)
    {
        var detention = await db.Detentions.Include(d => d.Transfers).SingleOrDefaultAsync(d => d.Id == detentionId, ct);
        return await WriteAsync(detention?.Organization, "Detention", request.FacilityId, facility =>
        {
            db.Add(detention!.Transfer(facility!, request.TransferredOn!.Value, clock.GetUtcNow()));
            return detention.Id;
        }, ct);
    }

    /// <summary>
    /// A write to a record the caller must hold (of <paramref name="organization"/>; null when there is no such record, a
    /// 404): refused unless held, a 400 naming <c>facilityId</c> when the request names a facility that does not exist;
    /// otherwise the change (given the facility, none when the request names none), saved, and answered 201 with the
    /// detention it changed read back (its new ETag) and where to read it again.
    /// </summary>
    private async Task<IActionResult> WriteAsync(string? organization, string recordName, Guid? facilityId, Func<Facility?, Guid> change,
        CancellationToken ct)
    {
        if (this.RefuseUnlessHeld(organization, recordName) is { } refused)
        {
            return refused;
        }

        var facility = facilityId is { } id ? await db.Facilities.FindAsync([id], ct) : null;
        if (facilityId is not null && facility is null)
        {
            return Problems.Invalid(HttpContext, "facilityId", "No facility with this id.");
        }

        var detentionId = change(facility);
        await db.SaveChangesAsync(ct);
        var saved = (await FindAsync(detentionId, ct))!;
        return this.CreatedAt(nameof(GetDetention), new { id = detentionId }, saved);
    }

    /// <summary>A detention as the caller may see it.</summary>
    private async Task<DetentionResponse?> FindAsync(Guid id, CancellationToken ct) =>
        await db.Detentions.AsNoTracking().Where(d => d.Id == id).Select(DetentionResponse.Projection).SingleOrDefaultAsync(ct) is { } detention
            ? detention.AsSeen((await SeenAsync(detention.DetaineeId, ct))!.Value)
            : null;

    /// <summary>How the detainee appears to the caller; null when there is no such detainee.</summary>
    private async Task<Seen?> SeenAsync(Guid detaineeId, CancellationToken ct) =>
        await db.Detainees.Where(d => d.Id == detaineeId).Select(d => new { d.IsProtected, d.Organization }).SingleOrDefaultAsync(ct) is { } person
            ? User.RequiredCaller().See(detaineeId, person.IsProtected, person.Organization)
            : null;
}
