using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using CsvHelper;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using PrisonerReleaseTracker.Domain.Access;
using PrisonerReleaseTracker.IntegrationTests.Infrastructure;

namespace PrisonerReleaseTracker.IntegrationTests.Features;

public sealed class ImportsTests(ApiFixture api)
{
    private const string Header = "externalId,fullName,otherNames,gender,birthDate,nationalities,categories,isProtected,arrestedOn,facility,"
        + "arrestingAuthority,charges,releasedOn,releaseKind,chargesDropped,travelBan,barredFromPublicStatements,mustReportToCourt,sourceUrl";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Marker() => Guid.NewGuid().ToString("N")[..10];

    internal static StringContent Csv(string text) => new(text, Encoding.UTF8, "text/csv");

    internal static async Task<HttpResponseMessage> ImportAsync(HttpClient client, HttpContent content, string query = "", string? key = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/imports" + query) { Content = content };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }

        return await client.SendAsync(request, Ct);
    }

    internal static async Task<JsonObject> ImportOkAsync(HttpClient client, string csv, string query = "")
    {
        var response = await ImportAsync(client, Csv(csv), query);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"import answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    private static async Task<JsonArray> SearchAsync(HttpClient client, string q) =>
        (await client.GetOkAsync($"/api/v1/detainees?limit=500&q={Uri.EscapeDataString(q)}"))["items"]!.AsArray();

    private static int Int(JsonNode node, string name) => node[name]!.GetValue<int>();

    [Fact]
    public async Task A_csv_import_creates_people_detentions_and_releases_with_their_derived_fields()
    {
        var (contributor, keyId, _) = await api.KeyAsync(Role.Contributor, "Import NGO " + Marker());
        var m = Marker();
        var csv = $"""
            {Header}
            case:{m}-1,María Peña {m},"María Pena {m};La Negra {m}",female,1968-10,VE;ES,journalist,false,2024-08,Cárcel Nueva {m},SEBIN,terrorism;treason,2026-01-24,Conditional,no,yes,yes,true,https://example.org/{m}/a https://example.org/{m}/b
            {m}-2,José Núñez {m},,Male,1971,VE,,no,2024-09-12,CARCEL NUEVA {m},,,,,,,,,
            ,Ana Sin Arresto {m},,,,,,,,,,,,,,,,,
            """;

        var result = await ImportOkAsync(contributor, csv);

        Assert.Equal(3, Int(result, "rows"));
        Assert.Equal(3, Int(result, "detaineesCreated"));
        Assert.Equal(0, Int(result, "detaineesMatched"));
        Assert.Equal(2, Int(result, "detentionsCreated"));
        Assert.Equal(1, Int(result, "releasesCreated"));
        Assert.Equal(1, Int(result, "facilitiesCreated"));
        Assert.Equal(2, Int(result, "sourcesCreated"));
        Assert.False(result["dryRun"]!.GetValue<bool>());

        var people = await SearchAsync(contributor, m);
        Assert.Equal(3, people.Count);
        var maria = people.Single(p => p!["fullName"]!.GetValue<string>().StartsWith("María", StringComparison.Ordinal))!;
        Assert.Equal("Released", maria["status"]!.GetValue<string>());
        Assert.Equal("1968-10", maria["birthDate"]!.GetValue<string>());
        Assert.Equal(["VE", "ES"], maria["nationalities"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal($"{m}-1", maria["externalIds"]![0]!["value"]!.GetValue<string>());
        Assert.Equal("case", maria["externalIds"]![0]!["scheme"]!.GetValue<string>());
        Assert.Equal("Detained", people.Single(p => p!["fullName"]!.GetValue<string>().StartsWith("José", StringComparison.Ordinal))!["status"]!.GetValue<string>());
        Assert.Equal("Unknown", people.Single(p => p!["fullName"]!.GetValue<string>().StartsWith("Ana", StringComparison.Ordinal))!["status"]!.GetValue<string>());
        Assert.Equal("import", people.Single(p => p!["fullName"]!.GetValue<string>().StartsWith("José", StringComparison.Ordinal))!["externalIds"]![0]!["scheme"]!.GetValue<string>());

        var detentions = (await contributor.GetOkAsync($"/api/v1/detainees/{maria.Id()}/detentions")).AsArray();
        var detention = Assert.Single(detentions)!;
        Assert.False(detention["isOpen"]!.GetValue<bool>());
        Assert.Equal("2026-01-24", detention["releasedOn"]!.GetValue<string>());
        Assert.Equal("2024-08", detention["arrestedOn"]!.GetValue<string>());

        var releases = await contributor.AllItemsAsync("/api/v1/releases?releasedFrom=2026-01-24&releasedTo=2026-01-24&limit=500");
        var release = releases.Single(r => r["detainee"]!["id"]!.GetValue<Guid>() == maria.Id());
        Assert.Equal("Reported", release["verificationStatus"]!.GetValue<string>());
        Assert.Equal(keyId, release["reportedBy"]!["keyId"]!.GetValue<Guid>());
        Assert.Equal("Conditional", release["kind"]!.GetValue<string>());
        Assert.False(release["conditions"]!["chargesDropped"]!.GetValue<bool>());
        Assert.True(release["conditions"]!["travelBan"]!.GetValue<bool>());
        Assert.Equal([$"https://example.org/{m}/a", $"https://example.org/{m}/b"], release["sources"]!.AsArray().Select(s => s!["url"]!.GetValue<string>()));

        // Both spellings of the facility name (case and accents) are one facility, created in the row's first nationality.
        var facility = await api.Anonymous().GetOkAsync($"/api/v1/facilities/{release["facilityId"]!.GetValue<Guid>()}");
        Assert.Equal("Other", facility["kind"]!.GetValue<string>());
        Assert.Equal("VE", facility["country"]!.GetValue<string>());
        var joseDetention = Assert.Single((await contributor.GetOkAsync(
            $"/api/v1/detainees/{people.Single(p => p!["fullName"]!.GetValue<string>().StartsWith("José", StringComparison.Ordinal))!.Id()}/detentions")).AsArray())!;
        Assert.Equal(facility.Id(), joseDetention["facilityId"]!.GetValue<Guid>());
    }

    [Fact]
    public async Task An_existing_facility_is_matched_by_its_folded_name()
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Facility Import NGO");
        var m = Marker();
        var facility = await Records.FacilityAsync(contributor, name: $"Rodeo Ünico {m}");

        await ImportOkAsync(contributor, $"fullName,facility,facilityCountry\nPreso {m},rodeo unico {m},CO\n");

        var person = Assert.Single(await SearchAsync(contributor, $"preso {m}"))!;
        var detention = Assert.Single((await contributor.GetOkAsync($"/api/v1/detainees/{person.Id()}/detentions")).AsArray())!;
        Assert.Equal(facility, detention["facilityId"]!.GetValue<Guid>());
    }

    [Fact]
    public async Task A_json_import_takes_an_array_of_objects_with_lists_as_arrays()
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Json Import NGO");
        var m = Marker();
        var body = new JsonArray(
            new JsonObject
            {
                ["externalId"] = new JsonArray($"ngo:{m}"), ["fullName"] = $"Json Persona {m}", ["otherNames"] = new JsonArray($"Alias {m}"),
                ["birthDate"] = "1980", ["nationalities"] = new JsonArray("VE"), ["isProtected"] = false, ["arrestedOn"] = "2025-02-03",
                ["releasedOn"] = "2026-01-10", ["releaseKind"] = "unconditional", ["chargesDropped"] = true, ["travelBan"] = null,
            },
            new JsonObject { ["fullName"] = $"Json Otra {m}", ["nationalities"] = "VE;CO", ["status"] = "Detained" });

        var response = await ImportAsync(contributor, new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = await response.ReadObjectAsync();
        Assert.Equal(2, Int(result, "detaineesCreated"));
        Assert.Equal(1, Int(result, "releasesCreated"));
        var other = (await SearchAsync(contributor, $"json otra {m}")).Single()!;
        Assert.Equal(["VE", "CO"], other["nationalities"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Single(await SearchAsync(contributor, $"alias {m}"));
    }

    [Fact]
    public async Task Invalid_rows_refuse_the_whole_file_with_every_line_and_field_named()
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Invalid Import NGO");
        var m = Marker();
        var csv = $"""
            fullName,birthDate,nationalities,gender,arrestedOn,releasedOn,travelBan,isProtected,sourceUrl
            Valida {m},1970,VE,Male,,,,,
            Mala Fecha {m},1954-02-29,VE,Male,,,,,
            ,1970,UK,Alien,,,,,ftp://example.org/x
            Futura {m},2999,VE,,2020-05,2020-04-30,maybe,,
            Sin Salida {m},,VE,,,,yes,2,
            """;

        var response = await ImportAsync(contributor, Csv(csv));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.ReadObjectAsync();
        Assert.Equal("The import is invalid; nothing was written", problem["title"]!.GetValue<string>());
        var errors = problem["rowErrors"]!.AsArray().Select(e => (Line: Int(e!, "line"), Field: e!["field"]!.GetValue<string>())).ToList();
        Assert.Contains((3, "birthDate"), errors);
        Assert.Contains((4, "fullName"), errors);
        Assert.Contains((4, "nationalities"), errors);
        Assert.Contains((4, "gender"), errors);
        Assert.Contains((4, "sourceUrl"), errors);
        Assert.Contains((5, "birthDate"), errors);
        Assert.Contains((5, "releasedOn"), errors);
        Assert.Contains((5, "travelBan"), errors);
        Assert.Contains((6, "travelBan"), errors);
        Assert.Contains((6, "isProtected"), errors);
        Assert.DoesNotContain(errors, e => e.Line == 2);
        Assert.Empty(await SearchAsync(contributor, m)); // all or nothing: not even the valid row
    }

    [Theory]
    [InlineData("fullName,fullname\nA,B\n", 1, "fullName")]
    [InlineData("fullName,nickname\nA,B\n", 1, "nickname")]
    [InlineData("gender\nMale\n", 1, "fullName")]
    [InlineData("fullName\nA,B\n", 2, "")]
    [InlineData("fullName\n\"unclosed\n", 2, "")]
    public async Task A_malformed_file_is_refused_where_it_breaks(string csv, int line, string field)
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Malformed Import NGO");

        var response = await ImportAsync(contributor, Csv(csv));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.ReadObjectAsync())["rowErrors"]!.AsArray();
        Assert.Contains(errors, e => Int(e!, "line") == line && e!["field"]!.GetValue<string>() == field);
    }

    [Fact]
    public async Task Malformed_json_is_refused_as_a_problem()
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Malformed Import NGO");

        var broken = await ImportAsync(contributor, new StringContent("[{\"fullName\": \"A\"}, {\"fullName\": ", Encoding.UTF8, "application/json"));
        var notArray = await ImportAsync(contributor, new StringContent("{\"fullName\": \"A\"}", Encoding.UTF8, "application/json"));
        var nested = await ImportAsync(contributor, new StringContent("[{\"fullName\": {\"x\": 1}}]", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
        Assert.Equal(2, Int((await broken.ReadObjectAsync())["rowErrors"]![0]!, "line"));
        Assert.Equal(HttpStatusCode.BadRequest, notArray.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, nested.StatusCode);
        Assert.Equal("fullName", (await nested.ReadObjectAsync())["rowErrors"]![0]!["field"]!.GetValue<string>());
    }

    [Fact]
    public async Task Other_content_types_are_refused_with_415()
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Import NGO");

        var response = await ImportAsync(contributor, new StringContent("fullName\nA\n", Encoding.UTF8, "text/plain"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_new_facility_without_any_country_is_refused()
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Import NGO");
        var m = Marker();

        var response = await ImportAsync(contributor, Csv($"fullName,facility\nSin Pais {m},Lugar Desconocido {m}\n"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.ReadObjectAsync())["rowErrors"]![0]!;
        Assert.Equal((2, "facility"), (Int(error, "line"), error["field"]!.GetValue<string>()));
        Assert.Empty(await SearchAsync(contributor, m));
    }

    [Fact]
    public async Task A_dry_run_reports_the_counts_and_writes_nothing()
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Dry Run NGO " + Marker());
        var m = Marker();
        var csv = $"externalId,fullName,birthDate,nationalities,arrestedOn,facility,releasedOn\nd-{m},Seco {m},1970,VE,2024,Seco Penal {m},2026-01-02\n,Seco {m},1970-05,VE,,,\n";

        var dry = await ImportOkAsync(contributor, csv, "?dryRun=true");
        var found = await SearchAsync(contributor, m);
        var real = await ImportOkAsync(contributor, csv);

        Assert.True(dry["dryRun"]!.GetValue<bool>());
        Assert.Null(dry["importId"]);
        Assert.Empty(found);
        foreach (var count in new[] { "rows", "detaineesCreated", "detentionsCreated", "releasesCreated", "facilitiesCreated" })
        {
            Assert.Equal(Int(real, count), Int(dry, count));
        }

        // Line 3 repeats line 2's person: in a dry run the earlier row creates nothing, so there is no id to give.
        var duplicate = Assert.Single(dry["possibleDuplicates"]!.AsArray())!;
        Assert.Equal((3, 2), (Int(duplicate, "line"), Int(duplicate, "existingLine")));
        Assert.Null(duplicate["existingDetaineeId"]);
        Assert.NotNull(Assert.Single(real["possibleDuplicates"]!.AsArray())!["existingDetaineeId"]);
    }

    [Fact]
    public async Task Importing_the_same_list_again_matches_every_row_by_external_id_and_creates_nothing()
    {
        var organization = "Reimport NGO " + Marker();
        using var contributor = await api.ClientAsync(Role.Contributor, organization);
        using var other = await api.ClientAsync(Role.Contributor, "Another NGO " + Marker());
        var m = Marker();
        var csv = $"externalId,fullName,arrestedOn,releasedOn,nationalities\nr-{m}-1,Repetido Uno {m},2024,2026-01-05,VE\nr-{m}-2,Repetido Dos {m},,,VE\nr-{m}-1,Otra Grafia {m},,,VE\n";

        var first = await ImportOkAsync(contributor, csv);
        var second = await ImportOkAsync(contributor, csv);
        var byOtherOrganization = await ImportOkAsync(other, csv);

        Assert.Equal((2, 1), (Int(first, "detaineesCreated"), Int(first, "detaineesMatched"))); // line 4 repeats line 2's id
        Assert.Equal((0, 3, 0, 0), (Int(second, "detaineesCreated"), Int(second, "detaineesMatched"), Int(second, "detentionsCreated"), Int(second, "releasesCreated")));
        Assert.Equal(2, Int(byOtherOrganization, "detaineesCreated")); // an id is only matched within the organization that used it
        Assert.Equal(2, (await SearchAsync(contributor, $"repetido uno {m}")).Count);
    }

    [Fact]
    public async Task A_person_with_the_same_folded_name_and_a_compatible_birth_date_is_reported_and_created_anyway()
    {
        var organization = "Duplicates NGO " + Marker();
        using var contributor = await api.ClientAsync(Role.Contributor, organization);
        var m = Marker();
        await ImportOkAsync(contributor, $"fullName,birthDate\nJosé  Ángel Duplicado {m},1968-10-02\nSin Fecha {m},\n");
        var existing = (await SearchAsync(contributor, $"duplicado {m}")).Single()!.Id();

        var result = await ImportOkAsync(contributor, $"""
            fullName,birthDate
            JOSE ANGEL DUPLICADO {m},1968
            jose angel duplicado {m},1969
            Sin Fecha {m},1950-01-01
            Nuevo {m},
            Nuevo {m},1999
            """);

        var duplicates = result["possibleDuplicates"]!.AsArray().Select(d => (Int(d!, "line"), d!["existingDetaineeId"]?.GetValue<Guid>(), d!["existingLine"]?.GetValue<int>())).ToList();
        Assert.Equal(5, Int(result, "detaineesCreated"));
        Assert.Contains((2, (Guid?)existing, (int?)null), duplicates);
        Assert.DoesNotContain(duplicates, d => d.Item1 == 3); // 1969 cannot be 1968-10-02
        Assert.Contains(duplicates, d => d.Item1 == 4 && d.Item3 is null); // an unknown birth date is compatible
        Assert.Contains(duplicates, d => d.Item1 == 6 && d.Item3 == 5);
        Assert.Equal(3, (await SearchAsync(contributor, $"duplicado {m}")).Count); // never merged
    }

    [Fact]
    public async Task Possible_duplicates_stop_at_a_thousand_the_first_lines_first()
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Namesakes NGO " + Marker());
        var m = Marker();
        await ImportOkAsync(contributor, $"fullName\nNombre Común {m}\n");
        var existing = (await SearchAsync(contributor, $"comun {m}")).Single()!.Id();

        // 1,200 namesakes: each matches the person on record, and each after the first an earlier line too.
        var result = await ImportOkAsync(contributor, "fullName\n" + string.Concat(Enumerable.Repeat($"Nombre Común {m}\n", 1200)));

        var duplicates = result["possibleDuplicates"]!.AsArray().Select(d => (Line: Int(d!, "line"), Existing: d!["existingDetaineeId"]?.GetValue<Guid>(), EarlierLine: d!["existingLine"]?.GetValue<int>())).ToList();
        Assert.Equal(1200, Int(result, "detaineesCreated"));
        Assert.Equal(1000, duplicates.Count);
        Assert.Equal((2, (Guid?)existing, (int?)null), duplicates[0]); // line 2 is the first data line: the person on record only
        Assert.Equal((3, (Guid?)existing, (int?)null), duplicates[1]); // then for each line, the person on record before the earlier line
        Assert.Equal(3, duplicates[2].Line);
        Assert.Equal(2, duplicates[2].EarlierLine);
        Assert.Equal((502, (Guid?)existing, (int?)null), duplicates[^1]); // 1 + 2 x 499 + 1
    }

    [Fact]
    public async Task A_protected_person_of_another_organization_is_never_revealed_as_a_duplicate()
    {
        using var holder = await api.ClientAsync(Role.Contributor, "Protecting NGO " + Marker());
        using var other = await api.ClientAsync(Role.Contributor, "Curious NGO " + Marker());
        var m = Marker();
        await ImportOkAsync(holder, $"fullName,isProtected\nPersona Protegida {m},true\n");

        var isProtected = (await SearchAsync(holder, $"protegida {m}")).Single()!.Id();

        var byOther = await ImportOkAsync(other, $"fullName\nPersona Protegida {m}\n");
        var byHolder = await ImportOkAsync(holder, $"fullName\nPersona Protegida {m}\n");

        Assert.Empty(byOther["possibleDuplicates"]!.AsArray());
        Assert.Contains(byHolder["possibleDuplicates"]!.AsArray(), d => d!["existingDetaineeId"]!.GetValue<Guid>() == isProtected);
    }

    [Fact]
    public async Task The_same_idempotency_key_and_body_get_the_first_answer_without_writing_again()
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Idempotent NGO " + Marker());
        var m = Marker();
        var csv = $"fullName,arrestedOn\nIdempotente {m},2024\n";
        var key = "import-" + m;

        var first = await ImportAsync(contributor, Csv(csv), key: key);
        var again = await ImportAsync(contributor, Csv(csv), key: key);
        var otherBody = await ImportAsync(contributor, Csv(csv + $"Otro {m},\n"), key: key);
        var otherKey = await ImportAsync(contributor, Csv(csv), key: key + "-2");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(Ct), await again.Content.ReadAsStringAsync(Ct));
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, otherBody.StatusCode);
        Assert.Equal("This Idempotency-Key was used for another request", await otherBody.TitleAsync());
        Assert.Equal(HttpStatusCode.OK, otherKey.StatusCode);
        Assert.Equal(2, (await SearchAsync(contributor, $"idempotente {m}")).Count); // the replay wrote nothing; the new key did
    }

    [Fact]
    public async Task A_body_over_200_mb_is_refused_with_413()
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Big NGO");
        var content = Csv("fullName\nA\n");
        content.Headers.ContentLength = (200L * 1024 * 1024) + 1;

        var response = await ImportAsync(contributor, content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_researcher_cannot_import()
    {
        using var researcher = await api.ClientAsync(Role.Researcher, "Import NGO");

        var response = await ImportAsync(researcher, Csv("fullName\nA\n"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task An_import_is_one_audit_entry_with_field_names_only()
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Audited Import NGO");
        var m = Marker();
        var result = await ImportOkAsync(contributor, $"fullName,arrestedOn,nationalId\nAuditado {m},2024,V-{m}\n");
        await using var connection = new NpgsqlConnection(api.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand("SELECT action, entity_type, fields::text FROM audit_entries WHERE entity_id = @id", connection);
        command.Parameters.AddWithValue("id", result["importId"]!.GetValue<Guid>());
        await using var reader = await command.ExecuteReaderAsync(Ct);

        Assert.True(await reader.ReadAsync(Ct));
        Assert.Equal(("Import", "Import"), (reader.GetString(0), reader.GetString(1)));
        Assert.Equal("{detainees,detentions}", reader.GetString(2));
        Assert.DoesNotContain(m, reader.GetString(2), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Names_in_any_script_are_found_by_q()
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Scripts NGO " + Marker());
        var m = Marker();
        await ImportOkAsync(contributor, $"""
            fullName,otherNames
            Алексей Навальный {m},
            ئىلھام توختى {m},Ilham Tohti {m}
            محمد الشمري {m},
            王炳章 {m},
            """);

        Assert.Single(await SearchAsync(contributor, $"навальный {m}"));
        Assert.Single(await SearchAsync(contributor, $"ئىلھام توختى {m}"));
        Assert.Single(await SearchAsync(contributor, $"tohti {m}"));
        Assert.Single(await SearchAsync(contributor, $"الشمري {m}"));
        Assert.Single(await SearchAsync(contributor, $"炳章 {m}"));
    }

    [Fact]
    public async Task The_real_list_is_refused_for_its_impossible_birth_dates_then_imported_whole_once_corrected()
    {
        var organization = "China List NGO " + Marker();
        using var contributor = await api.ClientAsync(Role.Contributor, organization);
        var raw = MapChineseList(correct: false, out var total);

        var refused = await ImportAsync(contributor, Csv(raw));
        var problem = await refused.ReadObjectAsync();
        var corrected = await ImportOkAsync(contributor, MapChineseList(correct: true, out _));

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var errors = problem["rowErrors"]!.AsArray();
        Assert.Equal([6, 331, 651], errors.Select(e => Int(e!, "line")).Distinct().Order());
        Assert.All(errors, e => Assert.Equal("birthDate", e!["field"]!.GetValue<string>()));
        Assert.Equal(926, total);
        Assert.Equal(total, Int(corrected, "rows"));
        Assert.Equal(total, Int(corrected, "detaineesCreated"));

        var chenWei = (await SearchAsync(contributor, "陈卫")).Where(p => p!["organization"]!.GetValue<string>() == organization)
            .Where(p => p!["fullName"]!.GetValue<string>() == "陈卫").ToList();
        Assert.Equal(2, chenWei.Count); // two different people of one name
        Assert.Equal(["1967", "1969-02-21"], chenWei.Select(p => p!["birthDate"]!.GetValue<string>()).Order());
        var monthOnly = (await SearchAsync(contributor, "宋光强")).Single(p => p!["organization"]!.GetValue<string>() == organization)!;
        Assert.Equal("1986-11", monthOnly["birthDate"]!.GetValue<string>());
        var uyghur = (await SearchAsync(contributor, "阿布都拉")).Where(p => p!["organization"]!.GetValue<string>() == organization).ToList();
        Assert.Contains(uyghur, p => p!["fullName"]!.GetValue<string>() == "买买提江•阿布都拉");
        Assert.Contains(await SearchAsync(contributor, "土赫提"), p => p!["fullName"]!.GetValue<string>() == "伊力哈木•土赫提");
        Assert.Contains(await SearchAsync(contributor, "陈"), p => p!["fullName"]!.GetValue<string>() == "陈卫");
        Assert.Contains(await SearchAsync(contributor, "AkbarImin"), p => p!["fullName"]!.GetValue<string>() == "阿可拜尔•伊明（AkbarImin）");
    }

    /// <summary>The real list in the import's columns: Name, Gender, Date of Birth and Source map over; the rest has no column.</summary>
    private static string MapChineseList(bool correct, out int rows)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Data", "chinese-political-prisoners.csv");
        using var reader = CsvReader.FromFile(path, CsvReaderOptions.Default with { Separator = ',' });
        var csv = new StringBuilder("fullName,gender,birthDate,nationalities,sourceUrl\n");
        rows = 0;
        while (reader.Read())
        {
            rows++;
            var birthDate = reader.GetString("Date of Birth");
            if (correct && !Domain.PartialDate.TryParse(birthDate, out _, out _))
            {
                birthDate = "";
            }

            csv.Append(CultureInfo.InvariantCulture, $"{reader.GetString("Name")},{reader.GetString("Gender")},{birthDate},CN,{reader.GetString("Source")}\n");
        }

        return csv.ToString();
    }

}

/// <summary>The API on a real Kestrel socket, on the run's database: TestServer hands the app a body only once it is complete.</summary>
public sealed class KestrelApiFixture(ApiFixture api) : IAsyncLifetime
{
    private ApiFactory? _factory;
    private Uri? _address;

    public ValueTask InitializeAsync()
    {
        _factory = new ApiFactory(api.ConnectionString, api.AdminKey, new CapturedLogs());
        _address = Listen(_factory);
        return ValueTask.CompletedTask;
    }

    /// <summary>Starts <paramref name="factory"/>'s API on a free loopback port and returns its address.</summary>
    public static Uri Listen(WebApplicationFactory<Program> factory)
    {
        factory.UseKestrel(0);
        factory.StartServer();
        var addresses = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        return new Uri(addresses.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal));
    }

    /// <summary>A plain client on the socket: request bodies stream as they are written.</summary>
    public HttpClient Client() => new() { BaseAddress = _address };

    public async ValueTask DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }
    }
}

/// <summary>Imports whose body arrives slowly or never ends, over a real socket.</summary>
public sealed class ImportStreamingTests(ApiFixture api, KestrelApiFixture kestrel) : IClassFixture<KestrelApiFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Marker() => Guid.NewGuid().ToString("N")[..10];

    private static StringContent Csv(string text) => ImportsTests.Csv(text);

    private static async Task<JsonArray> SearchAsync(HttpClient client, string q) =>
        (await client.GetOkAsync($"/api/v1/detainees?limit=500&q={Uri.EscapeDataString(q)}"))["items"]!.AsArray();

    [Fact]
    public async Task The_same_idempotency_key_while_the_first_request_runs_is_a_409()
    {
        var organization = "Racing NGO " + Marker();
        using var contributor = await StreamingClientAsync(organization);
        var m = Marker();
        var key = "race-" + m;
        var csv = $"fullName\nCorredor {m}\n";
        var gate = new TaskCompletionSource();
        var slow = new GatedContent(Encoding.UTF8.GetBytes("fullName\n"), Encoding.UTF8.GetBytes($"Corredor {m}\n"), gate.Task);

        var running = ImportsTests.ImportAsync(contributor, slow, key: key);
        await WaitForIdempotencyLockAsync(organization, key);
        var second = await ImportsTests.ImportAsync(contributor, Csv(csv), key: key);
        gate.SetResult();
        var first = await running;
        var third = await ImportsTests.ImportAsync(contributor, Csv(csv), key: key);

        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Equal("A request with this Idempotency-Key is still running", await second.TitleAsync());
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, third.StatusCode);
        Assert.Equal("true", third.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Single(await SearchAsync(contributor, $"corredor {m}"));
    }

    [Fact]
    public async Task A_client_that_disconnects_mid_import_leaves_nothing_behind()
    {
        using var contributor = await StreamingClientAsync("Disconnect NGO " + Marker());
        var m = Marker();
        var rows = new StringBuilder("fullName\n");
        for (var i = 0; i < 2000; i++)
        {
            rows.Append(CultureInfo.InvariantCulture, $"Desconectado {m} {i}\n");
        }

        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var never = new TaskCompletionSource();
        var content = new GatedContent(Encoding.UTF8.GetBytes(rows.ToString()), [], never.Task);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/imports") { Content = content };
        var sending = contributor.SendAsync(request, cancel.Token);
        await WaitForCopyAsync();
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sending);
        await Task.Delay(500, Ct);
        Assert.Empty(await SearchAsync(contributor, $"desconectado {m}"));
    }

    /// <summary>A client whose request body streams: the default one follows redirects, and so buffers every body first.</summary>
    private async Task<HttpClient> StreamingClientAsync(string organization)
    {
        using var admin = kestrel.Client();
        admin.DefaultRequestHeaders.Add("X-Api-Key", api.AdminKey);
        var issued = await admin.PostOkAsync("/api/v1/api-keys", new { name = "streaming", organization, role = "Contributor" });
        var key = issued["key"]!.GetValue<string>();
        var client = kestrel.Client();
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }

    private async Task WaitForIdempotencyLockAsync(string organization, string key)
    {
        const string sql = """
            SELECT count(*) FROM pg_locks
            WHERE locktype = 'advisory' AND granted AND objsubid = 1
              AND classid::bigint = ((hashtextextended(@s, 6) >> 32) & 4294967295) AND objid::bigint = (hashtextextended(@s, 6) & 4294967295)
            """;
        await DatabaseWaits.UntilAsync(api.ConnectionString, sql, command => command.Parameters.AddWithValue("s", organization + "\n" + key));
    }

    private Task WaitForCopyAsync() => DatabaseWaits.UntilAsync(api.ConnectionString, CopyRunning);

    /// <summary>How many imports of this database are in the middle of their COPY.</summary>
    internal const string CopyRunning =
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'COPY import_rows%' AND state = 'active'";

    /// <summary>A body that sends its first part, then waits for the gate before sending the rest.</summary>
    internal sealed class GatedContent : HttpContent
    {
        private readonly byte[] first;
        private readonly byte[] rest;
        private readonly Task gate;

        public GatedContent(byte[] first, byte[] rest, Task gate)
        {
            (this.first, this.rest, this.gate) = (first, rest, gate);
            Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        }

        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context, CancellationToken cancellationToken)
        {
            await stream.WriteAsync(first, cancellationToken);
            await stream.FlushAsync(cancellationToken);
            await gate.WaitAsync(cancellationToken);
            await stream.WriteAsync(rest, cancellationToken);
        }

        protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) =>
            SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
