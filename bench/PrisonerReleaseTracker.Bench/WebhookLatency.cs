using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace PrisonerReleaseTracker.Bench;

/// <summary>
/// The webhook dispatcher against what it stands on: a loopback receiver (bare Kestrel) that records every request.
/// <list type="number">
/// <item>Latency: writes one at a time through the API (a facility each) and measures, per delivery, from the change's
/// <c>at</c> (taken in its transaction, just before the commit) to the receiver's clock (the same machine).</item>
/// <item>Throughput: <c>--fanout</c> subscriptions (one per organization) and <c>--burst</c> writes from 8 writers, while the
/// receiver holds every request (so a backlog builds in the outbox); then it lets them go, and deliveries per second are
/// counted from then to the last answer: the dispatcher's rate, not the writers'.</item>
/// <item>The limit: the same receiver, the same body and headers, POSTed by a plain HttpClient with as many requests in
/// flight as the dispatcher allows by default (4 workers × batches of 10).</item>
/// </list>
/// The API must list 127.0.0.1 in <c>Webhooks__AllowedHttpHosts</c>. Prints one line with the ratio.
/// </summary>
internal static class WebhookLatency
{
    private const int DispatcherInFlight = 4 * 10;

    public static async Task<int> RunAsync(string api, string adminKey, int writes, int fanout, int burst, int raw)
    {
        await using var receiver = await Receiver.StartAsync();
        using var admin = Client(api, adminKey);
        var run = Guid.NewGuid().ToString("N")[..8];
        var subscriptions = new List<(HttpClient Client, Guid Id)>();
        try
        {
            for (var i = 0; i < fanout; i++)
            {
                var key = await PostAsync(admin, "/api/v1/api-keys", new { name = "bench webhooks", organization = $"Bench Webhooks {run} {i}", role = "Contributor" });
                var contributor = Client(api, key["key"]!.GetValue<string>());
                var hook = await PostAsync(contributor, "/api/v1/webhooks", new
                {
                    url = receiver.Url + "/" + i.ToString(CultureInfo.InvariantCulture),
                    events = new[] { new { entityType = "Facility", action = "Created" } },
                });
                subscriptions.Add((contributor, hook["webhook"]!["id"]!.GetValue<Guid>()));
            }

            // Latency, on the first subscription only: the others are deleted until the burst.
            var writer = subscriptions[0].Client;
            foreach (var (client, id) in subscriptions.Skip(1))
            {
                (await client.DeleteAsync($"/api/v1/webhooks/{id}")).EnsureSuccessStatusCode();
            }

            await WriteAndWaitAsync(writer, receiver, 20, run); // warm-up
            var latencies = new List<double>();
            for (var i = 0; i < writes; i++)
            {
                var facility = await WriteFacilityAsync(writer, run);
                var message = await receiver.WaitForAsync(facility);
                latencies.Add((message.ReceivedAt - message.At).TotalMilliseconds);
            }

            latencies.Sort();
            for (var i = 1; i < subscriptions.Count; i++)
            {
                var hook = await PostAsync(subscriptions[i].Client, "/api/v1/webhooks", new
                {
                    url = receiver.Url + "/" + i.ToString(CultureInfo.InvariantCulture),
                    events = new[] { new { entityType = "Facility", action = "Created" } },
                });
                subscriptions[i] = (subscriptions[i].Client, hook["webhook"]!["id"]!.GetValue<Guid>());
            }

            receiver.Clear();
            receiver.Hold();
            var written = new ConcurrentBag<Guid>();
            var writing = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
            {
                for (var i = w; i < burst; i += 8)
                {
                    written.Add(await WriteFacilityAsync(writer, run));
                }
            })));
            var writeSeconds = writing.Elapsed.TotalSeconds;
            var expected = burst * fanout;
            var released = receiver.Release();
            await receiver.WaitForCountAsync(expected, TimeSpan.FromMinutes(5));
            var dispatched = expected / (receiver.Messages.Max(m => m.AnsweredAt) - released).TotalSeconds;

            var sample = receiver.Messages.First();
            var posted = await RawAsync(receiver.Url + "/raw", sample, raw);

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"webhook-latency: p50 {Percentile(latencies, 0.50):F1} ms, p99 {Percentile(latencies, 0.99):F1} ms from the change's commit to the receiver ({writes} writes one at a time); " +
                $"{dispatched:F0} deliveries/s draining a backlog of {expected} ({burst} writes x {fanout} subscriptions, written in {writeSeconds:F1} s) vs {posted:F0} raw POST/s " +
                $"({DispatcherInFlight} in flight, plain HttpClient): ratio {dispatched / posted:F2}"));
            // One line for bench/run.sh to read.
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"RESULT dispatched={dispatched:F1} raw={posted:F1} p50={Percentile(latencies, 0.50):F1} p99={Percentile(latencies, 0.99):F1}"));
            return 0;
        }
        finally
        {
            foreach (var (client, id) in subscriptions)
            {
                await client.DeleteAsync($"/api/v1/webhooks/{id}");
                client.Dispose();
            }
        }
    }

    private static async Task WriteAndWaitAsync(HttpClient writer, Receiver receiver, int count, string run)
    {
        for (var i = 0; i < count; i++)
        {
            await receiver.WaitForAsync(await WriteFacilityAsync(writer, run));
        }
    }

    private static async Task<Guid> WriteFacilityAsync(HttpClient writer, string run) =>
        (await PostAsync(writer, "/api/v1/facilities", new { name = $"Bench hook prison {run} {Guid.NewGuid():N}", kind = "Prison", country = "VE" }))["id"]!
            .GetValue<Guid>();

    /// <summary>The same body and headers as a delivery, POSTed with <see cref="DispatcherInFlight"/> requests in flight.</summary>
    private static async Task<double> RawAsync(string url, Receiver.Message sample, int count)
    {
        using var client = new HttpClient();
        var next = -1;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, DispatcherInFlight).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) < count)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(sample.Body) };
                request.Content.Headers.ContentType = new("application/json") { CharSet = "utf-8" };
                foreach (var (name, value) in sample.Headers)
                {
                    request.Headers.TryAddWithoutValidation(name, value);
                }

                using var response = await client.SendAsync(request);
                response.EnsureSuccessStatusCode();
            }
        })));
        return count / watch.Elapsed.TotalSeconds;
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static HttpClient Client(string api, string key)
    {
        var client = new HttpClient { BaseAddress = new Uri(api) };
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }

    private static async Task<JsonObject> PostAsync(HttpClient client, string url, object body)
    {
        using var response = await client.PostAsJsonAsync(url, body);
        var text = await response.Content.ReadAsStringAsync();
        return response.IsSuccessStatusCode
            ? JsonNode.Parse(text)!.AsObject()
            : throw new InvalidOperationException($"POST {url} answered {(int)response.StatusCode}: {text}");
    }

    /// <summary>Bare Kestrel on a loopback port: records each request's receive time, the change's time and id.</summary>
    private sealed class Receiver : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly ConcurrentDictionary<Guid, Message> _byEntity = new();
        private ConcurrentQueue<Message> _messages = new();

        private Receiver(WebApplication app) => _app = app;

        public string Url { get; private set; } = "";

        public IEnumerable<Message> Messages => _messages;

        private TaskCompletionSource _gate = Open();

        public sealed record Message(Guid EntityId, DateTimeOffset At, DateTimeOffset ReceivedAt, byte[] Body, (string, string)[] Headers)
        {
            public DateTimeOffset AnsweredAt { get; set; }
        }

        /// <summary>From now on requests wait, unanswered, until <see cref="Release"/>.</summary>
        public void Hold() => _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        public DateTimeOffset Release()
        {
            var now = DateTimeOffset.UtcNow;
            _gate.TrySetResult();
            return now;
        }

        private static TaskCompletionSource Open()
        {
            var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            open.SetResult();
            return open;
        }

        public static async Task<Receiver> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
            var app = builder.Build();
            var receiver = new Receiver(app);
            app.Run(async context =>
            {
                using var buffer = new MemoryStream();
                await context.Request.Body.CopyToAsync(buffer);
                var received = DateTimeOffset.UtcNow;
                if (context.Request.Path.StartsWithSegments("/raw"))
                {
                    return;
                }

                var body = buffer.ToArray();
                var data = JsonDocument.Parse(body).RootElement.GetProperty("data");
                var message = new Message(data.GetProperty("entityId").GetGuid(), data.GetProperty("at").GetDateTimeOffset(), received, body,
                    [.. context.Request.Headers.Where(h => h.Key.StartsWith("webhook-", StringComparison.OrdinalIgnoreCase)).Select(h => (h.Key, h.Value.ToString()))]);
                receiver._byEntity.TryAdd(message.EntityId, message);
                await receiver._gate.Task;
                message.AnsweredAt = DateTimeOffset.UtcNow;
                receiver._messages.Enqueue(message);
            });
            await app.StartAsync();
            receiver.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/hooks";
            return receiver;
        }

        public void Clear() => _messages = new ConcurrentQueue<Message>();

        public async Task<Message> WaitForAsync(Guid entityId)
        {
            var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
            while (true)
            {
                if (_byEntity.TryGetValue(entityId, out var message))
                {
                    return message;
                }

                if (DateTimeOffset.UtcNow > deadline)
                {
                    throw new TimeoutException("No delivery for " + entityId);
                }

                await Task.Delay(1);
            }
        }

        public async Task WaitForCountAsync(int count, TimeSpan timeout)
        {
            var deadline = DateTimeOffset.UtcNow + timeout;
            while (_messages.Count < count)
            {
                if (DateTimeOffset.UtcNow > deadline)
                {
                    throw new TimeoutException($"{_messages.Count} of {count} deliveries arrived.");
                }

                await Task.Delay(5);
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
