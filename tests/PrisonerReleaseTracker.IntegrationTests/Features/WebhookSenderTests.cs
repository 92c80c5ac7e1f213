using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Options;
using PrisonerReleaseTracker.Api.Features.Webhooks;
using PrisonerReleaseTracker.IntegrationTests.Infrastructure;

namespace PrisonerReleaseTracker.IntegrationTests.Features;

/// <summary>The sender's safety rules, against a real receiver, without the database.</summary>
public sealed class WebhookSenderTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly byte[][] Key = [new byte[32]];

    private static WebhookSender Sender(params string[] listed)
    {
        var options = new WebhookOptions { Timeout = TimeSpan.FromSeconds(2), Retries = 0 };
        options.AllowedHttpHosts.AddRange(listed);
        return new WebhookSender(Options.Create(options), TimeProvider.System);
    }

    [Fact]
    public async Task A_name_that_resolves_to_loopback_is_refused_when_connecting_unless_its_host_is_listed()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var unlisted = Sender();
        using var listed = Sender("localhost");
        // "localhost" passes no address check on its face: only its resolved address (127.0.0.1) tells.
        var url = new UriBuilder(receiver.Url) { Host = "localhost" }.Uri;

        var refused = await unlisted.SendAsync(new UriBuilder(url) { Scheme = "https" }.Uri, "msg_1", "{}"u8.ToArray(), Key, Ct);
        var allowed = await listed.SendAsync(url, "msg_2", "{}"u8.ToArray(), Key, Ct);

        Assert.False(refused.Delivered);
        Assert.StartsWith("Refused:", refused.Error, StringComparison.Ordinal);
        Assert.True(allowed.Delivered, allowed.Error);
        Assert.Equal(["msg_2"], receiver.Received.Select(m => m.MessageId));
    }

    [Fact]
    public async Task Plain_http_goes_only_to_listed_hosts()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var sender = Sender();

        var outcome = await sender.SendAsync(receiver.Url, "msg_1", "{}"u8.ToArray(), Key, Ct);

        Assert.False(outcome.Delivered);
        Assert.Equal(0, outcome.Attempts);
        Assert.Empty(receiver.Received);
    }

    [Fact]
    public async Task A_redirect_is_not_followed()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Respond = (_, _, _) => Task.FromResult(307);
        receiver.WriteBody = (response, _) =>
        {
            response.Headers.Location = new Uri(receiver.Url, "/elsewhere").ToString();
            return Task.CompletedTask;
        };
        using var sender = Sender("127.0.0.1");

        var outcome = await sender.SendAsync(receiver.Url, "msg_1", "{}"u8.ToArray(), Key, Ct);

        Assert.False(outcome.Delivered);
        Assert.Equal(307, outcome.StatusCode);
        Assert.Single(receiver.Received);
    }

    [Fact]
    public async Task An_endless_answer_is_read_only_up_to_the_limit()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.WriteBody = async (response, aborted) =>
        {
            var chunk = Encoding.ASCII.GetBytes(new string('x', 8192));
            for (var i = 0; i < 100_000 && !aborted.IsCancellationRequested; i++)
            {
                await response.Body.WriteAsync(chunk, aborted);
            }
        };
        using var sender = Sender("127.0.0.1");
        var watch = Stopwatch.StartNew();

        var outcome = await sender.SendAsync(receiver.Url, "msg_1", "{}"u8.ToArray(), Key, Ct);

        Assert.True(outcome.Delivered, outcome.Error);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"took {watch.Elapsed}: the answer was read to its end");
    }
}
