using System.Globalization;
using Microsoft.AspNetCore.OutputCaching;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using PrisonerReleaseTracker.Api.Data;

namespace PrisonerReleaseTracker.Api.Infrastructure;

/// <summary>
/// Serialized answers kept in the process, keyed by the full query and the data version, so a burst of
/// identical reads costs one database query until the next write. Every write moves the version, so no
/// answer outlives the data it was computed from; entries also expire on their own as a safety net.
/// </summary>
public sealed class ResponseCache(IMemoryCache cache, DataVersion version, IOptions<JsonOptions> json, IConfiguration configuration)
{
    public const int MaxEntries = 10_000;

    private readonly bool _enabled = configuration.GetValue("Caching:Totals:Enabled", true);
    private readonly TimeSpan _lifetime = TimeSpan.FromSeconds(configuration.GetValue("Caching:Totals:Seconds", 300));
    private readonly int _maxAgeSeconds = configuration.GetValue("Caching:Totals:MaxAgeSeconds", 15);

    public async Task<IActionResult> GetOrComputeAsync<T>(HttpContext http, string key, Func<Task<T>> compute)
    {
        var entry = _enabled
            ? await cache.GetOrCreateAsync($"{key}|v{await version.CurrentAsync(http.RequestAborted)}", async item =>
            {
                item.Size = 1;
                item.AbsoluteExpirationRelativeToNow = _lifetime;
                return Serialize(await compute());
            })
            : Serialize(await compute());
        return new CachedJsonResult(entry!, _maxAgeSeconds);
    }

    private Entry Serialize<T>(T value)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(value, json.Value.JsonSerializerOptions);
        return new Entry(body, $"\"{Convert.ToHexStringLower(SHA256.HashData(body))[..32]}\"");
    }

    private sealed record Entry(byte[] Body, string ETag);

    /// <summary>Answers 304 when the client holds the same bytes, else the bytes, with ETag and Cache-Control either way.</summary>
    private sealed class CachedJsonResult(Entry entry, int maxAgeSeconds) : IActionResult
    {
        public async Task ExecuteResultAsync(ActionContext context)
        {
            var response = context.HttpContext.Response;
            response.Headers.ETag = entry.ETag;
            response.Headers.CacheControl = $"public, max-age={maxAgeSeconds}";
            var ifNoneMatch = context.HttpContext.Request.GetTypedHeaders().IfNoneMatch;
            if (ifNoneMatch.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || tag.Compare(new EntityTagHeaderValue(entry.ETag), useStrongComparison: false)))
            {
                response.StatusCode = StatusCodes.Status304NotModified;
                return;
            }

            response.ContentType = "application/json; charset=utf-8";
            response.ContentLength = entry.Body.Length;
            await response.Body.WriteAsync(entry.Body, context.HttpContext.RequestAborted);
        }
    }
}

/// <summary>
/// Whole answers of the totals endpoints, replayed by the output cache middleware before MVC runs: keyed by the
/// path, the whole query string and the data version, so no answer outlives a write (a backdated decision included).
/// Concurrent misses for the same key wait for one computation. A hit still passes the rate limiter and is logged.
/// </summary>
public sealed class DataVersionCachePolicy : IOutputCachePolicy
{
    public const string Name = "ByDataVersion";

    private Settings? _settings;

    async ValueTask IOutputCachePolicy.CacheRequestAsync(OutputCacheContext context, CancellationToken cancellation)
    {
        // Read once, from the first request's services (the policy is built before the configuration is final).
        var settings = _settings ??= Settings.From(context.HttpContext.RequestServices.GetRequiredService<IConfiguration>());
        if (!settings.Enabled || !HttpMethods.IsGet(context.HttpContext.Request.Method))
        {
            return;
        }

        var version = await context.HttpContext.RequestServices.GetRequiredService<DataVersion>().CurrentAsync(cancellation);
        context.EnableOutputCaching = true;
        context.AllowCacheLookup = true;
        context.AllowCacheStorage = true;
        context.AllowLocking = true;
        context.CacheVaryByRules.QueryKeys = "*";
        context.CacheVaryByRules.VaryByValues["dataVersion"] = version.ToString(CultureInfo.InvariantCulture);
        context.ResponseExpirationTimeSpan = settings.Lifetime;
    }

    private sealed record Settings(bool Enabled, TimeSpan Lifetime)
    {
        public static Settings From(IConfiguration configuration) => new(
            configuration.GetValue("Caching:Totals:Enabled", true), TimeSpan.FromSeconds(configuration.GetValue("Caching:Totals:Seconds", 300)));
    }

    ValueTask IOutputCachePolicy.ServeFromCacheAsync(OutputCacheContext context, CancellationToken cancellation) => ValueTask.CompletedTask;

    ValueTask IOutputCachePolicy.ServeResponseAsync(OutputCacheContext context, CancellationToken cancellation)
    {
        // Only whole answers are kept: not a 304 (its client holds the bytes), a 400 or a 503.
        if (context.HttpContext.Response.StatusCode != StatusCodes.Status200OK)
        {
            context.AllowCacheStorage = false;
        }

        return ValueTask.CompletedTask;
    }
}
