namespace PrisonerReleaseTracker.Api.Features.Webhooks;

/// <summary>
/// Configuration section <c>Webhooks</c>. Every timing is here so that tests run in seconds what production spreads
/// over a day. Durations are <c>TimeSpan</c> strings: <c>00:00:10</c> is ten seconds, <c>1.00:00:00</c> a day.
/// </summary>
public sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    /// <summary>
    /// Hosts that may be sent to over plain http, and that may resolve to loopback or private addresses (for development
    /// and tests). Comma-separated in one value, or an array. Empty by default: https to public addresses only.
    /// </summary>
    public List<string> AllowedHttpHosts { get; } = [];

    /// <summary>Whether this instance runs the dispatcher (every instance may; they share the work).</summary>
    public bool Dispatch { get; set; } = true;

    /// <summary>How long one HTTP attempt may take, connection included.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Quick retries inside one round, for transient failures (5xx, 408, 429, timeouts, connection errors).</summary>
    public int Retries { get; set; } = 2;

    /// <summary>The first quick retry's wait; it doubles, with jitter.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(0.5);

    /// <summary>The wait after a failed round; it doubles each round, with jitter, up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan Backoff { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromHours(1);

    /// <summary>A delivery not delivered within this time (from when it was written, or redelivered) fails.</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromDays(1);

    /// <summary>A subscription whose every attempt has failed for this long is disabled.</summary>
    public TimeSpan DisableAfter { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How often a dispatcher looks for due deliveries when nothing wakes it (a NOTIFY wakes it at once).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Workers per instance, each claiming up to <see cref="BatchSize"/> deliveries at a time.</summary>
    public int Concurrency { get; set; } = 4;

    public int BatchSize { get; set; } = 10;

    /// <summary>After a rotation, the previous secret signs beside the new one for this long.</summary>
    public TimeSpan SecretOverlap { get; set; } = TimeSpan.FromDays(1);

    public int MaxPerOrganization { get; set; } = 10;

    /// <summary>At most this much of a subscriber's answer is read (and none of it kept).</summary>
    public int MaxResponseBytes { get; set; } = 4096;

    /// <summary>The longest one round can hold its deliveries: every attempt timing out, with the waits between.</summary>
    public TimeSpan LongestRound => (Timeout * (Retries + 1)) + (RetryDelay * Math.Pow(2, Retries + 1));

    public bool IsListed(string host) => AllowedHttpHosts.Contains(host, StringComparer.OrdinalIgnoreCase);
}
