using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace PrisonerReleaseTracker.Api.Infrastructure;

/// <summary>
/// The action reads <c>If-Match</c>: <paramref name="required"/> (428 without it) or optional; 412 when it is stale.
/// With <see cref="OrBodyField"/>, the header may stand aside for that body field, and 428 answers a request with neither.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ReadsIfMatchAttribute(bool required) : Attribute
{
    public bool Required { get; } = required;

    /// <summary>The body field that may say the same instead (the header is then optional in the document).</summary>
    public string? OrBodyField { get; init; }
}

/// <summary>
/// Declares every header the API sends or reads, from what the actions declare, so that a generated client can
/// send and read them without a hand-written handler: <c>Location</c> and <c>ETag</c> on every 201; <c>ETag</c> on
/// every answer that is one versioned resource; <c>If-None-Match</c>, <c>ETag</c> and <c>Cache-Control</c> where an
/// answer can be a 304; <c>If-Match</c> where the action reads it; <c>RateLimit-Policy</c> and <c>RateLimit</c> on every
/// answer; <c>Retry-After</c> on 429 and 503; <c>WWW-Authenticate</c> on 401.
/// </summary>
public sealed class HttpHeadersOperationFilter : IOperationFilter
{
    public const string ETag = "ETag";
    public const string Location = "Location";
    public const string CacheControl = "Cache-Control";
    public const string RetryAfter = "Retry-After";
    public const string WwwAuthenticate = "WWW-Authenticate";

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        EnsureComponents(context.Document);
        operation.Responses ??= [];
        operation.Parameters ??= [];
        var conditional = operation.Responses.ContainsKey("304");
        foreach (var (status, declared) in operation.Responses)
        {
            if (declared is not OpenApiResponse response)
            {
                continue;
            }

            response.Headers ??= new Dictionary<string, IOpenApiHeader>();
            Add(response, RateLimitingMiddleware.PolicyHeader, context);
            Add(response, RateLimitingMiddleware.StateHeader, context);
            switch (status)
            {
                case "201":
                    Add(response, Location, context);
                    Add(response, ETag, context);
                    break;
                case "200" when conditional:
                case "304":
                    Add(response, ETag, context);
                    Add(response, CacheControl, context);
                    break;
                case "200" when IsVersionedResource(context, 200):
                    Add(response, ETag, context);
                    break;
                case "401":
                    Add(response, WwwAuthenticate, context);
                    break;
                case "429" or "503":
                    Add(response, RetryAfter, context);
                    break;
            }

            // A problem raised by an exception (a broken rule's 409, a 503) is marked not to be kept by any cache.
            if (status[0] is '4' or '5')
            {
                Add(response, CacheControl, context);
            }
        }

        if (conditional)
        {
            operation.Parameters.Add(Header("If-None-Match", required: false,
                "The ETag of an answer you hold: 304 Not Modified, without a body, while the answer is the same.", "\"5d41402abc4b2a76b9719d911017c592\""));
        }

        if (context.MethodInfo.GetCustomAttributes(typeof(ReadsIfMatchAttribute), inherit: true).FirstOrDefault() is ReadsIfMatchAttribute ifMatch)
        {
            operation.Parameters.Add(Header("If-Match", ifMatch.Required, (ifMatch.Required, ifMatch.OrBodyField) switch
            {
                (true, _) => "The ETag of the version you read (428 without it, 412 when the record changed since).",
                (false, { } field) => $"The ETag of the version you read, or {field} in the body, or both (428 without either; 412 when the record changed since).",
                _ => "The ETag of the version you read; 412 when the record changed since.",
            }, "\"1234\""));
            AddProblem(operation, context, StatusCodes.Status412PreconditionFailed, "The record changed since you read it (a stale If-Match).");
            if (ifMatch.Required || ifMatch.OrBodyField is not null)
            {
                AddProblem(operation, context, StatusCodes.Status428PreconditionRequired,
                    ifMatch.OrBodyField is { } field ? $"If-Match or {field} is required." : "If-Match is required.");
            }
        }
    }

    /// <summary>An answer that is one record carrying its <c>etag</c> sends the same value as its <c>ETag</c> header.</summary>
    private static bool IsVersionedResource(OperationFilterContext context, int status) =>
        context.ApiDescription.SupportedResponseTypes.FirstOrDefault(r => r.StatusCode == status)?.Type is { } type
        && type.GetProperty("ETag") is not null;

    private static void Add(OpenApiResponse response, string header, OperationFilterContext context) =>
        response.Headers!.TryAdd(header, new OpenApiHeaderReference(header, context.Document));

    private static OpenApiParameter Header(string name, bool required, string description, string example) => new()
    {
        Name = name,
        In = ParameterLocation.Header,
        Required = required,
        Description = description,
        Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 200, Examples = [JsonValue.Create(example)!] },
    };

    private static void AddProblem(OpenApiOperation operation, OperationFilterContext context, int status, string description) =>
        operation.Responses!.TryAdd(status.ToString(CultureInfo.InvariantCulture), new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, IOpenApiMediaType>
            {
                ["application/problem+json"] = new OpenApiMediaType { Schema = context.SchemaGenerator.GenerateSchema(typeof(ProblemDetails), context.SchemaRepository) },
            },
        });

    private static void EnsureComponents(OpenApiDocument document)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.Headers ??= new Dictionary<string, IOpenApiHeader>();
        var headers = document.Components.Headers;
        if (headers.ContainsKey(ETag))
        {
            return;
        }

        headers[ETag] = Text("The version of the answer or record; send it back in If-Match (writes) or If-None-Match (reads).", "\"1234\"");
        headers[Location] = new OpenApiHeader
        {
            Description = "The absolute URL of the new item.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uri", MaxLength = 2000 },
        };
        headers[CacheControl] = Text("How long a shared cache may keep the answer (no-cache on problems).", "public, max-age=15");
        headers[RetryAfter] = new OpenApiHeader
        {
            Description = "Seconds to wait before trying again.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "1", Maximum = "3600" },
        };
        headers[WwwAuthenticate] = Text("The scheme to authenticate with: the X-Api-Key header.", "ApiKey header=\"X-Api-Key\"");
        headers[RateLimitingMiddleware.PolicyHeader] = Text(
            "The limit that applies to this client (IETF RateLimit headers): the policy's name, q requests per w seconds.",
            "\"anonymous\";q=600;w=60");
        headers[RateLimitingMiddleware.StateHeader] = Text(
            "Where this client stands in its current window: r requests remaining, t seconds until it resets. Per client, never shared through a cache.",
            "\"anonymous\";r=599;t=37");
    }

    private static OpenApiHeader Text(string description, string example) => new()
    {
        Description = description,
        Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 200 },
        Example = JsonValue.Create(example),
    };
}

/// <summary>A body the action cannot do without is a required body.</summary>
public sealed class RequiredBodyOperationFilter : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        if (operation.RequestBody is OpenApiRequestBody body
            && context.ApiDescription.ParameterDescriptions.Any(p => p.Source == Microsoft.AspNetCore.Mvc.ModelBinding.BindingSource.Body))
        {
            body.Required = true;
        }
    }
}

/// <summary>
/// Problem details as this API writes them (RFC 9457): always a title, a status and the trace id to quote; a 400
/// adds <c>errors</c>, keyed by the field's JSON path. Other members may follow (RFC 9457 extensions).
/// </summary>
public sealed class ProblemSchemaFilter : ISchemaFilter
{
    public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
    {
        if (schema is not OpenApiSchema { Properties: { } properties } concrete || !typeof(ProblemDetails).IsAssignableFrom(context.Type))
        {
            return;
        }

        properties["traceId"] = new OpenApiSchema
        {
            Type = JsonSchemaType.String, MaxLength = 100, Description = "The trace id of the request, to quote when reporting a problem.",
            Examples = [JsonValue.Create("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")!],
        };
        concrete.Required ??= new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in new[] { "title", "status", "traceId" }.Concat(properties.ContainsKey("errors") ? ["errors"] : []))
        {
            concrete.Required.Add(name);
            if (properties[name] is OpenApiSchema { Type: { } type } property)
            {
                property.Type = type & ~JsonSchemaType.Null;
            }
        }
    }
}
