using System.Text.RegularExpressions;
using PrisonerReleaseTracker.IntegrationTests.Infrastructure;

namespace PrisonerReleaseTracker.IntegrationTests.Features;

/// <summary>
/// At least once, across real processes: the built API started with <c>dotnet</c>, killed with SIGKILL, and two of them
/// sharing one database. Each test has a database of its own, so no other dispatcher takes its deliveries. They run
/// alone, after the parallel tests: starting cold .NET processes would slow the timing-sensitive tests around them.
/// </summary>
[Collection(nameof(RealProcesses))]
public sealed partial class WebhookProcessTests(ApiFixture api)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_delivery_interrupted_by_kill_9_is_sent_after_the_restart_with_the_same_message_id()
    {
        var database = await api.Server.CreateDatabaseAsync($"prt_kill_{Environment.ProcessId}", Ct);
        await ApiProcess.MigrateAsync(database);
        await using var receiver = await WebhookReceiver.StartAsync();
        var target = new TaskCompletionSource<Guid>(TaskCreationOptions.RunContinuationsAsynchronously);
        var firstArrived = new TaskCompletionSource();
        receiver.Respond = async (message, earlier, aborted) =>
        {
            if (message.EntityId == await target.Task && earlier == 0)
            {
                firstArrived.TrySetResult();
                await Task.Delay(Timeout.Infinite, aborted); // never answers: the process dies meanwhile
            }

            return 200;
        };

        await using var first = await ApiProcess.StartAsync(database, api.AdminKey, WebhookTestSettings.Values);
        var (contributor, secret, webhook) = await SubscribeAsync(first, "Kill Nine", receiver);
        var facility = (await contributor.PostOkAsync("/api/v1/facilities", new { name = "Kill nine prison", kind = "Prison", country = "VE" })).Id();
        target.SetResult(facility);
        await firstArrived.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        first.Kill();

        await using var second = await ApiProcess.StartAsync(database, api.AdminKey, WebhookTestSettings.Values);
        List<ReceivedWebhook> attempts;
        try
        {
            attempts = await receiver.WaitForAsync(m => m.EntityId == facility, 2, TimeSpan.FromSeconds(90));
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException(e.Message + "\nThe restarted API said:\n" + second.Output, e);
        }

        using var again = second.Client(contributor.DefaultRequestHeaders.GetValues("X-Api-Key").Single());
        var delivery = await again.WaitForDeliveryAsync(webhook, d => d["status"]!.GetValue<string>() == "Delivered");

        Assert.Equal(attempts[0].MessageId, attempts[1].MessageId);
        Assert.Equal(attempts[0].Body, attempts[1].Body);
        Assert.True(attempts[1].IsSignedWith(secret), "The restarted process signs with the secret the first one stored.");
        Assert.Equal(attempts[0].MessageId, delivery["messageId"]!.GetValue<string>());
    }

    [Fact]
    public async Task Two_processes_sharing_a_database_deliver_every_message_once_and_never_one_twice_at_the_same_time()
    {
        var database = await api.Server.CreateDatabaseAsync($"prt_pair_{Environment.ProcessId}", Ct);
        await ApiProcess.MigrateAsync(database);
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Respond = async (_, _, aborted) =>
        {
            await Task.Delay(30, aborted); // long enough for both processes to have work in flight
            return 200;
        };
        // Small batches, so that a burst is shared rather than taken whole by whichever process wakes first.
        (string, string)[] settings = [.. WebhookTestSettings.Values, ("Webhooks:BatchSize", "2"), ("Webhooks:Concurrency", "2")];
        // One after the other: the first stores the bootstrap Admin key, which two starting together would both try to.
        await using var first = await ApiProcess.StartAsync(database, api.AdminKey, settings);
        await using var other = await ApiProcess.StartAsync(database, api.AdminKey, settings);
        var (contributor, _, _) = await SubscribeAsync(first, "Two Processes", receiver);
        using var viaOther = other.Client(contributor.DefaultRequestHeaders.GetValues("X-Api-Key").Single());

        const int count = 40;
        var writes = Enumerable.Range(0, count).Select(async i =>
            (await (i % 2 == 0 ? contributor : viaOther).PostOkAsync("/api/v1/facilities", new { name = $"Pair prison {i}", kind = "Prison", country = "VE" })).Id());
        var facilities = (await Task.WhenAll(writes)).ToHashSet();
        var received = await receiver.WaitForAsync(m => facilities.Contains(m.EntityId), count, TimeSpan.FromSeconds(60));
        await Task.Delay(500, Ct); // room for a duplicate to show up

        Assert.Equal(0, receiver.ConcurrentDuplicates);
        Assert.Equal(count, receiver.Received.Count(m => facilities.Contains(m.EntityId)));
        Assert.Equal(facilities.Order(), received.Select(m => m.EntityId).Distinct().Order());
        Assert.True(Delivered(first) > 0 && Delivered(other) > 0,
            $"Both processes should have delivered: {Delivered(first)} and {Delivered(other)}.");
    }

    private async Task<(HttpClient Contributor, string Secret, Guid Webhook)> SubscribeAsync(ApiProcess process, string organization, WebhookReceiver receiver)
    {
        using var admin = process.Client(api.AdminKey);
        var key = await admin.PostOkAsync("/api/v1/api-keys", new { name = "hooks", organization, role = "Contributor" });
        var contributor = process.Client(key["key"]!.GetValue<string>());
        var (webhook, secret) = await contributor.SubscribeAsync(receiver.Url, ("Facility", "Created"));
        return (contributor, secret, webhook);
    }

    /// <summary>What a process's dispatcher says it delivered, from its log.</summary>
    private static int Delivered(ApiProcess process) =>
        DeliveredLine().Matches(process.Output).Sum(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));

    [GeneratedRegex(@"Webhook deliveries: (\d+) delivered")]
    private static partial Regex DeliveredLine();
}

/// <summary>Tests that start API processes of their own.</summary>
[CollectionDefinition(nameof(RealProcesses), DisableParallelization = true)]
public sealed class RealProcesses;
