using Microsoft.Extensions.Options;
using Npgsql;

namespace PrisonerReleaseTracker.Api.Features.Webhooks;

/// <summary>Wakes the dispatcher's workers: on a notification from PostgreSQL, or from this process (a redelivery).</summary>
public sealed class WebhookSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Pulse() => Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>Returns at the next pulse, or after <paramref name="timeout"/>.</summary>
    public async Task WaitAsync(TimeSpan timeout, CancellationToken ct)
    {
        try
        {
            await Volatile.Read(ref _next).Task.WaitAsync(timeout, ct);
        }
        catch (TimeoutException)
        {
        }
    }
}

/// <summary>
/// Listens on PostgreSQL's channel <see cref="Channel"/>, which a trigger on <c>webhook_deliveries</c> notifies after
/// every insert. Notifications are sent at commit and reach every instance, so a change is sent within milliseconds
/// of its commit whichever instance made it; polling (<c>Webhooks:PollInterval</c>) covers retries and lost connections.
/// </summary>
public sealed class WebhookListener(WebhookSignal signal, IConfiguration configuration, IOptions<WebhookOptions> options, ILogger<WebhookListener> logger)
    : BackgroundService
{
    public const string Channel = "prt_webhook_deliveries";
    public const string NotifyTrigger = "webhook_deliveries_notify";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // A connection of its own, out of the pool: it stays in LISTEN for the life of the process.
        var connectionString = new NpgsqlConnectionStringBuilder(DatabaseConnection.From(configuration)) { Pooling = false, KeepAlive = 30 }.ConnectionString;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(stoppingToken);
                connection.Notification += (_, _) => signal.Pulse();
                await using (var listen = new NpgsqlCommand(WebhookSql.Listen, connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                signal.Pulse(); // whatever was written while nobody listened
                while (true)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A listener that stopped would stop the host (BackgroundService): it reconnects instead.
            catch (Exception e)
#pragma warning restore CA1031
            {
                // With the exception: most often a lost connection, but a fault of another kind must be findable too.
                logger.LogWarning(e, "Webhook listener stopped listening ({Error}); polling until it is back.", e.GetType().Name);
                await signal.WaitAsync(options.Value.PollInterval * 5, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }
}
