using System.Diagnostics;

namespace PrisonerReleaseTracker.Api.Infrastructure;

/// <summary>
/// One log line per request: method, route template, status, time and trace id. Never the path's values
/// beyond the template, the query string or the body: a name in <c>q</c> is personal data. An answer the cache
/// replayed is written at Debug: a busy cache would otherwise fill the log with lines that say nothing new.
/// </summary>
public sealed partial class RequestLoggingMiddleware(RequestDelegate next, ILogger<RequestLoggingMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            var level = AnswerCache.Hit.On(context) ? LogLevel.Debug : LogLevel.Information;
            if (logger.IsEnabled(level))
            {
                var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "(no route)";
                LogRequest(logger, level, context.Request.Method, route, context.Response.StatusCode,
                    Stopwatch.GetElapsedTime(started).TotalMilliseconds, Activity.Current?.TraceId.ToString() ?? context.TraceIdentifier);
            }
        }
    }

    [LoggerMessage(Message = "HTTP {Method} {Route} answered {Status} in {ElapsedMs:0.0} ms (trace {TraceId})")]
    private static partial void LogRequest(ILogger logger, LogLevel level, string method, string route, int status, double elapsedMs, string traceId);
}
