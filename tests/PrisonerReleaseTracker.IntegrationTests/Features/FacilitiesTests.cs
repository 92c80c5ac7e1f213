using System.Net;
using System.Net.Http.Json;
using PrisonerReleaseTracker.Domain.Access;
using PrisonerReleaseTracker.IntegrationTests.Infrastructure;

namespace PrisonerReleaseTracker.IntegrationTests.Features;

public sealed class FacilitiesTests(ApiFixture api)
{
    private static object Facility(string name, string country = "VE", string kind = "Prison") =>
        new { name, kind, city = "Guatire", region = "Miranda", country };

    [Fact]
    public async Task A_contributor_records_a_facility_and_anyone_reads_it()
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Facilities NGO");
        var created = await contributor.PostAsJsonAsync("/api/v1/facilities", Facility("El Rodeo I " + Guid.NewGuid()), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.NotNull(created.Headers.ETag);
        var body = await created.ReadObjectAsync();
        Assert.Equal("Prison", body["kind"]!.GetValue<string>());

        using var anonymous = api.Anonymous();
        var read = await anonymous.GetAsync(created.Headers.Location, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(body["id"]!.GetValue<Guid>(), (await read.ReadObjectAsync())["id"]!.GetValue<Guid>());
    }

    [Fact]
    public async Task An_unknown_facility_is_a_404_problem()
    {
        using var anonymous = api.Anonymous();
        var response = await anonymous.GetAsync($"/api/v1/facilities/{Guid.NewGuid()}", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Facility not found", (await response.ReadObjectAsync())["title"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("XX", "Prison", "country")]
    [InlineData("ve", "Prison", "country")]
    [InlineData("VE", "", "name")]
    public async Task An_invalid_facility_is_refused_with_the_field_named(string country, string name, string field)
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Facilities NGO");
        var response = await contributor.PostAsJsonAsync("/api/v1/facilities", new { name, kind = "Prison", country }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True((await response.ReadObjectAsync())["errors"]!.AsObject().ContainsKey(field));
    }

    [Fact]
    public async Task An_unknown_kind_is_refused_without_naming_dotnet_types()
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Facilities NGO");
        var response = await contributor.PostAsJsonAsync("/api/v1/facilities", new { name = "X", kind = "Castle", country = "VE" }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains("\"kind\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("PrisonerReleaseTracker", text, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_kind_sent_as_a_number_is_refused()
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Facilities NGO");
        var response = await contributor.PostAsJsonAsync("/api/v1/facilities", new { name = "X", kind = 1, country = "VE" }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Writing_a_facility_needs_a_contributor_key()
    {
        using var anonymous = api.Anonymous();
        using var researcher = await api.ClientAsync(Role.Researcher, "Facilities NGO");

        var withoutKey = await anonymous.PostAsJsonAsync("/api/v1/facilities", Facility("Nowhere"), TestContext.Current.CancellationToken);
        var tooLow = await researcher.PostAsJsonAsync("/api/v1/facilities", Facility("Nowhere"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, withoutKey.StatusCode);
        Assert.Equal("application/problem+json", withoutKey.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Forbidden, tooLow.StatusCode);
        Assert.Equal("application/problem+json", tooLow.Content.Headers.ContentType?.MediaType);
    }
}
