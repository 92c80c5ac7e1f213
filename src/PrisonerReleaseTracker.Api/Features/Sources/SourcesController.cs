using PrisonerReleaseTracker.Api.Features.Changes;

namespace PrisonerReleaseTracker.Api.Features.Sources;

/// <summary>Where facts come from: releases, decisions and claims cite sources by id.</summary>
[Route("api/v1/sources")]
[Authorize(Policy = Policies.Researcher)]
public sealed class SourcesController(AppDbContext db, TimeProvider clock) : ControllerBase
{
    /// <summary>List sources</summary>
    [HttpGet]
    [Budget(BudgetKind.ListRead)]
    [AnswersPage<SourceResponse>]
    public async Task<IActionResult> ListSources([FromQuery] SourceListQuery query, CancellationToken ct)
    {
        var sources = db.Sources.AsNoTracking().WhereGiven(query.Kind, kind => s => s.Kind == kind);
        var fetched = await AsSeen(query.Slice(sources.ChangedSince(query, db), s => s.Id)).ToListAsync(ct);
        return Ok(query.ToPage(fetched, s => s.Id));
    }

    /// <summary>Get a source</summary>
    [HttpGet("{id:guid}")]
    [AnswersFound<SourceResponse>]
    public async Task<IActionResult> GetSource(Guid id, CancellationToken ct) =>
        this.Found(await AsSeen(db.Sources.AsNoTracking().Where(s => s.Id == id)).SingleOrDefaultAsync(ct), "Source");

    /// <summary>Record a source</summary>
    [HttpPost]
    [Authorize(Policy = Policies.Contributor)]
    [AnswersCreated<SourceResponse>(StatusCodes.Status409Conflict)]
    public async Task<IActionResult> CreateSource(CreateSourceRequest request, CancellationToken ct)
    {
        var source = Source.Create(request.Url, request.Publisher, request.Kind!.Value, request.Title, request.PublishedAt, request.Language,
            User.RequiredCaller().Organization, clock.GetUtcNow());
        db.Sources.Add(source);
        await db.SaveChangesAsync(ct);
        var created = await AsSeen(db.Sources.AsNoTracking().Where(s => s.Id == source.Id)).SingleAsync(ct);
        return this.CreatedAt(nameof(GetSource), new { id = source.Id }, created);
    }

    /// <summary>The sources as the caller may see them: a source cited for a person the caller may not identify without its url and title.</summary>
    private IQueryable<SourceResponse> AsSeen(IQueryable<Source> sources)
    {
        var (organization, role) = (User.RequiredCaller().Organization, User.RequiredCaller().Role);
        return sources.Select(s => SourceResponse.From(s, EF.Property<uint>(s, AppDbContext.RowVersion), Visibility.WithheldSource(db, organization, role, s.Id)));
    }
}
