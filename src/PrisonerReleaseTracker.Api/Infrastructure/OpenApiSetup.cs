using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace PrisonerReleaseTracker.Api.Infrastructure;

/// <summary>The OpenAPI document: read from the controllers' attributes and XML comments, nothing hand-written.</summary>
public static class OpenApiSetup
{
    public const string DocumentName = "v1";

    public static IServiceCollection AddApiDocument(this IServiceCollection services, IConfiguration configuration)
    {
        var publicBaseUrl = configuration["Api:PublicBaseUrl"];
        services.AddSwaggerGen(options =>
        {
            options.SwaggerDoc(DocumentName, new OpenApiInfo
            {
                Title = "PrisonerReleaseTracker API",
                Version = "v1",
                Description = "Political detainees, their releases and how each release was verified. Verified totals are " +
                    "computed from individual verified releases; claimed figures stand beside them, never added to them.\n\n" +
                    $"Dates: a calendar date (format date) is YYYY-MM-DD and an instant (format date-time) is RFC 3339 with its offset, both {SupportedDates.Range} " +
                    "(an instant by the date it is written with); asOf is also no later than the end of today in any time zone. Text holds no NUL " +
                    "character (U+0000) and bodies are UTF-8: another charset is 415, a NUL or bytes that are not UTF-8 are 400 naming the field.",
                License = new OpenApiLicense { Name = "MIT", Url = new Uri("https://opensource.org/licenses/MIT") },
                Contact = new OpenApiContact { Name = "PrisonerReleaseTracker maintainers", Url = new Uri("https://github.com/prisoner-release-tracker") },
            });
            // A deployment names the absolute URL partners call (Api:PublicBaseUrl), before the relative one that works wherever
            // the document is served from.
            if (!string.IsNullOrWhiteSpace(publicBaseUrl))
            {
                options.AddServer(new OpenApiServer
                {
                    Url = publicBaseUrl.TrimEnd('/'),
                    Description = "This deployment",
                    Extensions = new Dictionary<string, IOpenApiExtension> { ["x-internal"] = new JsonNodeExtension(JsonValue.Create(false)!) },
                });
            }

            options.AddServer(new OpenApiServer
            {
                Url = "/",
                Description = "The server that serves this document: local, test or production",
                Extensions = new Dictionary<string, IOpenApiExtension> { ["x-internal"] = new JsonNodeExtension(JsonValue.Create(false)!) },
            });
            options.IncludeXmlComments(Path.Combine(AppContext.BaseDirectory, $"{Assembly.GetExecutingAssembly().GetName().Name}.xml"), includeControllerXmlComments: true);
            options.SupportNonNullableReferenceTypes();
            options.NonNullableReferenceTypesAsRequired();
            options.CustomOperationIds(api => api.ActionDescriptor.RouteValues["action"] is { } action
                ? char.ToLowerInvariant(action[0]) + action[1..]
                : null);
            options.MapType<PartialDate>(() => new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Pattern = SupportedDates.YearPattern + "(-[0-9]{2}(-[0-9]{2})?)?$",
                Description = $"A date at the precision known: YYYY, YYYY-MM or YYYY-MM-DD, {SupportedDates.Range}.",
                Examples = [JsonValue.Create("1968-10")!],
                MaxLength = PartialDate.MaxLength,
            });
            options.AddSecurityDefinition(ApiKeyAuthenticationHandler.SchemeName, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = ApiKeyAuthenticationHandler.HeaderName,
                Description = "An API key, issued by an operator (role Admin) or by its organization's OrganizationAdmin. Roles of an organization, " +
                    "each including the ones before: Researcher < Contributor < Verifier < OrganizationAdmin. Admin, the operators' role, " +
                    "manages every organization's keys and reads the audit log, but writes and decides nothing and sees records as another organization does.",
            });
            options.OperationFilter<SecurityOperationFilter>();
            options.OperationFilter<CommonResponsesFilter>();
            options.OperationFilter<RequiredBodyOperationFilter>();
            options.OperationFilter<HttpHeadersOperationFilter>(); // after every filter that adds a response
            options.ParameterFilter<CamelCaseParameterFilter>();
            options.SchemaFilter<SchemaLimitsFilter>();
            options.SchemaFilter<ProblemSchemaFilter>();
            options.ParameterFilter<RequiredParametersFilter>();
        });
        return services;
    }

    /// <summary>What any operation may answer: too many requests, the database away, or an unexpected failure.</summary>
    private sealed class CommonResponsesFilter : IOperationFilter
    {
        public void Apply(OpenApiOperation operation, OperationFilterContext context)
        {
            operation.Responses ??= [];
            var problem = context.SchemaGenerator.GenerateSchema(typeof(ProblemDetails), context.SchemaRepository);
            Add(StatusCodes.Status429TooManyRequests, "Rate limited: per client address without a key, per key with one (see the RateLimit headers).");
            Add(StatusCodes.Status500InternalServerError, "An unexpected error; the problem carries the trace id, nothing more.");
            Add(StatusCodes.Status503ServiceUnavailable, "The database is unavailable or the request timed out.");
            if (operation.RequestBody is not null)
            {
                Add(StatusCodes.Status413PayloadTooLarge, "The body is larger than the operation takes (1 MB unless it says otherwise).");
                Add(StatusCodes.Status415UnsupportedMediaType, "The body is not of a content type (and charset) the operation reads.");
            }

            void Add(int status, string description) =>
                operation.Responses.TryAdd(status.ToString(System.Globalization.CultureInfo.InvariantCulture), new OpenApiResponse
                {
                    Description = description,
                    Content = new Dictionary<string, IOpenApiMediaType> { ["application/problem+json"] = new OpenApiMediaType { Schema = problem } },
                });
        }
    }

    /// <summary>Query parameters bound from records are named as clients write them: <c>from</c>, not <c>From</c>.</summary>
    private sealed class CamelCaseParameterFilter : IParameterFilter
    {
        public void Apply(IOpenApiParameter parameter, ParameterFilterContext context)
        {
            if (parameter is OpenApiParameter { In: ParameterLocation.Query, Name: { Length: > 0 } name } concrete && char.IsUpper(name[0]))
            {
                concrete.Name = char.ToLowerInvariant(name[0]) + name[1..];
            }
        }
    }

    /// <summary>Marks keyed operations with the API key scheme and their 401/403 answers; anonymous ones stay open.</summary>
    private sealed class SecurityOperationFilter : IOperationFilter
    {
        public void Apply(OpenApiOperation operation, OperationFilterContext context)
        {
            var metadata = context.ApiDescription.ActionDescriptor.EndpointMetadata;
            if (metadata.OfType<IAllowAnonymous>().Any())
            {
                // An empty requirement says it in the document: no key needed.
                operation.Security = [new OpenApiSecurityRequirement()];
                return;
            }

            var policy = metadata.OfType<IAuthorizeData>().LastOrDefault()?.Policy ?? Policies.Researcher;
            operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyAuthenticationHandler.SchemeName, context.Document)] = [] }];
            var roles = Policies.RolesOf(policy);
            var who = roles.Count == Enum.GetValues<Domain.Access.Role>().Length ? "Requires a key (any role)."
                : $"Requires a key with role {(roles.Count == 1 ? roles[0].ToString() : string.Join(", ", roles.SkipLast(1)) + " or " + roles[^1])}.";
            operation.Description = who +
                (string.IsNullOrEmpty(operation.Description) ? string.Empty : " " + operation.Description);
            operation.Responses ??= [];
            AddProblem(operation, context, StatusCodes.Status401Unauthorized, "No key, or an unknown or revoked key.");
            if (policy != Policies.Researcher)
            {
                AddProblem(operation, context, StatusCodes.Status403Forbidden, "The key's role does not allow it.");
            }
        }

        private static void AddProblem(OpenApiOperation operation, OperationFilterContext context, int status, string description)
        {
            var schema = context.SchemaGenerator.GenerateSchema(typeof(ProblemDetails), context.SchemaRepository);
            operation.Responses!.TryAdd(status.ToString(System.Globalization.CultureInfo.InvariantCulture), new OpenApiResponse
            {
                Description = description,
                Content = new Dictionary<string, IOpenApiMediaType> { ["application/problem+json"] = new OpenApiMediaType { Schema = schema } },
            });
        }
    }
}
