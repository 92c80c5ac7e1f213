using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace PrisonerReleaseTracker.IntegrationTests.Infrastructure;

/// <summary>Subscribing and reading deliveries through the API.</summary>
public static class Webhooks
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Subscribes <paramref name="url"/>; events are (entityType, action) pairs, null for any.</summary>
    public static async Task<(Guid Id, string Secret)> SubscribeAsync(this HttpClient contributor, Uri url, params (string? EntityType, string? Action)[] events)
    {
        var created = await contributor.PostOkAsync("/api/v1/webhooks", new
        {
            url = url.ToString(),
            events = events.Select(e => new { entityType = e.EntityType, action = e.Action }).ToArray(),
            description = "test receiver",
        });
        return (created["webhook"]!.Id(), created["secret"]!.GetValue<string>());
    }

    public static async Task<List<JsonObject>> DeliveriesAsync(this HttpClient contributor, Guid webhookId)
    {
        var page = await contributor.GetOkAsync($"/api/v1/webhooks/{webhookId}/deliveries?limit=500");
        return [.. page["items"]!.AsArray().Select(i => i!.AsObject())];
    }

    /// <summary>Polls the subscription's deliveries until one matches.</summary>
    public static async Task<JsonObject> WaitForDeliveryAsync(this HttpClient contributor, Guid webhookId, Func<JsonObject, bool> match, TimeSpan? timeout = null)
    {
        var deadline = DateTimeOffset.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var found = (await contributor.DeliveriesAsync(webhookId)).FirstOrDefault(match);
            if (found is not null)
            {
                return found;
            }

            Assert.True(DateTimeOffset.UtcNow < deadline, "No delivery of webhook " + webhookId + " matched in time.");
            await Task.Delay(50, Ct);
        }
    }

    public static async Task DeleteAsync(this HttpClient contributor, Guid webhookId) =>
        (await contributor.DeleteAsync($"/api/v1/webhooks/{webhookId}", Ct)).EnsureSuccessStatusCode();
}
