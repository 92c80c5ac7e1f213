using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using PrisonerReleaseTracker.Domain.Access;
using PrisonerReleaseTracker.IntegrationTests.Infrastructure;

namespace PrisonerReleaseTracker.IntegrationTests.Features;

public sealed class ApiKeysTests(ApiFixture api)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Two organizations of this test's own.</summary>
    private static (string A, string B) Organizations()
    {
        var m = Guid.NewGuid().ToString("N")[..8];
        return ($"Keys A {m}", $"Keys B {m}");
    }

    private static object ProtectedPerson(string name) =>
        new { fullName = name, gender = "Female", isProtected = true, nationalId = "V-1234", notes = "Nota reservada" };

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
    public async Task Only_operators_and_organization_admins_manage_keys()
    {
        using var verifier = await api.ClientAsync(Role.Verifier, "Keys NGO");
        var response = await verifier.PostAsJsonAsync("/api/v1/api-keys", new { name = "x", organization = "Keys NGO", role = "Researcher" }, Ct);
        var listed = await verifier.GetAsync("/api/v1/api-keys", Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, listed.StatusCode);
    }

    [Fact]
    public async Task An_organization_admin_issues_keys_of_its_own_organization_up_to_its_own_role()
    {
        var (a, b) = Organizations();
        using var adminOfB = await api.ClientAsync(Role.OrganizationAdmin, b);

        var own = await adminOfB.PostAsJsonAsync("/api/v1/api-keys", new { name = "field", organization = b, role = "Verifier" }, Ct);
        var peer = await adminOfB.PostAsJsonAsync("/api/v1/api-keys", new { name = "deputy", organization = b, role = "OrganizationAdmin" }, Ct);
        var forA = await adminOfB.PostAsJsonAsync("/api/v1/api-keys", new { name = "spy", organization = a, role = "Contributor" }, Ct);
        var verifierForA = await adminOfB.PostAsJsonAsync("/api/v1/api-keys", new { name = "second eyes", organization = a, role = "Verifier" }, Ct);
        var operatorKey = await adminOfB.PostAsJsonAsync("/api/v1/api-keys", new { name = "root", organization = b, role = "Admin" }, Ct);

        Assert.Equal(HttpStatusCode.Created, own.StatusCode);
        Assert.Equal(HttpStatusCode.Created, peer.StatusCode);
        Assert.Equal(b, (await own.ReadObjectAsync())["apiKey"]!["organization"]!.GetValue<string>());
        foreach (var refused in new[] { forA, verifierForA, operatorKey })
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            Assert.StartsWith("An organization's administrator issues keys of its own organization only", await refused.TitleAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task An_organization_admin_lists_reads_and_revokes_only_its_own_organizations_keys()
    {
        var (a, b) = Organizations();
        using var adminOfB = await api.ClientAsync(Role.OrganizationAdmin, b);
        var (keyOfA, idOfA, _) = await api.KeyAsync(Role.Researcher, a);
        using var _ = keyOfA;
        var (keyOfB, idOfB, _) = await api.KeyAsync(Role.Researcher, b);
        using var __ = keyOfB;
        var (operatorOfB, operatorIdOfB, _) = await api.KeyAsync(Role.Admin, b); // an operator's key named after B is not B's to manage
        using var ___ = operatorOfB;

        var listed = await adminOfB.AllItemsAsync("/api/v1/api-keys?limit=500");
        var readA = await adminOfB.GetAsync($"/api/v1/api-keys/{idOfA}", Ct);
        var revokeA = await adminOfB.DeleteAsync($"/api/v1/api-keys/{idOfA}", Ct);
        var revokeOperator = await adminOfB.DeleteAsync($"/api/v1/api-keys/{operatorIdOfB}", Ct);
        var readB = await adminOfB.GetAsync($"/api/v1/api-keys/{idOfB}", Ct);
        var revokeB = await adminOfB.DeleteAsync($"/api/v1/api-keys/{idOfB}", Ct);

        Assert.Contains(listed, k => k.Id() == idOfB);
        Assert.All(listed, k => Assert.Equal(b, k["organization"]!.GetValue<string>()));
        Assert.DoesNotContain(listed, k => k["role"]!.GetValue<string>() == "Admin");
        Assert.Equal(HttpStatusCode.NotFound, readA.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, revokeA.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, revokeOperator.StatusCode);
        Assert.Equal(HttpStatusCode.OK, readB.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, revokeB.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await keyOfA.GetAsync("/api/v1/detainees?limit=1", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await operatorOfB.GetAsync("/api/v1/api-keys?limit=1", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await keyOfB.GetAsync("/api/v1/detainees?limit=1", Ct)).StatusCode);
    }

    [Fact]
    public async Task An_organization_admin_of_another_organization_neither_edits_nor_identifies_a_protected_person()
    {
        var (a, b) = Organizations();
        using var holder = await api.ClientAsync(Role.Contributor, a);
        using var adminOfB = await api.ClientAsync(Role.OrganizationAdmin, b);
        var name = "Protegida " + Guid.NewGuid().ToString("N")[..8];
        var created = await holder.PostAsJsonAsync("/api/v1/detainees", ProtectedPerson(name), Ct);
        var id = (await created.ReadObjectAsync()).Id();

        var read = await adminOfB.GetOkAsync($"/api/v1/detainees/{id}");
        var searched = await adminOfB.GetOkAsync($"/api/v1/detainees?q={Uri.EscapeDataString(name)}");
        var edit = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/detainees/{id}") { Content = JsonContent.Create(ProtectedPerson("Cambiada")) };
        edit.Headers.IfMatch.Add(created.Headers.ETag!);
        var edited = await adminOfB.SendAsync(edit, Ct);

        Assert.StartsWith("Protected person ", read["fullName"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(read["nationalId"]);
        Assert.Empty(searched["items"]!.AsArray());
        Assert.Equal(HttpStatusCode.Forbidden, edited.StatusCode);
    }

    [Fact]
    public async Task The_operators_key_writes_no_record_decides_nothing_and_sees_protected_persons_redacted()
    {
        var (a, _) = Organizations();
        using var holder = await api.ClientAsync(Role.Contributor, a);
        using var operatorKey = api.Admin();
        var name = "Protegida " + Guid.NewGuid().ToString("N")[..8];
        var created = await holder.PostAsJsonAsync("/api/v1/detainees", ProtectedPerson(name), Ct);
        var id = (await created.ReadObjectAsync()).Id();
        var release = await Records.ReleaseAsync(holder, await Records.DetentionAsync(holder, id, await Records.FacilityAsync(holder)));

        var create = await operatorKey.PostAsJsonAsync("/api/v1/detainees", new { fullName = "Operator Person", gender = "Other", isProtected = false }, Ct);
        var source = await operatorKey.PostAsJsonAsync("/api/v1/sources", new { url = "https://example.org/operator", kind = "Other" }, Ct);
        var edit = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/detainees/{id}") { Content = JsonContent.Create(ProtectedPerson("Cambiada")) };
        edit.Headers.IfMatch.Add(created.Headers.ETag!);
        var edited = await operatorKey.SendAsync(edit, Ct);
        var decided = await Records.DecideAsync(operatorKey, release, "Verified", "2026-01-11T10:00:00Z");
        var read = await operatorKey.GetOkAsync($"/api/v1/detainees/{id}");
        var searched = await operatorKey.GetOkAsync($"/api/v1/detainees?q={Uri.EscapeDataString(name)}");

        foreach (var refused in new[] { create, source, edited, decided })
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        Assert.Equal("Reported", (await holder.GetOkAsync($"/api/v1/releases/{release}"))["verificationStatus"]!.GetValue<string>());
        Assert.StartsWith("Protected person ", read["fullName"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(read["nationalId"]);
        Assert.Null(read["notes"]);
        Assert.Empty(searched["items"]!.AsArray());
    }

    [Fact]
    public async Task An_issued_key_is_in_the_audit_log_with_its_issuer()
    {
        var (_, b) = Organizations();
        var (adminOfB, adminId, _) = await api.KeyAsync(Role.OrganizationAdmin, b);
        using var _ = adminOfB;
        using var operatorKey = api.Admin();
        var (issued, issuedId, _) = await api.KeyAsync(Role.Contributor, b, issuer: adminOfB);
        using var __ = issued;
        (await adminOfB.DeleteAsync($"/api/v1/api-keys/{issuedId}", Ct)).EnsureSuccessStatusCode();

        var entries = (await operatorKey.GetOkAsync($"/api/v1/audit?entityType=ApiKey&entityId={issuedId}"))["items"]!.AsArray();
        var byOperator = (await operatorKey.GetOkAsync($"/api/v1/audit?entityType=ApiKey&entityId={adminId}"))["items"]!.AsArray();

        Assert.Equal(["Create", "Update"], entries.Select(e => e!["action"]!.GetValue<string>()));
        Assert.All(entries, e => Assert.Equal((adminId, b), (e!["keyId"]!.GetValue<Guid>(), e["organization"]!.GetValue<string>())));
        var issuedByOperator = Assert.Single(byOperator)!;
        Assert.Equal(ApiFixture.AdminOrganization, issuedByOperator["organization"]!.GetValue<string>());
        Assert.NotEqual(adminId, issuedByOperator["keyId"]!.GetValue<Guid>());
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
    public async Task The_bootstrap_key_is_an_operators_key()
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
