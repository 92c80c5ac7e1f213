using System.Globalization;
using System.Text.Json.Nodes;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using PrisonerReleaseTracker.BrowserTests.Infrastructure;

namespace PrisonerReleaseTracker.BrowserTests;

/// <summary>
/// The public page in a real browser, on the demo data of the run command: the January 2026 story, 156 releases verified
/// by 23 January beside the government's "más de 600", then 240 by 25 January.
/// </summary>
public sealed class PublicPageTests(BrowserFixture app)
{
    private const string Story = "from=2026-01-08";

    public static TheoryData<string, string, string> Views => new()
    {
        // asOf, language, how it is chosen: Spanish by the browser's Accept-Language, English by lang in the URL.
        { "2026-01-23", "es", "accept-language" },
        { "2026-01-23", "en", "url" },
        { "2026-01-25", "es", "url" },
        { "2026-01-25", "en", "accept-language" },
    };

    [Theory]
    [MemberData(nameof(Views))]
    public async Task The_figures_on_the_page_equal_the_api_for_the_same_parameters(string asOf, string language, string chosenBy)
    {
        var api = await app.TotalsAsync($"?{Story}&asOf={asOf}");
        await using var context = await app.ContextAsync(language == "es" ? "es-VE" : "en-GB");
        var page = await context.NewPageAsync();

        await page.GotoAsync(chosenBy == "url" ? $"/?{Story}&asOf={asOf}&lang={language}" : $"/?{Story}&asOf={asOf}");

        Assert.Equal(language, await page.Locator("html").GetAttributeAsync("lang"));
        await AssertFiguresEqualAsync(page, api, language);
        await BrowserFixture.ScreenshotAsync(page, $"home-{language}-{asOf}");
    }

    [Fact]
    public async Task As_of_23_January_the_government_claim_stands_beside_156_verified_with_at_least_445_not_verified_in_words()
    {
        await using var context = await app.ContextAsync("es-VE");
        var page = await context.NewPageAsync();

        await page.GotoAsync($"/?{Story}&asOf=2026-01-23");

        Assert.Equal("156", await page.Locator("[data-figure=verified]").InnerTextAsync());
        var claim = page.Locator("ol.claims li");
        Assert.Equal(1, await claim.CountAsync());
        var words = await claim.InnerTextAsync();
        Assert.Contains("«más de 600»", words, StringComparison.Ordinal);
        Assert.Contains("Government of Venezuela (demo)", words, StringComparison.Ordinal);
        Assert.Contains("Al menos 445 sin verificar.", words, StringComparison.Ordinal);
        // The bars are the claim's own period: its lower bound beside the releases verified in those days.
        var chart = await page.Locator("svg[aria-labelledby='claims-title claims-desc']").InnerHTMLAsync();
        Assert.Contains("Afirmado: más de 600", chart, StringComparison.Ordinal);
        Assert.Contains("Verificado en su periodo: 156", chart, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_javascript_off_the_page_shows_the_same_figures()
    {
        var api = await app.TotalsAsync($"?{Story}&asOf=2026-01-25");
        await using var context = await app.ContextAsync("en-GB", javaScript: false);
        var page = await context.NewPageAsync();

        await page.GotoAsync($"/?{Story}&asOf=2026-01-25&lang=en");

        await AssertFiguresEqualAsync(page, api, "en");
        // The copy buttons need the script; without it the link is still there to select.
        Assert.False(await page.Locator("button[data-copy]").First.IsVisibleAsync());
        Assert.Contains("/?from=2026-01-08", await page.Locator("#permanent-link").InputValueAsync(), StringComparison.Ordinal);
        await BrowserFixture.ScreenshotAsync(page, "home-en-no-javascript");
    }

    [Fact]
    public async Task With_javascript_on_no_page_logs_an_error_and_the_copy_button_copies_the_permanent_link()
    {
        await using var context = await app.ContextAsync("en-GB");
        await context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"]);
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                errors.Add($"{page.Url}: {message.Text}");
            }
        };
        page.PageError += (_, error) => errors.Add($"{page.Url}: {error}");

        foreach (var url in new[] { $"/?{Story}&asOf=2026-01-25", $"/embed?{Story}&asOf=2026-01-25", "/", $"/?{Story}&groupBy=gender&lang=es" })
        {
            await page.GotoAsync(url);
        }

        await page.GotoAsync($"/?{Story}&asOf=2026-01-25&lang=en");
        var copy = page.Locator("button[data-copy=permanent-link]");
        await copy.ClickAsync();
        var copied = await page.EvaluateAsync<string>("navigator.clipboard.readText()");

        Assert.Empty(errors);
        Assert.Equal(await page.Locator("#permanent-link").InputValueAsync(), copied);
        Assert.Equal("Copied.", await page.Locator("#permanent-link ~ .copy-status").InnerTextAsync());
    }

    [Fact]
    public async Task Axe_finds_no_serious_or_critical_violation_on_any_page()
    {
        var pages = new[]
        {
            ("home-en", $"/?{Story}&asOf=2026-01-25&lang=en"),
            ("home-es", $"/?{Story}&asOf=2026-01-23&lang=es"),
            ("home-default", "/"),
            ("home-nationality", $"/?{Story}&asOf=2026-01-25&groupBy=nationality"),
            ("embed", $"/embed?{Story}&asOf=2026-01-25&lang=es"),
            ("error", "/?from=2026-02-30&lang=es"),
        };
        var found = new List<string>();
        await using var context = await app.ContextAsync();
        var page = await context.NewPageAsync();

        foreach (var (name, url) in pages)
        {
            await page.GotoAsync(url);
            var results = await page.RunAxe();
            found.AddRange(Serious(results).Select(v => $"{name}: {v}"));
            await File.WriteAllTextAsync(Path.Combine(BrowserFixture.ResultsDirectory, $"axe-{name}.txt"), Summary(results), TestContext.Current.CancellationToken);
            await BrowserFixture.ScreenshotAsync(page, name);
        }

        Assert.Empty(found);
    }

    [Fact]
    public async Task The_axe_scan_is_live_it_reports_a_fault_put_into_the_page()
    {
        await using var context = await app.ContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync($"/?{Story}&asOf=2026-01-25&lang=en");

        // A known fault: a form field without a label (axe: "label", critical).
        await page.EvaluateAsync("document.querySelector('main').insertAdjacentHTML('beforeend', '<input id=\"unlabelled\" type=\"text\">')");
        var results = await page.RunAxe();

        Assert.Contains(Serious(results), v => v.StartsWith("label ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Keyboard_navigation_reaches_every_control_of_the_page()
    {
        await using var context = await app.ContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync($"/?{Story}&asOf=2026-01-25&lang=en");
        // Every control a reader can use, numbered; the skip link is off screen until focused and counts too.
        var controls = await page.EvaluateAsync<int>("""
            (() => {
              const all = [...document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea')]
                .filter(e => !e.closest('[hidden]') && !e.hidden);
              all.forEach((e, i) => e.dataset.control = i);
              return all.length;
            })()
            """);
        var reached = new HashSet<string>();

        // A date field takes several Tabs (day, month, year): go on until every control was reached, or far past it.
        for (var i = 0; i < controls * 5 && reached.Count < controls; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            if (await page.EvaluateAsync<string?>("document.activeElement?.dataset?.control ?? null") is { } control)
            {
                reached.Add(control);
            }
        }

        Assert.True(controls > 15, $"only {controls} controls found");
        Assert.Equal(Enumerable.Range(0, controls).Select(i => i.ToString(CultureInfo.InvariantCulture)).Order(), reached.Order());
    }

    [Fact]
    public async Task The_embed_can_be_framed_by_a_news_site_and_the_page_cannot()
    {
        // A news site on another origin (another port), framing both.
        await using var newsSite = await NewsSite.StartAsync($"""
            <!DOCTYPE html><html lang="en"><title>News</title><body>
            <iframe name="embed" title="embed" src="{app.BaseAddress}embed?{Story}&asOf=2026-01-25" width="800" height="900"></iframe>
            <iframe name="home" title="home" src="{app.BaseAddress}?{Story}&asOf=2026-01-25" width="800" height="900"></iframe>
            </body></html>
            """);
        await using var context = await app.ContextAsync();
        var page = await context.NewPageAsync();

        await page.GotoAsync(newsSite.ArticleUrl);
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);

        await BrowserFixture.ScreenshotAsync(page, "embed-in-a-news-site");
        Assert.Equal("240", await page.Frame("embed")!.Locator("[data-figure=verified]").InnerTextAsync());
        Assert.Equal(0, await page.Frame("home")!.Locator("[data-figure=verified]").CountAsync());
    }

    /// <summary>The headline figures, the statuses, the claims and the timeline's last cumulative figure, read as the reader sees them.</summary>
    private static async Task AssertFiguresEqualAsync(IPage page, JsonObject api, string language)
    {
        var culture = CultureInfo.GetCultureInfo(language);
        async Task<int> Read(ILocator locator) => int.Parse(await locator.InnerTextAsync(), NumberStyles.AllowThousands, culture);

        Assert.Equal(api["releases"]!["verified"]!.GetValue<int>(), await Read(page.Locator("[data-figure=verified]")));
        Assert.Equal(api["verifiedPersons"]!.GetValue<int>(), await Read(page.Locator("[data-figure=verifiedPersons]")));
        Assert.Equal(api["verifiedWithChargesNotDropped"]!.GetValue<int>(), await Read(page.Locator("[data-figure=verifiedWithChargesNotDropped]")));
        Assert.Equal(api["verifiedWithChargesUnknown"]!.GetValue<int>(), await Read(page.Locator("[data-figure=verifiedWithChargesUnknown]")));
        foreach (var (status, count) in api["releases"]!.AsObject())
        {
            var name = char.ToUpperInvariant(status[0]) + status[1..];
            Assert.Equal(count!.GetValue<int>(), await Read(page.Locator($"[data-status={name}]")));
        }

        var claims = api["claims"]!.AsArray();
        Assert.Equal(claims.Count, await page.Locator("ol.claims li").CountAsync());
        foreach (var claim in claims)
        {
            var item = page.Locator($"[data-claim='{claim!["claim"]!["id"]!.GetValue<string>()}']");
            Assert.Contains(claim["claim"]!["originalText"]!.GetValue<string>(), await item.InnerTextAsync(), StringComparison.Ordinal);
            Assert.Equal(claim["unverifiedAtLeast"]?.GetValue<int>().ToString(CultureInfo.InvariantCulture) ?? "",
                await item.Locator("[data-unverified]").GetAttributeAsync("data-unverified") ?? "");
        }

        var cumulative = page.Locator("table[data-table=timeline] tbody tr").Last.Locator("td").Nth(1);
        Assert.Equal(api["releases"]!["verified"]!.GetValue<int>(), await Read(cumulative));
    }

    private static IEnumerable<string> Serious(AxeResult results) => results.Violations
        .Where(v => v.Impact is "serious" or "critical")
        .Select(v => $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Target?.ToString()))}");

    private static string Summary(AxeResult results) =>
        $"violations: {results.Violations.Length}\n" + string.Join('\n', results.Violations.Select(v => $"{v.Id} {v.Impact}: {v.Help} ({v.Nodes.Length} nodes)"))
        + $"\npasses: {results.Passes.Length}, incomplete: {results.Incomplete.Length}, inapplicable: {results.Inapplicable.Length}\n";
}
