using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace PrisonerReleaseTracker.BrowserTests.Infrastructure;

/// <summary>A news site on another origin (its own Kestrel, another port) with one article that frames the page.</summary>
public sealed class NewsSite : IAsyncDisposable
{
    private readonly WebApplication _app;

    private NewsSite(WebApplication app, string articleUrl)
    {
        _app = app;
        ArticleUrl = articleUrl;
    }

    public string ArticleUrl { get; }

    public static async Task<NewsSite> StartAsync(string articleHtml)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapGet("/article", () => Results.Content(articleHtml, "text/html; charset=utf-8"));
        await app.StartAsync();
        return new NewsSite(app, $"{app.Urls.First()}/article");
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
