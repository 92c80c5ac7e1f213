using System.Collections.Concurrent;
using System.Net;

namespace PrisonerReleaseTracker.Api.Infrastructure;

/// <summary>One fixed-window limit: so many requests per window, per client.</summary>
/// <param name="Name">The policy's name in the <c>RateLimit-Policy</c> and <c>RateLimit</c> headers.</param>
/// <param name="PermitLimit">Requests allowed in one window.</param>
/// <param name="Window">The window's length.</param>
public sealed record RateLimitPolicy(string Name, int PermitLimit, TimeSpan Window)
{
    public static RateLimitPolicy From(IConfiguration configuration, string name, string section, int permits, int seconds) => new(
        name,
        configuration.GetValue($"RateLimiting:{section}:PermitLimit", permits),
        TimeSpan.FromSeconds(configuration.GetValue($"RateLimiting:{section}:WindowSeconds", seconds)));

    /// <summary>The <c>RateLimit-Policy</c> header (IETF draft-ietf-httpapi-ratelimit-headers): <c>"anonymous";q=600;w=60</c>.</summary>
    public string PolicyHeader => $"\"{Name}\";q={PermitLimit.ToString(CultureInfo.InvariantCulture)};w={((int)Window.TotalSeconds).ToString(CultureInfo.InvariantCulture)}";
}

/// <summary>
/// Whom a window counts: a key for keyed callers, an address for anonymous ones. A value compared as it is (a key's id, the
/// connection's address object), so that counting a request builds no string.
/// </summary>
public readonly record struct RateLimitClient(Guid? KeyId, IPAddress? Address)
{
    public static RateLimitClient Key(Guid keyId) => new(keyId, null);

    public static RateLimitClient At(IPAddress? address) => new(null, address);
}

/// <summary>
/// Fixed windows aligned to the clock (a 60 s window starts at every whole minute), counted per client: per key
/// for keyed callers, per address for anonymous ones. Aligned windows make what a client is told exact: how many
/// requests are left and when the window resets, in the <c>RateLimit</c> header of every answer, and in
/// <c>Retry-After</c> when it is refused. The counts live in this process: behind a load balancer each instance
/// counts what it serves, which scales the limit by the number of instances; the headers say what this instance allows.
/// </summary>
public sealed class RateLimiter(TimeProvider clock)
{
    private readonly ConcurrentDictionary<(string Policy, RateLimitClient Client), Counter> _counters = new();
    private long _sweptWindow;

    /// <summary>What one request leaves of its client's window.</summary>
    /// <param name="Allowed">Whether the request is within the limit.</param>
    /// <param name="Remaining">Requests still allowed in this window.</param>
    /// <param name="ResetAfter">Time until the window ends.</param>
    public readonly record struct Lease(bool Allowed, int Remaining, TimeSpan ResetAfter)
    {
        /// <summary>Whole seconds until the window resets, at least 1 (what <c>Retry-After</c> and <c>t=</c> say).</summary>
        public int ResetSeconds => Math.Max(1, (int)Math.Ceiling(ResetAfter.TotalSeconds));
    }

    public Lease Acquire(RateLimitClient client, RateLimitPolicy policy)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var windowMs = (long)policy.Window.TotalMilliseconds;
        var window = now / windowMs;
        var resetAfter = TimeSpan.FromMilliseconds(((window + 1) * windowMs) - now);
        var counter = _counters.GetOrAdd((policy.Name, client), static _ => new Counter());
        var count = counter.Increment(window);
        Sweep(window);
        return new Lease(count <= policy.PermitLimit, Math.Max(0, policy.PermitLimit - count), resetAfter);
    }

    /// <summary>Forgets clients whose window has passed, once a window, so addresses seen once do not pile up.</summary>
    private void Sweep(long window)
    {
        var swept = Interlocked.Read(ref _sweptWindow);
        if (swept == window || Interlocked.CompareExchange(ref _sweptWindow, window, swept) != swept)
        {
            return;
        }

        foreach (var (client, counter) in _counters)
        {
            if (counter.IsBefore(window))
            {
                _counters.TryRemove(client, out _);
            }
        }
    }

    private sealed class Counter
    {
        private readonly Lock _lock = new();
        private long _window = -1;
        private int _count;

        public int Increment(long window)
        {
            lock (_lock)
            {
                if (_window != window)
                {
                    _window = window;
                    _count = 0;
                }

                return ++_count;
            }
        }

        public bool IsBefore(long window)
        {
            lock (_lock)
            {
                return _window < window;
            }
        }
    }
}

/// <summary>Applies the limits, and tells every client where it stands (IETF RateLimit headers), cached answers included.</summary>
public sealed class RateLimitingMiddleware(RequestDelegate next, RateLimiter limiter, IConfiguration configuration)
{
    public const string PolicyHeader = "RateLimit-Policy";
    public const string StateHeader = "RateLimit";

    private readonly bool _enabled = configuration.GetValue("RateLimiting:Enabled", true);
    private readonly RateLimitPolicy _anonymous = RateLimitPolicy.From(configuration, "anonymous", "Anonymous", permits: 600, seconds: 60);
    private readonly RateLimitPolicy _keyed = RateLimitPolicy.From(configuration, "keyed", "Keyed", permits: 3000, seconds: 60);

    public async Task InvokeAsync(HttpContext context)
    {
        if (!_enabled || context.Request.Path.StartsWithSegments("/health"))
        {
            await next(context);
            return;
        }

        var caller = Caller.From(context.User);
        var policy = caller is null ? _anonymous : _keyed;
        var lease = limiter.Acquire(caller is null ? RateLimitClient.At(context.Connection.RemoteIpAddress) : RateLimitClient.Key(caller.KeyId), policy);
        var state = $"\"{policy.Name}\";r={lease.Remaining.ToString(CultureInfo.InvariantCulture)};t={lease.ResetSeconds.ToString(CultureInfo.InvariantCulture)}";
        // Set as the answer starts, so that an answer replayed from the output cache carries this client's figures, never
        // those of the client whose request filled the cache.
        context.Response.OnStarting(() =>
        {
            context.Response.Headers[PolicyHeader] = policy.PolicyHeader;
            context.Response.Headers[StateHeader] = state;
            return Task.CompletedTask;
        });

        if (!lease.Allowed)
        {
            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            context.Response.Headers.RetryAfter = lease.ResetSeconds.ToString(CultureInfo.InvariantCulture);
            await ProblemWriter.WriteAsync(context, new ProblemDetails
            {
                Status = StatusCodes.Status429TooManyRequests, Title = "Too many requests",
                Detail = "Slow down; the Retry-After header says when to try again.",
            });
            return;
        }

        await next(context);
    }
}
