namespace PrisonerReleaseTracker.Api.Features.Detentions;

/// <summary>Detention episodes and transfers between facilities.</summary>
[Authorize(Policy = Policies.Researcher)]
public sealed class DetentionsController(AppDbContext db, TimeProvider clock) : ControllerBase
{
    /// <summary>List a detainee's detentions</summary>
    /// <remarks>Oldest first, each with its facility history.</remarks>
    [HttpGet("api/v1/detainees/{detaineeId:guid}/detentions")]
    [ProducesResponseType<IReadOnlyList<DetentionResponse>>(StatusCodes.Status200OK, "application/json")]
    [Problems(StatusCodes.Status404NotFound)]
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
    [ProducesResponseType<DetentionResponse>(StatusCodes.Status200OK, "application/json")]
    [Problems(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> GetDetention(Guid id, CancellationToken ct) => this.Found(await FindAsync(id, ct), "Detention");

    /// <summary>Open a detention</summary>
    /// <remarks>A person has at most one open detention: a second is a 409.</remarks>
    [HttpPost("api/v1/detainees/{detaineeId:guid}/detentions")]
    [Authorize(Policy = Policies.Contributor)]
    [ProducesResponseType<DetentionResponse>(StatusCodes.Status201Created, "application/json")]
    [Problems(StatusCodes.Status400BadRequest, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict)]
    public async Task<IActionResult> CreateDetention(Guid detaineeId, CreateDetentionRequest request, CancellationToken ct)
    {
        var detainee = await db.Detainees.Include(d => d.Detentions).SingleOrDefaultAsync(d => d.Id == detaineeId, ct);
        if (this.RefuseUnlessHeld(detainee?.Organization, "Detainee") is { } refused)
        {
            return refused;
        }

        var (facility, unknown) = await FacilityAsync(request.FacilityId, ct);
        if (unknown is not null)
        {
            return unknown;
        }

        var detention = detainee!.OpenDetention(request.ArrestedOn, request.ArrestPlace, request.ArrestingAuthority, facility, request.Charges ?? [], clock.GetUtcNow());
        db.Detentions.Add(detention);
        return await SavedAsync(detention.Id, ct);
    }

    /// <summary>Transfer a detention to another facility</summary>
    /// <remarks>
    /// The detention stays open: a move to house arrest keeps the person detained. The transfer becomes part of the
    /// detention's facility history: the answer is the detention, and <c>Location</c> is where it can be read again.
    /// </remarks>
    [HttpPost("api/v1/detentions/{detentionId:guid}/transfers")]
    [Authorize(Policy = Policies.Contributor)]
    [ProducesResponseType<DetentionResponse>(StatusCodes.Status201Created, "application/json")]
    [Problems(StatusCodes.Status400BadRequest, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict)]
    public async Task<IActionResult> TransferDetention(Guid detentionId, TransferRequest request, CancellationToken ct)
    {
        var detention = await db.Detentions.Include(d => d.Transfers).SingleOrDefaultAsync(d => d.Id == detentionId, ct);
        if (this.RefuseUnlessHeld(detention?.Organization, "Detention") is { } refused)
        {
            return refused;
        }

        var (facility, unknown) = await FacilityAsync(request.FacilityId, ct);
        if (unknown is not null)
        {
            return unknown;
        }

        db.Add(detention!.Transfer(facility!, request.TransferredOn!.Value, clock.GetUtcNow()));
        return await SavedAsync(detention.Id, ct);
    }

    /// <summary>The facility a request names (none when it names none), or the 400 naming <c>facilityId</c> when there is no such facility.</summary>
    private async Task<(Facility? Facility, IActionResult? Unknown)> FacilityAsync(Guid? facilityId, CancellationToken ct) =>
        facilityId is not { } id ? (null, null)
        : await db.Facilities.FindAsync([id], ct) is { } facility ? (facility, null)
        : (null, Problems.Invalid(HttpContext, "facilityId", "No facility with this id."));

    /// <summary>Saves, and answers 201 with the detention read back (its new ETag) and where to read it again.</summary>
    private async Task<IActionResult> SavedAsync(Guid detentionId, CancellationToken ct)
    {
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
