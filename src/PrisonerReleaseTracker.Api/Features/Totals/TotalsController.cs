using Microsoft.AspNetCore.OutputCaching;

namespace PrisonerReleaseTracker.Api.Features.Totals;

/// <summary>Verified totals, computed from individual verified releases, with the claims beside them.</summary>
[Route("api/v1/totals")]
[AllowAnonymous]
[OutputCache(PolicyName = AnswerCache.Policy)]
[Budget(BudgetKind.Computation)]
public sealed class TotalsController(TotalsReader reader) : ControllerBase
{
    /// <summary>Get verified totals as of a moment</summary>
    /// <remarks>
    /// Counts releases dated in [from, to] by their verification status as of <c>asOf</c> (the latest decision
    /// that had occurred by then). No endpoint accepts a verified count: these are computed, one person at a time.
    /// Claims stated by <c>asOf</c> and still standing then are set beside the totals, never added to them.
    /// With <c>knownAt</c>, only what the record had recorded by then counts (releases reported, decisions and claims
    /// entered, each person's and release's fields as they then stood): with both moments past, the answer never changes.
    /// Answers carry an ETag; send it in If-None-Match to get 304 while nothing changed.
    /// </remarks>
    [HttpGet]
    [ProducesResponseType<TotalsResponse>(StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType(StatusCodes.Status304NotModified)]
    [Problems(StatusCodes.Status400BadRequest)]
    public async Task<IActionResult> GetTotals([FromQuery] TotalsQuery query, CancellationToken ct) =>
        new CacheableJsonResult(await reader.TotalsAsync(query, ct));

    /// <summary>Get verified releases over time</summary>
    /// <remarks>
    /// One point per day or week of [from, to], with the running total; the points add up to the totals for the same
    /// inputs (<c>asOf</c> and <c>knownAt</c> included).
    /// </remarks>
    [HttpGet("timeline")]
    [ProducesResponseType<TimelineResponse>(StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType(StatusCodes.Status304NotModified)]
    [Problems(StatusCodes.Status400BadRequest)]
    public async Task<IActionResult> GetTimeline([FromQuery] TimelineQuery query, CancellationToken ct) =>
        new CacheableJsonResult(await reader.TimelineAsync(query, ct));
}
