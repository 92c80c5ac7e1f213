using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using PrisonerReleaseTracker.Domain.Access;
using PrisonerReleaseTracker.IntegrationTests.Infrastructure;

namespace PrisonerReleaseTracker.IntegrationTests.Features;

public sealed class DetaineesTests(ApiFixture api)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    internal static JsonObject Person(string fullName, params string[] nationalities) => new()
    {
        ["fullName"] = fullName,
        ["otherNames"] = new JsonArray(),
        ["gender"] = "Female",
        ["birthDate"] = "1968-10",
        ["nationalities"] = new JsonArray([.. nationalities.Select(n => (JsonNode)n)]),
        ["categories"] = new JsonArray("journalist"),
        ["externalIds"] = new JsonArray(new JsonObject { ["scheme"] = "case", ["value"] = Guid.NewGuid().ToString() }),
        ["isProtected"] = false,
        ["nationalId"] = "V-12345678",
        ["notes"] = "Family asks for discretion.",
    };

    [Fact]
    public async Task A_contributor_records_a_detainee_with_a_partial_birth_date()
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Detainees NGO");
        var created = await contributor.PostAsJsonAsync("/api/v1/detainees", Person("Ana Prueba Uno", "VE"), Ct);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.ReadObjectAsync();
        Assert.Equal("1968-10", body["birthDate"]!.GetValue<string>());
        Assert.Equal("Unknown", body["status"]!.GetValue<string>());
        Assert.Equal("Detainees NGO", body["organization"]!.GetValue<string>());
        Assert.Equal("V-12345678", body["nationalId"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("birthDate", "1954-02-29")]
    [InlineData("birthDate", "19812")]
    [InlineData("birthDate", "2999-01")]
    [InlineData("fullName", "")]
    public async Task Invalid_details_are_refused_with_the_field_named(string field, string value)
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Detainees NGO");
        var person = Person("Invalid Person", "VE");
        person[field] = value;

        var response = await contributor.PostAsJsonAsync("/api/v1/detainees", person, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.ReadObjectAsync())["errors"]!.AsObject().ContainsKey(field));
    }

    [Fact]
    public async Task A_nationality_that_is_not_an_iso_code_is_refused_at_its_index()
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Detainees NGO");
        var response = await contributor.PostAsJsonAsync("/api/v1/detainees", Person("Invalid Nationality", "VE", "UK"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.ReadObjectAsync())["errors"]!.AsObject().ContainsKey("nationalities[1]"));
    }

    [Fact]
    public async Task Malformed_json_is_a_400_problem()
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Detainees NGO");
        var response = await contributor.PostAsync("/api/v1/detainees", new StringContent("{\"fullName\": ", Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_refused_request_writes_nothing()
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Detainees NGO");
        var name = "Never Written " + Guid.NewGuid().ToString("N")[..8];
        var person = Person(name, "VE");
        person["birthDate"] = "2999-01-01";

        await contributor.PostAsJsonAsync("/api/v1/detainees", person, Ct);
        var search = await (await contributor.GetAsync($"/api/v1/detainees?q={Uri.EscapeDataString(name)}", Ct)).ReadObjectAsync();

        Assert.Empty(search["items"]!.AsArray());
    }

    [Theory]
    [InlineData("jose angel", "José Ángel Núñez")]
    [InlineData("NUNEZ", "José Ángel Núñez")]
    [InlineData("pena", "María Peña")]
    [InlineData("maria  pena", "María Peña")]
    [InlineData("peña maría", "María Peña")]
    [InlineData("jos ang nu", "José Ángel Núñez")]
    [InlineData("алекс", "Алексей Иванов")]
    [InlineData("ИВАНОВ", "Алексей Иванов")]
    [InlineData("卫", "陈卫")]
    [InlineData("陈卫", "陈卫")]
    [InlineData("hassan", "Ahmed al-Hassan")]
    [InlineData("alhassan", "Ahmed al-Hassan")]
    [InlineData("o'brien", "Siobhán O’Brien")]
    [InlineData("obrien siobhan", "Siobhán O’Brien")]
    public async Task Search_finds_whole_words_and_word_prefixes_ignoring_case_accents_and_script_spacing(string query, string fullName)
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Search NGO");
        var marker = Guid.NewGuid().ToString("N")[..10];
        var person = Person($"{fullName} {marker}", "VE");
        var id = (await (await contributor.PostAsJsonAsync("/api/v1/detainees", person, Ct)).ReadObjectAsync())["id"]!.GetValue<Guid>();

        var found = await SearchAsync(contributor, $"{query} {marker}");

        Assert.Equal([id], found);
    }

    [Theory]
    [InlineData("ngel")]             // inside a word, not at its start
    [InlineData("villalobos")]       // a word the name does not have
    [InlineData("jose villalobos")]  // every word must be found, not only one
    [InlineData("nunezz")]           // longer than the word
    public async Task Search_does_not_match_fragments_inside_words_or_only_some_words(string query)
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Search NGO");
        var marker = Guid.NewGuid().ToString("N")[..10];
        await contributor.PostAsJsonAsync("/api/v1/detainees", Person($"José Ángel Núñez {marker}", "VE"), Ct);

        Assert.Empty(await SearchAsync(contributor, $"{query} {marker}"));
    }

    [Fact]
    public async Task Search_finds_other_names_and_treats_wildcards_as_text()
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Search NGO");
        var marker = Guid.NewGuid().ToString("N")[..10];
        var person = Person($"Zoila Rojas {marker}", "VE");
        person["otherNames"] = new JsonArray($"La Negra {marker}");
        var id = (await (await contributor.PostAsJsonAsync("/api/v1/detainees", person, Ct)).ReadObjectAsync())["id"]!.GetValue<Guid>();

        var byOtherName = await SearchAsync(contributor, $"negra {marker}");
        var acrossNames = await SearchAsync(contributor, $"zoila negra {marker}");
        var byPrefixOfMarker = await SearchAsync(contributor, $"rojas {marker[..6]}");
        var wildcardInside = await SearchAsync(contributor, $"{marker[..4]}%{marker[5..]}");
        var underscoreInside = await SearchAsync(contributor, $"{marker[..4]}_{marker[5..]}");

        Assert.Equal([id], byOtherName);
        Assert.Equal([id], acrossNames);
        Assert.Contains(id, byPrefixOfMarker);
        Assert.Empty(wildcardInside);
        Assert.Empty(underscoreInside);
    }

    [Theory]
    [InlineData("%")]
    [InlineData(" - ' ")]
    public async Task A_search_without_a_word_finds_nobody(string query)
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Search NGO");
        await contributor.PostAsJsonAsync("/api/v1/detainees", Person("Nadie Busca " + Guid.NewGuid().ToString("N")[..8], "VE"), Ct);

        Assert.Empty(await SearchAsync(contributor, query));
    }

    private async Task<List<Guid>> SearchAsync(HttpClient client, string query)
    {
        var page = await client.GetOkAsync($"/api/v1/detainees?q={Uri.EscapeDataString(query)}&limit=500");
        return [.. page["items"]!.AsArray().Select(d => d!["id"]!.GetValue<Guid>())];
    }

    [Fact]
    public async Task Filters_by_nationality_category_and_status()
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Filter NGO");
        var marker = Guid.NewGuid().ToString("N")[..10];
        var spanish = Person($"Filtro Uno {marker}", "ES");
        spanish["categories"] = new JsonArray($"cat-{marker}");
        var venezuelan = Person($"Filtro Dos {marker}", "VE");
        var spanishId = (await (await contributor.PostAsJsonAsync("/api/v1/detainees", spanish, Ct)).ReadObjectAsync())["id"]!.GetValue<Guid>();
        await contributor.PostAsJsonAsync("/api/v1/detainees", venezuelan, Ct);

        var byNationality = await (await contributor.GetAsync($"/api/v1/detainees?q={marker}&nationality=ES", Ct)).ReadObjectAsync();
        var byCategory = await (await contributor.GetAsync($"/api/v1/detainees?category=cat-{marker}", Ct)).ReadObjectAsync();
        var byStatus = await (await contributor.GetAsync($"/api/v1/detainees?q={marker}&status=Detained", Ct)).ReadObjectAsync();

        Assert.Equal([spanishId], byNationality["items"]!.AsArray().Select(d => d!["id"]!.GetValue<Guid>()));
        Assert.Equal([spanishId], byCategory["items"]!.AsArray().Select(d => d!["id"]!.GetValue<Guid>()));
        Assert.Empty(byStatus["items"]!.AsArray());
    }

    [Fact]
    public async Task Paging_walks_every_item_once()
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Paging NGO");
        var marker = Guid.NewGuid().ToString("N")[..10];
        var created = new List<Guid>();
        for (var i = 0; i < 7; i++)
        {
            var response = await contributor.PostAsJsonAsync("/api/v1/detainees", Person($"Pagina {i} {marker}", "VE"), Ct);
            created.Add((await response.ReadObjectAsync())["id"]!.GetValue<Guid>());
        }

        var seen = new List<Guid>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var url = $"/api/v1/detainees?q={marker}&limit=3" + (cursor is null ? "" : $"&cursor={cursor}");
            var page = await (await contributor.GetAsync(url, Ct)).ReadObjectAsync();
            seen.AddRange(page["items"]!.AsArray().Select(d => d!["id"]!.GetValue<Guid>()));
            cursor = page["nextCursor"]?.GetValue<string>();
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(3, pages);
        Assert.Equal(created, seen);
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=501")]
    [InlineData("cursor=not-ours")]
    [InlineData("nationality=XX")]
    [InlineData("arrestedFrom=2024-02-30")]
    public async Task Invalid_list_parameters_are_a_400(string query)
    {
        using var researcher = await api.ClientAsync(Role.Researcher, "Paging NGO");
        var response = await researcher.GetAsync($"/api/v1/detainees?{query}", Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task An_update_needs_the_current_etag()
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Update NGO");
        var created = await contributor.PostAsJsonAsync("/api/v1/detainees", Person("Antes Cambio", "VE"), Ct);
        var location = created.Headers.Location!;
        var etag = created.Headers.ETag!;
        var corrected = Person("Después Cambio", "VE");

        var withoutIfMatch = await contributor.PutAsJsonAsync(location, corrected, Ct);
        var ok = await Put(contributor, location, corrected, etag);
        var stale = await Put(contributor, location, Person("Otra Vez", "VE"), etag);

        Assert.Equal((HttpStatusCode)428, withoutIfMatch.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("Después Cambio", (await ok.ReadObjectAsync())["fullName"]!.GetValue<string>());
        Assert.NotEqual(etag, ok.Headers.ETag);
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        var current = await (await contributor.GetAsync(location, Ct)).ReadObjectAsync();
        Assert.Equal("Después Cambio", current["fullName"]!.GetValue<string>());
    }

    [Fact]
    public async Task Another_organization_sees_no_sensitive_fields_and_cannot_change_the_record()
    {
        using var holder = await api.ClientAsync(Role.Contributor, "Holder NGO");
        using var other = await api.ClientAsync(Role.Contributor, "Other NGO");
        var created = await holder.PostAsJsonAsync("/api/v1/detainees", Person("Sensible Persona", "VE"), Ct);

        var read = await other.GetAsync(created.Headers.Location, Ct);
        var body = await read.ReadObjectAsync();
        var update = await Put(other, created.Headers.Location!, Person("Cambio Ajeno", "VE"), read.Headers.ETag!);

        Assert.Null(body["nationalId"]);
        Assert.Null(body["notes"]);
        Assert.Equal(HttpStatusCode.Forbidden, update.StatusCode);
    }

    [Fact]
    public async Task Reading_detainees_needs_a_key()
    {
        using var anonymous = api.Anonymous();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/detainees", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/api/v1/detainees/{Guid.NewGuid()}", Ct)).StatusCode);
    }

    [Fact]
    public async Task An_unknown_detainee_is_a_404()
    {
        using var researcher = await api.ClientAsync(Role.Researcher, "Detainees NGO");
        Assert.Equal(HttpStatusCode.NotFound, (await researcher.GetAsync($"/api/v1/detainees/{Guid.NewGuid()}", Ct)).StatusCode);
    }

    private static Task<HttpResponseMessage> Put(HttpClient client, Uri location, JsonObject body, EntityTagHeaderValue etag)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, location) { Content = JsonContent.Create(body) };
        request.Headers.IfMatch.Add(etag);
        return client.SendAsync(request, Ct);
    }
}
