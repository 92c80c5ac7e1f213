using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using PrisonerReleaseTracker.Domain.Access;
using PrisonerReleaseTracker.IntegrationTests.Infrastructure;

namespace PrisonerReleaseTracker.IntegrationTests.Features;

public sealed class ApiKeysTests(ApiFixture api)
{
    [Fact]
    public async Task An_issued_key_is_shown_once_and_listed_without_its_secret()
    {
        var (client, keyId, key) = await api.KeyAsync(Role.Researcher, "Keys NGO");
        using var _ = client;
        using var admin = api.Admin();

        var list = string.Join('\n', (await admin.AllItemsAsync("/api/v1/api-keys?limit=500")).Select(k => k.ToJsonString()));

        Assert.Contains(keyId.ToString(), list, StringComparison.Ordinal);
        Assert.DoesNotContain(key, list, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/detainees", TestContext.Current.CancellationToken)).StatusCode);
    }

    [Fact]
    public async Task A_revoked_key_is_refused_at_once()
    {
        var (client, keyId, _) = await api.KeyAsync(Role.Contributor, "Keys NGO");
        using var _ = client;
        using var admin = api.Admin();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/detainees", TestContext.Current.CancellationToken)).StatusCode);

        var revoked = await admin.DeleteAsync($"/api/v1/api-keys/{keyId}", TestContext.Current.CancellationToken);
        var after = await client.GetAsync("/api/v1/detainees", TestContext.Current.CancellationToken);
        var again = await admin.DeleteAsync($"/api/v1/api-keys/{keyId}", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Fact]
    public async Task Only_admins_manage_keys()
    {
        using var verifier = await api.ClientAsync(Role.Verifier, "Keys NGO");
        var response = await verifier.PostAsJsonAsync("/api/v1/api-keys", new { name = "x", organization = "Keys NGO", role = "Admin" }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Theory]
    [InlineData("not-a-key")]
    [InlineData("prt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB")]
    public async Task A_malformed_or_unknown_key_is_a_401(string key)
    {
        using var client = api.WithKey(key);
        var response = await client.GetAsync("/api/v1/detainees", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("A valid API key is required", (await response.ReadObjectAsync())["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_bootstrap_key_acts_as_an_admin_of_its_organization()
    {
        using var admin = api.Admin();
        var keys = await admin.AllItemsAsync("/api/v1/api-keys?limit=500");

        Assert.Contains(keys, k => k["role"]!.GetValue<string>() == "Admin"
            && k["organization"]!.GetValue<string>() == ApiFixture.AdminOrganization);
    }

    [Fact]
    public async Task An_invalid_role_is_refused()
    {
        using var admin = api.Admin();
        var response = await admin.PostAsJsonAsync("/api/v1/api-keys", new JsonObject { ["name"] = "x", ["organization"] = "o", ["role"] = "Superuser" }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.ReadObjectAsync())["errors"]!.AsObject().ContainsKey("role"));
    }
}
