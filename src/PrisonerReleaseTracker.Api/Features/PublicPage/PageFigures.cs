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

/// <summary>A tally published by one of the organizations the page follows (<c>Page:Organizations</c>).</summary>
/// <param name="Number">The tally's number.</param>
/// <param name="Organization">Who published it.</param>
/// <param name="Citation">The citation line, as the tally gives it.</param>
/// <param name="Url">The tally's address on this site (a path: the page links nowhere else).</param>
/// <param name="From">First release day it counts.</param>
/// <param name="To">Last release day it counts.</param>
/// <param name="AsOf">The moment its figures are true at.</param>
/// <param name="KnownAt">Its moment of publication.</param>
public sealed record PublishedTally(long Number, string Organization, string Citation, string Url, DateOnly From, DateOnly To, DateTimeOffset AsOf, DateTimeOffset KnownAt);

/// <summary>Everything a page template needs.</summary>
/// <param name="Query">The view asked for.</param>
/// <param name="Figures">Its figures.</param>
/// <param name="Text">The texts and formats of its language.</param>
/// <param name="BaseUrl">Scheme and host, for the links a reader copies elsewhere.</param>
/// <param name="LanguageLinks">The query string of this view in each language.</param>
/// <param name="Tallies">The latest tallies the followed organizations published, to cite; the section is hidden without any.</param>
/// <param name="ApiDocs">Whether to link the Swagger UI (only where it is served).</param>
/// <param name="Assets">The stylesheet's and the script's URLs.</param>
public sealed record PageView(PageQuery Query, PageFiguresView Figures, PageText Text, string BaseUrl,
    IReadOnlyDictionary<string, string> LanguageLinks, IReadOnlyList<PublishedTally> Tallies, bool ApiDocs, PageAssets Assets)
{
    public TotalsResponse Totals => Figures.Totals;

    /// <summary>This view's query string (asOf as written; "now" stays now).</summary>
    public string Here => Query.QueryString(Totals.AsOf);

    /// <summary>The permanent URL: both moments pinned to the answer's, so the link keeps showing these figures whatever is written later.</summary>
    public string PermanentUrl => $"{BaseUrl}/{Query.QueryString(Totals.AsOf, pinned: (Totals.AsOf, Totals.KnownAt))}";

    public string EmbedUrl => $"{BaseUrl}/embed{Query.QueryString(Totals.AsOf, pinned: (Totals.AsOf, Totals.KnownAt))}";

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

/// <summary>
/// The tallies the page follows: those published by the organizations named in <c>Page:Organizations</c> (by default,
/// with the demo data on, the demo's verifying organization; else none). The latest of them is the default view.
/// </summary>
public sealed class PageTallies(AppDbContext db, IConfiguration configuration)
{
    /// <summary>How many tallies the page lists, the latest first.</summary>
    public const int Shown = 5;

    public IReadOnlyList<string> Organizations { get; } = configuration.GetSection("Page:Organizations").Get<string[]>()
        ?? (configuration.GetValue<bool>("Demo:Seed") ? [DemoData.VerifyingOrganization] : []);

    /// <summary>The latest tallies of the followed organizations, with their addresses on this site.</summary>
    public async Task<IReadOnlyList<PublishedTally>> LatestAsync(CancellationToken ct)
    {
        if (Organizations.Count == 0)
        {
            return [];
        }

        var followed = Organizations.ToList();
        var tallies = await db.Tallies.AsNoTracking().Where(t => followed.Contains(t.Organization)).OrderByDescending(t => t.Number).Take(Shown).ToListAsync(ct);
        return [.. tallies.Select(t => new PublishedTally(t.Number, t.Organization, t.Citation(), $"/api/v1/tallies/{t.Number}", t.From, t.To, t.AsOf, t.KnownAt))];
    }
}
