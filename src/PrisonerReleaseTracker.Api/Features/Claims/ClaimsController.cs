using PrisonerReleaseTracker.Api.Features.Changes;
using PrisonerReleaseTracker.Api.Features.Sources;

namespace PrisonerReleaseTracker.Api.Features.Claims;

/// <summary>Claims: counts somebody stated. They stand beside the verified figures and are never added to them.</summary>
[Route("api/v1/claims")]
public sealed class ClaimsController(AppDbContext db, TimeProvider clock) : ControllerBase
{
    /// <summary>List claims</summary>
    /// <remarks>Anyone may read claims. Ordered by creation, paged with <c>cursor</c>.</remarks>
    [HttpGet]
    [Budget(BudgetKind.ListRead)]
    [AllowAnonymous]
    [AnswersPage<ClaimResponse>]
    public async Task<IActionResult> ListClaims([FromQuery] ClaimListQuery query, CancellationToken ct)
    {
        var claims = db.Claims.AsNoTracking()
            .WhereGiven(query.Metric, metric => c => c.Metric == metric)
            .WhereGiven(query.ClaimantKind, kind => c => c.ClaimantKind == kind)
            .WhereGiven(query.StatedFrom, from => c => c.StatedAt >= StartOf(from))
            .WhereGiven(query.StatedTo, to => c => c.StatedAt < StartOf(to.AddDays(1)));
        var fetched = await query.Slice(claims.ChangedSince(query, db), c => c.Id).WithVersion().ToListAsync(ct);
        return Ok(query.ToPage([.. fetched.Select(ClaimResponse.From)], c => c.Id));
    }

    /// <summary>Get a claim</summary>
    /// <remarks>Anyone may read a claim, with its status: Active, Superseded (by a later statement) or Retracted.</remarks>
    [HttpGet("{id:guid}")]
    [AllowAnonymous]
    [AnswersFound<ClaimResponse>]
    public async Task<IActionResult> GetClaim(Guid id, CancellationToken ct) =>
        this.Found(await db.Claims.AsNoTracking().Where(c => c.Id == id).WithVersion().SingleOrDefaultAsync(ct) is { } read
            ? ClaimResponse.From(read) : null, "Claim");

    /// <summary>Record a claim</summary>
    /// <remarks>Claims are never edited: a revision is a new claim naming the one it supersedes.</remarks>
    [HttpPost]
    [Authorize(Policy = Policies.Contributor)]
    [AnswersCreated<ClaimResponse>(StatusCodes.Status403Forbidden, StatusCodes.Status409Conflict)]
    public async Task<IActionResult> CreateClaim(CreateClaimRequest request, CancellationToken ct)
    {
        var caller = User.RequiredCaller();
        var errors = await SourceReferences.FindUnknownAsync(db, request.SourceIds, ct);
        var supersedes = request.SupersedesClaimId is { } earlierId ? await db.Claims.SingleOrDefaultAsync(c => c.Id == earlierId, ct) : null;
        if (request.SupersedesClaimId is not null && supersedes is null)
        {
            errors["supersedesClaimId"] = ["No claim with this id."];
        }

        if (errors.Count > 0)
        {
            return ValidationProblems.Create(HttpContext, errors);
        }

        if (supersedes is not null && !caller.Holds(supersedes.Organization))
        {
            return Problems.Forbidden();
        }

        var claim = Claim.State(request.ToStatement(), supersedes, caller.Organization, clock.GetUtcNow());
        db.Claims.Add(claim);
        await db.SaveChangesAsync(ct);
        var created = Saved(claim);
        return this.CreatedAt(nameof(GetClaim), new { id = claim.Id }, created);
    }

    /// <summary>Retract a claim</summary>
    /// <remarks>The claim stays on record, marked Retracted from now on; totals as of earlier moments still show it.</remarks>
    [HttpPost("{id:guid}/retraction")]
    [Authorize(Policy = Policies.Contributor)]
    [AnswersFound<ClaimResponse>(StatusCodes.Status400BadRequest, StatusCodes.Status403Forbidden, StatusCodes.Status409Conflict)]
    public async Task<IActionResult> RetractClaim(Guid id, RetractClaimRequest request, CancellationToken ct)
    {
        var claim = await db.Claims.SingleOrDefaultAsync(c => c.Id == id, ct);
        if (this.RefuseUnlessHeld(claim?.Organization, "Claim") is { } refused)
        {
            return refused;
        }

        claim!.Retract(request.Note.Trim(), clock.GetUtcNow());
        await db.SaveChangesAsync(ct);
        var retracted = Saved(claim);
        ETags.Set(Response, retracted.ETag);
        return Ok(retracted);
    }

    /// <summary>The first moment of <paramref name="day"/> in UTC: the days of the claim list's filters are UTC days.</summary>
    private static DateTimeOffset StartOf(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    /// <summary>A claim just saved, with the row version the save read back.</summary>
    private ClaimResponse Saved(Claim claim) => ClaimResponse.From(claim, db.VersionOf(claim));
}
