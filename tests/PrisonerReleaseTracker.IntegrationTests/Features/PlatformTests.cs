using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using PrisonerReleaseTracker.Domain.Access;
using PrisonerReleaseTracker.IntegrationTests.Infrastructure;

namespace PrisonerReleaseTracker.IntegrationTests.Features;

public sealed class PlatformTests(ApiFixture api)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Logs_carry_route_status_and_time_but_never_a_name_or_national_id()
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Logging NGO");
        var name = "Xiomara Logcheck " + Guid.NewGuid().ToString("N")[..8];
        var person = DetaineesTests.Person(name, "VE");
        var nationalId = "V-" + Random.Shared.Next(10_000_000, 99_999_999);
        person["nationalId"] = nationalId;

        var created = await contributor.PostAsJsonAsync("/api/v1/detainees", person, Ct);
        await contributor.GetAsync($"/api/v1/detainees?q={Uri.EscapeDataString(name)}", Ct);
        await contributor.GetAsync(created.Headers.Location, Ct);
        person["birthDate"] = "2999-01-01";
        await contributor.PostAsJsonAsync("/api/v1/detainees", person, Ct);

        Assert.Contains(api.Logs.Lines, line => line.Contains("api/v1/detainees", StringComparison.Ordinal) && line.Contains("201", StringComparison.Ordinal));
        Assert.False(api.Logs.Contains(name), "A detainee's name reached the logs.");
        Assert.False(api.Logs.Contains("Logcheck"), "Part of a detainee's name reached the logs.");
        Assert.False(api.Logs.Contains(nationalId), "A national id reached the logs.");
    }

    [Fact]
    public async Task An_unexpected_exception_is_a_bare_500_problem_with_the_trace_id()
    {
        using var factory = api.Factory.WithWebHostBuilder(builder => builder.ConfigureServices(services =>
            services.AddSingleton<IStartupFilter, ThrowingEndpoint>()));
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", api.AdminKey);

        var response = await client.GetAsync("/test/throw", Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("traceId", text, StringComparison.Ordinal);
        Assert.DoesNotContain("secret detail", text, StringComparison.Ordinal);
        Assert.DoesNotContain("at PrisonerReleaseTracker", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Production")]
    [InlineData("Testing")]
    public void A_singleton_that_takes_a_scoped_service_stops_the_start_in_every_environment(string environment)
    {
        using var factory = api.Factory.WithWebHostBuilder(builder => builder
            .UseEnvironment(environment)
            .ConfigureServices(services => services.AddSingleton<CaptiveContext>()));

        var failure = Assert.ThrowsAny<Exception>(() => factory.Services);

        Assert.Contains(nameof(CaptiveContext), failure.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_answers_without_a_key()
    {
        using var anonymous = api.Anonymous();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/live", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/ready", Ct)).StatusCode);
    }

    [Fact]
    public async Task An_unknown_route_is_a_404_problem()
    {
        using var researcher = await api.ClientAsync(Role.Researcher, "Routes NGO");
        var response = await researcher.GetAsync("/api/v1/nothing-here", Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Responses_say_no_sniffing_no_framing_and_no_server_banner()
    {
        using var anonymous = api.Anonymous();
        var response = await anonymous.GetAsync("/api/v1/facilities", Ct);

        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.False(response.Headers.Contains("Server"));
    }

    /// <summary>A singleton holding the request's context: the captive dependency scope validation exists to refuse.</summary>
    private sealed class CaptiveContext(PrisonerReleaseTracker.Api.Data.AppDbContext db)
    {
        public PrisonerReleaseTracker.Api.Data.AppDbContext Db { get; } = db;
    }

    private sealed class ThrowingEndpoint : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            next(app);
            app.Use((HttpContext context, RequestDelegate _) => context.Request.Path == "/test/throw"
                ? throw new InvalidOperationException("secret detail")
                : Task.CompletedTask);
        };
    }
}
