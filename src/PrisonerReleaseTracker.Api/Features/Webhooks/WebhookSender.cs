using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace PrisonerReleaseTracker.Api.Features.Webhooks;

/// <summary>How one round of attempts at a delivery ended.</summary>
/// <param name="Delivered">The subscriber answered 2xx.</param>
/// <param name="Attempts">HTTP requests sent in the round.</param>
/// <param name="StatusCode">The last answer's status, if there was one.</param>
/// <param name="Error">Why the round failed, in a few words (no answer content).</param>
public sealed record SendOutcome(bool Delivered, int Attempts, int? StatusCode, string? Error);

/// <summary>
/// Sends signed webhook requests. One round is a Polly pipeline: a timeout on each attempt, and a few quick retries
/// with exponential backoff and jitter for transient failures; the dispatcher schedules the next round when all fail.
/// The HTTP handler follows no redirect, uses no proxy, reads at most a few kilobytes of any answer, and checks the
/// address it connects to (after resolving the name, at connect time, so DNS rebinding cannot turn a checked public
/// name into a private address).
/// </summary>
public sealed class WebhookSender : IDisposable
{
    private const string UserAgent = "PrisonerReleaseTracker-Webhooks/1";

    private readonly WebhookOptions _options;
    private readonly TimeProvider _clock;
    private readonly HttpClient _client;
    private readonly ResiliencePipeline<int> _round;

    public WebhookSender(IOptions<WebhookOptions> options, TimeProvider clock)
    {
        _options = options.Value;
        _clock = clock;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = _options.Timeout,
            MaxResponseHeadersLength = 16, // KiB
            // Connections are renewed, so a name is resolved and its address checked again at least every minute.
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
            ConnectCallback = ConnectAsync,
        };
        _client = new HttpClient(handler) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        _client.DefaultRequestHeaders.UserAgent.ParseAdd(UserAgent);

        var builder = new ResiliencePipelineBuilder<int> { TimeProvider = clock };
        if (_options.Retries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<int>
            {
                MaxRetryAttempts = _options.Retries,
                Delay = _options.RetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception switch
                {
                    TimeoutRejectedException => true,
                    HttpRequestException e => e.InnerException is not AddressRefusedException,
                    null => IsTransient(args.Outcome.Result),
                    _ => false,
                }),
            });
        }

        _round = builder.AddTimeout(_options.Timeout).Build();
    }

    /// <summary>One round of attempts at one message; every attempt is signed anew with its own timestamp.</summary>
    public async Task<SendOutcome> SendAsync(Uri url, string messageId, byte[] body, IReadOnlyList<byte[]> keys, CancellationToken ct)
    {
        if (url.Scheme == Uri.UriSchemeHttp && !_options.IsListed(url.IdnHost))
        {
            return new SendOutcome(false, 0, null, "Refused: http is only allowed to hosts listed in Webhooks:AllowedHttpHosts");
        }

        var attempts = 0;
        try
        {
            var status = await _round.ExecuteAsync(async token =>
            {
                attempts++;
                return await PostAsync(url, messageId, body, keys, token);
            }, ct);
            return new SendOutcome(status is >= 200 and < 300, attempts, status, status is >= 200 and < 300 ? null : $"HTTP {status}");
        }
        catch (TimeoutRejectedException)
        {
            return new SendOutcome(false, attempts, null, $"Timed out after {_options.Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s");
        }
        catch (HttpRequestException e) when (e.InnerException is AddressRefusedException refused)
        {
            return new SendOutcome(false, attempts, null, refused.Message);
        }
        catch (HttpRequestException e)
        {
            return new SendOutcome(false, attempts, null, e.HttpRequestError switch
            {
                HttpRequestError.NameResolutionError => "The host name does not resolve",
                HttpRequestError.ConnectionError => "Could not connect",
                HttpRequestError.SecureConnectionError => "TLS failed",
                HttpRequestError.ResponseEnded or HttpRequestError.InvalidResponse => "Invalid or incomplete answer",
                _ => "The request failed",
            });
        }
    }

    private async ValueTask<int> PostAsync(Uri url, string messageId, byte[] body, IReadOnlyList<byte[]> keys, CancellationToken ct)
    {
        var timestamp = _clock.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add("webhook-id", messageId);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", string.Join(' ', keys.Select(key => WebhookSecret.Sign(key, messageId, timestamp, body))));
        using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        await DrainAsync(response, ct);
        return (int)response.StatusCode;
    }

    /// <summary>Reads at most <see cref="WebhookOptions.MaxResponseBytes"/> of the answer; the rest is dropped with the connection.</summary>
    private async Task DrainAsync(HttpResponseMessage response, CancellationToken ct)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        var buffer = new byte[Math.Min(_options.MaxResponseBytes, 4096)];
        var left = _options.MaxResponseBytes;
        int read;
        while (left > 0 && (read = await stream.ReadAsync(buffer.AsMemory(0, Math.Min(buffer.Length, left)), ct)) > 0)
        {
            left -= read;
        }
    }

    private static bool IsTransient(int status) => status is >= 500 or 408 or 429;

    /// <summary>
    /// Resolves the name and connects only to addresses a webhook may reach: public ones, or any for a listed host.
    /// The check is made on the address actually connected to, so a name that resolved to a public address when the
    /// subscription was made and to a private one now (DNS rebinding) is refused.
    /// </summary>
    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
        var allowed = _options.IsListed(host) ? addresses : [.. addresses.Where(AddressRules.IsPublic)];
        if (allowed.Length == 0)
        {
            throw new AddressRefusedException("Refused: the host resolves to a loopback, private, link-local or reserved address");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public void Dispose() => _client.Dispose();

    private sealed class AddressRefusedException(string message) : IOException(message);
}
