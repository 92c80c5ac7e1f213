using System.Net;
using System.Net.Http.Json;
using PrisonerReleaseTracker.Domain.Access;
using PrisonerReleaseTracker.IntegrationTests.Infrastructure;

namespace PrisonerReleaseTracker.IntegrationTests.Features;

public sealed class SourcesTests(ApiFixture api)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_contributor_records_a_source_and_researchers_read_it()
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Sources NGO");
        using var researcher = await api.ClientAsync(Role.Researcher, "Readers");

        var created = await contributor.PostOkAsync("/api/v1/sources", new
        {
            url = "https://example.org/excarcelaciones",
            publisher = "Foro",
            kind = "NgoReport",
            title = "Excarcelaciones",
            publishedAt = "2026-01-23T20:00:00-04:00",
            language = "es",
        });
        var read = await researcher.GetOkAsync($"/api/v1/sources/{created.Id()}");
        var listed = await researcher.AllItemsAsync("/api/v1/sources?kind=NgoReport&limit=500");

        Assert.Equal("https://example.org/excarcelaciones", read["url"]!.GetValue<string>());
        Assert.Equal("es", read["language"]!.GetValue<string>());
        Assert.Contains(listed, s => s.Id() == created.Id());
    }

    [Theory]
    [InlineData("ftp://example.org/file")]
    [InlineData("javascript:alert(1)")]
    [InlineData("not a url")]
    public async Task Only_http_and_https_urls_are_accepted(string url)
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Sources NGO");
        var response = await contributor.PostAsJsonAsync("/api/v1/sources", new { url, kind = "Other" }, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.ReadObjectAsync())["errors"]!.AsObject().ContainsKey("url"));
    }

    [Fact]
    public async Task An_unknown_source_is_a_404()
    {
        using var researcher = await api.ClientAsync(Role.Researcher, "Readers");
        Assert.Equal(HttpStatusCode.NotFound, (await researcher.GetAsync($"/api/v1/sources/{Guid.NewGuid()}", Ct)).StatusCode);
    }
}
