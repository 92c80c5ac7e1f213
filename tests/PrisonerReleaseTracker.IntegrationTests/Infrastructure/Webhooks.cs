using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Npgsql;

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

    /// <summary>
    /// Where a subscription's undelivered messages stand, read from the database beside its sessions' activity: what a
    /// test that waited for a delivery in vain says, so that the failure shows whether the delivery was due, held or
    /// given up.
    /// </summary>
    public static async Task<string> DescribeAsync(string connectionString, Guid webhookId)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand("""
            SELECT concat_ws(E'\n', 'now ' || clock_timestamp(), 'subscription ' || (SELECT row_to_json(s)::text FROM webhook_subscriptions s WHERE s.id = $1),
                (SELECT string_agg('delivery ' || row_to_json(d)::text || ' xmax ' || d.xmax, E'\n')
                 FROM webhook_deliveries d WHERE d.subscription_id = $1 AND d.status <> 'Delivered'),
                (SELECT string_agg(concat_ws(' ', 'session', a.pid, a.backend_xid, a.state, a.xact_start, a.wait_event_type, a.wait_event, left(a.query, 100)), E'\n')
                 FROM pg_stat_activity a WHERE a.datname = current_database() AND a.state <> 'idle' AND a.pid <> pg_backend_pid()))
            """, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = webhookId });
        return (string?)await command.ExecuteScalarAsync(Ct) ?? "";
    }

    public static async Task DeleteAsync(this HttpClient contributor, Guid webhookId) =>
        (await contributor.DeleteAsync($"/api/v1/webhooks/{webhookId}", Ct)).EnsureSuccessStatusCode();
}
