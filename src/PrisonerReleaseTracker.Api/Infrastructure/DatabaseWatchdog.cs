using System.Data.Common;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;
using PrisonerReleaseTracker.Api.Data;

namespace PrisonerReleaseTracker.Api.Infrastructure;

/// <summary>
/// The watchdog's settings: after <c>Database:UnresponsiveAfterSeconds</c> (3) a request still running asks whether the
/// database answers at all (<c>SELECT 1</c> within <c>Database:ProbeTimeoutSeconds</c>, 1.5, asked twice before it counts
/// as silent); the answer to a request given up on says <c>Retry-After: Database:RetryAfterSeconds</c> (5).
/// </summary>
public sealed record DatabaseWatchdogOptions(TimeSpan UnresponsiveAfter, TimeSpan ProbeTimeout, int RetryAfterSeconds)
{
    public static DatabaseWatchdogOptions From(IConfiguration configuration) => new(
        TimeSpan.FromSeconds(configuration.GetValue("Database:UnresponsiveAfterSeconds", 3.0)),
        TimeSpan.FromSeconds(configuration.GetValue("Database:ProbeTimeoutSeconds", 1.5)),
        configuration.GetValue("Database:RetryAfterSeconds", 5));
}

/// <summary>
/// Whether the database answers at all: <c>SELECT 1</c> on a pool of its own (two connections, kept open, so that a busy
/// machine is not mistaken for a silent database because a new backend took long to start). A database is silent when
/// two attempts in a row get no answer in time (the first may pay for opening a connection; a connection broken by a
/// restart fails once). The command is sent without a token: cancelling it would send a cancel request that a silent
/// server does not serve, and wait for it; an attempt given up on ends by itself when the server answers again.
/// Concurrent callers share one probe, and its answer holds for a moment.
/// </summary>
public sealed partial class DatabaseProbe(IConfiguration configuration, DatabaseWatchdogOptions options, TimeProvider clock, ILogger<DatabaseProbe> logger)
{
    private static readonly TimeSpan AnswerHolds = TimeSpan.FromMilliseconds(500);
    private readonly Lock _gate = new();
    private readonly string _connectionString = new NpgsqlConnectionStringBuilder(DatabaseConnection.From(configuration))
    {
        Pooling = true,
        MinPoolSize = 1,
        MaxPoolSize = 2,
        ApplicationName = "prt-watchdog",
        Timeout = Math.Max(1, (int)Math.Ceiling(options.ProbeTimeout.TotalSeconds)),
        CommandTimeout = 0,
    }.ConnectionString;

    private Task<bool>? _probe;
    private DateTimeOffset _answeredAt;

    /// <summary>True when the server answered (an error from it is an answer too); false when it said nothing in time or could not be reached, twice.</summary>
    public Task<bool> AnswersAsync()
    {
        lock (_gate)
        {
            if (_probe is { } probe && (!probe.IsCompleted || clock.GetUtcNow() - _answeredAt < AnswerHolds))
            {
                return probe;
            }

            _probe = ProbeAsync();
            return _probe;
        }
    }

    private async Task<bool> ProbeAsync()
    {
        await Task.Yield();
        var answers = await AttemptAsync() || await AttemptAsync();
        lock (_gate)
        {
            _answeredAt = clock.GetUtcNow();
        }

        if (!answers)
        {
            LogSilent(logger, options.ProbeTimeout.TotalSeconds);
        }

        return answers;
    }

    private async Task<bool> AttemptAsync()
    {
        using var timeout = new CancellationTokenSource(options.ProbeTimeout);
        try
        {
            return await AskAsync(timeout.Token).WaitAsync(options.ProbeTimeout, clock);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException or NpgsqlException and not PostgresException)
        {
            return false;
        }
    }

    private async Task<bool> AskAsync(CancellationToken openTimeout)
    {
        try
        {
            await using var connection = new NpgsqlConnection(_connectionString);
            await connection.OpenAsync(openTimeout);
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync(CancellationToken.None);
            return true;
        }
        catch (PostgresException)
        {
            // "Too many clients", "the database is starting up": the server is there and says so.
            return true;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The database did not answer two probes of {Seconds} s each")]
    private static partial void LogSilent(ILogger logger, double seconds);
}

/// <summary>A write reached its <c>COMMIT</c> after its request was answered 503 (see <see cref="DatabaseWatchdogMiddleware"/>).</summary>
public sealed class DatabaseUnresponsiveException()
    : Exception("The request was answered 503 while it waited on the database: its transaction is rolled back.");

/// <summary>Request feature: whether the watchdog answered the request 503 while it still waited on the database.</summary>
public sealed class DatabaseWatch
{
    private volatile bool _givenUp;

    public bool GivenUp => _givenUp;

    public void GiveUp() => _givenUp = true;
}

/// <summary>
/// A database that stops answering (a paused server, a network that drops packets) must not hang the requests waiting
/// on it: neither the statement timeout (enforced by the server) nor the command timeout (30 s) helps there, and
/// cancelling a command sends the server a cancel request that a paused server does not serve either. So once a
/// request has run for <c>Database:UnresponsiveAfterSeconds</c> (and every such period after), the watchdog asks
/// <see cref="DatabaseProbe"/> whether the database answers at all; when it does not, and nothing of the answer was
/// sent yet, the request is answered 503 with <c>Retry-After</c> at once. What the request does after that reaches
/// no client: the watchdog waits for it to end (its context is not reused before) and drops what it throws, and its
/// transaction cannot commit (<see cref="CommitAfterAnswerGuard"/>). A request that is merely slow (a long export,
/// a query waiting behind a lock) keeps its own limits while the database answers.
/// </summary>
/// <remarks>
/// A write in its own transaction (every audited write) is rolled back if the answer was 503; only a statement that
/// commits by itself and had already reached the server may still be applied when the server continues. A 503 means
/// "not known to be done": a retry with the same <c>Idempotency-Key</c> (the imports) is the safe one.
/// </remarks>
public sealed partial class DatabaseWatchdogMiddleware(RequestDelegate next, DatabaseWatchdogOptions options, DatabaseProbe probe, TimeProvider clock,
    ILogger<DatabaseWatchdogMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var watch = new DatabaseWatch();
        // The server's own body: a middleware further in (the output cache) may put a stream of its own in front of it,
        // whose completion waits for the request's end; the answer given up on is completed on the server's.
        var body = context.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
        context.Features.Set(watch);
        var request = next(context);
        if (request.IsCompleted)
        {
            await request;
            return;
        }

        using var finished = new CancellationTokenSource();
        var silent = WatchAsync(finished.Token);
        if (await Task.WhenAny(request, silent) == request || !await silent || context.Response.HasStarted)
        {
            await finished.CancelAsync();
            await silent;
            await request;
            return;
        }

        watch.GiveUp();
        await ProblemWriter.WriteUnavailableAsync(context, options.RetryAfterSeconds, "The database is unavailable", "It stopped answering; try again shortly.");
        await body.CompleteAsync();
        try
        {
            await request;
        }
        catch (Exception e)
        {
            // The client has its answer; the request failing on the way out of the outage is expected, but not hidden.
            LogEndedAfterAnswer(logger, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A request answered 503 while the database was silent ended in an exception")]
    private static partial void LogEndedAfterAnswer(ILogger logger, Exception exception);

    /// <summary>
    /// True once the database fails to answer a probe while the request runs; false when the request ends first. The waits
    /// end without throwing when the request ends (almost every request ends before its first probe: an exception for each
    /// was a measurable share of the API's time on a read by id).
    /// </summary>
    private async Task<bool> WatchAsync(CancellationToken finished)
    {
        while (true)
        {
            await Task.Delay(options.UnresponsiveAfter, clock, finished).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (finished.IsCancellationRequested)
            {
                return false;
            }

            var answers = probe.AnswersAsync();
            await ((Task)answers.WaitAsync(finished)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (finished.IsCancellationRequested)
            {
                return false;
            }

            if (!await answers)
            {
                return true;
            }
        }
    }
}

/// <summary>Refuses the <c>COMMIT</c> of a request already answered 503 by <see cref="DatabaseWatchdogMiddleware"/>: the client was told it failed.</summary>
public sealed class CommitAfterAnswerGuard(IHttpContextAccessor accessor) : DbTransactionInterceptor
{
    public override InterceptionResult TransactionCommitting(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result) =>
        Unanswered() ? result : throw new DatabaseUnresponsiveException();

    public override ValueTask<InterceptionResult> TransactionCommittingAsync(DbTransaction transaction, TransactionEventData eventData,
        InterceptionResult result, CancellationToken cancellationToken = default) =>
        Unanswered() ? ValueTask.FromResult(result) : throw new DatabaseUnresponsiveException();

    private bool Unanswered() => accessor.HttpContext?.Features.Get<DatabaseWatch>() is not { GivenUp: true };
}
