using PrisonerReleaseTracker.Api.Features.Totals;

namespace PrisonerReleaseTracker.Api.Features.PublicPage;

/// <summary>
/// The figures of a view, read from <see cref="TotalsReader"/>, the service behind <c>/api/v1/totals</c> and
/// <c>/api/v1/totals/timeline</c>: the page has no way of counting of its own. A view is made of the answers a client
/// would get from those endpoints for the same parameters: one totals answer per breakdown shown, and the timeline.
/// </summary>
public sealed class PageFigures(TotalsReader reader)
{
    /// <summary>The breakdowns the page shows when the URL names none.</summary>
    public static readonly TotalsGroupBy[] MainBreakdowns =
        [TotalsGroupBy.Nationality, TotalsGroupBy.Facility, TotalsGroupBy.ChargesDropped, TotalsGroupBy.ReleaseKind];

    /// <summary>Everything the full page shows.</summary>
    public async Task<PageFiguresView> AllAsync(PageQuery query, CancellationToken ct)
    {
        var scope = reader.ScopeOf(query.Scope);
        TotalsResponse? totals = null;
        var breakdowns = new List<PageBreakdown>();
        foreach (var by in query.GroupBy is { } one ? [one] : MainBreakdowns)
        {
            var answer = await reader.TotalsAsync(scope, by, ct);
            totals ??= answer;
            breakdowns.Add(new PageBreakdown(by, answer.Breakdown));
        }

        return new PageFiguresView(totals!, breakdowns, await TimelineAsync(query, scope, ct));
    }

    /// <summary>The totals and the timeline, without breakdowns (the embed).</summary>
    public async Task<PageFiguresView> SummaryAsync(PageQuery query, CancellationToken ct)
    {
        var (scope, totals) = await TotalsAsync(query, ct);
        return new PageFiguresView(totals, [], await TimelineAsync(query, scope, ct));
    }

    /// <summary>The totals without breakdown, and the scope they were counted for (as of now, when the URL says no moment).</summary>
    public async Task<(TotalsScope Scope, TotalsResponse Totals)> TotalsAsync(PageQuery query, CancellationToken ct)
    {
        var scope = reader.ScopeOf(query.Scope);
        return (scope, await reader.TotalsAsync(scope, null, ct));
    }

    /// <summary>The timeline of the same <paramref name="scope"/> as the totals beside it; its moment decides days or weeks.</summary>
    public Task<TimelineResponse> TimelineAsync(PageQuery query, TotalsScope scope, CancellationToken ct) =>
        reader.TimelineAsync(scope with { Interval = query.Interval(scope.AsOf) }, ct);
}

/// <summary>One breakdown of the verified releases.</summary>
public sealed record PageBreakdown(TotalsGroupBy By, IReadOnlyList<BreakdownItem> Items);

/// <summary>The answers a view is drawn from.</summary>
/// <param name="Totals">The totals answer (its breakdown is the first of <paramref name="Breakdowns"/>).</param>
/// <param name="Breakdowns">The breakdowns shown.</param>
/// <param name="Timeline">The timeline answer.</param>
public sealed record PageFiguresView(TotalsResponse Totals, IReadOnlyList<PageBreakdown> Breakdowns, TimelineResponse Timeline);

/// <summary>A tally published by one of the organizations the page follows (issue 13; none until tallies exist).</summary>
/// <param name="Citation">The citation line, as the tally gives it.</param>
/// <param name="Url">The tally's permanent URL.</param>
public sealed record PublishedTally(string Citation, string Url);

/// <summary>Everything a page template needs.</summary>
/// <param name="Query">The view asked for.</param>
/// <param name="Figures">Its figures.</param>
/// <param name="Text">The texts and formats of its language.</param>
/// <param name="BaseUrl">Scheme and host, for the links a reader copies elsewhere.</param>
/// <param name="LanguageLinks">The query string of this view in each language.</param>
/// <param name="Tallies">Published tallies to cite; empty (and the section hidden) until issue 13 brings them.</param>
/// <param name="ApiDocs">Whether to link the Swagger UI (only where it is served).</param>
/// <param name="Assets">The stylesheet's and the script's URLs.</param>
public sealed record PageView(PageQuery Query, PageFiguresView Figures, PageText Text, string BaseUrl,
    IReadOnlyDictionary<string, string> LanguageLinks, IReadOnlyList<PublishedTally> Tallies, bool ApiDocs, PageAssets Assets)
{
    public TotalsResponse Totals => Figures.Totals;

    /// <summary>This view's query string (asOf as written; "now" stays now).</summary>
    public string Here => Query.QueryString(Totals.AsOf);

    /// <summary>The permanent URL: the moment pinned to the answer's, so the link keeps showing these figures.</summary>
    public string PermanentUrl => $"{BaseUrl}/{Query.QueryString(Totals.AsOf, pinned: Totals.AsOf)}";

    public string EmbedUrl => $"{BaseUrl}/embed{Query.QueryString(Totals.AsOf, pinned: Totals.AsOf)}";

    public string ApiUrl => $"/api/v1/totals{Query.ApiQueryString(Totals.AsOf)}";

    /// <summary>The claims drawn and listed: the latest stated, so that a period with many claims keeps the page small.</summary>
    public IReadOnlyList<ReconciledClaim> Claims => Latest(Totals.Claims);

    /// <summary>How many claims stand but are left out of the page (the CSV and the API have them all).</summary>
    public int ClaimsLeftOut => Totals.Claims.Count - Claims.Count;

    /// <summary>At most <see cref="MaxClaims"/> claims, the latest stated (claims come ordered by when they were stated).</summary>
    public static IReadOnlyList<ReconciledClaim> Latest(IReadOnlyList<ReconciledClaim> claims) =>
        claims.Count <= MaxClaims ? claims : [.. claims.Skip(claims.Count - MaxClaims)];

    public const int MaxClaims = 10;
}
