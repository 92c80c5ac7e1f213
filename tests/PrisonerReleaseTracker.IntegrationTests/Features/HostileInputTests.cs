using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using PrisonerReleaseTracker.Domain.Access;
using PrisonerReleaseTracker.IntegrationTests.Infrastructure;

namespace PrisonerReleaseTracker.IntegrationTests.Features;

/// <summary>
/// The inputs of issue 17's attack that answered 500 or cut the connection: NUL characters, other charsets, bytes that
/// are not UTF-8, dates far outside the record's calendar, values with a trailing NUL or space, null list items, an
/// empty Idempotency-Key. Each is a 4xx problem naming what is wrong; nothing is stripped or repaired.
/// </summary>
public sealed class HostileInputTests(ApiFixture api)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Marker() => Guid.NewGuid().ToString("N")[..10];

    private static StringContent JsonBody(string json, string contentType = "application/json") =>
        new(json, new MediaTypeHeaderValue(contentType) { CharSet = "utf-8" });

    private static async Task<JsonObject> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == status, $"expected {(int)status}, answered {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonNode.Parse(text)!.AsObject();
    }

    private static async Task AssertInvalidAsync(HttpResponseMessage response, string field)
    {
        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem["errors"]?.AsObject().ContainsKey(field) == true, $"no error for {field}: {problem.ToJsonString()}");
    }

    [Theory]
    [InlineData("/api/v1/totals?from=2026-01-01&asOf=yesterday", "asOf")]
    [InlineData("/api/v1/totals/timeline?from=2026-01-01&knownAt=2026-01-23T10:00:00", "knownAt")]
    [InlineData("/api/v1/lists/019bc5a2-7d4e-7b3a-9c1d-2e5f6a7b8c9d/reconciliation?asOf=2026/01/23", "asOf")]
    [InlineData("/api/v1/lists/019bc5a2-7d4e-7b3a-9c1d-2e5f6a7b8c9d/reconciliation?knownAt=now", "knownAt")]
    [InlineData("/api/v1/lists/019bc5a2-7d4e-7b3a-9c1d-2e5f6a7b8c9d/entries?asOf=yesterday", "asOf")]
    [InlineData("/api/v1/lists/019bc5a2-7d4e-7b3a-9c1d-2e5f6a7b8c9d/entries?knownAt=2026-01-23T10:00", "knownAt")]
    public async Task A_moment_that_is_not_one_is_refused_with_the_forms_accepted_wherever_a_query_takes_it(string path, string field)
    {
        using var researcher = await api.ClientAsync(Role.Researcher, "Moments " + Marker());

        var problem = await ProblemAsync(await researcher.GetAsync(path, Ct), HttpStatusCode.BadRequest);

        Assert.Equal(PrisonerReleaseTracker.Api.Features.Totals.Moment.Expected, problem["errors"]?[field]?[0]?.GetValue<string>());
    }

    [Theory]
    [InlineData("/api/v1/audit?cursor=abc", "cursor", "Not a cursor this API issued.")]
    [InlineData("/api/v1/audit?cursor=0", "cursor", "Not a cursor this API issued.")]
    [InlineData("/api/v1/audit?limit=501", "limit", null)]
    [InlineData("/api/v1/changes?cursor=-1", "cursor", "Not a cursor: the sequence of an item of this feed.")]
    [InlineData("/api/v1/changes?limit=0", "limit", null)]
    public async Task A_list_paged_by_sequence_refuses_a_cursor_that_is_no_sequence_number_and_a_limit_out_of_range(string path, string field, string? message)
    {
        var problem = await ProblemAsync(await api.Admin().GetAsync(path, Ct), HttpStatusCode.BadRequest);

        var errors = problem["errors"]?[field]?.AsArray();
        Assert.True(errors is [_], $"one error for {field}: {problem.ToJsonString()}");
        if (message is not null)
        {
            Assert.Equal(message, errors[0]!.GetValue<string>());
        }
    }

    [Theory]
    [InlineData("/api/v1/detainees", """{"fullName":"Nul\u0000Name","gender":"Male","nationalities":["VE"],"categories":[],"isProtected":false}""", "fullName")]
    [InlineData("/api/v1/facilities", """{"name":"Prison\u0000","kind":"Prison","country":"VE"}""", "name")]
    [InlineData("/api/v1/sources", """{"url":"https://example.org/a\u0000b","kind":"NewsMedia"}""", "url")]
    public async Task A_nul_character_in_a_json_string_is_a_400_naming_the_field(string url, string json, string field)
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Nul Writers " + Marker());

        await AssertInvalidAsync(await contributor.PostAsync(url, JsonBody(json), Ct), field);
    }

    [Fact]
    public async Task A_form_body_whose_keys_break_bracket_syntax_is_a_415_not_read_as_a_form()
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Form Writers " + Marker());
        var person = await Records.DetaineeAsync(contributor);
        var form = new StringContent("""{"arrestPlace":{"from":[null,"' OR 1=1"]}}""", new MediaTypeHeaderValue("application/x-www-form-urlencoded"));

        var response = await contributor.PostAsync($"/api/v1/detainees/{person}/detentions", form, Ct);

        await ProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
    }

    [Theory]
    [InlineData("/api/v1/detainees?q=a%00b", "q")]
    [InlineData("/api/v1/detainees?category=a%00", "category")]
    [InlineData("/api/v1/totals?from=2026-01-01&verifiedBy=x%00", "verifiedBy")]
    [InlineData("/api/v1/exports/detainees?q=%00", "q")]
    public async Task A_nul_character_in_a_query_value_is_a_400_naming_it(string url, string parameter)
    {
        using var researcher = await api.ClientAsync(Role.Researcher, "Nul Readers");

        await AssertInvalidAsync(await researcher.GetAsync(url, Ct), parameter);
    }

    [Fact]
    public async Task A_failing_export_is_refused_before_its_first_byte_not_cut_after_its_header()
    {
        using var researcher = await api.ClientAsync(Role.Researcher, "Nul Readers");

        var response = await researcher.GetAsync("/api/v1/exports/detainees?format=csv&q=%00", HttpCompletionOption.ResponseHeadersRead, Ct);

        await ProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_nul_character_in_an_import_cell_refuses_the_file_naming_line_and_field()
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Nul Importers");

        var csv = await contributor.PostAsync("/api/v1/imports", new StringContent($"fullName,categories\nNul {Marker()},a\0b\n", Encoding.UTF8, "text/csv"), Ct);
        var json = await contributor.PostAsync("/api/v1/imports", JsonBody($$"""[{"fullName":"Nul {{Marker()}}\u0000"}]"""), Ct);

        // A CSV's header is line 1; a JSON item's line is its position from 1.
        foreach (var (response, line, field) in new[] { (csv, 2, "categories"), (json, 1, "fullName") })
        {
            var error = (await ProblemAsync(response, HttpStatusCode.BadRequest))["rowErrors"]![0]!;
            Assert.Equal((line, field), (error["line"]!.GetValue<int>(), error["field"]!.GetValue<string>()));
        }
    }

    [Theory]
    [InlineData("/api/v1/detainees", "utf-16")]
    [InlineData("/api/v1/facilities", "iso-8859-1")]
    [InlineData("/api/v1/imports", "utf-16")]
    public async Task A_body_in_another_charset_is_a_415(string url, string charset)
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Charset Writers");
        var content = new ByteArrayContent(Encoding.Unicode.GetBytes("""{"name":"x"}"""));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = charset };

        await ProblemAsync(await contributor.PostAsync(url, content, Ct), HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task Invalid_utf8_in_a_json_body_or_import_is_a_400_naming_the_field()
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Byte Writers");
        static ByteArrayContent Bytes(string before, string after)
        {
            var content = new ByteArrayContent([.. Encoding.UTF8.GetBytes(before), 0xC3, 0x28, 0xFF, .. Encoding.UTF8.GetBytes(after)]);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            return content;
        }

        var body = await contributor.PostAsync("/api/v1/facilities", Bytes("{\"name\":\"Bad ", "\",\"kind\":\"Prison\",\"country\":\"VE\"}"), Ct);
        var import = await contributor.PostAsync("/api/v1/imports", Bytes("[{\"fullName\":\"Bad ", "\"}]"), Ct);
        var csv = await contributor.PostAsync("/api/v1/imports", new ByteArrayContent([.. "fullName\nGood\nBad "u8, 0xC3, 0x28, (byte)'\n'])
        {
            Headers = { ContentType = new MediaTypeHeaderValue("text/csv") },
        }, Ct);

        await AssertInvalidAsync(body, "name");
        var importError = (await ProblemAsync(import, HttpStatusCode.BadRequest))["rowErrors"]![0]!;
        Assert.Equal("fullName", importError["field"]!.GetValue<string>());
        var csvError = (await ProblemAsync(csv, HttpStatusCode.BadRequest))["rowErrors"]![0]!;
        Assert.Equal(3, csvError["line"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("/api/v1/totals?from=2026-01-01&asOf=9999-12-31", "asOf")]
    [InlineData("/api/v1/totals/timeline?from=2026-01-01&asOf=9999-12-31", "asOf")]
    [InlineData("/api/v1/totals?from=2026-01-01&asOf=9999-12-31T23:59:59Z", "asOf")]
    [InlineData("/api/v1/totals?from=0001-01-01", "from")]
    [InlineData("/api/v1/totals?from=2026-01-01&to=2101-01-01", "to")]
    [InlineData("/api/v1/claims?statedTo=9999-12-31", "statedTo")]
    [InlineData("/api/v1/claims?statedFrom=1899-12-31", "statedFrom")]
    public async Task Dates_outside_the_supported_range_are_a_400_naming_the_parameter(string url, string parameter)
    {
        using var anonymous = api.Anonymous();

        await AssertInvalidAsync(await anonymous.GetAsync(url, Ct), parameter);
    }

    [Fact]
    public async Task AsOf_may_be_today_anywhere_but_not_a_day_no_time_zone_has_reached()
    {
        using var anonymous = api.Anonymous();
        var utcToday = DateOnly.FromDateTime(DateTime.UtcNow);
        var latestToday = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(14));

        var today = await anonymous.GetAsync($"/api/v1/totals?from=2026-01-01&asOf={utcToday:yyyy-MM-dd}", Ct);
        var aheadToday = await anonymous.GetAsync($"/api/v1/totals/timeline?from=2026-01-01&asOf={latestToday:yyyy-MM-dd}", Ct);
        var tooLate = await anonymous.GetAsync($"/api/v1/totals?from=2026-01-01&asOf={latestToday.AddDays(1):yyyy-MM-dd}", Ct);

        Assert.Equal(HttpStatusCode.OK, today.StatusCode);
        Assert.Equal(HttpStatusCode.OK, aheadToday.StatusCode);
        await AssertInvalidAsync(tooLate, "asOf");
    }

    [Fact]
    public async Task A_body_date_outside_the_supported_range_is_a_400_naming_it()
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Date Writers " + Marker());

        var response = await contributor.PostAsync("/api/v1/detainees",
            JsonBody("""{"fullName":"Old","gender":"Male","birthDate":"9999-12-31","nationalities":["VE"],"categories":[],"isProtected":false}"""), Ct);

        await AssertInvalidAsync(response, "birthDate");
    }

    [Theory]
    [InlineData("/api/v1/totals?from=2026-01-01%00", "from")]
    [InlineData("/api/v1/detainees?status=Released%20", "status")]
    [InlineData("/api/v1/detainees?status=%20Released", "status")]
    public async Task A_query_value_with_a_trailing_nul_or_space_is_a_400(string url, string parameter)
    {
        using var researcher = await api.ClientAsync(Role.Researcher, "Trailing Readers");

        await AssertInvalidAsync(await researcher.GetAsync(url, Ct), parameter);
    }

    [Theory]
    [InlineData("""{"fullName":"T","gender":"Male ","nationalities":["VE"],"categories":[],"isProtected":false}""", "gender")]
    [InlineData("""{"fullName":"T","gender":"Male","birthDate":"1970-01-01\u0000","nationalities":["VE"],"categories":[],"isProtected":false}""", "birthDate")]
    [InlineData("""{"fullName":"T","gender":"Male","birthDate":" 1970","nationalities":["VE"],"categories":[],"isProtected":false}""", "birthDate")]
    [InlineData("""{"fullName":"T","gender":"Male","nationalities":["VE"],"categories":[],"isProtected":false,"externalIds":[null]}""", "externalIds[0]")]
    public async Task A_body_value_with_a_trailing_nul_or_space_or_a_null_item_is_a_400_naming_it(string json, string field)
    {
        using var contributor = await api.ClientAsync(Role.Contributor, "Trailing Writers " + Marker());

        await AssertInvalidAsync(await contributor.PostAsync("/api/v1/detainees", JsonBody(json), Ct), field);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("\uD800")]
    [InlineData("clé")]
    public async Task An_empty_or_non_ascii_idempotency_key_is_refused_not_ignored(string key)
    {
        var (_, _, apiKey) = await api.KeyAsync(Role.Contributor, "Empty Key Importers");
        var marker = Marker();

        // HttpClient does not send a header whose value is empty; the test server is given one directly.
        var context = await api.Factory.Server.SendAsync(http =>
        {
            http.Request.Method = "POST";
            http.Request.Path = "/api/v1/imports";
            http.Request.Headers["X-Api-Key"] = apiKey;
            http.Request.Headers["Idempotency-Key"] = key;
            http.Request.ContentType = "text/csv";
            http.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes($"fullName\nEmpty Key {marker}\n"));
        }, Ct);

        Assert.Equal(StatusCodes.Status400BadRequest, context.Response.StatusCode);
        var problem = JsonNode.Parse(context.Response.Body)!;
        Assert.NotNull(problem["errors"]!["Idempotency-Key"]);
        Assert.Empty(problem["rowErrors"]!.AsArray());
    }
}
