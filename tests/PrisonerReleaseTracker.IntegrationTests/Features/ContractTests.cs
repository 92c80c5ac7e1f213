using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using PrisonerReleaseTracker.Domain.Access;
using PrisonerReleaseTracker.IntegrationTests.Infrastructure;

namespace PrisonerReleaseTracker.IntegrationTests.Features;

/// <summary>
/// The contract partners generate clients from, as decided once: what the document promises is what the API does,
/// in the environment the run command uses too. (Every answer of every test is also checked against the document:
/// see <see cref="ContractCheckingHandler"/>.)
/// </summary>
public sealed class ContractTests(ApiFixture api)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task In_development_as_the_run_command_starts_it_swagger_serves_the_committed_document_and_its_ui()
    {
        using var development = api.Factory.WithWebHostBuilder(builder => builder.UseEnvironment("Development"));
        using var browser = development.CreateClient();

        var document = await browser.GetAsync("/swagger/v1/swagger.json", Ct);
        var ui = await browser.GetAsync("/swagger/index.html", Ct);

        Assert.Equal(HttpStatusCode.OK, document.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ui.StatusCode);
        var live = JsonNode.Parse(await document.Content.ReadAsStringAsync(Ct))!;
        var committed = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(OpenApiTests.RepositoryRoot(), "docs", "openapi.json"), Ct))!;
        Assert.True(JsonNode.DeepEquals(live, committed), "The Development document differs from docs/openapi.json.");
    }

    [Fact]
    public async Task A_configured_public_base_url_is_the_first_server_of_the_document()
    {
        using var deployed = api.Factory.WithWebHostBuilder(builder => builder.UseSetting("Api:PublicBaseUrl", "https://api.example.org/"));
        using var client = deployed.CreateClient();

        var servers = (await client.GetOkAsync("/swagger/v1/swagger.json"))["servers"]!.AsArray();

        Assert.Equal(["https://api.example.org", "/"], servers.Select(s => s!["url"]!.GetValue<string>()));
    }

    [Theory]
    [InlineData("/api/v1/claims/not-a-uuid")]
    [InlineData("/api/v1/facilities/not-a-uuid")]
    [InlineData("/api/v1/nothing-here")]
    [InlineData("/api/v1/releases/not-a-uuid")]
    public async Task A_path_that_matches_no_operation_is_a_404_problem_for_everyone(string path)
    {
        using var anonymous = api.Anonymous();
        using var researcher = await api.ClientAsync(Role.Researcher, "Contract Readers");

        foreach (var client in new[] { anonymous, researcher })
        {
            var response = await client.GetAsync(path, Ct);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task A_browser_asking_for_a_page_that_does_not_exist_gets_a_404_it_can_show()
    {
        using var browser = api.Anonymous();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/no-such-page");
        request.Headers.Accept.ParseAdd("text/html,application/xhtml+xml;q=0.9");

        var response = await browser.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("404", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_invalid_field_of_a_body_is_named_in_one_answer()
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Contract Writers");
        var name = $"Todos Los Errores {Guid.NewGuid():N}";

        var response = await contributor.PostAsJsonAsync("/api/v1/detainees", new
        {
            fullName = name, gender = "Femal", birthDate = "1968-13", nationalities = new[] { "VE", "XX" }, isProtected = "no",
        }, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.ReadObjectAsync())["errors"]!.AsObject();
        Assert.Equal(["birthDate", "gender", "isProtected", "nationalities[1]"], errors.Select(e => e.Key).Order());
        Assert.Contains("Female", errors["gender"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty((await contributor.GetOkAsync($"/api/v1/detainees?q={Uri.EscapeDataString(name)}"))["items"]!.AsArray());
    }

    [Fact]
    public async Task A_required_field_left_out_is_a_400_naming_it_never_a_default()
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Contract Writers");

        var detainee = await contributor.PostAsJsonAsync("/api/v1/detainees", new { fullName = "Sin Género", isProtected = false }, Ct);
        var facility = await contributor.PostAsJsonAsync("/api/v1/facilities", new { name = "Sin Tipo", country = "VE" }, Ct);
        var claim = await contributor.PostAsJsonAsync("/api/v1/claims", new
        {
            claimant = "Ministerio", claimantKind = "Government", metric = "Releases", statedAt = "2026-01-23T18:00:00-04:00",
            period = new { from = "2026-01-08" }, count = new { }, originalText = "muchos",
        }, Ct);

        Assert.Equal(["gender"], await FieldsAsync(detainee));
        Assert.Equal(["kind"], await FieldsAsync(facility));
        Assert.Equal(["count.qualifier", "count.value"], await FieldsAsync(claim));
    }

    [Theory]
    [InlineData("/api/v1/releases?status=1", "status")]
    [InlineData("/api/v1/releases?status=Verified%20", "status")]
    [InlineData("/api/v1/releases?status=verified", "status")]
    [InlineData("/api/v1/releases?releasedFrom=2026-1-1", "releasedFrom")]
    [InlineData("/api/v1/releases?releasedFrom=2026/01/01", "releasedFrom")]
    [InlineData("/api/v1/releases?limit=ten", "limit")]
    [InlineData("/api/v1/totals?from=2026-01-08&groupBy=country", "groupBy")]
    [InlineData("/api/v1/totals/timeline?from=2026-01-08&to=2026-01-09&interval=month", "interval")]
    [InlineData("/api/v1/exports/releases?format=xml", "format")]
    public async Task Query_values_are_read_strictly_as_documented(string url, string field)
    {
        using var researcher = await api.ClientAsync(Role.Researcher, "Contract Readers");

        var response = await researcher.GetAsync(url, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(field, await FieldsAsync(response));
    }

    [Theory]
    [InlineData(null, null, "text/csv")]
    [InlineData("application/json", null, "application/json")]
    [InlineData("text/csv;q=0.5, application/json", null, "application/json")]
    [InlineData("*/*", null, "text/csv")]
    [InlineData("application/json", "csv", "text/csv")]
    [InlineData("text/csv", "json", "application/json")]
    public async Task An_export_is_csv_or_json_as_format_says_else_as_accept_asks_else_csv(string? accept, string? format, string expected)
    {
        using var researcher = await api.ClientAsync(Role.Researcher, "Contract Readers");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/exports/releases?releasedFrom=2999-01-01" + (format is null ? "" : $"&format={format}"));
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        var response = await researcher.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expected, response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Every_new_item_is_at_its_absolute_location_with_its_etag()
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Contract Writers");
        using var verifier = await api.ClientAsync(Role.Verifier, "Contract Checkers");
        using var admin = api.Admin();
        var facility = await Records.FacilityAsync(contributor);
        var detainee = await Records.DetaineeAsync(contributor);

        var key = await ReadBackAsync(await admin.PostAsJsonAsync("/api/v1/api-keys", new { name = "k", organization = "Contract Writers", role = "Researcher" }, Ct), admin);
        var detention = await ReadBackAsync(await contributor.PostAsJsonAsync($"/api/v1/detainees/{detainee}/detentions", new { arrestedOn = "2024" }, Ct), contributor);
        var detentionId = (await detention.ReadObjectAsync()).Id();
        var transfer = await ReadBackAsync(
            await contributor.PostAsJsonAsync($"/api/v1/detentions/{detentionId}/transfers", new { facilityId = facility, transferredOn = "2025-01-01" }, Ct), contributor);
        var release = await Records.ReleaseAsync(contributor, detentionId);
        var decision = await ReadBackAsync(await Records.DecideAsync(verifier, release, "UnderVerification", "2026-01-11T09:00:00Z"), contributor);

        Assert.EndsWith($"/api/v1/api-keys/{(await key.ReadObjectAsync())["apiKey"]!.Id()}", key.Headers.Location!.AbsolutePath, StringComparison.Ordinal);
        Assert.EndsWith($"/api/v1/releases/{release}/verifications/1", decision.Headers.Location!.AbsolutePath, StringComparison.Ordinal);
        Assert.EndsWith($"/api/v1/detentions/{detentionId}", transfer.Headers.Location!.AbsolutePath, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_release_has_an_etag_every_list_item_carries_its_own_and_a_decision_on_a_stale_one_is_a_412()
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Contract Writers");
        using var verifier = await api.ClientAsync(Role.Verifier, "Contract Checkers");
        var (_, _, release) = await Records.ReleasedPersonAsync(contributor, "2026-01-10");
        var read = await contributor.GetAsync($"/api/v1/releases/{release}", Ct);
        var etag = read.Headers.ETag!;
        Assert.Equal(etag.Tag, (await read.ReadObjectAsync())["etag"]!.GetValue<string>());
        var listed = (await contributor.AllItemsAsync("/api/v1/releases?releasedFrom=2026-01-10&releasedTo=2026-01-10&limit=500"))
            .Single(r => r.Id() == release);
        Assert.Equal(etag.Tag, listed["etag"]!.GetValue<string>());

        var first = await DecideAsync(verifier, release, etag, "UnderVerification", "2026-01-11T09:00:00Z");
        var stale = await DecideAsync(verifier, release, etag, "Verified", "2026-01-11T10:00:00Z");
        var fresh = await DecideAsync(verifier, release, (await contributor.GetAsync($"/api/v1/releases/{release}", Ct)).Headers.ETag!,
            "Verified", "2026-01-11T10:00:00Z");

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Equal(HttpStatusCode.Created, fresh.StatusCode);
        Assert.Equal(2, (await contributor.GetOkAsync($"/api/v1/releases/{release}/verifications")).AsArray().Count);
    }

    [Fact]
    public async Task Every_answer_says_where_its_client_stands_and_a_cached_answer_never_replays_another_clients_figures()
    {
        using var first = await api.ClientAsync(Role.Researcher, "Contract Pacers");
        using var second = await api.ClientAsync(Role.Researcher, "Contract Pacers");
        var url = $"/api/v1/totals?from=1999-0{TestSeed.Random(out _).Next(1, 10)}-01&to=1999-12-31&asOf=2000-01-01";

        var a1 = await first.GetAsync(url, Ct);
        var a2 = await first.GetAsync(url, Ct);
        var b1 = await second.GetAsync(url, Ct);

        Assert.Equal("\"keyed\";q=1000000;w=60", a1.Headers.GetValues("RateLimit-Policy").Single());
        Assert.Equal(Remaining(a1) - 1, Remaining(a2));
        Assert.Equal(Remaining(a1), Remaining(b1));
        Assert.Equal(a1.Headers.ETag, b1.Headers.ETag); // the same (cached) answer

        static int Remaining(HttpResponseMessage response) =>
            int.Parse(response.Headers.GetValues("RateLimit").Single().Split(';').Single(p => p.StartsWith("r=", StringComparison.Ordinal))[2..],
                System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>A 201 whose Location is absolute and reads back the same version.</summary>
    private static async Task<HttpResponseMessage> ReadBackAsync(HttpResponseMessage created, HttpClient reader)
    {
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.True(created.Headers.Location!.IsAbsoluteUri);
        var again = await reader.GetAsync(created.Headers.Location, Ct);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(created.Headers.ETag, again.Headers.ETag);
        return created;
    }

    private static Task<HttpResponseMessage> DecideAsync(HttpClient verifier, Guid release, EntityTagHeaderValue etag, string status, string occurredAt)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/releases/{release}/verifications")
        {
            Content = JsonContent.Create(new { status, method = "FamilyConfirmation", occurredAt }),
        };
        request.Headers.IfMatch.Add(etag);
        return verifier.SendAsync(request, Ct);
    }

    private static async Task<List<string>> FieldsAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        return [.. (await response.ReadObjectAsync())["errors"]!.AsObject().Select(e => e.Key).Order()];
    }
}
