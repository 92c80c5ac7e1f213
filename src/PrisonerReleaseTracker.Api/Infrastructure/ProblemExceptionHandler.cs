using System.Diagnostics;
using Microsoft.AspNetCore.Diagnostics;
using Npgsql;

namespace PrisonerReleaseTracker.Api.Infrastructure;

/// <summary>
/// Turns every exception into problem details: a broken domain rule is a 409 titled by the rule, a lost
/// race is a 409, a database that does not answer is a 503, anything else a bare 500 with the trace id.
/// Never a stack trace, never SQL.
/// </summary>
public sealed partial class ProblemExceptionHandler(ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var problem = Describe(exception);
        if (problem.Status >= StatusCodes.Status500InternalServerError)
        {
            LogUnexpected(logger, exception.GetType().Name, problem.Status.Value, exception);
        }

        httpContext.Response.StatusCode = problem.Status!.Value;
        if (problem.Status == StatusCodes.Status503ServiceUnavailable)
        {
            httpContext.Response.Headers.RetryAfter = httpContext.RequestServices.GetRequiredService<DatabaseWatchdogOptions>()
                .RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        }

        await ProblemWriter.WriteAsync(httpContext, problem, exception);
        return true;
    }

    private static ProblemDetails Describe(Exception exception) => exception switch
    {
        DomainRuleException rule => Problem(StatusCodes.Status409Conflict, rule.Rule, rule.Message),
        DbUpdateConcurrencyException => Problem(StatusCodes.Status409Conflict, "The record was changed by a concurrent request",
            "Read it again and retry."),
        DbUpdateException { InnerException: PostgresException pg } => FromPostgres(pg),
        PostgresException pg => FromPostgres(pg),
        // EF Core wraps what it takes for a transient failure (a deadlock, a serialization failure) in an
        // InvalidOperationException: the database's own answer inside is what the client is told about.
        InvalidOperationException { InnerException: DbUpdateException or PostgresException } wrapped => Describe(wrapped.InnerException!),
        BadHttpRequestException bad => Problem(bad.StatusCode,
            bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? "The request body is too large" : "The request is malformed", null),
        NpgsqlException or TimeoutException or InvalidOperationException { InnerException: NpgsqlException or TimeoutException } =>
            Problem(StatusCodes.Status503ServiceUnavailable, "The database is unavailable", "Try again shortly."),
        _ => Problem(StatusCodes.Status500InternalServerError, "An unexpected error occurred", null),
    };

    private static ProblemDetails FromPostgres(PostgresException pg) => pg.SqlState switch
    {
        PostgresErrorCodes.UniqueViolation => Problem(StatusCodes.Status409Conflict,
            "The record conflicts with one recorded concurrently or before", null),
        PostgresErrorCodes.ForeignKeyViolation => Problem(StatusCodes.Status400BadRequest, "A referenced record does not exist", null),
        PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected => Problem(StatusCodes.Status409Conflict,
            "The record was changed by a concurrent request", "Read it again and retry."),
        // A server at its connection limit (53300, "too many clients") is unavailable for now, as one starting up.
        PostgresErrorCodes.QueryCanceled or PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CannotConnectNow
            or PostgresErrorCodes.TooManyConnections =>
            Problem(StatusCodes.Status503ServiceUnavailable, "The database is unavailable", "Try again shortly."),
        _ => Problem(StatusCodes.Status500InternalServerError, "An unexpected error occurred", null),
    };

    private static ProblemDetails Problem(int status, string title, string? detail) => new() { Status = status, Title = title, Detail = detail };

    [LoggerMessage(Level = LogLevel.Error, Message = "Request failed with {ExceptionType}, answered {Status}")]
    private static partial void LogUnexpected(ILogger logger, string exceptionType, int status, Exception exception);
}

/// <summary>Adds the trace id to every problem, so a caller can quote it and we can find the log lines.</summary>
public static class ProblemDetailsSetup
{
    public static IServiceCollection AddApiProblemDetails(this IServiceCollection services)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Extensions["traceId"] = Activity.Current?.Id ?? context.HttpContext.TraceIdentifier;
            context.ProblemDetails.Instance ??= context.HttpContext.Request.Path;
        });
        services.AddExceptionHandler<ProblemExceptionHandler>();
        return services;
    }
}
