using Microsoft.Extensions.Options;

namespace PrisonerReleaseTracker.Api.Features.Totals;

/// <summary>How often the totals' aggregates are folded.</summary>
public sealed class TotalsFoldOptions
{
    public const string Section = "Totals:Fold";

    /// <summary>Seconds between two folds; 0 turns the fold off (the answers stay exact, the deltas only pile up).</summary>
    public int IntervalSeconds { get; set; } = 30;
}

/// <summary>
/// Folds the totals' aggregates now and then (<see cref="AggregateSql"/>): where a day (a month, a claim) holds more rows than
/// keys, the rows of each key become one holding their sum, so that what a read sums stays about one row per key. A
/// write never waits for it, and it changes no answer: each fold is one statement, which a reader sees whole or not
/// at all. Two folds at once each take the rows they deleted first.
/// </summary>
public sealed class TotalsFold(IServiceScopeFactory scopes, IOptions<TotalsFoldOptions> options, ILogger<TotalsFold> logger) : BackgroundService
{
    private static readonly string[] Folds = [AggregateSql.FoldReleaseCounts, AggregateSql.FoldReleaseMonthCounts, AggregateSql.FoldVerifiedPersons, AggregateSql.FoldClaimCounts];

    /// <summary>Folds every aggregate once; returns the rows written back.</summary>
    public async Task<int> FoldAsync(CancellationToken ct)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var written = 0;
        foreach (var fold in Folds)
        {
            written += await db.Database.ExecuteSqlRawAsync(fold, ct);
        }

        return written;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.IntervalSeconds <= 0)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.IntervalSeconds));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await FoldAsync(stoppingToken);
                }
                catch (Exception e) when (e is Npgsql.NpgsqlException or InvalidOperationException or TimeoutException)
                {
                    // Nothing is lost: the deltas stay as they were, and the next fold takes them.
                    logger.LogWarning(e, "Folding the totals' aggregates failed; the next fold retries.");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
