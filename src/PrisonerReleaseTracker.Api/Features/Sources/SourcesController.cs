using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using PrisonerReleaseTracker.Api.Data;
using PrisonerReleaseTracker.Api.Infrastructure;
using PrisonerReleaseTracker.Domain.Sources;

namespace PrisonerReleaseTracker.Api.Features.Sources;

/// <summary>Where facts come from: releases, decisions and claims cite sources by id.</summary>
[ApiController]
[Route("api/v1/sources")]
[Tags("Sources")]
[Authorize(Policy = Policies.Researcher)]
public sealed class SourcesController(AppDbContext db, TimeProvider clock) : ControllerBase
{
    /// <summary>List sources</summary>
    [HttpGet]
    [Budget(BudgetKind.ListRead)]
    [ProducesResponseType<Page<SourceResponse>>(StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    public async Task<IActionResult> ListSources([FromQuery] SourceListQuery query, CancellationToken ct)
    {
        query.TryReadCursor(out var after);
        var sources = db.Sources.AsNoTracking();
        if (after is { } start)
        {
            sources = sources.Where(s => s.Id > start);
        }

        if (query.Kind is { } kind)
        {
            sources = sources.Where(s => s.Kind == kind);
        }

        var fetched = await sources.OrderBy(s => s.Id).Take(query.Limit + 1).Select(SourceResponse.Projection).ToListAsync(ct);
        return Ok(query.ToPage(fetched, s => s.Id));
    }

    /// <summary>Get a source</summary>
    [HttpGet("{id:guid}")]
    [ProducesResponseType<SourceResponse>(StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<IActionResult> GetSource(Guid id, CancellationToken ct)
    {
        var source = await db.Sources.AsNoTracking().Where(s => s.Id == id).Select(SourceResponse.Projection).SingleOrDefaultAsync(ct);
        if (source is null)
        {
            return Problems.NotFound("Source");
        }

        ETags.Set(Response, source.ETag);
        return Ok(source);
    }

    /// <summary>Record a source</summary>
    [HttpPost]
    [Authorize(Policy = Policies.Contributor)]
    [ProducesResponseType<SourceResponse>(StatusCodes.Status201Created, "application/json")]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    public async Task<IActionResult> CreateSource(CreateSourceRequest request, CancellationToken ct)
    {
        var source = Source.Create(request.Url, request.Publisher, request.Kind!.Value, request.Title, request.PublishedAt, request.Language,
            User.RequiredCaller().Organization, clock.GetUtcNow());
        db.Sources.Add(source);
        await db.SaveChangesAsync(ct);
        var created = await db.Sources.AsNoTracking().Where(s => s.Id == source.Id).Select(SourceResponse.Projection).SingleAsync(ct);
        ETags.Set(Response, created.ETag);
        return CreatedAtAction(nameof(GetSource), new { id = source.Id }, created);
    }
}
