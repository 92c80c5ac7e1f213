using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Playwright;
using PrisonerReleaseTracker.IntegrationTests.Infrastructure;

[assembly: AssemblyFixture(typeof(PrisonerReleaseTracker.BrowserTests.Infrastructure.BrowserFixture))]

namespace PrisonerReleaseTracker.BrowserTests.Infrastructure;

/// <summary>
/// The app on real Kestrel (a browser cannot reach the in-memory test server) with the demo data of the run command, on
/// a real PostgreSQL (the integration tests' <see cref="PostgresServer"/>), and one Chromium: Debian's <c>chromium</c>
/// package, driven by Playwright. Nothing downloads a browser. Without Chromium every test fails, saying how to install
/// it: a browser test that skips itself would let CI pass without ever opening the page.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    /// <summary>Where Debian's package puts the browser; <c>CHROMIUM_PATH</c> names another.</summary>
    public static readonly string ChromiumPath = Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } configured
        ? configured
        : File.Exists("/usr/lib/chromium/chromium") ? "/usr/lib/chromium/chromium" : "/usr/bin/chromium";

    private PostgresServer? _server;
    private PageApp? _app;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("Not started.");

    /// <summary>Screenshots go beside the test results: <c>BROWSER_TEST_RESULTS</c>, else TestResults/browser at the repository's root.</summary>
    public static string ResultsDirectory { get; } = Environment.GetEnvironmentVariable("BROWSER_TEST_RESULTS") is { Length: > 0 } results
        ? results
        : Path.Combine(RepositoryRoot(), "TestResults", "browser");

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException(
                $"No Chromium at {ChromiumPath}: install Debian's package (apt-get install -y --no-install-recommends chromium; .ci/run does it "
                + "as root) or set CHROMIUM_PATH. Never `playwright install`: nothing may download a browser here.");
        }

        _server = await PostgresServer.StartAsync();
        var connectionString = await _server.CreateDatabaseAsync($"prt_browser_{Environment.ProcessId}");
        _app = new PageApp(connectionString);
        _app.UseKestrel(0);
        _app.StartServer();
        BaseAddress = _app.ClientOptions.BaseAddress;
        using (var client = Client())
        {
            (await client.GetAsync(new Uri("/health/ready", UriKind.Relative))).EnsureSuccessStatusCode();
        }

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--disable-gpu", "--disable-dev-shm-usage"],
        });
        Directory.CreateDirectory(ResultsDirectory);
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    /// <summary>A plain HTTP client to the same server (the API the page is compared with).</summary>
    public HttpClient Client() => new() { BaseAddress = BaseAddress };

    public async Task<JsonObject> TotalsAsync(string query)
    {
        using var client = Client();
        return (await client.GetFromJsonAsync<JsonObject>(new Uri($"/api/v1/totals{query}", UriKind.Relative)))!;
    }

    /// <summary>A fresh browser context (its own cookies and cache), in a language, with or without JavaScript.</summary>
    public Task<IBrowserContext> ContextAsync(string locale = "en-GB", bool javaScript = true) =>
        Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseAddress.ToString(),
            Locale = locale,
            JavaScriptEnabled = javaScript,
            ViewportSize = new ViewportSize { Width = 1200, Height = 900 },
        });

    public static async Task ScreenshotAsync(IPage page, string name) =>
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ResultsDirectory, $"{name}.png"), FullPage = true });

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "PrisonerReleaseTracker.sln")))
            {
                return directory.FullName;
            }
        }

        return AppContext.BaseDirectory;
    }

    /// <summary>The app as the run command starts it (Development, demo data), with a rate limit no test run reaches.</summary>
    private sealed class PageApp(string connectionString) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Development");
            builder.UseSetting("ConnectionStrings:Default", connectionString);
            builder.UseSetting("Database:MigrateOnStartup", "true");
            builder.UseSetting("Demo:Seed", "true");
            builder.UseSetting("RateLimiting:Anonymous:PermitLimit", "1000000");
            // One line per request would bury the test output; warnings and errors still show.
            builder.UseSetting("Logging:LogLevel:Default", "Warning");
        }
    }
}
