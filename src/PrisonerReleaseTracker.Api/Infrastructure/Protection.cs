using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace PrisonerReleaseTracker.Api.Infrastructure;

/// <summary>
/// What keeps the API safe on the open internet: rate limits per client address or per key, a body size
/// limit, request timeouts, security headers and CORS only where configured.
/// </summary>
public static class Protection
{
    public const long DefaultBodyLimit = 1024 * 1024;
    public const string LongRunning = "LongRunning";

    public static IServiceCollection AddApiProtection(this IServiceCollection services, IConfiguration configuration)
    {
        var anonymous = Window(configuration, "Anonymous", permits: 600, seconds: 60);
        var keyed = Window(configuration, "Keyed", permits: 3000, seconds: 60);
        var enabled = configuration.GetValue("RateLimiting:Enabled", true);
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                !enabled || context.Request.Path.StartsWithSegments("/health")
                    ? RateLimitPartition.GetNoLimiter("unlimited")
                    : Caller.From(context.User) is { } caller
                        ? RateLimitPartition.GetFixedWindowLimiter($"key:{caller.KeyId}", _ => keyed)
                        : RateLimitPartition.GetFixedWindowLimiter($"ip:{context.Connection.RemoteIpAddress}", _ => anonymous));
            options.OnRejected = async (rejected, ct) =>
            {
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : anonymous.Window;
                rejected.HttpContext.Response.Headers.RetryAfter = Math.Ceiling(retryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
                await WriteProblemAsync(rejected.HttpContext, StatusCodes.Status429TooManyRequests, "Too many requests",
                    "Slow down; the Retry-After header says when to try again.");
            };
        });

        var timeout = TimeSpan.FromSeconds(configuration.GetValue("Limits:RequestTimeoutSeconds", 30));
        services.AddRequestTimeouts(options =>
        {
            options.DefaultPolicy = new RequestTimeoutPolicy { Timeout = timeout, TimeoutStatusCode = StatusCodes.Status503ServiceUnavailable };
            options.AddPolicy(LongRunning, new RequestTimeoutPolicy { Timeout = TimeSpan.FromMinutes(30), TimeoutStatusCode = StatusCodes.Status503ServiceUnavailable });
        });

        var origins = configuration.GetSection("Cors:AllowedOrigins").Get<string[]>() ?? [];
        if (origins.Length > 0)
        {
            services.AddCors(options => options.AddDefaultPolicy(policy => policy.WithOrigins(origins)
                .WithMethods("GET", "POST", "PUT", "DELETE").WithHeaders("X-Api-Key", "Content-Type", "If-Match", "If-None-Match", "Idempotency-Key")
                .WithExposedHeaders("ETag", "Location", "Retry-After")));
        }

        return services;
    }

    /// <summary>Headers every answer carries: no sniffing, no framing, no referrer.</summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        context.Response.Headers.XContentTypeOptions = "nosniff";
        context.Response.Headers.XFrameOptions = "DENY";
        context.Response.Headers["Referrer-Policy"] = "no-referrer";
        return next(context);
    });

    /// <summary>
    /// Bodies above 1 MB are refused with 413, unless the endpoint declares its own limit (the import does).
    /// A declared length is refused before reading; Kestrel enforces the same limit on streamed bodies.
    /// </summary>
    public static IApplicationBuilder UseBodySizeLimit(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var limit = context.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize ?? DefaultBodyLimit;
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = limit;
        }

        if (context.Request.ContentLength > limit)
        {
            await WriteProblemAsync(context, StatusCodes.Status413PayloadTooLarge, "The request body is too large",
                $"At most {limit.ToString(CultureInfo.InvariantCulture)} bytes.");
            return;
        }

        await next(context);
    });

    public static IApplicationBuilder UseConfiguredCors(this WebApplication app) =>
        app.Configuration.GetSection("Cors:AllowedOrigins").Get<string[]>() is { Length: > 0 } ? app.UseCors() : app;

    private static async Task WriteProblemAsync(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        });
    }

    private static FixedWindowRateLimiterOptions Window(IConfiguration configuration, string who, int permits, int seconds) => new()
    {
        PermitLimit = configuration.GetValue($"RateLimiting:{who}:PermitLimit", permits),
        Window = TimeSpan.FromSeconds(configuration.GetValue($"RateLimiting:{who}:WindowSeconds", seconds)),
        QueueLimit = 0,
        AutoReplenishment = true,
    };
}
