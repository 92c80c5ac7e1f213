using PrisonerReleaseTracker.Api.Features.Changes;

namespace PrisonerReleaseTracker.Api.Features.Facilities;

/// <summary>Places of detention.</summary>
[Route("api/v1/facilities")]
public sealed class FacilitiesController(AppDbContext db, TimeProvider clock) : ControllerBase
{
    /// <summary>List facilities</summary>
    /// <remarks>Anyone may read facilities. Ordered by creation, paged with <c>cursor</c>.</remarks>
    [HttpGet]
    [Budget(BudgetKind.ListRead)]
    [AllowAnonymous]
    [AnswersPage<FacilityResponse>]
    public async Task<IActionResult> ListFacilities([FromQuery] FacilityListQuery query, CancellationToken ct)
    {
        var facilities = db.Facilities.AsNoTracking()
            .WhereGiven(query.Country, country => f => f.Country == country)
            .WhereGiven(query.Kind, kind => f => f.Kind == kind);
        var fetched = await query.Slice(facilities.ChangedSince(query, db), f => f.Id).Select(FacilityResponse.Projection).ToListAsync(ct);
        return Ok(query.ToPage(fetched, f => f.Id));
    }

    /// <summary>Get a facility</summary>
    /// <remarks>Anyone may read a facility.</remarks>
    [HttpGet("{id:guid}")]
    [AllowAnonymous]
    [AnswersFound<FacilityResponse>]
    public async Task<IActionResult> GetFacility(Guid id, CancellationToken ct) =>
        this.Found(await db.Facilities.AsNoTracking().Where(f => f.Id == id).Select(FacilityResponse.Projection).SingleOrDefaultAsync(ct), "Facility");

    /// <summary>Record a facility</summary>
    [HttpPost]
    [Authorize(Policy = Policies.Contributor)]
    [AnswersCreated<FacilityResponse>(StatusCodes.Status409Conflict)]
    public async Task<IActionResult> CreateFacility(CreateFacilityRequest request, CancellationToken ct)
    {
        var caller = User.RequiredCaller();
        var facility = Facility.Create(request.Name, request.Kind!.Value, request.City, request.Region, request.Country, caller.Organization, clock.GetUtcNow());
        db.Facilities.Add(facility);
        await db.SaveChangesAsync(ct);
        var response = await db.Facilities.AsNoTracking().Where(f => f.Id == facility.Id).Select(FacilityResponse.Projection).SingleAsync(ct);
        return this.CreatedAt(nameof(GetFacility), new { id = facility.Id }, response);
    }
}
