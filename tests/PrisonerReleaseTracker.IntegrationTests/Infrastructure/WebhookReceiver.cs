using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StandardWebhooks;

namespace PrisonerReleaseTracker.IntegrationTests.Infrastructure;

/// <summary>One request a receiver got: the three Standard Webhooks headers and the body as sent.</summary>
public sealed record ReceivedWebhook(string MessageId, string Timestamp, string Signature, string Body, DateTimeOffset ReceivedAt, IHeaderDictionary Headers)
{
    public JsonObject Json => JsonNode.Parse(Body)!.AsObject();

    public JsonObject Data => Json["data"]!.AsObject();

    public Guid EntityId => Data["entityId"]!.GetValue<Guid>();

    public string Action => Data["action"]!.GetValue<string>();

    /// <summary>
    /// The Standard Webhooks check, written here from the specification (not with the API's code): the key is the
    /// base64 after <c>whsec_</c>; each signature is <c>v1,</c> and base64 HMAC-SHA256 over <c>id.timestamp.body</c>.
    /// </summary>
    public bool IsSignedWith(string secret)
    {
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var expected = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{MessageId}.{Timestamp}.{Body}"));
        return Signature.Split(' ').Any(part => part.StartsWith("v1,", StringComparison.Ordinal)
            && CryptographicOperations.FixedTimeEquals(Convert.FromBase64String(part[3..]), expected));
    }

    /// <summary>The same check by the StandardWebhooks package (which also refuses a timestamp too far from now).</summary>
    public bool VerifiesWithPackage(string secret)
    {
        try
        {
            new StandardWebhook(secret).Verify(Body, Headers);
            return true;
        }
        catch (StandardWebhooks.Diagnostics.WebhookVerificationException)
        {
            return false;
        }
    }
}

/// <summary>
/// A real HTTP receiver (Kestrel on a free loopback port) that records every webhook request. <see cref="Respond"/>
/// decides each answer (status, and any delay); it also counts a message id that arrives while the same id is still
/// being answered (sent twice at the same time).
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedWebhook> _received = new();
    private readonly ConcurrentDictionary<string, int> _attempts = new();
    private readonly ConcurrentDictionary<string, byte> _inFlight = new();
    private int _concurrentDuplicates;

    private WebhookReceiver(WebApplication app) => _app = app;

    /// <summary>Given a request and how many earlier requests carried its message id, what to do; 200 at once by default.</summary>
    public Func<ReceivedWebhook, int, CancellationToken, Task<int>> Respond { get; set; } = (_, _, _) => Task.FromResult(200);

    /// <summary>Writes an answer's body, when set (after the status is decided).</summary>
    public Func<HttpResponse, CancellationToken, Task>? WriteBody { get; set; }

    public Uri Url { get; private set; } = null!;

    public IReadOnlyList<ReceivedWebhook> Received => [.. _received];

    public int ConcurrentDuplicates => Volatile.Read(ref _concurrentDuplicates);

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.Run(receiver.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Url = new Uri(new Uri(address), "/hooks/" + Guid.NewGuid().ToString("N"));
        return receiver;
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var headers = new HeaderDictionary(context.Request.Headers.ToDictionary(h => h.Key, h => h.Value));
        var message = new ReceivedWebhook(headers["webhook-id"].ToString(), headers["webhook-timestamp"].ToString(),
            headers["webhook-signature"].ToString(), body, DateTimeOffset.UtcNow, headers);
        _received.Enqueue(message);
        var earlier = _attempts.AddOrUpdate(message.MessageId, 1, (_, n) => n + 1) - 1;
        if (!_inFlight.TryAdd(message.MessageId, 0))
        {
            Interlocked.Increment(ref _concurrentDuplicates);
        }

        try
        {
            context.Response.StatusCode = await Respond(message, earlier, context.RequestAborted);
            if (WriteBody is { } write)
            {
                await write(context.Response, context.RequestAborted);
            }
        }
        catch (OperationCanceledException)
        {
            // The sender gave up (its timeout): nothing to answer.
        }
        finally
        {
            _inFlight.TryRemove(message.MessageId, out _);
        }
    }

    /// <summary>Waits until a request matches, and returns the first that does.</summary>
    public async Task<ReceivedWebhook> WaitForAsync(Func<ReceivedWebhook, bool> match, TimeSpan? timeout = null) =>
        (await WaitForAsync(match, 1, timeout))[0];

    /// <summary>Waits until <paramref name="count"/> requests match, and returns those.</summary>
    public Task<List<ReceivedWebhook>> WaitForAsync(Func<ReceivedWebhook, bool> match, int count, TimeSpan? timeout = null) =>
        WaitForAllAsync(match, found => found.Count >= count, timeout);

    /// <summary>Waits until the requests that match are <paramref name="enough"/>, and returns them.</summary>
    public async Task<List<ReceivedWebhook>> WaitForAllAsync(Func<ReceivedWebhook, bool> match, Func<List<ReceivedWebhook>, bool> enough, TimeSpan? timeout = null)
    {
        var deadline = DateTimeOffset.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var found = Received.Where(match).ToList();
            if (enough(found))
            {
                return found;
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"{found.Count} matching webhook requests arrived, not enough; {Received.Count} in all.");
            }

            await Task.Delay(25, TestContext.Current.CancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
