using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OutputCaching;
using PrisonerReleaseTracker.Api.Infrastructure;

namespace PrisonerReleaseTracker.Api.Features.Totals;

/// <summary>Verified totals, computed from individual verified releases, with the claims beside them.</summary>
[ApiController]
[Route("api/v1/totals")]
[Tags("Totals")]
[AllowAnonymous]
[OutputCache(PolicyName = DataVersionCachePolicy.Name)]
[Budget(BudgetKind.Computation)]
public sealed class TotalsController(TotalsReader reader, ResponseCache cache, TimeProvider clock) : ControllerBase
{
    /// <summary>Get verified totals as of a moment</summary>
    /// <remarks>
    /// Counts releases dated in [from, to] by their verification status as of <c>asOf</c> (the latest decision
    /// that had occurred by then). No endpoint accepts a verified count: these are computed, one person at a time.
    /// Claims stated by <c>asOf</c> and still standing then are set beside the totals, never added to them.
    /// Answers carry an ETag; send it in If-None-Match to get 304 while nothing changed.
    /// </remarks>
    [HttpGet]
    [ProducesResponseType<TotalsResponse>(StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType(StatusCodes.Status304NotModified)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    public Task<IActionResult> GetTotals([FromQuery] TotalsQuery query)
    {
        TotalsQuery.TryParseAsOf(query.AsOf, clock.GetUtcNow(), out var asOf);
        var key = string.Join('|', "totals", query.From, query.To, Moment(asOf), query.GroupBy, query.VerifiedBy);
        return cache.GetOrComputeAsync(HttpContext, key,
            () => reader.TotalsAsync(query.From!.Value, query.To, asOf, query.GroupBy, query.VerifiedBy, HttpContext.RequestAborted));
    }

    /// <summary>Get verified releases over time</summary>
    /// <remarks>One point per day or week of [from, to], with the running total; the points add up to the totals for the same inputs.</remarks>
    [HttpGet("timeline")]
    [ProducesResponseType<TimelineResponse>(StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType(StatusCodes.Status304NotModified)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    public Task<IActionResult> GetTimeline([FromQuery] TimelineQuery query)
    {
        TotalsQuery.TryParseAsOf(query.AsOf, clock.GetUtcNow(), out var asOf);
        var interval = query.Interval ?? TimelineInterval.Day;
        var key = string.Join('|', "timeline", query.From, query.To, Moment(asOf), interval, query.VerifiedBy);
        return cache.GetOrComputeAsync(HttpContext, key,
            () => reader.TimelineAsync(query.From!.Value, query.To, asOf, interval, query.VerifiedBy, HttpContext.RequestAborted));
    }

    /// <summary>
    /// An answer "as of now" changes only when the data does (no decision can be dated in the future), so all
    /// of them share one cache key per data version; a given moment is keyed by itself.
    /// </summary>
    private static string Moment(DateTimeOffset? asOf) =>
        asOf is null ? "now" : asOf.Value.UtcTicks.ToString(CultureInfo.InvariantCulture);
}
