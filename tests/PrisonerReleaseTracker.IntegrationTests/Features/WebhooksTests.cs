using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using PrisonerReleaseTracker.Api.Features.Webhooks;
using PrisonerReleaseTracker.Domain.Access;
using PrisonerReleaseTracker.IntegrationTests.Infrastructure;

namespace PrisonerReleaseTracker.IntegrationTests.Features;

/// <summary>
/// Webhooks against a real receiver (Kestrel on a loopback port), with the fixture's short timings
/// (<see cref="WebhookTestSettings"/>). Every test's receiver also gets other tests' changes: each looks only at its own.
/// </summary>
public sealed class WebhooksTests(ApiFixture api)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// A dispatcher's bookkeeping (since when a subscription fails) written between a delete's read and its save: the
    /// delete answered an undeclared 409 (seen once in a full test run). It deletes the subscription as it is now.
    /// </summary>
    [Fact]
    public async Task A_delete_that_races_the_dispatchers_bookkeeping_deletes_the_subscription()
    {
        var organization = $"Racing {Guid.NewGuid():N}";
        using var owner = await api.ClientAsync(Role.Contributor, organization);
        var (id, _) = await owner.SubscribeAsync(new Uri("http://127.0.0.1:9/x"), ("Release", null));
        await using var dispatcher = new NpgsqlConnection(api.ConnectionString);
        await dispatcher.OpenAsync(Ct);
        await using var transaction = await dispatcher.BeginTransactionAsync(Ct);
        await using (var bookkeeping = new NpgsqlCommand("UPDATE webhook_subscriptions SET failing_since = now() WHERE id = @id", dispatcher, transaction))
        {
            bookkeeping.Parameters.AddWithValue("id", id);
            Assert.Equal(1, await bookkeeping.ExecuteNonQueryAsync(Ct));
        }

        // The delete reads the row as it was, then waits for the row's lock to write it; the bookkeeping then commits.
        var delete = owner.DeleteAsync($"/api/v1/webhooks/{id}", Ct);
        await using (var waiting = new NpgsqlCommand("""
            SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'
              AND query LIKE 'UPDATE webhook_subscriptions%'
            """, new NpgsqlConnection(api.ConnectionString)))
        {
            await waiting.Connection!.OpenAsync(Ct);
            var watch = Stopwatch.StartNew();
            while ((long)(await waiting.ExecuteScalarAsync(Ct))! == 0 && !delete.IsCompleted && watch.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(20, Ct);
            }

            await waiting.Connection.DisposeAsync();
        }

        await transaction.CommitAsync(Ct);
        var response = await delete;

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await owner.GetAsync($"/api/v1/webhooks/{id}", Ct)).StatusCode);
    }

    private static readonly (string?, string?) FacilityCreated = ("Facility", "Created");

    [Fact]
    public async Task A_subscription_shows_its_secret_once_and_every_delivery_is_signed_as_the_standard_says()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var contributor = await api.ClientAsync(Role.Contributor, "Hooks Signing " + Guid.NewGuid());
        var created = await contributor.PostAsJsonAsync("/api/v1/webhooks",
            new { url = receiver.Url.ToString(), events = new[] { new { entityType = "Facility", action = "Created" } } }, Ct);
        var body = await created.ReadObjectAsync();
        var id = body["webhook"]!.Id();
        var secret = body["secret"]!.GetValue<string>();

        var facility = await Records.FacilityAsync(contributor);
        var message = await receiver.WaitForAsync(m => m.EntityId == facility);
        var read = await contributor.GetAsync($"/api/v1/webhooks/{id}", Ct);
        var facilityRead = await contributor.GetAsync($"/api/v1/facilities/{facility}", Ct);
        var feed = await contributor.GetOkAsync($"/api/v1/changes?limit=1{ChangeFeed.CursorAfter(message.Data["sequence"]!.GetValue<long>() - 1)}");
        using var admin = api.Admin();
        var audit = await admin.GetOkAsync($"/api/v1/audit?entityType=WebhookSubscription&entityId={id}");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Matches("^whsec_[A-Za-z0-9+/]{43}=$", secret);
        Assert.NotNull(created.Headers.ETag);
        Assert.Null((await read.ReadObjectAsync())["secret"]);
        Assert.DoesNotContain(secret["whsec_".Length..], await read.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.NotNull(read.Headers.ETag);
        Assert.Matches("^msg_[0-9a-f]{32}$", message.MessageId);
        Assert.InRange(long.Parse(message.Timestamp, System.Globalization.CultureInfo.InvariantCulture),
            DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        Assert.True(message.IsSignedWith(secret), "The signature does not check by the specification's algorithm.");
        Assert.True(message.VerifiesWithPackage(secret), "The StandardWebhooks package refuses the signature.");
        Assert.False(message.IsSignedWith("whsec_" + Convert.ToBase64String(new byte[32])), "Any key would do.");
        Assert.Equal("application/json", message.Headers.ContentType.ToString().Split(';')[0]);
        Assert.Equal("facility.created", message.Json["type"]!.GetValue<string>());
        Assert.Equal(facilityRead.Headers.ETag!.Tag, message.Data["etag"]!.GetValue<string>());
        Assert.Equal(WithoutStatus(message.Data).ToJsonString(), feed["items"]![0]!.ToJsonString());
        Assert.Contains(audit["items"]!.AsArray(), e => e!["action"]!.GetValue<string>() == "Create");
        await contributor.DeleteAsync(id);
    }

    /// <summary>
    /// The fixture's API is the only dispatcher of its database: a host a test derives from it (another setting, the same
    /// database) sends nothing, or it would claim other tests' deliveries and stop with its own test, perhaps mid-batch.
    /// </summary>
    [Fact]
    public void Only_the_fixtures_api_sends_webhooks_not_a_host_a_test_derives_from_it()
    {
        using var derived = api.Factory.WithWebHostBuilder(builder => builder.UseSetting("Logging:LogLevel:Default", "Warning"));

        Assert.Contains(api.Factory.Services.GetServices<IHostedService>(), s => s is WebhookDispatcher);
        Assert.DoesNotContain(derived.Services.GetServices<IHostedService>(), s => s is WebhookDispatcher);
    }

    [Fact]
    public async Task A_receiver_that_fails_gets_the_same_message_again_until_it_answers()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var contributor = await api.ClientAsync(Role.Contributor, "Hooks Retry " + Guid.NewGuid());
        var (id, secret) = await contributor.SubscribeAsync(receiver.Url, FacilityCreated);
        // The delivery may arrive before the POST that caused it has answered: the receiver waits to know the id.
        var target = new TaskCompletionSource<Guid>(TaskCreationOptions.RunContinuationsAsynchronously);
        receiver.Respond = async (message, earlier, _) => message.EntityId == await target.Task && earlier < 3 ? 500 : 200;

        var facility = await Records.FacilityAsync(contributor);
        target.SetResult(facility);
        List<ReceivedWebhook> answered;
        try
        {
            answered = await receiver.WaitForAsync(m => m.EntityId == facility, 4);
        }
        catch (TimeoutException e)
        {
            // Seen once in CI (the delivery not sent again for 20 s): say where it stood.
            throw new TimeoutException(e.Message + "\n" + await Webhooks.DescribeAsync(api.ConnectionString, id), e);
        }

        var delivery = await contributor.WaitForDeliveryAsync(id, d => d["status"]!.GetValue<string>() == "Delivered"
            && answered.Any(m => m.MessageId == d["messageId"]!.GetValue<string>()));

        Assert.Single(answered.Select(m => m.MessageId).Distinct());
        Assert.All(answered, m => Assert.True(m.IsSignedWith(secret)));
        Assert.Single(answered.Select(m => m.Body).Distinct());
        Assert.Equal(4, delivery["attempts"]!.GetValue<int>());
        Assert.Equal(200, delivery["lastStatusCode"]!.GetValue<int>());
        Assert.Null(delivery["nextAttemptAt"]);
        await contributor.DeleteAsync(id);
    }

    [Fact]
    public async Task A_slow_receiver_is_cut_off_by_the_timeout_and_the_message_is_sent_again()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var contributor = await api.ClientAsync(Role.Contributor, "Hooks Slow " + Guid.NewGuid());
        var (id, _) = await contributor.SubscribeAsync(receiver.Url, FacilityCreated);
        var target = new TaskCompletionSource<Guid>(TaskCreationOptions.RunContinuationsAsynchronously);
        var abandoned = new TaskCompletionSource<TimeSpan>();
        receiver.Respond = async (message, earlier, aborted) =>
        {
            if (message.EntityId != await target.Task || earlier > 0)
            {
                return 200;
            }

            var held = Stopwatch.StartNew();
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(30), aborted);
            }
            finally
            {
                abandoned.TrySetResult(held.Elapsed);
            }

            return 200;
        };

        var facility = await Records.FacilityAsync(contributor);
        target.SetResult(facility);
        var both = await receiver.WaitForAsync(m => m.EntityId == facility, 2);
        var heldFor = await abandoned.Task.WaitAsync(TimeSpan.FromSeconds(20), Ct);
        var delivery = await contributor.WaitForDeliveryAsync(id, d => d["status"]!.GetValue<string>() == "Delivered"
            && d["messageId"]!.GetValue<string>() == both[0].MessageId);

        // The fixture's timeout is 2 s: the first attempt is given up then, not after the receiver's 30 s.
        Assert.InRange(heldFor, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(10));
        Assert.InRange(both[1].ReceivedAt - both[0].ReceivedAt, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(10));
        Assert.Equal(both[0].MessageId, both[1].MessageId);
        Assert.Equal(2, delivery["attempts"]!.GetValue<int>());
        await contributor.DeleteAsync(id);
    }

    [Fact]
    public async Task A_subscription_that_keeps_failing_is_disabled_and_says_why()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Respond = (_, _, _) => Task.FromResult(503);
        var contributor = await api.ClientAsync(Role.Contributor, "Hooks Failing " + Guid.NewGuid());
        var (id, _) = await contributor.SubscribeAsync(receiver.Url, FacilityCreated);

        var facility = await Records.FacilityAsync(contributor);
        var sequence = (await receiver.WaitForAsync(m => m.EntityId == facility)).Data["sequence"]!.GetValue<long>();
        JsonNode subscription;
        var deadline = DateTimeOffset.UtcNow.AddSeconds(20);
        do
        {
            await Task.Delay(200, Ct);
            subscription = await contributor.GetOkAsync($"/api/v1/webhooks/{id}");
        }
        while (subscription["status"]!.GetValue<string>() == "Active" && DateTimeOffset.UtcNow < deadline);

        // The subscription is disabled, then its pending deliveries failed, in a statement of its own after that commit
        // (WebhookDispatcher.DisableFailingAsync): a read between the two sees the delivery still pending.
        await contributor.WaitForDeliveryAsync(id, d => d["changeSequence"]!.GetValue<long>() == sequence && d["status"]!.GetValue<string>() != "Pending");
        var deliveries = await contributor.DeliveriesAsync(id);
        var delivery = Assert.Single(deliveries, d => d["changeSequence"]!.GetValue<long>() == sequence);
        var redeliver = await contributor.PostAsync($"/api/v1/webhooks/{id}/deliveries/{delivery.Id()}/redeliver", null, Ct);
        await Records.FacilityAsync(contributor);
        var afterDisabling = await contributor.DeliveriesAsync(id);
        using var admin = api.Admin();
        var audit = await admin.GetOkAsync($"/api/v1/audit?entityType=WebhookSubscription&entityId={id}");

        // The fixture disables after 3 s of failures (a day in production).
        Assert.Equal("Disabled", subscription["status"]!.GetValue<string>());
        Assert.Contains("HTTP 503", subscription["disabledReason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.NotNull(subscription["disabledAt"]);
        Assert.Equal("Failed", delivery["status"]!.GetValue<string>());
        Assert.True(delivery["attempts"]!.GetValue<int>() >= 2);
        Assert.Equal(HttpStatusCode.Conflict, redeliver.StatusCode);
        Assert.Equal(deliveries.Count, afterDisabling.Count);
        Assert.DoesNotContain(afterDisabling, d => d["status"]!.GetValue<string>() == "Pending");
        Assert.Contains(audit["items"]!.AsArray(), e => e!["action"]!.GetValue<string>() == "Update" && e["organization"]!.GetValue<string>() == "system"
            && e["fields"]!.AsArray().Any(f => f!.GetValue<string>() == "disabledReason"));
        await contributor.DeleteAsync(id);
    }

    [Fact]
    public async Task A_rotated_secret_signs_beside_the_previous_one_and_a_redelivery_keeps_the_message_id()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var contributor = await api.ClientAsync(Role.Contributor, "Hooks Rotate " + Guid.NewGuid());
        var (id, first) = await contributor.SubscribeAsync(receiver.Url, FacilityCreated);

        var rotated = await contributor.PostOkAsync($"/api/v1/webhooks/{id}/rotate-secret", new { });
        var second = rotated["secret"]!.GetValue<string>();
        var facility = await Records.FacilityAsync(contributor);
        var message = await receiver.WaitForAsync(m => m.EntityId == facility);
        var delivery = await contributor.WaitForDeliveryAsync(id, d => d["messageId"]!.GetValue<string>() == message.MessageId
            && d["status"]!.GetValue<string>() == "Delivered");
        var redelivered = await contributor.PostAsync($"/api/v1/webhooks/{id}/deliveries/{delivery.Id()}/redeliver", null, Ct);
        var again = await receiver.WaitForAsync(m => m.EntityId == facility, 2);

        Assert.NotEqual(first, second);
        Assert.NotNull(rotated["webhook"]!["secretRotatedAt"]);
        Assert.Equal(2, message.Signature.Split(' ').Length);
        Assert.True(message.IsSignedWith(second));
        Assert.True(message.IsSignedWith(first), "During the overlap the previous secret still verifies.");
        Assert.True(message.VerifiesWithPackage(second));
        Assert.Equal(HttpStatusCode.Accepted, redelivered.StatusCode);
        Assert.All(again, m => Assert.Equal(message.MessageId, m.MessageId));
        Assert.Equal(message.Body, again[1].Body);
        await contributor.DeleteAsync(id);
    }

    [Theory]
    [InlineData("http://example.org/hooks")]
    [InlineData("https://10.1.2.3/hooks")]
    [InlineData("https://169.254.169.254/latest/meta-data")]
    [InlineData("https://[::1]/hooks")]
    [InlineData("https://[::ffff:192.168.1.1]/hooks")]
    [InlineData("https://localhost/hooks")]
    [InlineData("https://user:password@example.org/hooks")]
    [InlineData("ftp://example.org/hooks")]
    [InlineData("hooks")]
    public async Task A_url_that_could_reach_the_server_or_its_network_is_refused(string url)
    {
        var contributor = await api.ClientAsync(Role.Contributor, "Hooks Urls");

        var response = await contributor.PostAsJsonAsync("/api/v1/webhooks", new { url }, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull((await response.ReadObjectAsync())["errors"]!["url"]);
    }

    [Fact]
    public async Task Webhooks_belong_to_their_organization_and_take_strict_filters()
    {
        var owner = await api.ClientAsync(Role.Contributor, "Hooks Owner " + Guid.NewGuid());
        var other = await api.ClientAsync(Role.Contributor, "Hooks Other " + Guid.NewGuid());
        var (id, _) = await owner.SubscribeAsync(new Uri("http://127.0.0.1:9/partner"), ("Release", "Decided"), ("Claim", null));

        var mine = await owner.GetOkAsync("/api/v1/webhooks");
        var theirs = await other.GetOkAsync("/api/v1/webhooks");
        var unknownAction = await owner.PostAsJsonAsync("/api/v1/webhooks",
            new { url = "http://127.0.0.1:9/x", events = new[] { new { action = "Deleted" } } }, Ct);
        var notFound = await other.GetAsync($"/api/v1/webhooks/{id}", Ct);
        var notDeleted = await other.DeleteAsync($"/api/v1/webhooks/{id}", Ct);

        var listed = Assert.Single(mine["items"]!.AsArray())!;
        Assert.Equal(id, listed.Id());
        Assert.Equal("""[{"entityType":"Release","action":"Decided"},{"entityType":"Claim","action":null}]""", listed["events"]!.ToJsonString());
        Assert.Empty(theirs["items"]!.AsArray());
        Assert.Equal(HttpStatusCode.BadRequest, unknownAction.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, notDeleted.StatusCode);
        await owner.DeleteAsync(id);
        Assert.Equal(HttpStatusCode.NotFound, (await owner.GetAsync($"/api/v1/webhooks/{id}", Ct)).StatusCode);
    }

    private static JsonObject WithoutStatus(JsonObject item)
    {
        var copy = item.DeepClone().AsObject();
        copy.Remove("status");
        return copy;
    }
}
