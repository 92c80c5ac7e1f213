using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;
using PrisonerReleaseTracker.IntegrationTests.Features;

namespace PrisonerReleaseTracker.IntegrationTests.Infrastructure;

/// <summary>
/// Holds every answer the API gives in the tests to the committed OpenAPI document (docs/openapi.json, which another
/// test keeps equal to the live one): its status is declared for its operation, its content type too, its JSON body
/// validates against the declared schema, and every header of the contract it carries (ETag, Location, RateLimit...)
/// is declared for that status; a 201's Location is absolute. A test whose answer breaks the contract fails there,
/// so the document and the code cannot drift apart unnoticed.
/// </summary>
public sealed class OpenApiContract
{
    /// <summary>Headers that are part of the contract: when an answer carries one, the document must declare it.</summary>
    private static readonly string[] ContractHeaders =
    [
        "ETag", "Location", "Cache-Control", "Retry-After", "Idempotent-Replayed", "RateLimit", "RateLimit-Policy", "WWW-Authenticate",
        "Content-Disposition",
    ];

    private static readonly Lazy<OpenApiContract> Committed = new(() =>
        new OpenApiContract(JsonNode.Parse(File.ReadAllText(Path.Combine(OpenApiTests.RepositoryRoot(), "docs", "openapi.json")))!.AsObject()));

    private readonly List<(string Method, Regex Path, int Parameters, JsonObject Operation)> _operations = [];
    private readonly JsonObject _definitions = [];
    private readonly ConcurrentDictionary<string, JsonSchema> _schemas = new();

    public OpenApiContract(JsonObject document)
    {
        foreach (var (template, item) in document["paths"]!.AsObject())
        {
            var pattern = new Regex("^" + Regex.Replace(Regex.Escape(template), @"\\\{[^}]+}", "[^/]+") + "$");
            foreach (var (method, operation) in item!.AsObject())
            {
                _operations.Add((method.ToUpperInvariant(), pattern, template.Count(c => c == '{'), operation!.AsObject()));
            }
        }

        _operations.Sort((a, b) => a.Parameters.CompareTo(b.Parameters));
        foreach (var (name, schema) in document["components"]!["schemas"]!.AsObject())
        {
            _definitions[name] = ToJsonSchema(schema!);
        }
    }

    public static OpenApiContract Instance => Committed.Value;

    /// <summary>Every way <paramref name="response"/> departs from the document; empty when it keeps to it.</summary>
    public async Task<List<string>> ViolationsAsync(HttpRequestMessage request, HttpResponseMessage response)
    {
        var violations = new List<string>();
        var path = request.RequestUri!.AbsolutePath;
        var operation = _operations.FirstOrDefault(o => o.Method == request.Method.Method && o.Path.IsMatch(path)).Operation;
        if (operation is null)
        {
            return violations; // not an operation of the document (health, swagger, a path that matches none)
        }

        var status = ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var declared = operation["responses"]?[status] ?? operation["responses"]?["default"];
        if (declared is null)
        {
            violations.Add($"status {status} is not declared");
            return violations;
        }

        var headers = declared["headers"]?.AsObject();
        foreach (var name in ContractHeaders)
        {
            var present = response.Headers.NonValidated.Contains(name) || response.Content.Headers.NonValidated.Contains(name);
            if (present && (headers is null || !headers.Any(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase))))
            {
                violations.Add($"header {name} is sent but not declared for {status}");
            }
        }

        if (response.StatusCode == HttpStatusCode.Created && response.Headers.Location is not { IsAbsoluteUri: true })
        {
            violations.Add("a 201 without an absolute Location");
        }

        await response.Content.LoadIntoBufferAsync();
        var body = await response.Content.ReadAsStringAsync();
        if (body.Length == 0)
        {
            return violations;
        }

        var mediaType = response.Content.Headers.ContentType?.MediaType ?? "(none)";
        var content = declared["content"]?.AsObject();
        if (content is null || !content.TryGetPropertyValue(mediaType, out var media))
        {
            violations.Add($"content type {mediaType} is not declared for {status}");
            return violations;
        }

        if (mediaType.EndsWith("json", StringComparison.Ordinal) && media?["schema"] is { } schema)
        {
            var results = SchemaOf(schema).Evaluate(JsonNode.Parse(body), new EvaluationOptions { OutputFormat = OutputFormat.List });
            if (!results.IsValid)
            {
                violations.AddRange(results.Details.Where(d => d.Errors is not null)
                    .SelectMany(d => d.Errors!.Select(e => $"body {d.InstanceLocation}: {e.Value}")).Take(10));
            }
        }

        return violations;
    }

    private JsonSchema SchemaOf(JsonNode openApiSchema)
    {
        var text = openApiSchema.ToJsonString();
        return _schemas.GetOrAdd(text, _ =>
        {
            var root = ToJsonSchema(openApiSchema).AsObject();
            root["$defs"] = _definitions.DeepClone();
            return JsonSchema.FromText(root.ToJsonString());
        });
    }

    /// <summary>An OpenAPI 3.0 schema as JSON Schema 2020-12: <c>nullable</c> becomes a null type, references point into <c>$defs</c>.</summary>
    private static JsonNode ToJsonSchema(JsonNode node)
    {
        if (node is JsonArray array)
        {
            return new JsonArray([.. array.Select(item => item is null ? null : ToJsonSchema(item))]);
        }

        if (node is not JsonObject source)
        {
            return node.DeepClone();
        }

        var schema = new JsonObject();
        foreach (var (key, value) in source)
        {
            switch (key)
            {
                case "nullable" or "example" or "examples" or "x-internal":
                    break;
                case "$ref":
                    schema[key] = value!.GetValue<string>().Replace("#/components/schemas/", "#/$defs/", StringComparison.Ordinal);
                    break;
                case "properties":
                    schema[key] = new JsonObject(value!.AsObject().Select(p => KeyValuePair.Create(p.Key, (JsonNode?)ToJsonSchema(p.Value!))));
                    break;
                default:
                    schema[key] = value is null ? null : ToJsonSchema(value);
                    break;
            }
        }

        if (source["nullable"]?.GetValue<bool>() != true)
        {
            return schema;
        }

        // A nullable composition (allOf: [the enum]) admits null beside whatever it composes: null cannot satisfy the
        // composed schema itself, so "or null" is said around it.
        if (schema["type"] is JsonValue type && !schema.ContainsKey("allOf") && !schema.ContainsKey("oneOf") && !schema.ContainsKey("anyOf"))
        {
            schema["type"] = new JsonArray(type.GetValue<string>(), "null");
            if (schema["enum"] is JsonArray values)
            {
                values.Add(null);
            }

            return schema;
        }

        return new JsonObject { ["anyOf"] = new JsonArray(schema, new JsonObject { ["type"] = "null" }) };
    }
}

/// <summary>Fails the calling test at once when an answer departs from the committed OpenAPI document.</summary>
public sealed class ContractCheckingHandler : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        var violations = await OpenApiContract.Instance.ViolationsAsync(request, response);
        if (violations.Count > 0)
        {
            throw new ContractViolationException(
                $"{request.Method} {request.RequestUri!.PathAndQuery} answered {(int)response.StatusCode}, which docs/openapi.json does not allow:\n  " +
                string.Join("\n  ", violations));
        }

        return response;
    }
}

public sealed class ContractViolationException(string message) : Exception(message);
