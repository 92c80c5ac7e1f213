namespace PrisonerReleaseTracker.Api.Infrastructure;

/// <summary>
/// Writes a problem outside MVC (middleware, authentication, status-code pages, the exception handler). The status
/// is always the right one; the body is problem details where the client accepts JSON, else a line of plain text:
/// a browser asking for a page that does not exist gets a 404 it can show, never an empty 500.
/// </summary>
public static class ProblemWriter
{
    public static async Task WriteAsync(HttpContext context, ProblemDetails problem, Exception? exception = null)
    {
        context.Response.StatusCode = problem.Status ?? context.Response.StatusCode;
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        if (await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = exception }))
        {
            return;
        }

        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync($"{context.Response.StatusCode} {problem.Title}\n", context.RequestAborted);
    }

    /// <summary>A 503 the client should retry after <paramref name="retryAfterSeconds"/>; never stored by a cache.</summary>
    public static Task WriteUnavailableAsync(HttpContext context, int retryAfterSeconds, string title, string detail)
    {
        context.Response.Headers.RetryAfter = retryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        context.Response.Headers.CacheControl = "no-store";
        return WriteAsync(context, new ProblemDetails { Status = StatusCodes.Status503ServiceUnavailable, Title = title, Detail = detail });
    }
}
