using System.Security.Cryptography;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace PrisonerReleaseTracker.Api.Infrastructure;

/// <summary>The settings of the answers cache (<c>Caching:Totals:*</c>), read once.</summary>
public sealed record AnswerCacheOptions
{
    public const string Section = "Caching:Totals";

    /// <summary>Whether whole answers are kept at all.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>How long an answer is kept at most, even while the data version stands.</summary>
    public int Seconds { get; init; } = 300;

    /// <summary>How long clients and proxies may reuse an answer without asking (<c>Cache-Control: max-age</c>).</summary>
    public int MaxAgeSeconds { get; init; } = 15;
}

/// <summary>
/// The one cache of the totals: whole answers replayed by the output cache middleware before MVC runs, keyed by the
/// path, the whole query string and the data version, so no answer outlives a write (a backdated decision included).
/// Concurrent misses for the same key wait for one computation. A hit still passes the rate limiter (its headers are this
/// client's) and answers 304 to an <c>If-None-Match</c> naming its ETag; it is logged at Debug, not Information
/// (<see cref="Hit"/>). The cache stands before request timeouts, authorization and the request budget, which a kept
/// answer does not need: so only answers anyone may read are kept (endpoints marked <c>AllowAnonymous</c>). Measured
/// against a cache of serialized answers inside the action: the middleware serves a hit without routing to MVC,
/// binding or validating.
/// </summary>
public static class AnswerCache
{
    public const string Policy = "ByDataVersion";

    public static IServiceCollection AddAnswerCache(this IServiceCollection services)
    {
        services.AddOptions<AnswerCacheOptions>().BindConfiguration(AnswerCacheOptions.Section);
        services.AddOutputCache(options => options.AddPolicy(Policy, new DataVersionCachePolicy()));
        return services;
    }

    /// <summary>Set on a request the cache answered from a kept answer; the request log writes such a request at Debug.</summary>
    public sealed class Hit
    {
        public static readonly Hit Instance = new();

        private Hit()
        {
        }

        public static bool On(HttpContext http) => http.Features.Get<Hit>() is not null;
    }

    /// <summary>The same keying by data version inside another policy (the public page varies its entries further).</summary>
    public static OutputCachePolicyBuilder ByDataVersion(this OutputCachePolicyBuilder policy) => policy.AddPolicy<DataVersionCachePolicy>();

    /// <summary>
    /// Writes a whole answer as the cache keeps it: an ETag (a hash of the bytes) and <c>Cache-Control: public, max-age</c>
    /// from the settings; 304 when the client holds the same bytes.
    /// </summary>
    public static async Task WriteAsync(HttpContext http, byte[] body, string contentType)
    {
        var response = http.Response;
        var etag = $"\"{Convert.ToHexStringLower(SHA256.HashData(body))[..32]}\"";
        response.Headers.ETag = etag;
        response.Headers.CacheControl = $"public, max-age={http.RequestServices.GetRequiredService<IOptions<AnswerCacheOptions>>().Value.MaxAgeSeconds}";
        var ifNoneMatch = http.Request.GetTypedHeaders().IfNoneMatch;
        if (ifNoneMatch.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || tag.Compare(new EntityTagHeaderValue(etag), useStrongComparison: false)))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        response.ContentType = contentType;
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, http.RequestAborted);
    }

    internal sealed class DataVersionCachePolicy : IOutputCachePolicy
    {
        async ValueTask IOutputCachePolicy.CacheRequestAsync(OutputCacheContext context, CancellationToken cancellation)
        {
            var services = context.HttpContext.RequestServices;
            var settings = services.GetRequiredService<IOptions<AnswerCacheOptions>>().Value;
            // The cache answers before authorization: an answer that needs a key is never kept.
            if (!settings.Enabled || !HttpMethods.IsGet(context.HttpContext.Request.Method)
                || context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<IAllowAnonymous>() is null)
            {
                return;
            }

            var version = await services.GetRequiredService<DataVersion>().CurrentAsync(cancellation);
            context.EnableOutputCaching = true;
            context.AllowCacheLookup = true;
            context.AllowCacheStorage = true;
            context.AllowLocking = true;
            context.CacheVaryByRules.QueryKeys = "*";
            context.CacheVaryByRules.VaryByValues["dataVersion"] = version.ToString(CultureInfo.InvariantCulture);
            context.ResponseExpirationTimeSpan = TimeSpan.FromSeconds(settings.Seconds);
        }

        ValueTask IOutputCachePolicy.ServeFromCacheAsync(OutputCacheContext context, CancellationToken cancellation)
        {
            context.HttpContext.Features.Set(Hit.Instance);
            return ValueTask.CompletedTask;
        }

        ValueTask IOutputCachePolicy.ServeResponseAsync(OutputCacheContext context, CancellationToken cancellation)
        {
            // The answer is being computed after all (a kept one that was not served): not a hit.
            context.HttpContext.Features.Set<Hit?>(null);
            // Only whole answers are kept: not a 304 (its client holds the bytes), a 400 or a 503.
            if (context.HttpContext.Response.StatusCode != StatusCodes.Status200OK)
            {
                context.AllowCacheStorage = false;
            }

            return ValueTask.CompletedTask;
        }
    }
}

/// <summary>
/// A JSON answer written as the answers cache keeps it (<see cref="AnswerCache.WriteAsync"/>): with an ETag and
/// <c>Cache-Control</c>, 304 when the client holds the same bytes. The output cache replays it with its headers.
/// </summary>
public sealed class CacheableJsonResult(object value) : IActionResult
{
    public Task ExecuteResultAsync(ActionContext context)
    {
        var options = context.HttpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.JsonSerializerOptions;
        return AnswerCache.WriteAsync(context.HttpContext, JsonSerializer.SerializeToUtf8Bytes(value, value.GetType(), options), "application/json; charset=utf-8");
    }
}
