using System.Text.Json.Nodes;
using PrisonerReleaseTracker.IntegrationTests.Infrastructure;

namespace PrisonerReleaseTracker.IntegrationTests.Features;

/// <summary>
/// The contract partners generate clients from. The committed docs/openapi.json must equal what the API
/// serves, so every change to the contract shows in a diff. Run with UPDATE_OPENAPI=1 to rewrite it.
/// </summary>
public sealed class OpenApiTests(ApiFixture api)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<JsonObject> LiveDocumentAsync()
    {
        using var anonymous = api.Anonymous();
        return JsonNode.Parse(await anonymous.GetStringAsync("/swagger/v1/swagger.json", Ct))!.AsObject();
    }

    [Fact]
    public async Task The_committed_document_matches_the_running_api()
    {
        var live = (await LiveDocumentAsync()).ToJsonString(new() { WriteIndented = true }) + "\n";
        var path = Path.Combine(RepositoryRoot(), "docs", "openapi.json");
        if (Environment.GetEnvironmentVariable("UPDATE_OPENAPI") == "1")
        {
            await File.WriteAllTextAsync(path, live, Ct);
        }

        var committed = File.Exists(path) ? await File.ReadAllTextAsync(path, Ct) : "(missing)";
        Assert.True(committed == live, "docs/openapi.json differs from the running API's document: run the tests with UPDATE_OPENAPI=1 and commit the diff.");
    }

    [Fact]
    public async Task Every_operation_has_an_id_a_summary_and_documented_answers()
    {
        var document = await LiveDocumentAsync();
        var operations = document["paths"]!.AsObject()
            .SelectMany(path => path.Value!.AsObject().Select(op => (Name: $"{op.Key.ToUpperInvariant()} {path.Key}", Operation: op.Value!.AsObject())))
            .ToList();

        Assert.NotEmpty(operations);
        Assert.All(operations, op =>
        {
            Assert.False(string.IsNullOrWhiteSpace(op.Operation["operationId"]?.GetValue<string>()), $"{op.Name} has no operationId");
            Assert.False(string.IsNullOrWhiteSpace(op.Operation["summary"]?.GetValue<string>()), $"{op.Name} has no summary");
            var responses = op.Operation["responses"]!.AsObject();
            Assert.Contains(responses, r => r.Key.StartsWith('2'));
            Assert.All(responses.Where(r => r.Key.StartsWith('4')), r =>
                Assert.True(r.Value!["content"]?["application/problem+json"] is not null, $"{op.Name} {r.Key} is not problem details"));
        });
        Assert.DoesNotContain(document["paths"]!.AsObject(), p => p.Key.StartsWith("/health", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Enums_are_strings_and_the_api_key_scheme_is_declared()
    {
        var document = await LiveDocumentAsync();
        var schemas = document["components"]!["schemas"]!.AsObject();
        var scheme = document["components"]!["securitySchemes"]!["ApiKey"]!;

        Assert.Equal("string", schemas["FacilityKind"]!["type"]!.GetValue<string>());
        Assert.Contains(schemas["FacilityKind"]!["enum"]!.AsArray(), v => v!.GetValue<string>() == "HouseArrest");
        Assert.Equal("apiKey", scheme["type"]!.GetValue<string>());
        Assert.Equal("X-Api-Key", scheme["name"]!.GetValue<string>());
        Assert.Equal("header", scheme["in"]!.GetValue<string>());
    }

    internal static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "PrisonerReleaseTracker.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Cannot find the repository root.");
    }
}
