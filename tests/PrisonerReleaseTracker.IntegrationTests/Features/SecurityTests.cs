using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Npgsql;
using PrisonerReleaseTracker.Domain.Access;
using PrisonerReleaseTracker.IntegrationTests.Infrastructure;

namespace PrisonerReleaseTracker.IntegrationTests.Features;

public sealed class SecurityTests(ApiFixture api)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static object ProtectedPerson(string name) => new
    {
        fullName = name,
        otherNames = new[] { name + " alias" },
        gender = "Female",
        birthDate = "1971-04-02",
        nationalities = new[] { "VE" },
        externalIds = new[] { new { scheme = "case", value = "P-" + name } },
        isProtected = true,
        nationalId = "V-55555555",
        notes = "Lives with her mother.",
    };

    [Fact]
    public async Task A_protected_person_is_never_identified_outside_the_holding_organization()
    {
        using var holder = await api.ClientAsync(Role.Contributor, "Protecting NGO");
        using var other = await api.ClientAsync(Role.Verifier, "Curious NGO");
        using var admin = api.Admin();
        var name = "Protegida Reservada " + Guid.NewGuid().ToString("N")[..8];
        var id = (await holder.PostOkAsync("/api/v1/detainees", ProtectedPerson(name))).Id();
        var release = await Records.ReleaseAsync(holder, await Records.DetentionAsync(holder, id, await Records.FacilityAsync(holder)));

        var direct = await other.GetOkAsync($"/api/v1/detainees/{id}");
        var search = await other.GetOkAsync($"/api/v1/detainees?q={Uri.EscapeDataString(name)}");
        var listed = await other.GetAsync("/api/v1/detainees?limit=500&nationality=VE&status=Released", Ct);
        var releaseRead = await other.GetOkAsync($"/api/v1/releases/{release}");
        var byHolder = await holder.GetOkAsync($"/api/v1/detainees?q={Uri.EscapeDataString(name)}");
        var byOperator = await admin.GetOkAsync($"/api/v1/detainees/{id}");
        var searchedByOperator = await admin.GetOkAsync($"/api/v1/detainees?q={Uri.EscapeDataString(name)}");

        Assert.StartsWith("Protected person ", direct["fullName"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(direct["otherNames"]!.AsArray());
        Assert.Empty(direct["externalIds"]!.AsArray());
        Assert.Null(direct["birthDate"]);
        Assert.Null(direct["nationalId"]);
        Assert.Null(direct["notes"]);
        Assert.Empty(search["items"]!.AsArray());
        Assert.DoesNotContain(name, await listed.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(direct["fullName"]!.GetValue<string>(), releaseRead["detainee"]!["name"]!.GetValue<string>());
        Assert.Equal(name, Assert.Single(byHolder["items"]!.AsArray())!["fullName"]!.GetValue<string>());
        // The operators' key holds no record: it sees the person as another organization does.
        Assert.Equal(direct.ToJsonString(), byOperator.ToJsonString());
        Assert.Empty(searchedByOperator["items"]!.AsArray());
    }

    [Fact]
    public async Task A_protected_person_is_counted_in_totals()
    {
        using var holder = await api.ClientAsync(Role.Contributor, "Protecting NGO");
        using var verifier = await api.ClientAsync(Role.Verifier, "Counting Verifiers");
        var day = api.OwnPeriod();
        var id = (await holder.PostOkAsync("/api/v1/detainees", ProtectedPerson("Contada " + Guid.NewGuid()))).Id();
        var detention = await Records.DetentionAsync(holder, id, await Records.FacilityAsync(holder), (day.Year - 1).ToString(CultureInfo.InvariantCulture));
        var release = await Records.ReleaseAsync(holder, detention, $"{day:yyyy-MM-dd}");
        (await Records.DecideAsync(verifier, release, "Verified", $"{day.AddDays(1):yyyy-MM-dd}T10:00:00Z")).EnsureSuccessStatusCode();

        var totals = await api.Anonymous().GetOkAsync($"/api/v1/totals?from={day:yyyy-MM-dd}&to={day:yyyy-MM-dd}");

        Assert.Equal(1, totals["releases"]!["verified"]!.GetValue<int>());
    }

    [Fact]
    public async Task Writes_and_sensitive_reads_are_audited_with_field_names_but_no_values()
    {
        var (holder, holderKey, _) = await api.KeyAsync(Role.Contributor, "Audited NGO");
        using var _ = holder;
        using var admin = api.Admin();
        var name = "Auditada Persona " + Guid.NewGuid().ToString("N")[..8];
        var id = (await holder.PostOkAsync("/api/v1/detainees", ProtectedPerson(name))).Id();
        await holder.GetOkAsync($"/api/v1/detainees/{id}");

        var entries = await admin.GetAsync($"/api/v1/audit?entityType=Detainee&entityId={id}", Ct);
        var text = await entries.Content.ReadAsStringAsync(Ct);
        var items = JsonNode.Parse(text)!["items"]!.AsArray();
        var verification = await admin.GetOkAsync("/api/v1/audit/verification");

        var created = items.Single(e => e!["action"]!.GetValue<string>() == "Create")!;
        Assert.Equal(holderKey, created["keyId"]!.GetValue<Guid>());
        Assert.Equal("Audited NGO", created["organization"]!.GetValue<string>());
        Assert.Contains(created["fields"]!.AsArray(), f => f!.GetValue<string>() == "nationalId");
        Assert.Contains(created["fields"]!.AsArray(), f => f!.GetValue<string>() == "externalIds");
        var read = items.Single(e => e!["action"]!.GetValue<string>() == "Read")!;
        Assert.Contains(read["fields"]!.AsArray(), f => f!.GetValue<string>() == "fullName");
        Assert.DoesNotContain(name, text, StringComparison.Ordinal);
        Assert.DoesNotContain("V-55555555", text, StringComparison.Ordinal);
        Assert.True(verification["valid"]!.GetValue<bool>());
        Assert.True(verification["entries"]!.GetValue<long>() >= items.Count);
    }

    [Fact]
    public async Task The_database_refuses_to_change_or_delete_audit_entries()
    {
        await using var connection = new NpgsqlConnection(api.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var update = new NpgsqlCommand("UPDATE audit_entries SET organization = 'Nobody'", connection);
        await using var delete = new NpgsqlCommand("DELETE FROM audit_entries", connection);

        await Assert.ThrowsAsync<PostgresException>(() => update.ExecuteNonQueryAsync(Ct));
        await Assert.ThrowsAsync<PostgresException>(() => delete.ExecuteNonQueryAsync(Ct));
    }

    [Fact]
    public async Task Clients_cannot_set_server_owned_fields()
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Honest NGO");
        var forgedId = Guid.NewGuid();

        var created = await contributor.PostOkAsync("/api/v1/detainees", new
        {
            id = forgedId, fullName = "Campos Servidor", gender = "Male", isProtected = false, organization = "Someone Else", status = "Released",
            createdAt = "2001-01-01T00:00:00Z",
        });

        Assert.NotEqual(forgedId, created.Id());
        Assert.Equal("Honest NGO", created["organization"]!.GetValue<string>());
        Assert.Equal("Unknown", created["status"]!.GetValue<string>());
        Assert.NotEqual("2001-01-01T00:00:00+00:00", created["createdAt"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_body_over_one_megabyte_is_a_413_problem()
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Big NGO");
        var huge = "{\"fullName\":\"" + new string('a', 1024 * 1024) + "\",\"gender\":\"Male\"}";

        var response = await contributor.PostAsync("/api/v1/detainees", new StringContent(huge, Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Too_many_requests_get_a_429_problem_with_retry_after_per_address_and_per_key()
    {
        using var limited = api.Factory.WithWebHostBuilder(builder =>
        {
            builder.UseSetting("RateLimiting:Anonymous:PermitLimit", "3");
            builder.UseSetting("RateLimiting:Anonymous:WindowSeconds", "60");
            builder.UseSetting("RateLimiting:Keyed:PermitLimit", "5");
        });
        using var anonymous = limited.CreateClient();
        using var keyed = limited.CreateClient();
        keyed.DefaultRequestHeaders.Add("X-Api-Key", api.AdminKey);

        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 4; i++)
        {
            answers.Add(await anonymous.GetAsync("/api/v1/facilities", Ct));
        }

        var keyedAnswer = await keyed.GetAsync("/api/v1/facilities", Ct);

        Assert.All(answers.Take(3), a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        Assert.Equal(HttpStatusCode.TooManyRequests, answers[3].StatusCode);
        Assert.Equal("application/problem+json", answers[3].Content.Headers.ContentType?.MediaType);
        Assert.True(answers[3].Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Equal(HttpStatusCode.OK, keyedAnswer.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/live", Ct)).StatusCode);
    }

    [Fact]
    public async Task Cors_is_off_unless_origins_are_configured()
    {
        using var allowing = api.Factory.WithWebHostBuilder(builder => builder.UseSetting("Cors:AllowedOrigins:0", "https://newsroom.example"));

        var closed = await api.Anonymous().SendAsync(Preflight(), Ct);
        var open = await allowing.CreateClient().SendAsync(Preflight(), Ct);

        Assert.False(closed.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.Equal("https://newsroom.example", open.Headers.GetValues("Access-Control-Allow-Origin").Single());

        static HttpRequestMessage Preflight()
        {
            var request = new HttpRequestMessage(HttpMethod.Options, "/api/v1/totals?from=2026-01-01");
            request.Headers.Add("Origin", "https://newsroom.example");
            request.Headers.Add("Access-Control-Request-Method", "GET");
            return request;
        }
    }

    [Fact]
    public async Task Swagger_is_not_served_in_production_unless_configured()
    {
        using var production = api.Factory.WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment("Production");
            builder.UseSetting("Swagger:Enabled", "false");
        });

        using var admin = production.CreateClient();
        admin.DefaultRequestHeaders.Add("X-Api-Key", api.AdminKey);
        var response = await admin.GetAsync("/swagger/v1/swagger.json", Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
