using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace PrisonerReleaseTracker.Api.Features.Webhooks;

/// <summary>
/// Describes the requests the API sends to subscribers: the <see cref="WebhookEvent"/> payload and the three Standard
/// Webhooks headers. OpenAPI 3.1 has a <c>webhooks</c> section for this; the document is 3.0, whose tools (Redocly
/// among them) read the same description from <c>x-webhooks</c>.
/// </summary>
public sealed class WebhookDocumentFilter : IDocumentFilter
{
    public void Apply(OpenApiDocument document, DocumentFilterContext context)
    {
        var payload = context.SchemaGenerator.GenerateSchema(typeof(WebhookEvent), context.SchemaRepository);
        var operation = new OpenApiOperation
        {
            OperationId = "receiveChange",
            Summary = "A change to the record, sent to a subscriber",
            Description = "POSTed to each active subscription whose events match, at least once: a receiver may get a message twice " +
                "(same webhook-id) and should answer 2xx quickly, then process. Verify webhook-signature before trusting the body: " +
                "base64 HMAC-SHA256, keyed with the base64-decoded part of the secret after whsec_, over " +
                "\"{webhook-id}.{webhook-timestamp}.{body}\"; refuse timestamps more than five minutes away from your clock.",
            Tags = new HashSet<OpenApiTagReference> { new("Webhooks", document) },
            // No API key: the receiver authenticates the sender by the signature.
            Security = [new OpenApiSecurityRequirement()],
            Parameters =
            [
                Header("webhook-id", "The message id: the same for every attempt of one delivery, also after a restart or a redelivery.", "^msg_[0-9a-f]{32}$", 36),
                Header("webhook-timestamp", "Unix seconds when this attempt was signed.", "^[0-9]{1,12}$", 12),
                Header("webhook-signature", "Space-separated v1,<base64> signatures (two after a secret rotation, for a while).", "^v1,[A-Za-z0-9+/=]+( v1,[A-Za-z0-9+/=]+)*$", 200),
            ],
            RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, IOpenApiMediaType> { ["application/json"] = new OpenApiMediaType { Schema = payload } },
            },
            Responses = new OpenApiResponses
            {
                ["200"] = new OpenApiResponse { Description = "Any 2xx: received. Anything else, a timeout or a redirect: tried again later." },
            },
        };
        var pathItem = new OpenApiPathItem { Operations = new() { [HttpMethod.Post] = operation } };
        // Written by OpenAPI 3.1 serializers only; a 3.0 document carries the same path item as an extension.
        document.Webhooks ??= new Dictionary<string, IOpenApiPathItem>();
        document.Webhooks["change"] = pathItem;
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        pathItem.SerializeAsV3(new OpenApiJsonWriter(text));
        document.Extensions ??= new Dictionary<string, IOpenApiExtension>();
        document.Extensions["x-webhooks"] = new JsonNodeExtension(new JsonObject { ["change"] = JsonNode.Parse(text.ToString()) });
    }

    private static OpenApiParameter Header(string name, string description, string pattern, int maxLength) => new()
    {
        Name = name,
        In = ParameterLocation.Header,
        Required = true,
        Description = description,
        Schema = new OpenApiSchema { Type = JsonSchemaType.String, Pattern = pattern, MaxLength = maxLength },
    };
}
