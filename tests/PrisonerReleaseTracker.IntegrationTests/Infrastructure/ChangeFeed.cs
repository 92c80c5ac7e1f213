using System.Text.Json.Nodes;

namespace PrisonerReleaseTracker.IntegrationTests.Infrastructure;

/// <summary>Reading the change feed through the API, and what its items and the webhook payloads may name.</summary>
public static class ChangeFeed
{
    /// <summary>Every name a feed item or a payload may hold; anything else would be a field of the record.</summary>
    public static readonly HashSet<string> AllowedNames =
    [
        "type", "timestamp", "data", "items", "nextCursor",
        "sequence", "at", "entityType", "entityId", "action", "etag", "status", "counts",
        "rows", "detaineesCreated", "detaineesMatched", "detentionsCreated", "releasesCreated", "facilitiesCreated", "sourcesCreated",
    ];

    /// <summary>
    /// The query parameter that reads the feed after <paramref name="sequence"/>: none for 0 (an empty feed's last
    /// sequence), which is not a cursor (the API answers it 400).
    /// </summary>
    public static string CursorAfter(long sequence) => sequence > 0 ? $"&cursor={sequence}" : "";

    /// <summary>The sequence of the feed's last item now (0 when empty).</summary>
    public static async Task<long> LastSequenceAsync(HttpClient client)
    {
        var cursor = 0L;
        while (true)
        {
            var page = await client.GetOkAsync($"/api/v1/changes?limit=500{CursorAfter(cursor)}");
            var items = page["items"]!.AsArray();
            if (items.Count == 0)
            {
                return cursor;
            }

            cursor = items[^1]!["sequence"]!.GetValue<long>();
            if (page["nextCursor"] is null)
            {
                return cursor;
            }
        }
    }

    /// <summary>The items after <paramref name="after"/> that <paramref name="keep"/> keeps, to the end of the feed.</summary>
    public static async Task<List<JsonObject>> ReadAsync(HttpClient client, long after, Func<JsonObject, bool> keep)
    {
        var found = new List<JsonObject>();
        var cursor = after;
        while (true)
        {
            var page = await client.GetOkAsync($"/api/v1/changes?limit=500{CursorAfter(cursor)}");
            var items = page["items"]!.AsArray().Select(i => i!.AsObject()).ToList();
            found.AddRange(items.Where(keep));
            if (page["nextCursor"] is null)
            {
                return found;
            }

            cursor = items[^1]["sequence"]!.GetValue<long>();
        }
    }

    /// <summary>Every property name in <paramref name="node"/>, at any depth.</summary>
    public static IEnumerable<string> Names(JsonNode node) => node switch
    {
        JsonObject o => o.SelectMany(p => p.Value is null ? [p.Key] : Names(p.Value).Prepend(p.Key)),
        JsonArray a => a.Where(i => i is not null).SelectMany(i => Names(i!)),
        _ => [],
    };

    /// <summary>The names in <paramref name="body"/> that no feed item or payload may hold.</summary>
    public static List<string> ForeignNames(string body) => [.. Names(JsonNode.Parse(body)!).Where(name => !AllowedNames.Contains(name)).Distinct()];
}
