using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using PrisonerReleaseTracker.Api.Features.Exports;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace PrisonerReleaseTracker.Api.Features.Imports;

/// <summary>
/// The parts of the document attributes cannot say: the import reads its body itself (to stream it), so its
/// request body (CSV or JSON, with an example) is declared here, and the exports' CSV answer is a text file.
/// </summary>
internal sealed class ImportExportOperationFilter : IOperationFilter
{
    public const string CsvExample = """
        externalId,fullName,gender,birthDate,nationalities,arrestedOn,facility,releasedOn,releaseKind,chargesDropped,travelBan,sourceUrl
        foro-penal:FP-0412,María Peña Ruiz,Female,1968-10,VE;ES,2024-08,El Helicoide,2026-01-24,Conditional,no,yes,https://example.org/a
        FP-0413,José Ángel Núñez,Male,1971,VE,2024-09-12,,,,,,

        """;

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var action = context.MethodInfo.Name;
        if (action == nameof(ImportsController.ImportDetainees))
        {
            var row = context.SchemaGenerator.GenerateSchema(typeof(ExportRowSample), context.SchemaRepository);
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Description = "The rows to import: CSV with a header row, or a JSON array of objects with the same names (up to 200 MB).",
                Content = new Dictionary<string, IOpenApiMediaType>
                {
                    ["text/csv"] = new OpenApiMediaType
                    {
                        Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = (int)ImportService.MaxBodyBytes, Description = "RFC 4180 CSV, UTF-8, a header row." },
                        Example = JsonValue.Create(CsvExample),
                    },
                    ["application/json"] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.Array, Items = row, MaxItems = int.MaxValue } },
                },
            };
            if (operation.Responses?.TryGetValue("200", out var done) == true && done is OpenApiResponse imported)
            {
                imported.Headers ??= new Dictionary<string, IOpenApiHeader>();
                imported.Headers["Idempotent-Replayed"] = new OpenApiHeader
                {
                    Description = "true when this is the stored answer to an earlier request with the same Idempotency-Key and body: nothing was written again.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [JsonValue.Create("true")!] },
                };
            }
        }
        else if (action is nameof(ExportsController.ExportDetainees) or nameof(ExportsController.ExportReleases)
            && operation.Responses?.TryGetValue("200", out var ok) == true && ok is OpenApiResponse { Content: { } content })
        {
            // An export is as long as the record: no page limit applies to it.
            if (content.TryGetValue("application/json", out var json) && json.Schema is OpenApiSchema { Type: JsonSchemaType.Array } rows)
            {
                rows.MaxItems = int.MaxValue;
            }

            content["text/csv"] = new OpenApiMediaType
            {
                Schema = new OpenApiSchema
                {
                    Type = JsonSchemaType.String, MaxLength = int.MaxValue, Description = "RFC 4180 CSV, UTF-8: a header row, then one row per record.",
                },
            };
            var file = (OpenApiResponse)ok;
            file.Headers ??= new Dictionary<string, IOpenApiHeader>();
            file.Headers["Content-Disposition"] = new OpenApiHeader
            {
                Description = "The file name to save the export under: detainees.csv, releases.json...",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 100 },
                Example = JsonValue.Create("attachment; filename=\"releases.csv\""),
            };
        }
    }
}

/// <summary>One object of a JSON import: the CSV columns as fields; list fields may be arrays of strings.</summary>
/// <param name="ExternalId" example="foro-penal:FP-0412">Identifiers in other systems: <c>scheme:value</c> or a bare value (scheme <c>import</c>); several separated by <c>;</c>, or an array.</param>
/// <param name="FullName" example="María Peña Ruiz">Required.</param>
/// <param name="OtherNames">Other spellings and names.</param>
/// <param name="Gender" example="Female">Female, Male, Other or Unknown.</param>
/// <param name="BirthDate" example="1968-10">YYYY, YYYY-MM or YYYY-MM-DD.</param>
/// <param name="Nationalities">ISO 3166-1 alpha-2 codes.</param>
/// <param name="Categories">Categories.</param>
/// <param name="IsProtected" example="false">Never identified outside the organization.</param>
/// <param name="NationalId">Sensitive.</param>
/// <param name="Notes">Sensitive.</param>
/// <param name="ArrestedOn" example="2024-08">YYYY, YYYY-MM or YYYY-MM-DD.</param>
/// <param name="Facility" example="El Helicoide">A facility name; created (kind Other) when none of that name exists.</param>
/// <param name="FacilityCountry" example="VE">The country of a new facility; else the first nationality.</param>
/// <param name="ArrestingAuthority" example="SEBIN">Who made the arrest.</param>
/// <param name="Charges">Charges, as stated.</param>
/// <param name="ReleasedOn" example="2026-01-24">YYYY-MM-DD.</param>
/// <param name="ReleaseKind" example="Conditional">How the detention ended.</param>
/// <param name="ChargesDropped" example="false">Empty or null: unknown.</param>
/// <param name="TravelBan" example="true">Barred from leaving the country.</param>
/// <param name="BarredFromPublicStatements" example="true">Barred from speaking in public.</param>
/// <param name="MustReportToCourt" example="false">Must report to a court.</param>
/// <param name="SourceUrl">Where the release is reported.</param>
internal sealed record ExportRowSample(
    string? ExternalId, string FullName, IReadOnlyList<string>? OtherNames, string? Gender, string? BirthDate,
    IReadOnlyList<string>? Nationalities, IReadOnlyList<string>? Categories, bool? IsProtected, string? NationalId, string? Notes,
    string? ArrestedOn, string? Facility, string? FacilityCountry, string? ArrestingAuthority, IReadOnlyList<string>? Charges,
    string? ReleasedOn, string? ReleaseKind, bool? ChargesDropped, bool? TravelBan, bool? BarredFromPublicStatements, bool? MustReportToCourt,
    IReadOnlyList<string>? SourceUrl);
