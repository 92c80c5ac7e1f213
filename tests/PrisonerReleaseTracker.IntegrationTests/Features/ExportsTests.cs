using System.Net;
using System.Text.Json.Nodes;
using CsvHelper;
using PrisonerReleaseTracker.Domain.Access;
using PrisonerReleaseTracker.IntegrationTests.Infrastructure;

namespace PrisonerReleaseTracker.IntegrationTests.Features;

public sealed class ExportsTests(ApiFixture api)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Marker() => Guid.NewGuid().ToString("N")[..10];

    /// <summary>The CSV rows of an export, each as header name to value.</summary>
    internal static async Task<List<Dictionary<string, string>>> CsvAsync(HttpClient client, string url)
    {
        var response = await client.GetAsync(url, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {url} answered {(int)response.StatusCode}: {text}");
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        using var reader = CsvReader.FromText(text, CsvReaderOptions.Default with { Separator = ',' });
        var rows = new List<Dictionary<string, string>>();
        while (await reader.ReadAsync(Ct))
        {
            rows.Add(reader.Headers.Select((h, i) => (h, i)).ToDictionary(x => x.h, x => reader.GetString(x.i)));
        }

        return rows;
    }

    [Fact]
    public async Task A_csv_export_has_the_import_columns_with_the_latest_detention_of_each_person()
    {
        var organization = "Export NGO " + Marker();
        using var holder = await api.ClientAsync(Role.Contributor, organization);
        var m = Marker();
        await ImportsTests.ImportOkAsync(holder, $"""
            externalId,fullName,otherNames,gender,birthDate,nationalities,categories,nationalId,notes,arrestedOn,facility,arrestingAuthority,charges,releasedOn,releaseKind,chargesDropped,travelBan,sourceUrl
            x:{m}-1,Exportada Uno {m},Alias Uno;Alias Dos,Female,1970-03,VE;ES,cat-{m},V-1,"Nota, con coma",2024-08,Penal {m},DGCIM,a;b,2026-01-20,Conditional,,yes,https://example.org/{m}/1 https://example.org/{m}/2
            ,=Formula {m},,Male,,VE,cat-{m},,,,,,,,,,,
            """);

        var rows = await CsvAsync(holder, $"/api/v1/exports/detainees?category=cat-{m}");

        Assert.Equal(2, rows.Count);
        var first = rows[0];
        Assert.Equal(["id", "externalId", "fullName", "otherNames", "gender", "birthDate", "nationalities", "categories", "isProtected", "nationalId",
            "notes", "arrestedOn", "facility", "facilityCountry", "arrestingAuthority", "charges", "releasedOn", "releaseKind", "chargesDropped",
            "travelBan", "barredFromPublicStatements", "mustReportToCourt", "sourceUrl", "status", "organization"], first.Keys);
        Assert.Equal($"x:{m}-1", first["externalId"]);
        Assert.Equal("Alias Uno;Alias Dos", first["otherNames"]);
        Assert.Equal("1970-03", first["birthDate"]);
        Assert.Equal("VE;ES", first["nationalities"]);
        Assert.Equal("V-1", first["nationalId"]);
        Assert.Equal("Nota, con coma", first["notes"]);
        Assert.Equal(($"Penal {m}", "VE"), (first["facility"], first["facilityCountry"]));
        Assert.Equal(("a;b", "2026-01-20", "Conditional"), (first["charges"], first["releasedOn"], first["releaseKind"]));
        Assert.Equal(("", "true", "false"), (first["chargesDropped"], first["travelBan"], first["barredFromPublicStatements"]));
        Assert.Equal($"https://example.org/{m}/1 https://example.org/{m}/2", first["sourceUrl"]);
        Assert.Equal(("Released", organization), (first["status"], first["organization"]));
        Assert.Equal($"'=Formula {m}", rows[1]["fullName"]); // a spreadsheet must not run it; an import takes the ' off again
        Assert.Equal(("", "Unknown"), (rows[1]["releasedOn"], rows[1]["status"]));
    }

    [Fact]
    public async Task A_json_export_is_an_array_of_objects_with_lists_as_arrays()
    {
        using var holder = await api.ClientAsync(Role.Contributor, "Json Export NGO");
        var m = Marker();
        await ImportsTests.ImportOkAsync(holder, $"fullName,nationalities,categories,arrestedOn\nJson Exportada {m},VE;CO,cat-{m},2025\n");

        var response = await holder.GetAsync($"/api/v1/exports/detainees?format=json&category=cat-{m}", Ct);
        var rows = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!.AsArray();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("attachment", response.Content.Headers.ContentDisposition?.ToString(), StringComparison.Ordinal);
        var row = Assert.Single(rows)!;
        Assert.Equal($"Json Exportada {m}", row["fullName"]!.GetValue<string>());
        Assert.Equal(["VE", "CO"], row["nationalities"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal("Detained", row["status"]!.GetValue<string>());
        Assert.Equal("2025", row["arrestedOn"]!.GetValue<string>());
        Assert.Null(row["releasedOn"]);
    }

    [Fact]
    public async Task Sensitive_fields_reach_only_the_holder_and_protected_people_only_as_pseudonyms()
    {
        var organization = "Holding NGO " + Marker();
        using var holder = await api.ClientAsync(Role.Contributor, organization);
        using var researcher = await api.ClientAsync(Role.Researcher, "Reading NGO " + Marker());
        using var admin = api.Admin();
        var m = Marker();
        await ImportsTests.ImportOkAsync(holder, $"""
            externalId,fullName,otherNames,birthDate,nationalities,categories,isProtected,nationalId,notes,arrestedOn,releasedOn,sourceUrl
            p-{m},Protegida {m},Alias {m},1980,VE,cat-{m},true,V-9,Secreto,2024,2026-01-10,https://example.org/{m}
            ,Publica {m},,1981,VE,cat-{m},false,V-8,Nota,,,
            """);

        var byHolder = await CsvAsync(holder, $"/api/v1/exports/detainees?category=cat-{m}");
        var byOther = await CsvAsync(researcher, $"/api/v1/exports/detainees?category=cat-{m}");
        var byAdmin = await CsvAsync(admin, $"/api/v1/exports/detainees?category=cat-{m}");
        var searchedByOther = await CsvAsync(researcher, $"/api/v1/exports/detainees?q={m}");
        var searchedByHolder = await CsvAsync(holder, $"/api/v1/exports/detainees?q=protegida%20{m}");
        var releasesByOther = await CsvAsync(researcher, $"/api/v1/exports/releases?category=cat-{m}");

        Assert.Equal(("V-9", "Secreto"), (byHolder[0]["nationalId"], byHolder[0]["notes"]));
        Assert.Equal(byOther, byAdmin); // the operators' key holds no record: it exports what another organization does
        var hidden = byOther[0];
        Assert.StartsWith("Protected person ", hidden["fullName"], StringComparison.Ordinal);
        Assert.Equal(("", "", "", "", "", ""), (hidden["otherNames"], hidden["birthDate"], hidden["externalId"], hidden["nationalId"], hidden["notes"], hidden["sourceUrl"]));
        Assert.Equal(("true", "VE", "2026-01-10"), (hidden["isProtected"], hidden["nationalities"], hidden["releasedOn"]));
        Assert.Equal(($"Publica {m}", "", ""), (byOther[1]["fullName"], byOther[1]["nationalId"], byOther[1]["notes"]));
        Assert.Equal([$"Publica {m}"], searchedByOther.Select(r => r["fullName"]));
        Assert.Equal([$"Protegida {m}"], searchedByHolder.Select(r => r["fullName"]));
        Assert.Equal(hidden["fullName"], Assert.Single(releasesByOther)["fullName"]);
        foreach (var secret in new[] { "Protegida", "Alias", $"p-{m}", "1980", "V-9", "Secreto", "example.org" })
        {
            Assert.DoesNotContain(secret, string.Join(",", releasesByOther[0].Values), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_release_export_carries_the_verification_status_and_the_last_decision()
    {
        using var holder = await api.ClientAsync(Role.Contributor, "Release Export NGO");
        using var verifier = await api.ClientAsync(Role.Verifier, "Verifying NGO");
        var m = Marker();
        await ImportsTests.ImportOkAsync(holder, $"fullName,categories,arrestedOn,releasedOn,releaseKind\nLiberada {m},cat-{m},2024,2026-01-12,Unconditional\nOtra {m},cat-{m},2024,2026-01-13,Unknown\n");
        var releases = await CsvAsync(holder, $"/api/v1/exports/releases?category=cat-{m}");
        (await Records.DecideAsync(verifier, Guid.Parse(releases[0]["id"]), "Verified", "2026-01-14T10:00:00Z")).EnsureSuccessStatusCode();

        var verified = await CsvAsync(holder, $"/api/v1/exports/releases?category=cat-{m}&status=Verified");
        var json = JsonNode.Parse(await holder.GetStringAsync($"/api/v1/exports/releases?category=cat-{m}&format=json&releasedFrom=2026-01-13", Ct))!.AsArray();

        Assert.Equal(2, releases.Count);
        var row = Assert.Single(verified);
        Assert.Equal(("Verified", "Verifying NGO", "2026-01-12", "Unconditional"), (row["verificationStatus"], row["lastDecidedBy"], row["releasedOn"], row["releaseKind"]));
        Assert.StartsWith("2026-01-14T10:00:00", row["lastDecidedAt"], StringComparison.Ordinal);
        Assert.Equal("Release Export NGO", row["reportedByOrganization"]);
        Assert.Equal("Reported", Assert.Single(json)!["verificationStatus"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("/api/v1/exports/detainees?format=xml", "format")]
    [InlineData("/api/v1/exports/detainees?nationality=UK", "nationality")]
    [InlineData("/api/v1/exports/releases?releasedFrom=2026-02-01&releasedTo=2026-01-01", "releasedTo")]
    public async Task Invalid_filters_are_a_400_problem(string url, string field)
    {
        using var researcher = await api.ClientAsync(Role.Researcher, "Export NGO");

        var response = await researcher.GetAsync(url, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.ReadObjectAsync())["errors"]!.AsObject().ContainsKey(field));
    }

    [Fact]
    public async Task Exports_need_a_key()
    {
        using var anonymous = api.Anonymous();

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/exports/detainees", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/exports/releases", Ct)).StatusCode);
    }
}

/// <summary>Three empty databases: one to export from, two to import the CSV and the JSON export into.</summary>
public sealed class RoundTripFixture(ApiFixture api) : IAsyncLifetime
{
    public ApiFactory? Source { get; private set; }
    public ApiFactory? FromCsv { get; private set; }
    public ApiFactory? FromJson { get; private set; }

    public string AdminKey => api.AdminKey;

    public async ValueTask InitializeAsync()
    {
        Source = new ApiFactory(await api.Server.CreateDatabaseAsync($"prt_roundtrip_source_{Environment.ProcessId}"), api.AdminKey, new CapturedLogs());
        FromCsv = new ApiFactory(await api.Server.CreateDatabaseAsync($"prt_roundtrip_csv_{Environment.ProcessId}"), api.AdminKey, new CapturedLogs());
        FromJson = new ApiFactory(await api.Server.CreateDatabaseAsync($"prt_roundtrip_json_{Environment.ProcessId}"), api.AdminKey, new CapturedLogs());
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var factory in new[] { Source, FromCsv, FromJson })
        {
            if (factory is not null)
            {
                await factory.DisposeAsync();
            }
        }
    }
}

public sealed class RoundTripTests(RoundTripFixture databases) : IClassFixture<RoundTripFixture>
{
    private const string Organization = "Round Trip NGO";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<HttpClient> ContributorAsync(ApiFactory factory)
    {
        using var admin = factory.CreateClient();
        admin.DefaultRequestHeaders.Add("X-Api-Key", databases.AdminKey);
        var issued = await admin.PostOkAsync("/api/v1/api-keys", new { name = "round trip", organization = Organization, role = "Contributor" });
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", issued["key"]!.GetValue<string>());
        return client;
    }

    private static async Task<(JsonNode Totals, JsonNode Timeline, JsonNode ByFacility, int People)> ReadAsync(HttpClient client)
    {
        var totals = await client.GetOkAsync("/api/v1/totals?from=2020-01-01&to=2026-01-31&groupBy=nationality");
        var timeline = await client.GetOkAsync("/api/v1/totals/timeline?from=2026-01-01&to=2026-01-31&interval=day");
        var byFacility = await client.GetOkAsync("/api/v1/totals?from=2020-01-01&to=2026-01-31&groupBy=facility");
        var people = (await ExportsTests.CsvAsync(client, "/api/v1/exports/detainees")).Count;
        return (totals, timeline, byFacility, people);
    }

    [Fact]
    public async Task An_export_imported_into_an_empty_database_gives_the_same_totals()
    {
        using var source = await ContributorAsync(databases.Source!);
        var result = await ImportsTests.ImportOkAsync(source, """
            externalId,fullName,gender,birthDate,nationalities,categories,isProtected,arrestedOn,facility,facilityCountry,charges,releasedOn,releaseKind,chargesDropped,travelBan,barredFromPublicStatements,mustReportToCourt,sourceUrl
            rt:1,Ana Ida Vuelta,Female,1970,VE,student,false,2024-08,El Helicoide,VE,terrorism,2026-01-08,Conditional,no,yes,yes,no,https://example.org/rt/1
            rt:2,José Vuelta,Male,1971-05,VE;ES,,false,2024-09,Rodeo I,VE,,2026-01-08,Unconditional,yes,,,,https://example.org/rt/1 https://example.org/rt/2
            rt:3,Persona Protegida Vuelta,Other,,CO,,true,2025,El Helicoide,VE,,2026-01-23,PardonOrAmnesty,,,,,
            rt:4,Detenido Vuelta,Male,1990-02-03,VE,journalist,false,2025-11,Tocorón,VE,treason,,,,,,,
            rt:5,Sin Detención,Unknown,,VE,,false,,,,,,,,,,,
            """);
        Assert.Equal(3, result["releasesCreated"]!.GetValue<int>());
        var expected = await ReadAsync(source);

        var csv = await source.GetStringAsync("/api/v1/exports/detainees", Ct);
        var json = await source.GetStringAsync("/api/v1/exports/releases?format=json", Ct);
        using var fromCsv = await ContributorAsync(databases.FromCsv!);
        using var fromJson = await ContributorAsync(databases.FromJson!);
        await ImportsTests.ImportOkAsync(fromCsv, csv);
        var jsonImport = await ImportsTests.ImportAsync(fromJson, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, jsonImport.StatusCode);

        var csvCopy = await ReadAsync(fromCsv);
        var jsonCopy = await ReadAsync(fromJson);
        Assert.Equal(expected.Totals["releases"]!.ToJsonString(), csvCopy.Totals["releases"]!.ToJsonString());
        Assert.Equal(expected.Totals["releases"]!.ToJsonString(), jsonCopy.Totals["releases"]!.ToJsonString());
        Assert.Equal(expected.Timeline["points"]!.ToJsonString(), csvCopy.Timeline["points"]!.ToJsonString());
        Assert.Equal(expected.Timeline["points"]!.ToJsonString(), jsonCopy.Timeline["points"]!.ToJsonString());
        Assert.Equal(expected.People, csvCopy.People);
        Assert.Equal(3, jsonCopy.People); // the release export holds the released people only
        Assert.Equal(3, expected.Totals["releases"]!["reported"]!.GetValue<int>());

        // The CSV copy is the same list: exported again, it reads the same but for the ids.
        static string WithoutIds(string text) => string.Join('\n', text.Split('\n').Select(line => line.Length > 37 ? line[37..] : line));
        Assert.Equal(WithoutIds(csv), WithoutIds(await fromCsv.GetStringAsync("/api/v1/exports/detainees", Ct)));
    }
}
