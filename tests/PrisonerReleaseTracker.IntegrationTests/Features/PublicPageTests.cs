using System.Globalization;
using System.Net;
using System.Resources;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using PrisonerReleaseTracker.Api.Features.PublicPage;
using PrisonerReleaseTracker.Domain.Access;
using PrisonerReleaseTracker.IntegrationTests.Infrastructure;

namespace PrisonerReleaseTracker.IntegrationTests.Features;

/// <summary>The demo data in a database of its own, read by the public page as deployed (Production) and as the run command runs it.</summary>
public sealed class PageStoryFixture(ApiFixture api) : IAsyncLifetime
{
    /// <summary>A client of the Development app with a new key of <paramref name="role"/>, issued with the run's Admin key.</summary>
    public async Task<HttpClient> ClientAsync(Role role, string organization)
    {
        using var admin = Development!.CreateClient();
        admin.DefaultRequestHeaders.Add("X-Api-Key", api.AdminKey);
        var issued = await admin.PostOkAsync("/api/v1/api-keys", new { name = $"{role} key", organization, role = role.ToString() });
        var client = Development.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", issued["key"]!.GetValue<string>());
        return client;
    }

    public PageApp? Development { get; private set; }
    public PageApp? Production { get; private set; }

    public async ValueTask InitializeAsync()
    {
        var connectionString = await api.Server.CreateDatabaseAsync($"prt_page_{Environment.ProcessId}");
        Development = new PageApp(connectionString, "Development", demo: true, adminKey: api.AdminKey);
        using (var first = Development.CreateClient())
        {
            (await first.GetAsync(new Uri("/health/ready", UriKind.Relative))).EnsureSuccessStatusCode();
        }

        Production = new PageApp(connectionString, "Production", demo: false);
    }

    public async ValueTask DisposeAsync()
    {
        if (Development is not null)
        {
            await Development.DisposeAsync();
        }

        if (Production is not null)
        {
            await Production.DisposeAsync();
        }
    }
}

/// <summary>The API with the settings a deployment would have: Swagger only as the environment decides.</summary>
public sealed class PageApp(string connectionString, string environment, bool demo, int anonymousPermits = 1_000_000, string? adminKey = null)
    : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(environment);
        builder.UseSetting("ConnectionStrings:Default", connectionString);
        builder.UseSetting("Database:MigrateOnStartup", "true");
        builder.UseSetting("Demo:Seed", demo ? "true" : "false");
        builder.UseSetting("RateLimiting:Anonymous:PermitLimit", anonymousPermits.ToString(CultureInfo.InvariantCulture));
        // Windows are aligned to the clock: a day's window keeps a few requests from straddling two of them.
        builder.UseSetting("RateLimiting:Anonymous:WindowSeconds", "86400");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        if (adminKey is not null)
        {
            builder.UseSetting("Auth:BootstrapAdminKey", adminKey);
        }
    }
}

public sealed partial class PublicPageTests(ApiFixture api, PageStoryFixture story) : IClassFixture<PageStoryFixture>
{
    private const string Story = "from=2026-01-08&asOf=2026-01-23";

    private HttpClient Reader(string? acceptLanguage = null)
    {
        var client = story.Development!.CreateClient();
        if (acceptLanguage is not null)
        {
            client.DefaultRequestHeaders.AcceptLanguage.ParseAdd(acceptLanguage);
        }

        return client;
    }

    private static async Task<string> TextAsync(HttpResponseMessage response) =>
        WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));

    [Fact]
    public async Task The_page_answers_anyone_in_html_with_no_inline_script_or_style_and_refuses_to_be_framed()
    {
        using var reader = Reader();

        var response = await reader.GetAsync(new Uri($"/?{Story}", UriKind.Relative), TestContext.Current.CancellationToken);
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var policy = string.Join(' ', response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", policy, StringComparison.Ordinal);
        Assert.Contains("style-src 'self'", policy, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe", policy, StringComparison.Ordinal);
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
        Assert.DoesNotMatch(InlineScript(), html);
        Assert.DoesNotContain("<style", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(StyleAttribute(), html);
        Assert.DoesNotMatch(OtherHost(), html);
    }

    [Fact]
    public async Task Without_a_period_the_page_shows_the_latest_tally_of_a_followed_organization_and_lists_its_tallies()
    {
        using var reader = Reader();
        using var production = story.Production!.CreateClient();

        var followed = await TextAsync(await reader.GetAsync(new Uri("/?lang=en", UriKind.Relative), TestContext.Current.CancellationToken));
        var unfollowed = await TextAsync(await production.GetAsync(new Uri("/?lang=en", UriKind.Relative), TestContext.Current.CancellationToken));

        // The demo's verifying organization is followed when the demo data is on: its tally 2 (240 verified, 8-25 January).
        Assert.Contains("The latest tally published by Demo Verification Network: tally 2", followed, StringComparison.Ordinal);
        Assert.Contains("data-figure=\"verified\">240<", followed, StringComparison.Ordinal);
        Assert.Contains("PrisonerReleaseTracker tally 1, published by Demo Verification Network: 156 verified releases", followed, StringComparison.Ordinal);
        Assert.Contains("/api/v1/tallies/2", followed, StringComparison.Ordinal);
        Assert.Contains("knownAt=2026-01-25T16%3A00%3A00.000000Z", followed, StringComparison.Ordinal);
        Assert.Contains("No tally has been published yet", unfollowed, StringComparison.Ordinal);
        Assert.DoesNotContain("PrisonerReleaseTracker tally", unfollowed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_page_known_at_a_past_moment_shows_what_the_record_knew_then_and_its_permanent_link_keeps_both_moments()
    {
        using var reader = Reader();

        var html = await TextAsync(await reader.GetAsync(new Uri(
            "/?from=2026-01-08&to=2026-01-25&asOf=2026-01-25T12:00:00-04:00&knownAt=2026-01-23T19:00:00-04:00&lang=en", UriKind.Relative),
            TestContext.Current.CancellationToken));
        var now = await TextAsync(await reader.GetAsync(new Uri("/?from=2026-01-08&to=2026-01-25&asOf=2026-01-25T12:00:00-04:00&lang=en", UriKind.Relative),
            TestContext.Current.CancellationToken));

        Assert.Contains("data-figure=\"verified\">156<", html, StringComparison.Ordinal);
        Assert.Contains("knownAt=2026-01-23T19%3A00%3A00-04%3A00", html, StringComparison.Ordinal);
        Assert.Contains("data-figure=\"verified\">240<", now, StringComparison.Ordinal);
        Assert.Matches("/\\?from=2026-01-08&amp;to=2026-01-25&amp;asOf=[^&]+&amp;knownAt=20", await reader.GetStringAsync(new Uri(
            "/?from=2026-01-08&to=2026-01-25&asOf=2026-01-25T12:00:00-04:00&lang=en", UriKind.Relative), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task The_embed_may_be_framed_by_any_site()
    {
        using var reader = Reader();

        var response = await reader.GetAsync(new Uri($"/embed?{Story}", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("frame-ancestors *", string.Join(' ', response.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
        Assert.False(response.Headers.Contains("X-Frame-Options"));
    }

    [Fact]
    public async Task The_page_shows_the_figures_of_the_totals_answer_in_the_readers_language()
    {
        using var spanish = Reader("es-VE,es;q=0.9,en;q=0.5");
        using var english = Reader("en-GB");
        var totals = System.Text.Json.Nodes.JsonNode.Parse(
            await spanish.GetStringAsync(new Uri($"/api/v1/totals?{Story}", UriKind.Relative), TestContext.Current.CancellationToken))!;

        var es = await spanish.GetAsync(new Uri($"/?{Story}", UriKind.Relative), TestContext.Current.CancellationToken);
        var en = await english.GetAsync(new Uri($"/?{Story}", UriKind.Relative), TestContext.Current.CancellationToken);
        var esText = await TextAsync(es);
        var enText = await TextAsync(en);

        Assert.Equal("es", Assert.Single(es.Content.Headers.ContentLanguage));
        Assert.Equal("en", Assert.Single(en.Content.Headers.ContentLanguage));
        Assert.Contains("Accept-Language", es.Headers.Vary);
        Assert.Contains("data-figure=\"verified\">156<", esText, StringComparison.Ordinal);
        Assert.Contains("data-figure=\"verified\">156<", enText, StringComparison.Ordinal);
        Assert.Contains("Al menos 445 sin verificar.", esText, StringComparison.Ordinal);
        Assert.Contains("At least 445 not verified.", enText, StringComparison.Ordinal);
        Assert.Contains("23 de enero de 2026", esText, StringComparison.Ordinal);
        Assert.Contains("23 January 2026", enText, StringComparison.Ordinal);
        Assert.Equal(156, totals["releases"]!["verified"]!.GetValue<int>());
        Assert.Equal(445, totals["claims"]![0]!["unverifiedAtLeast"]!.GetValue<int>());
    }

    [Fact]
    public async Task Numbers_and_dates_are_written_as_the_readers_language_writes_them()
    {
        Assert.Equal("1.234", PageText.For("es").Number(1234));
        Assert.Equal("1,234", PageText.For("en").Number(1234));
        Assert.Equal("23 de enero de 2026", PageText.For("es").Date(new DateOnly(2026, 1, 23)));
        Assert.Equal("España", PageText.For("es").Country("ES"));
        Assert.Equal("Spain", PageText.For("en").Country("ES"));
        Assert.Equal("Alemania", PageText.For("es").Country("DE"));
        await Task.CompletedTask;
    }

    [Fact]
    public void Every_text_of_the_page_exists_in_both_languages()
    {
        var english = Names(CultureInfo.InvariantCulture);
        var spanish = Names(CultureInfo.GetCultureInfo("es"));

        Assert.True(english.Count > 50, $"{english.Count} texts");
        Assert.Equal(english.Order(), spanish.Order());

        static List<string> Names(CultureInfo culture) =>
            [.. new ResourceManager(typeof(PageText)).GetResourceSet(culture, createIfNotExists: true, tryParents: false)!.Cast<System.Collections.DictionaryEntry>().Select(e => (string)e.Key)];
    }

    [Fact]
    public async Task No_name_of_any_person_appears_on_the_page_its_embed_or_its_downloads()
    {
        using var reader = Reader();
        var pages = new[] { $"/?{Story}", $"/embed?{Story}", $"/page/figures.csv?{Story}", $"/page/claims.svg?{Story}", $"/page/timeline.svg?{Story}",
            "/?from=2026-01-08&asOf=2026-01-25&groupBy=category", "/?from=2026-01-08&asOf=2026-01-25&groupBy=gender" };

        foreach (var page in pages)
        {
            var response = await reader.GetAsync(new Uri(page, UriKind.Relative), TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            // Every demo person is named "<given> <surname> <surname> (demo NNN)".
            Assert.DoesNotMatch(DemoName(), await TextAsync(response));
        }
    }

    [Fact]
    public async Task The_page_shows_each_named_list_with_the_reconciliation_the_api_gives_anyone()
    {
        using var reader = Reader();
        var list = (await reader.GetOkAsync("/api/v1/lists"))["items"]![0]!;
        var reconciliation = await reader.GetOkAsync($"/api/v1/lists/{list.Id()}/reconciliation?asOf=2026-01-23");
        var html = await TextAsync(await reader.GetAsync(new Uri($"/?{Story}&lang=en", UriKind.Relative), TestContext.Current.CancellationToken));

        var row = Regex.Match(html, $"<tr data-list=\"{list.Id()}\">.*?</tr>", RegexOptions.Singleline).Value;
        Assert.Contains(list["title"]!.GetValue<string>(), row, StringComparison.Ordinal);
        foreach (var (outcome, count) in reconciliation["outcomes"]!.AsObject())
        {
            var name = char.ToUpperInvariant(outcome[0]) + outcome[1..];
            Assert.Contains($"data-outcome=\"{name}\">{count!.GetValue<int>().ToString("N0", CultureInfo.GetCultureInfo("en"))}</td>", row, StringComparison.Ordinal);
        }

        Assert.Contains(">153</td>", row, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_whole_page_weighs_under_100_kb_even_for_ten_years()
    {
        using var reader = Reader();
        var page = await reader.GetAsync(new Uri("/?from=2016-03-01&to=2026-01-25&lang=es", UriKind.Relative), TestContext.Current.CancellationToken);
        var html = await page.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var total = (long)System.Text.Encoding.UTF8.GetByteCount(html);

        foreach (Match asset in Asset().Matches(html))
        {
            var bytes = await reader.GetByteArrayAsync(new Uri(WebUtility.HtmlDecode(asset.Groups[1].Value), UriKind.Relative), TestContext.Current.CancellationToken);
            total += bytes.Length;
        }

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("data-table=\"timeline\"", html, StringComparison.Ordinal);
        Assert.InRange(total, 1, 100 * 1024);
    }

    [Fact]
    public async Task A_period_with_many_claims_shows_the_latest_ten_and_says_how_many_more_stand()
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Many Claims Ministry");
        // Thirty days of the test's own: no other test's claims stand in them.
        var first = api.OwnPeriod();
        string Day(int day) => first.AddDays(day - 1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        for (var day = 1; day <= 30; day++)
        {
            await contributor.PostOkAsync("/api/v1/claims", new
            {
                claimant = $"Ministry spokesperson {day}", claimantKind = "Government", metric = "Releases",
                statedAt = $"{Day(day)}T12:00:00Z", period = new { from = Day(1), to = Day(day) },
                count = new { qualifier = "MoreThan", value = 100 * day }, originalText = new string('x', 300),
            });
        }

        using var reader = api.Factory.CreateClient();
        var html = await reader.GetStringAsync(new Uri($"/?from={Day(1)}&to={Day(30)}&lang=en", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(10, Regex.Matches(html, "data-claim=").Count);
        Assert.Contains("Ministry spokesperson 30", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Ministry spokesperson 20<", html, StringComparison.Ordinal);
        Assert.Contains("20 older claims also stand for this period", html, StringComparison.Ordinal);
        Assert.InRange(System.Text.Encoding.UTF8.GetByteCount(html), 1, 80 * 1024);
    }

    [Theory]
    [InlineData("/?from=2026-13-01&lang=es", "from: una fecha escrita AAAA-MM-DD.")]
    [InlineData("/?from=2026-01-08&to=2026-01-01&lang=en", "to: a date written YYYY-MM-DD, not before from.")]
    [InlineData("/?asOf=yesterday&lang=en", "asOf: a date (YYYY-MM-DD)")]
    [InlineData("/?knownAt=yesterday&lang=en", "knownAt: a date (YYYY-MM-DD)")]
    [InlineData("/?groupBy=1&lang=en", "groupBy: one of facility")]
    [InlineData("/?lang=fr", "lang: es or en.")]
    [InlineData("/embed?from=2000-01-01&to=2026-01-01&lang=en", "from and to: at most 3,700 days apart.")]
    public async Task A_parameter_that_cannot_be_read_is_a_400_page_naming_it(string url, string message)
    {
        using var reader = Reader();

        var response = await reader.GetAsync(new Uri(url, UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(message, await TextAsync(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_figures_download_as_csv_and_each_chart_as_an_svg_file_with_its_title()
    {
        using var reader = Reader();

        var csv = await reader.GetStringAsync(new Uri($"/page/figures.csv?{Story}", UriKind.Relative), TestContext.Current.CancellationToken);
        var claims = await reader.GetAsync(new Uri($"/page/claims.svg?{Story}&lang=es", UriKind.Relative), TestContext.Current.CancellationToken);
        var timeline = await reader.GetAsync(new Uri($"/page/timeline.svg?{Story}&lang=en", UriKind.Relative), TestContext.Current.CancellationToken);

        var lines = csv.Split('\n');
        Assert.Equal("table,row,column,value", lines[0]);
        Assert.Contains("releases,verified,releases,156", lines);
        Assert.Contains("breakdown.nationality,ES,verified,5", lines);
        Assert.Contains(lines, l => l.StartsWith("claims,", StringComparison.Ordinal) && l.EndsWith(",unverifiedAtLeast,445", StringComparison.Ordinal));
        Assert.Contains("timeline.day,2026-01-23,cumulativeVerified,156", lines);
        foreach (var (svg, title) in new[] { (claims, "Cada afirmación frente a las excarcelaciones verificadas en su propio periodo"),
            (timeline, "Verified releases, cumulative, by day of release") })
        {
            Assert.Equal("image/svg+xml", svg.Content.Headers.ContentType?.MediaType);
            var document = XDocument.Parse(await svg.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
            XNamespace ns = "http://www.w3.org/2000/svg";
            Assert.Equal(ns + "svg", document.Root!.Name);
            Assert.Equal(title, document.Root.Element(ns + "title")!.Value);
        }
    }

    [Fact]
    public async Task The_page_is_kept_until_a_write_moves_the_data_version_then_shows_the_new_figure()
    {
        // The story's own database: no other test writes there, so only this test's write moves the data version.
        using var contributor = await story.ClientAsync(Role.Contributor, "Page Cache NGO");
        using var verifier = await story.ClientAsync(Role.Verifier, "Page Cache Verifiers");
        using var reader = Reader();
        var url = new Uri("/?from=2006-04-01&to=2006-04-30&lang=en", UriKind.Relative);
        var first = await reader.GetAsync(url, TestContext.Current.CancellationToken);
        var again = await reader.GetAsync(url, TestContext.Current.CancellationToken);
        Assert.Equal(first.Headers.ETag, again.Headers.ETag);
        Assert.Contains("data-figure=\"verified\">0<", await TextAsync(again), StringComparison.Ordinal);

        var detainee = await Records.DetaineeAsync(contributor);
        var detention = await Records.DetentionAsync(contributor, detainee, await Records.FacilityAsync(contributor), "2004-01");
        var release = await Records.ReleaseAsync(contributor, detention, "2006-04-10");
        (await Records.DecideAsync(verifier, release, "Verified", "2006-04-12T10:00:00Z")).EnsureSuccessStatusCode();

        var after = await reader.GetAsync(url, TestContext.Current.CancellationToken);
        Assert.NotEqual(first.Headers.ETag, after.Headers.ETag);
        Assert.Contains("data-figure=\"verified\">1<", await TextAsync(after), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cached_page_is_not_served_in_the_wrong_language()
    {
        using var spanish = Reader("es");
        using var english = Reader("en");
        var url = new Uri($"/embed?{Story}", UriKind.Relative);

        await english.GetAsync(url, TestContext.Current.CancellationToken);
        var es = await spanish.GetAsync(url, TestContext.Current.CancellationToken);
        var en = await english.GetAsync(url, TestContext.Current.CancellationToken);

        Assert.Contains("<html lang=\"es\">", await TextAsync(es), StringComparison.Ordinal);
        Assert.Contains("<html lang=\"en\">", await TextAsync(en), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reader_holding_the_page_gets_304()
    {
        using var reader = Reader();
        var url = new Uri($"/?{Story}&lang=en", UriKind.Relative);
        var first = await reader.GetAsync(url, TestContext.Current.CancellationToken);

        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        var second = await reader.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
    }

    [Fact]
    public async Task Only_where_swagger_is_served_does_the_page_link_it()
    {
        using var production = story.Production!.CreateClient();
        using var development = Reader();

        var deployed = await TextAsync(await production.GetAsync(new Uri($"/?{Story}", UriKind.Relative), TestContext.Current.CancellationToken));
        var local = await TextAsync(await development.GetAsync(new Uri($"/?{Story}", UriKind.Relative), TestContext.Current.CancellationToken));

        Assert.Contains("data-figure=\"verified\">156<", deployed, StringComparison.Ordinal);
        Assert.DoesNotContain("swagger", deployed, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("href=\"/swagger\"", local, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_page_counts_against_the_anonymous_rate_limit()
    {
        await using var limited = new PageApp(api.ConnectionString, "Production", demo: false, anonymousPermits: 2);
        using var reader = limited.CreateClient();
        (await reader.GetAsync(new Uri("/health/ready", UriKind.Relative), TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
        var statuses = new List<HttpStatusCode>();

        for (var i = 0; i < 3; i++)
        {
            statuses.Add((await reader.GetAsync(new Uri("/?lang=en", UriKind.Relative), TestContext.Current.CancellationToken)).StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public async Task The_page_and_its_downloads_are_not_api_operations()
    {
        using var reader = Reader();

        var document = await reader.GetStringAsync(new Uri("/swagger/v1/swagger.json", UriKind.Relative), TestContext.Current.CancellationToken);
        var paths = System.Text.Json.Nodes.JsonNode.Parse(document)!["paths"]!.AsObject().Select(p => p.Key).ToList();

        Assert.NotEmpty(paths);
        Assert.All(paths, path => Assert.StartsWith("/api/v1/", path, StringComparison.Ordinal));
    }

    [GeneratedRegex(@"<script(?![^>]*\bsrc=)[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();

    [GeneratedRegex(@"<[^>]+\sstyle=", RegexOptions.IgnoreCase)]
    private static partial Regex StyleAttribute();

    [GeneratedRegex(@"(src|href)=""(https?:)?//", RegexOptions.IgnoreCase)]
    private static partial Regex OtherHost();

    [GeneratedRegex(@"\(demo \d{3}\)")]
    private static partial Regex DemoName();

    [GeneratedRegex(@"(?:href|src)=""(/page/assets/[^""]+)""")]
    private static partial Regex Asset();
}
