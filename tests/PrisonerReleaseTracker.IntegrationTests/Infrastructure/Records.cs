using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace PrisonerReleaseTracker.IntegrationTests.Infrastructure;

/// <summary>Creates records through the API, failing loudly when the API refuses: tests build on real writes.</summary>
public static class Records
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<JsonObject> PostOkAsync(this HttpClient client, string url, object body)
    {
        var response = await client.PostAsJsonAsync(url, body, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.IsSuccessStatusCode, $"POST {url} answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    public static async Task<JsonNode> GetOkAsync(this HttpClient client, string url)
    {
        var response = await client.GetAsync(url, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.IsSuccessStatusCode, $"GET {url} answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
    }

    public static Guid Id(this JsonNode node) => node["id"]!.GetValue<Guid>();

    /// <summary>
    /// Every item of a list, following <c>nextCursor</c>: a test finds what it made however many items other tests
    /// made before it under the same filter.
    /// </summary>
    public static async Task<List<JsonNode>> AllItemsAsync(this HttpClient client, string url)
    {
        var items = new List<JsonNode>();
        string? cursor = null;
        do
        {
            var page = await client.GetOkAsync(cursor is null ? url : $"{url}{(url.Contains('?', StringComparison.Ordinal) ? '&' : '?')}cursor={cursor}");
            items.AddRange(page["items"]!.AsArray().Select(item => item!));
            cursor = page["nextCursor"]?.GetValue<string>();
        }
        while (cursor is not null);

        return items;
    }

    public static async Task<Guid> FacilityAsync(HttpClient contributor, string kind = "Prison", string? name = null) =>
        (await contributor.PostOkAsync("/api/v1/facilities", new { name = name ?? $"{kind} {Guid.NewGuid():N}", kind, country = "VE" })).Id();

    public static async Task<Guid> DetaineeAsync(HttpClient contributor, string? name = null, string[]? nationalities = null, string[]? categories = null,
        string gender = "Male", bool isProtected = false) =>
        (await contributor.PostOkAsync("/api/v1/detainees", new
        {
            fullName = name ?? $"Persona {Guid.NewGuid():N}",
            gender,
            nationalities = nationalities ?? ["VE"],
            categories = categories ?? [],
            isProtected,
        })).Id();

    public static async Task<Guid> DetentionAsync(HttpClient contributor, Guid detaineeId, Guid? facilityId, string? arrestedOn = "2024-08") =>
        (await contributor.PostOkAsync($"/api/v1/detainees/{detaineeId}/detentions", new { arrestedOn, facilityId, charges = new[] { "terrorism" } })).Id();

    public static async Task<Guid> ReleaseAsync(HttpClient contributor, Guid detentionId, string releasedOn = "2026-01-10", bool? chargesDropped = false) =>
        (await contributor.PostOkAsync("/api/v1/releases", new
        {
            detentionId,
            releasedOn,
            kind = "Conditional",
            conditions = new { chargesDropped, travelBan = true, barredFromPublicStatements = true, mustReportToCourt = true },
        })).Id();

    /// <summary>A facility, a person, a detention and its release, all by <paramref name="contributor"/>.</summary>
    public static async Task<(Guid DetaineeId, Guid DetentionId, Guid ReleaseId)> ReleasedPersonAsync(HttpClient contributor,
        string releasedOn = "2026-01-10", string[]? nationalities = null)
    {
        var facility = await FacilityAsync(contributor);
        var detainee = await DetaineeAsync(contributor, nationalities: nationalities);
        var detention = await DetentionAsync(contributor, detainee, facility);
        return (detainee, detention, await ReleaseAsync(contributor, detention, releasedOn));
    }

    public static Task<HttpResponseMessage> DecideAsync(HttpClient verifier, Guid releaseId, string status, string occurredAt, string? note = null) =>
        verifier.PostAsJsonAsync($"/api/v1/releases/{releaseId}/verifications",
            new { status, method = "FamilyConfirmation", occurredAt, note, sourceIds = Array.Empty<Guid>() }, Ct);

    public static async Task<string> TitleAsync(this HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!["title"]!.GetValue<string>();
}
