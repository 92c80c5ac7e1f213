using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using PrisonerReleaseTracker.Domain.Access;
using PrisonerReleaseTracker.IntegrationTests.Features;
using PrisonerReleaseTracker.IntegrationTests.Infrastructure;

namespace PrisonerReleaseTracker.IntegrationTests.Reliability;

/// <summary>
/// The generated bad-input run of issue 17: requests over every operation of the committed OpenAPI document, with wrong
/// types, NUL characters, bytes that are not UTF-8, huge and nested values, injection strings, dates far outside the
/// calendar, enums with a trailing space, wrong content types and charsets, bad ETags, cursors and Idempotency-Keys,
/// sent anonymously and with a Researcher, Contributor, Verifier and Admin key. Nothing may answer 5xx, and every 4xx is a
/// problem (<c>application/problem+json</c>). Seeded and replayable: <c>PRT_ATTACK_SEED</c> (17) and
/// <c>PRT_ATTACK_REQUESTS</c> (2,000 in CI; 10,000 by hand) choose the run; a failure names the seed and the request.
/// </summary>
public sealed class GeneratedAttackTests(ApiFixture api)
{
    private static readonly string[] HostileStrings =
    [
        "\u0000", "a\u0000b", "2026-01-01\u0000", "Released ", " Verified", "' OR 1=1 --", "\"; DROP TABLE releases; --", "<script>alert(1)</script>",
        "../../etc/passwd", "%00", "%FF%FE", "${jndi:ldap://x}", "9999-12-31", "0001-01-01", "1899-12-31", "2026/01/01", "2026-1-1",
        "-1", "0", "2147483648", "99999999999999999999", "1e309", "NaN", "true\u0000", "null", "", " ", "\t", "\uFEFF", "\uD800",
        "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "00000000-0000-0000-0000-000000000000", "not-a-uuid", "2026-01-25T10:30:00", "9999-12-31T23:59:59Z",
        "1", "W/\"1\"", "*", new string('x', 5000), new string('\u0000', 3),
    ];

    private static readonly string[] ContentTypes =
    [
        "application/json", "application/json; charset=utf-16", "application/json; charset=iso-8859-1", "text/plain", "application/xml",
        "text/csv", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=\"\u0000\"",
    ];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_generated_attack_over_every_operation_gets_no_5xx_and_only_problem_4xx()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("PRT_ATTACK_SEED"), CultureInfo.InvariantCulture, out var s) ? s : 17;
        var count = int.TryParse(Environment.GetEnvironmentVariable("PRT_ATTACK_REQUESTS"), CultureInfo.InvariantCulture, out var n) ? n : 2000;
        var random = new Random(seed);
        var operations = Operations(JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(OpenApiTests.RepositoryRoot(), "docs", "openapi.json"), Ct))!);
        var callers = new List<HttpClient> { api.Factory.CreateClient() };
        foreach (var role in new[] { Role.Researcher, Role.Contributor, Role.Verifier, Role.OrganizationAdmin })
        {
            var (_, _, key) = await api.KeyAsync(role, "Attackers " + role);
            callers.Add(Keyed(key));
        }

        callers.Add(Keyed(api.AdminKey));
        var statuses = new SortedDictionary<int, int>();
        var failures = new List<string>();
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            var operation = operations[random.Next(operations.Count)];
            using var request = Build(operation, random);
            var described = $"#{i} {request.Method} {request.RequestUri}";
            HttpResponseMessage response;
            try
            {
                response = await callers[random.Next(callers.Count)].SendAsync(request, Ct);
            }
            catch (Exception e) when (e is HttpRequestException or IOException)
            {
                failures.Add($"{described}: the connection failed ({e.Message})");
                continue;
            }

            using (response)
            {
                var status = (int)response.StatusCode;
                statuses[status] = statuses.GetValueOrDefault(status) + 1;
                var body = await response.Content.ReadAsStringAsync(Ct);
                if (status >= 500)
                {
                    failures.Add($"{described}: {status} {Shorten(body)}");
                }
                else if (status >= 400 && response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                {
                    failures.Add($"{described}: {status} as {response.Content.Headers.ContentType?.MediaType ?? "no content type"}");
                }
            }
        }

        watch.Stop();
        callers.ForEach(c => c.Dispose());
        var figures = $"generated attack, seed {seed}: {count} requests over {operations.Count} operations in {watch.Elapsed.TotalSeconds:F1} s; " +
            $"statuses {string.Join(", ", statuses.Select(p => $"{p.Key}: {p.Value}"))}; 5xx: {statuses.Where(p => p.Key >= 500).Sum(p => p.Value)}; " +
            $"failures: {failures.Count}";
        await Figures.WriteAsync(figures);
        Assert.True(failures.Count == 0, $"{figures}\n{string.Join('\n', failures.Take(20))}");
    }

    private HttpClient Keyed(string key)
    {
        var client = api.Factory.CreateClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation("X-Api-Key", key);
        return client;
    }

    private sealed record Operation(string Method, string Path, IReadOnlyList<(string Name, string In)> Parameters, IReadOnlyList<string> BodyFields, bool HasBody);

    private static List<Operation> Operations(JsonNode document)
    {
        var schemas = document["components"]?["schemas"]?.AsObject();
        var operations = new List<Operation>();
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                if (method is not ("get" or "post" or "put" or "delete"))
                {
                    continue;
                }

                var parameters = (operation!["parameters"]?.AsArray() ?? [])
                    .Select(p => (p!["name"]!.GetValue<string>(), p["in"]!.GetValue<string>())).ToList();
                var body = operation["requestBody"];
                var fields = new List<string>();
                var schema = body?["content"]?.AsObject().FirstOrDefault().Value?["schema"];
                if (schema?["$ref"]?.GetValue<string>() is { } reference && schemas?[reference.Split('/')[^1]]?["properties"] is JsonObject properties)
                {
                    fields.AddRange(properties.Select(p => p.Key));
                }

                operations.Add(new Operation(method.ToUpperInvariant(), path, parameters, fields, body is not null));
            }
        }

        return operations;
    }

    private static HttpRequestMessage Build(Operation operation, Random random)
    {
        var path = operation.Path;
        var query = new List<string>();
        var request = new HttpRequestMessage(new HttpMethod(operation.Method), "/");
        foreach (var (name, location) in operation.Parameters)
        {
            // A parameter is left out, given a plausible value, or given a hostile one (escaped as a client would, or raw).
            var value = random.Next(3) switch
            {
                0 => null,
                1 => Plausible(name, random),
                _ => HostileStrings[random.Next(HostileStrings.Length)],
            };
            switch (location)
            {
                case "path":
                    // Not a NUL: Kestrel refuses one in the request line before the API sees it (the test host throws instead).
                    path = path.Replace("{" + name + "}", Uri.EscapeDataString((value ?? Guid.NewGuid().ToString()).Replace("\u0000", "", StringComparison.Ordinal)),
                        StringComparison.Ordinal);
                    break;
                case "query" when value is not null:
                    query.Add($"{name}={(random.Next(4) == 0 ? value.Replace("\u0000", "%00", StringComparison.Ordinal) : Uri.EscapeDataString(value))}");
                    break;
                case "header" when value is not null:
                    request.Headers.TryAddWithoutValidation(name, value.Replace("\u0000", "", StringComparison.Ordinal));
                    break;
            }
        }

        if (random.Next(8) == 0)
        {
            query.Add($"{HostileStrings[random.Next(HostileStrings.Length)].Length}={Uri.EscapeDataString(HostileStrings[random.Next(HostileStrings.Length)])}");
        }

        request.RequestUri = new Uri(path + (query.Count > 0 ? "?" + string.Join('&', query) : ""), UriKind.Relative);
        if (operation.HasBody)
        {
            request.Content = Body(operation, random);
        }

        return request;
    }

    private static string? Plausible(string name, Random random) => name switch
    {
        "from" or "to" or "releasedFrom" or "releasedTo" or "statedFrom" or "statedTo" or "arrestedFrom" or "arrestedTo" => "2026-01-" + random.Next(1, 29).ToString("00", CultureInfo.InvariantCulture),
        "asOf" => "2026-01-15T10:00:00Z",
        "limit" => random.Next(0, 600).ToString(CultureInfo.InvariantCulture),
        "cursor" => Convert.ToBase64String(Encoding.UTF8.GetBytes("{\"id\":\"x\"}")),
        "format" => random.Next(2) == 0 ? "csv" : "json",
        "dryRun" => "true",
        "sequence" => random.Next(-1, 5).ToString(CultureInfo.InvariantCulture),
        "If-Match" or "If-None-Match" => "\"" + random.Next().ToString(CultureInfo.InvariantCulture) + "\"",
        "Idempotency-Key" => random.Next(2) == 0 ? "" : new string('k', random.Next(1, 400)),
        _ => Guid.NewGuid().ToString(),
    };

    private static HttpContent Body(Operation operation, Random random)
    {
        byte[] bytes;
        switch (random.Next(6))
        {
            case 0:
                bytes = [.. "{\"fullName\":\"bad "u8, 0xC3, 0x28, 0xFF, .. "\"}"u8]; // not UTF-8
                break;
            case 1:
                bytes = Encoding.UTF8.GetBytes(new string('[', 200) + new string(']', 200)); // nested past the depth limit
                break;
            case 2:
                bytes = Encoding.UTF8.GetBytes(random.Next(2) == 0 ? "{\"a\":" : "fullName\n\u0000\n"); // broken
                break;
            default:
                var item = new JsonObject();
                foreach (var field in operation.BodyFields.Where(_ => random.Next(3) > 0))
                {
                    item[field] = Value(random, depth: 0);
                }

                bytes = Encoding.UTF8.GetBytes(random.Next(5) == 0 ? new JsonArray(item).ToJsonString() : item.ToJsonString());
                break;
        }

        var content = new ByteArrayContent(bytes);
        content.Headers.TryAddWithoutValidation("Content-Type", random.Next(3) == 0 ? ContentTypes[random.Next(ContentTypes.Length)] : "application/json");
        return content;
    }

    private static JsonNode? Value(Random random, int depth) => random.Next(depth > 2 ? 5 : 8) switch
    {
        0 => null,
        1 => JsonValue.Create(random.Next(-5, 5) * 1_000_000_007L),
        2 => JsonValue.Create(random.Next(2) == 0),
        3 or 4 => JsonValue.Create(HostileStrings[random.Next(HostileStrings.Length)]),
        5 => new JsonArray([.. Enumerable.Range(0, random.Next(4)).Select(_ => Value(random, depth + 1))]),
        6 => new JsonObject { ["from"] = Value(random, depth + 1), ["qualifier"] = Value(random, depth + 1), ["x"] = Value(random, depth + 1) },
        _ => JsonValue.Create(new string('y', random.Next(50) == 0 ? 1_100_000 : random.Next(100, 5_000))), // past 1 MB now and then
    };

    private static string Shorten(string text) => text.Length > 300 ? text[..300] + "…" : text;
}

/// <summary>
/// Where the reliability suite's figures go: the test's output (in the TRX report) and one line each in
/// <c>TestResults/reliability.txt</c> at the repository's root, for a person or CI to read after the run.
/// </summary>
public static class Figures
{
    public static async Task WriteAsync(string line)
    {
        TestContext.Current.TestOutputHelper?.WriteLine(line);
        var folder = Path.Combine(OpenApiTests.RepositoryRoot(), "TestResults");
        Directory.CreateDirectory(folder);
        await File.AppendAllTextAsync(Path.Combine(folder, "reliability.txt"),
            $"{DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm:ss}Z {line}{Environment.NewLine}", TestContext.Current.CancellationToken);
    }
}
