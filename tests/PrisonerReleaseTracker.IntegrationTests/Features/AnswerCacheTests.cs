using System.Net;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using PrisonerReleaseTracker.Api.Infrastructure;
using PrisonerReleaseTracker.Domain.Access;
using PrisonerReleaseTracker.IntegrationTests.Infrastructure;

namespace PrisonerReleaseTracker.IntegrationTests.Features;

/// <summary>
/// The answers cache stands before authorization (<see cref="AnswerCache"/>): it may keep only answers anyone may read,
/// or one caller's answer would be replayed to the next caller, and to callers without a key.
/// </summary>
public sealed class AnswerCacheTests(ApiFixture api)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Every endpoint the answers cache may keep, each known to answer every caller alike (none reads the caller).</summary>
    private static readonly string[] CallerIndependent =
    [
        "/", "/embed", "/page/figures.csv", "/page/timeline.svg", "/page/claims.svg",
        "api/v1/totals", "api/v1/totals/timeline",
    ];

    [Fact]
    public async Task An_answer_that_needs_a_key_is_never_kept_for_the_next_caller()
    {
        using var app = api.Factory.WithWebHostBuilder(builder =>
        {
            builder.UseSetting("Caching:Totals:Enabled", "true");
            builder.ConfigureTestServices(services => services.AddControllers().AddApplicationPart(typeof(CachedCallerController).Assembly));
        });
        using var admin = app.CreateClient();
        admin.DefaultRequestHeaders.Add("X-Api-Key", api.AdminKey);
        using var first = await KeyedClientAsync(app, admin, "Cache Readers A");
        using var second = await KeyedClientAsync(app, admin, "Cache Readers B");
        using var anonymous = app.CreateClient();

        var firstAnswer = await first.GetStringAsync(CachedCallerController.Path, Ct);
        var secondAnswer = await second.GetStringAsync(CachedCallerController.Path, Ct);
        var anonymousAnswer = await anonymous.GetAsync(CachedCallerController.Path, Ct);

        Assert.Equal("Cache Readers A", firstAnswer);
        Assert.Equal("Cache Readers B", secondAnswer);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymousAnswer.StatusCode);
    }

    [Fact]
    public void Every_endpoint_the_cache_may_keep_is_open_to_anyone_and_known_to_answer_every_caller_alike()
    {
        var cached = api.Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(endpoint => endpoint.Metadata.GetMetadata<IOutputCachePolicy>() is not null || endpoint.Metadata.GetMetadata<OutputCacheAttribute>() is not null)
            .ToList();

        Assert.All(cached, endpoint => Assert.True(endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null, $"{endpoint.DisplayName} is cached but needs a key"));
        Assert.Equal(CallerIndependent.Order(StringComparer.Ordinal), cached.Select(endpoint => endpoint.RoutePattern.RawText!).Distinct().Order(StringComparer.Ordinal));
    }

    private static async Task<HttpClient> KeyedClientAsync(WebApplicationFactory<Program> app, HttpClient admin, string organization)
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", await ApiFixture.IssueAsync(admin, Role.Researcher, $"{organization} {Guid.NewGuid():N}"));
        return client;
    }
}

/// <summary>An answer that differs by caller, marked for the answers cache as a careless endpoint would be.</summary>
[ApiController]
[Authorize]
[Route(Path)]
[ApiExplorerSettings(IgnoreApi = true)]
[OutputCache(PolicyName = AnswerCache.Policy)]
public sealed class CachedCallerController : ControllerBase
{
    public const string Path = "/test/cached-caller";

    [HttpGet]
    public string Get() => Caller.From(User)!.Organization[..15];
}
