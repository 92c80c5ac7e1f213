using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Http.Timeouts;

namespace PrisonerReleaseTracker.Api.Infrastructure;

/// <summary>
/// What keeps the API safe on the open internet: rate limits per client address or per key (<see cref="RateLimiter"/>), a body size
/// limit, request timeouts, security headers and CORS only where configured.
/// </summary>
public static class Protection
{
    public const long DefaultBodyLimit = 1024 * 1024;
    public const string LongRunning = "LongRunning";

    public static IServiceCollection AddApiProtection(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<RateLimiter>();

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
                .WithExposedHeaders("ETag", "Location", "Retry-After", "Cache-Control", "Idempotent-Replayed", "Content-Disposition",
                    RateLimitingMiddleware.PolicyHeader, RateLimitingMiddleware.StateHeader)));
        }

        return services;
    }

    /// <summary>
    /// Headers every answer carries: no sniffing, no framing, no referrer. An endpoint with a <see cref="ContentSecurityPolicy"/>
    /// (the public page) gets that policy, and may be framed only if it says so (decided as the answer starts, when the
    /// endpoint is known, cached answers included).
    /// </summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        context.Response.Headers.XContentTypeOptions = "nosniff";
        context.Response.Headers["Referrer-Policy"] = "no-referrer";
        context.Response.OnStarting(() =>
        {
            var policy = context.GetEndpoint()?.Metadata.GetMetadata<ContentSecurityPolicy>();
            if (policy is not null)
            {
                context.Response.Headers.ContentSecurityPolicy = policy.Value;
            }

            if (policy is not { AllowFraming: true })
            {
                context.Response.Headers.XFrameOptions = "DENY";
            }

            return Task.CompletedTask;
        });
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

    private static Task WriteProblemAsync(HttpContext context, int status, string title, string detail) =>
        ProblemWriter.WriteAsync(context, new ProblemDetails { Status = status, Title = title, Detail = detail });
}

/// <summary>Endpoint metadata: the <c>Content-Security-Policy</c> an HTML answer carries, and whether other sites may frame it.</summary>
/// <param name="Value">The header's value.</param>
/// <param name="AllowFraming">Whether to leave out <c>X-Frame-Options: DENY</c> (the policy's <c>frame-ancestors</c> then decides).</param>
public sealed record ContentSecurityPolicy(string Value, bool AllowFraming);
