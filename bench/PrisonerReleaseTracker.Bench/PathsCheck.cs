using System.Globalization;
using System.Text.Json.Nodes;

namespace PrisonerReleaseTracker.Bench;

/// <summary>
/// Whether the three ways a totals answer is computed agree on the bench's data: as of now from the aggregates (no
/// <c>asOf</c>), as of the same moment from the history of decisions (<c>asOf</c> = that answer's <c>asOf</c>), and
/// known at that moment, replayed (<c>asOf</c> and <c>knownAt</c> both that moment). Nothing is written meanwhile, so
/// the three must be the same answer but for the moments they echo. The test suite proves it on generated histories
/// (<c>TotalsAggregatesTests</c>); this is the same check on the data the benchmark measures.
/// </summary>
/// <remarks>
/// For each period (<c>--periods</c>: "from..to" or "from..", comma-separated) it compares the summary, each breakdown of
/// <c>--group-by</c> and the weekly timeline, claims included. It prints one line an answer compared and, for a
/// disagreement, the first place the answers differ; exit status 1 when any does.
/// </remarks>
internal static class PathsCheck
{
    public static async Task<int> RunAsync(string api, string key, string periods, string groupBys)
    {
        using var client = new HttpClient { BaseAddress = new Uri(api), Timeout = TimeSpan.FromMinutes(5) };
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        var (compared, differing) = (0, 0);
        foreach (var period in periods.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var bounds = period.Split("..");
            var range = $"from={bounds[0]}" + (bounds.Length > 1 && bounds[1].Length > 0 ? $"&to={bounds[1]}" : "");
            var queries = new List<string> { $"/api/v1/totals?{range}", $"/api/v1/totals/timeline?{range}&interval=week" };
            queries.AddRange(groupBys.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(by => $"/api/v1/totals?{range}&groupBy={by}"));
            foreach (var query in queries)
            {
                JsonObject now, history, replay;
                try
                {
                    now = await GetAsync(client, query);
                    var moment = Uri.EscapeDataString(now["asOf"]!.GetValue<DateTimeOffset>().ToString("O", CultureInfo.InvariantCulture));
                    history = await GetAsync(client, $"{query}&asOf={moment}");
                    replay = await GetAsync(client, $"{query}&asOf={moment}&knownAt={moment}");
                }
                catch (Exception e) when (e is HttpRequestException or InvalidOperationException or TaskCanceledException)
                {
                    Console.WriteLine($"check-paths: {e.Message}");
                    return 1;
                }

                foreach (var (path, answer) in new[] { ("history", history), ("replay", replay) })
                {
                    compared++;
                    var difference = FirstDifference(Comparable(now), Comparable(answer), "$");
                    if (difference is not null)
                    {
                        differing++;
                    }

                    Console.WriteLine($"{(difference is null ? "same" : "DIFFERENT")} {path} {query}{(difference is null ? "" : $": {difference}")}");
                }
            }
        }

        Console.WriteLine(differing == 0
            ? $"totals paths agree: {compared} answers as of a moment (history, replay) equal to the answer as of now"
            : $"totals paths DISAGREE: {differing} of {compared} answers differ from the answer as of now");
        return differing == 0 ? 0 : 1;
    }

    private static async Task<JsonObject> GetAsync(HttpClient client, string path)
    {
        using var answer = await client.GetAsync(path);
        var text = await answer.Content.ReadAsStringAsync();
        if (!answer.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"GET {path} answered {(int)answer.StatusCode}: {text[..Math.Min(text.Length, 800)]}");
        }

        return JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>The answer without the moments it echoes, which are what differs between the paths.</summary>
    private static JsonObject Comparable(JsonObject answer)
    {
        var copy = answer.DeepClone().AsObject();
        copy.Remove("asOf");
        copy.Remove("knownAt");
        return copy;
    }

    /// <summary>Where two answers first differ ("$.releases.verified: 12 against 13"), or null when they are equal.</summary>
    private static string? FirstDifference(JsonNode? expected, JsonNode? actual, string at)
    {
        switch (expected, actual)
        {
            case (JsonObject e, JsonObject a):
                foreach (var name in e.Select(p => p.Key).Union(a.Select(p => p.Key)))
                {
                    if (FirstDifference(e[name], a[name], $"{at}.{name}") is { } inner)
                    {
                        return inner;
                    }
                }

                return null;
            case (JsonArray e, JsonArray a):
                for (var i = 0; i < Math.Max(e.Count, a.Count); i++)
                {
                    if (FirstDifference(i < e.Count ? e[i] : null, i < a.Count ? a[i] : null, $"{at}[{i}]") is { } inner)
                    {
                        return inner;
                    }
                }

                return null;
            default:
                return JsonNode.DeepEquals(expected, actual) ? null : $"{at}: {expected?.ToJsonString() ?? "nothing"} as of now, {actual?.ToJsonString() ?? "nothing"} here";
        }
    }
}
