using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.Net.Http.Headers;

namespace PrisonerReleaseTracker.Api.Features.PublicPage;

/// <summary>
/// The public page: anonymous, read-only HTML at <c>/</c> and <c>/embed</c>, rendered on the server from Razor components,
/// with its downloads (the figures as CSV, each chart as SVG) and its two assets. None of these is an API operation:
/// they are excluded from the OpenAPI document on purpose (the figures' contract is <c>/api/v1/totals</c>, which the
/// page reads through the same service). They pass the same middleware as the API: the anonymous rate limit, the
/// request log (route template only), and the answers cache keyed by the data version (plus the page's language).
/// </summary>
public static class PublicPageEndpoints
{
    public const string CachePolicy = "PublicPage";

    /// <summary>No inline script or style anywhere; scripts, styles and form posts to this origin only.</summary>
    private const string PagePolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'";

    public static readonly ContentSecurityPolicy Page = new($"{PagePolicy}; frame-ancestors 'none'", AllowFraming: false);

    /// <summary>The embed is made to be framed by news sites, anywhere.</summary>
    public static readonly ContentSecurityPolicy Embed = new($"{PagePolicy}; frame-ancestors *", AllowFraming: true);

    public static readonly ContentSecurityPolicy Download = new("default-src 'none'; frame-ancestors 'none'", AllowFraming: false);

    public static IServiceCollection AddPublicPage(this IServiceCollection services)
    {
        services.AddScoped<PageFigures>();
        services.AddScoped<PageLists>();
        services.AddScoped<PageTallies>();
        services.AddSingleton<PageAssets>();
        // The answers cache of the totals (one entry per query string and data version), varied also by the language a
        // reader gets without lang in the URL and by today's date (the default period ends today).
        services.Configure<OutputCacheOptions>(options => options.AddPolicy(CachePolicy, policy => policy
            .ByDataVersion()
            .VaryByValue(http => new KeyValuePair<string, string>("page",
                $"{PageLanguage.Resolve(http.Request)}|{Today(http).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}")), excludeDefaultPolicy: true));
        return services;
    }

    public static void MapPublicPage(this WebApplication app)
    {
        Open(app.MapGet("/", HomeAsync), Page);
        Open(app.MapGet("/embed", EmbedAsync), Embed);
        Open(app.MapGet("/page/figures.csv", CsvAsync), Download);
        Open(app.MapGet("/page/timeline.svg", TimelineSvgAsync), Download);
        Open(app.MapGet("/page/claims.svg", ClaimsSvgAsync), Download);
        app.MapGet("/page/assets/{name}", Asset).AllowAnonymous().ExcludeFromDescription().WithMetadata(Download);
    }

    private static void Open(RouteHandlerBuilder endpoint, ContentSecurityPolicy policy) =>
        endpoint.AllowAnonymous().ExcludeFromDescription().CacheOutput(CachePolicy).WithMetadata(policy, new BudgetAttribute(BudgetKind.Computation));

    private static Task HomeAsync(HttpContext http, PageFigures figures, PageAssets assets, IConfiguration configuration, IWebHostEnvironment environment) =>
        RenderAsync(http, assets, async (query, ct) => await figures.AllAsync(query, ct), view => new Dictionary<string, object?>
        {
            [nameof(HomePage.View)] = view with { ApiDocs = configuration.GetValue("Swagger:Enabled", environment.IsDevelopment()) },
        }, typeof(HomePage));

    private static Task EmbedAsync(HttpContext http, PageFigures figures, PageAssets assets) =>
        RenderAsync(http, assets, async (query, ct) => await figures.SummaryAsync(query, ct),
            view => new Dictionary<string, object?> { [nameof(EmbedPage.View)] = view }, typeof(EmbedPage));

    private static async Task CsvAsync(HttpContext http, PageFigures figures)
    {
        if (await ReadQueryAsync(http, null) is not { } query)
        {
            return;
        }

        var view = await figures.AllAsync(query, http.RequestAborted);
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"{FileName(query, view.Totals.AsOf, "figures")}.csv\"";
        await WriteAsync(http, Encoding.UTF8.GetBytes(PageCsv.Write(view)), "text/csv; charset=utf-8");
    }

    private static async Task TimelineSvgAsync(HttpContext http, PageFigures figures)
    {
        if (await ReadQueryAsync(http, null) is not { } query)
        {
            return;
        }

        var (scope, totals) = await figures.TotalsAsync(query, http.RequestAborted);
        var timeline = await figures.TimelineAsync(query, scope, http.RequestAborted);
        await WriteSvgAsync(http, FileName(query, totals.AsOf, "timeline"), typeof(TimelineChart), new Dictionary<string, object?>
        {
            [nameof(TimelineChart.Timeline)] = timeline,
            [nameof(TimelineChart.Claims)] = PageView.Latest(totals.Claims),
            [nameof(TimelineChart.Text)] = PageText.For(query.Language),
        });
    }

    private static async Task ClaimsSvgAsync(HttpContext http, PageFigures figures)
    {
        if (await ReadQueryAsync(http, null) is not { } query)
        {
            return;
        }

        var (_, totals) = await figures.TotalsAsync(query, http.RequestAborted);
        await WriteSvgAsync(http, FileName(query, totals.AsOf, "claims"), typeof(ClaimsChart), new Dictionary<string, object?>
        {
            [nameof(ClaimsChart.Claims)] = PageView.Latest(totals.Claims),
            [nameof(ClaimsChart.AsOf)] = totals.AsOf,
            [nameof(ClaimsChart.Text)] = PageText.For(query.Language),
        });
    }

    private static IResult Asset(string name, HttpContext http, PageAssets assets)
    {
        if (!assets.TryGet(name, out var asset))
        {
            return Results.NotFound();
        }

        var versioned = http.Request.Query["v"] == asset.Version;
        http.Response.Headers.CacheControl = versioned ? "public, max-age=31536000, immutable" : "public, max-age=300";
        return Results.Bytes(asset.Bytes, asset.ContentType, entityTag: new EntityTagHeaderValue($"\"{asset.Version}\""));
    }

    /// <summary>
    /// Reads the view; an invalid URL gets a 400 page naming each bad parameter, in the reader's language. A URL that
    /// names no period and no moment shows the latest tally of a followed organization, when there is one.
    /// </summary>
    private static async Task<PageQuery?> ReadQueryAsync(HttpContext http, PageAssets? assets)
    {
        if (PageQuery.Read(http.Request, Today(http), out var invalid) is { } query)
        {
            return query.NamesNothing && (await Tallies(http).LatestAsync(http.RequestAborted)).FirstOrDefault() is { } latest
                ? query.ShowingTally(latest) : query;
        }

        var text = PageText.For(PageLanguage.Resolve(http.Request));
        var html = await RenderToStringAsync(http, typeof(ErrorPage), new Dictionary<string, object?>
        {
            [nameof(ErrorPage.Text)] = text,
            [nameof(ErrorPage.Invalid)] = invalid,
            [nameof(ErrorPage.PageAssets)] = assets ?? http.RequestServices.GetRequiredService<PageAssets>(),
        });
        http.Response.StatusCode = StatusCodes.Status400BadRequest;
        http.Response.Headers.CacheControl = "no-store";
        http.Response.ContentType = "text/html; charset=utf-8";
        http.Response.Headers.ContentLanguage = text.Language;
        await http.Response.WriteAsync(html, http.RequestAborted);
        return null;
    }

    private static async Task RenderAsync(HttpContext http, PageAssets assets, Func<PageQuery, CancellationToken, Task<PageFiguresView>> load,
        Func<PageView, Dictionary<string, object?>> parameters, Type component)
    {
        if (await ReadQueryAsync(http, assets) is not { } query)
        {
            return;
        }

        var figures = await load(query, http.RequestAborted);
        var view = new PageView(query, figures, PageText.For(query.Language), BaseUrl(http),
            PageLanguage.Supported.ToDictionary(l => l, l => PageQuery.InLanguage(http.Request, l)),
            await Tallies(http).LatestAsync(http.RequestAborted), ApiDocs: false, assets);
        var html = await RenderToStringAsync(http, component, parameters(view));
        await WriteAsync(http, Encoding.UTF8.GetBytes(html), "text/html; charset=utf-8", query);
    }

    private static async Task WriteSvgAsync(HttpContext http, string fileName, Type chart, Dictionary<string, object?> parameters)
    {
        parameters[nameof(TimelineChart.Standalone)] = true;
        var svg = await RenderToStringAsync(http, chart, parameters);
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}.svg\"";
        await WriteAsync(http, Encoding.UTF8.GetBytes($"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{svg}"), "image/svg+xml; charset=utf-8");
    }

    private static async Task<string> RenderToStringAsync(HttpContext http, Type component, Dictionary<string, object?> parameters)
    {
        await using var renderer = new HtmlRenderer(http.RequestServices, http.RequestServices.GetRequiredService<ILoggerFactory>());
        return await renderer.Dispatcher.InvokeAsync(async () =>
            (await renderer.RenderComponentAsync(component, ParameterView.FromDictionary(parameters))).ToHtmlString());
    }

    /// <summary>
    /// The bytes as the answers cache writes the totals (<see cref="AnswerCache.WriteAsync"/>), with the language. The
    /// output cache keeps the whole answer and replays it, 304s included, until the data version moves.
    /// </summary>
    private static Task WriteAsync(HttpContext http, byte[] body, string contentType, PageQuery? query = null)
    {
        if (query is not null)
        {
            http.Response.Headers.ContentLanguage = query.Language;
            if (!query.LanguageInUrl)
            {
                http.Response.Headers.Vary = "Accept-Language";
            }
        }

        return AnswerCache.WriteAsync(http, body, contentType);
    }

    private static string FileName(PageQuery query, DateTimeOffset asOf, string what) =>
        string.Create(CultureInfo.InvariantCulture, $"verified-releases-{what}-{query.From:yyyy-MM-dd}-{query.LastDay(asOf):yyyy-MM-dd}");

    private static PageTallies Tallies(HttpContext http) => http.RequestServices.GetRequiredService<PageTallies>();

    private static string BaseUrl(HttpContext http) => $"{http.Request.Scheme}://{http.Request.Host}";

    private static DateOnly Today(HttpContext http) =>
        DateOnly.FromDateTime(http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime);
}
