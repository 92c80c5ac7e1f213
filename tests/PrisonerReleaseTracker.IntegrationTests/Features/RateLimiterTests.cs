using System.Net;
using PrisonerReleaseTracker.Api.Infrastructure;

namespace PrisonerReleaseTracker.IntegrationTests.Features;

/// <summary>The rate limiter's windows, on a clock the test moves: what a refused client is told to wait.</summary>
public sealed class RateLimiterTests
{
    [Theory]
    [InlineData(0.5, 60)]
    [InlineData(45.2, 15)]
    [InlineData(59.9, 1)]
    public void A_refused_request_is_told_the_time_left_in_its_window_not_the_whole_window(double secondsIntoWindow, int retryAfter)
    {
        var windowStart = new DateTimeOffset(2026, 12, 2, 10, 0, 0, TimeSpan.Zero); // a whole minute: windows are aligned to the clock
        var clock = new MovableClock(windowStart.AddSeconds(secondsIntoWindow));
        var limiter = new RateLimiter(clock);
        var policy = new RateLimitPolicy("test", PermitLimit: 2, Window: TimeSpan.FromMinutes(1));

        var leases = Enumerable.Range(0, 3).Select(_ => limiter.Acquire(RateLimitClient.At(IPAddress.Parse("203.0.113.7")), policy)).ToList();

        Assert.Equal([true, true, false], leases.Select(l => l.Allowed));
        Assert.Equal(retryAfter, leases[2].ResetSeconds);
    }

    [Fact]
    public void A_new_window_lets_the_client_in_again_and_other_clients_count_apart()
    {
        var clock = new MovableClock(new DateTimeOffset(2026, 12, 2, 10, 0, 30, TimeSpan.Zero));
        var limiter = new RateLimiter(clock);
        var policy = new RateLimitPolicy("test", PermitLimit: 1, Window: TimeSpan.FromMinutes(1));
        // The same address as another object (each connection has its own), another address, a key.
        RateLimitClient A() => RateLimitClient.At(IPAddress.Parse("203.0.113.7"));
        var b = RateLimitClient.At(IPAddress.Parse("203.0.113.8"));
        var key = RateLimitClient.Key(Guid.NewGuid());

        Assert.True(limiter.Acquire(A(), policy).Allowed);
        Assert.False(limiter.Acquire(A(), policy).Allowed);
        Assert.True(limiter.Acquire(b, policy).Allowed);
        Assert.True(limiter.Acquire(key, policy).Allowed);
        Assert.False(limiter.Acquire(RateLimitClient.Key(key.KeyId!.Value), policy).Allowed);
        clock.Now = clock.Now.AddSeconds(30);
        Assert.True(limiter.Acquire(A(), policy).Allowed);
    }

    private sealed class MovableClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
